"""Pages of the knowledge base: search, scripts, articles, reviews, peaks.

``script_panel`` and ``announcements_panel`` are fragments without page chrome
for the agent desk to embed (htmx).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from infoline.accounts.models import Department
from infoline.accounts.permissions import has_action, require_action
from infoline.journal.models import Topic
from infoline.knowledge import services
from infoline.knowledge.access import (
    access_article,
    access_attachment,
    can_edit_article,
)
from infoline.knowledge.choices import ArticleCategory, ScriptStatus, SearchKind
from infoline.knowledge.forms import (
    AnnouncementForm,
    ArticleForm,
    AttachmentForm,
    ReviewForm,
    ScriptForm,
)
from infoline.knowledge.models import (
    AnswerScript,
    KnowledgeArticle,
    PeakAnnouncement,
    ScriptVersion,
)
from infoline.lib.http import AuthedHttpRequest

REVIEW_WINDOW_DAYS = 14


def _kinds(request: AuthedHttpRequest) -> list[str]:
    kind = request.GET.get("kind", "")
    return [kind] if kind in SearchKind.values else list(SearchKind.values)


def _search_context(request: AuthedHttpRequest) -> dict[str, Any]:
    query = request.GET.get("q", "")
    hits = services.search_knowledge(query, _kinds(request)) if query.strip() else []
    return {"query": query, "hits": hits, "kind": request.GET.get("kind", "")}


@require_GET
@require_action("knowledge.view")
def search(request: AuthedHttpRequest) -> HttpResponse:
    """The knowledge search page: scripts and articles as you type (J3, K4)."""
    context = _search_context(request)
    context.update(
        {
            "browse": services.topics_with_scripts().filter(current__isnull=False)[:40]
            if not context["query"].strip()
            else [],
            "offices": Department.objects.filter(is_local_office=True)
            if not context["query"].strip()
            else [],
            "announcements": services.list_announcements(limit=5),
            "kinds": SearchKind.choices,
            "categories": ArticleCategory.choices,
            "may_edit": has_action(request.user, "knowledge.edit"),
            "my_reviews_due": services.list_reviews_due(
                request.user, REVIEW_WINDOW_DAYS
            ).count()
            if has_action(request.user, "knowledge.edit")
            else 0,
        }
    )
    return render(request, "knowledge/search.html", context)


@require_GET
@require_action("knowledge.view")
def search_results(request: AuthedHttpRequest) -> HttpResponse:
    """The htmx fragment answering as the user types."""
    return render(request, "knowledge/_results.html", _search_context(request))


# --- scripts --------------------------------------------------------------------


@require_GET
@require_action("knowledge.view")
def script_list(request: AuthedHttpRequest) -> HttpResponse:
    """Every topic's script, with drafts awaiting approval for editors."""
    may_edit = has_action(request.user, "knowledge.edit")
    pending = (
        ScriptVersion.objects.filter(status=ScriptStatus.DRAFT)
        .select_related("script__topic", "author")
        .order_by("created_at")
        if may_edit
        else ScriptVersion.objects.none()
    )
    return render(
        request,
        "knowledge/script_list.html",
        {
            "scripts": services.topics_with_scripts(),
            "pending": pending,
            "may_edit": may_edit,
            "may_approve": has_action(request.user, "knowledge.approve"),
        },
    )


@require_GET
@require_action("knowledge.view")
def script_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The script in force (or, for editors, any version) with tier-2 people (J3, J4)."""
    script = get_object_or_404(AnswerScript.objects.select_related("topic"), pk=pk)
    may_edit = has_action(request.user, "knowledge.edit")
    versions = list(
        script.versions.select_related("author", "approved_by").order_by("-number")
    )
    version = script.current
    wanted = request.GET.get("v", "")
    if wanted.isdigit() and may_edit:
        version = next((v for v in versions if v.number == int(wanted)), None)
        if version is None:
            raise Http404
    if version is None and not may_edit:
        raise Http404
    if version is None and versions:
        version = versions[0]
    tier2 = services.tier2_for(version) if version is not None else None
    return render(
        request,
        "knowledge/script_detail.html",
        {
            "script": script,
            "version": version,
            "tier2": tier2,
            "versions": versions if may_edit else [],
            "may_edit": may_edit,
            "may_approve": has_action(request.user, "knowledge.approve"),
        },
    )


def _script_form_view(
    request: AuthedHttpRequest, script: AnswerScript | None
) -> HttpResponse:
    fixed_topic = script.topic if script is not None else None
    initial: dict[str, Any] = {}
    if script is not None:
        base = script.versions.order_by("-number").first()
        if base is not None:
            initial = {
                "title": base.title,
                "body": base.body,
                "keywords": base.keywords,
                "specialists": list(base.specialists.values_list("pk", flat=True)),
                "departments": list(base.departments.values_list("pk", flat=True)),
            }
    elif request.GET.get("topic", "").isdigit():
        initial["topic"] = int(request.GET["topic"])
    form = ScriptForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        fixed_topic=fixed_topic,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.save_script_draft(
                request.user,
                data["topic"],
                title=data["title"],
                body=data["body"],
                keywords=data["keywords"],
                specialists=data["specialists"],
                departments=data["departments"],
                change_note=data["change_note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Version %(number)s is saved as a draft; it is in force once approved."
                )
                % {"number": version.number},
            )
            return redirect(f"{version.script.get_absolute_url()}?v={version.number}")
    return render(
        request, "knowledge/script_form.html", {"form": form, "script": script}
    )


@require_action("knowledge.edit")
def script_new(request: AuthedHttpRequest) -> HttpResponse:
    return _script_form_view(request, None)


@require_action("knowledge.edit")
def script_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    script = get_object_or_404(AnswerScript.objects.select_related("topic"), pk=pk)
    return _script_form_view(request, script)


@require_POST
@require_action("knowledge.approve")
def script_approve(request: AuthedHttpRequest, pk: int, number: int) -> HttpResponse:
    version = get_object_or_404(ScriptVersion, script_id=pk, number=number)
    try:
        services.approve_script_version(request.user, version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{version.script.get_absolute_url()}?v={number}")
    messages.success(
        request, _("Version %(number)s is now in force.") % {"number": number}
    )
    return redirect(version.script.get_absolute_url())


@require_POST
@require_action("knowledge.approve")
def script_return(request: AuthedHttpRequest, pk: int, number: int) -> HttpResponse:
    """Send a draft back to its author with the reason (J3)."""
    version = get_object_or_404(ScriptVersion, script_id=pk, number=number)
    try:
        services.return_script_version(
            request.user, version, request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Version %(number)s went back to its author.") % {"number": number},
        )
    return redirect(f"{version.script.get_absolute_url()}?v={number}")


@require_GET
@require_action("knowledge.view")
def script_panel(request: AuthedHttpRequest, topic_id: int) -> HttpResponse:
    """Fragment for the desk: the recommended script and tier-2 people (J3, J4)."""
    topic = get_object_or_404(
        Topic.objects.select_related("parent__parent__parent"), pk=topic_id
    )
    version = services.recommended_script(topic.pk)
    return render(
        request,
        "knowledge/_script_panel.html",
        {
            "topic": topic,
            "version": version,
            "tier2": services.tier2_for(version) if version is not None else None,
        },
    )


# --- articles -------------------------------------------------------------------


@require_GET
@require_action("knowledge.view")
def article_list(request: AuthedHttpRequest) -> HttpResponse:
    """Articles and local-office pages by category and office; overdue ones flagged."""
    category = request.GET.get("category", "")
    office = request.GET.get("office", "")
    articles = KnowledgeArticle.objects.select_related("owner", "office").annotate(
        files=Count("attachments")
    )
    if not has_action(request.user, "knowledge.edit"):
        articles = articles.filter(active=True)
    if category in ArticleCategory.values:
        articles = articles.filter(category=category)
    if office.isdigit():
        articles = articles.filter(office_id=int(office))
    elif office == "national":
        articles = articles.filter(office__isnull=True)
    return render(
        request,
        "knowledge/article_list.html",
        {
            "articles": articles.order_by("office__name", "category", "title")[:300],
            "categories": ArticleCategory.choices,
            "offices": Department.objects.filter(is_local_office=True),
            "category": category,
            "office": office,
            "today": timezone.localdate(),
            "may_edit": has_action(request.user, "knowledge.edit"),
        },
    )


@require_GET
@require_action("knowledge.view")
def article_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    article = access_article(request.user, pk)
    may_edit = can_edit_article(request.user, article)
    return render(
        request,
        "knowledge/article_detail.html",
        {
            "article": article,
            "attachments": article.attachments.all(),
            "may_edit": may_edit,
            "review_form": ReviewForm(),
            "attachment_form": AttachmentForm(),
        },
    )


def _article_form_view(
    request: AuthedHttpRequest, article: KnowledgeArticle | None
) -> HttpResponse:
    initial: dict[str, Any] = {}
    if article is None:
        initial = {
            "owner": request.user.pk,
            "review_by": timezone.localdate() + datetime.timedelta(days=180),
        }
        employee = getattr(request.user, "employee", None)
        if employee is not None and employee.department.is_local_office:
            initial["office"] = employee.department_id
    form = ArticleForm(
        request.POST if request.method == "POST" else None,
        instance=article,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        candidate = form.instance
        if article is None and not can_edit_article(request.user, candidate):
            form.add_error(
                "office",
                _("You can write pages for your own office, or articles you own."),
            )
        else:
            try:
                saved = services.save_article(request.user, candidate)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The article is saved."))
                return redirect(saved.get_absolute_url())
    return render(
        request, "knowledge/article_form.html", {"form": form, "article": article}
    )


@require_action("knowledge.edit")
def article_new(request: AuthedHttpRequest) -> HttpResponse:
    return _article_form_view(request, None)


@require_action("knowledge.edit")
def article_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _article_form_view(request, access_article(request.user, pk, edit=True))


@require_POST
@require_action("knowledge.edit")
def article_reviewed(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The owner confirms the article is current (K4: kept current)."""
    article = access_article(request.user, pk, edit=True)
    form = ReviewForm(request.POST)
    if form.is_valid():
        services.mark_article_reviewed(
            request.user, article, form.cleaned_data["next_review"]
        )
        messages.success(
            request,
            _("Reviewed; the next review is due by %(date)s.")
            % {"date": article.review_by.isoformat()},
        )
    else:
        messages.error(request, " ".join(str(e) for e in form.errors["next_review"]))
    return redirect(article.get_absolute_url())


@require_POST
@require_action("knowledge.edit")
def attachment_upload(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    article = access_article(request.user, pk, edit=True)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["file"]))
        return redirect(article.get_absolute_url())
    try:
        attachment = services.attach_file(
            request.user, article, form.cleaned_data["file"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("“%(name)s” is attached.") % {"name": attachment.name}
        )
    return redirect(article.get_absolute_url())


@require_GET
@require_action("knowledge.view")
def attachment_download(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Serve an attachment to whoever may read its article (never by the web server)."""
    attachment = access_attachment(request.user, pk)
    # Attachments are at most a few megabytes (services.MAX_ATTACHMENT_BYTES).
    with attachment.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.name
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@require_action("knowledge.edit")
def reviews_due(request: AuthedHttpRequest) -> HttpResponse:
    """Articles the user owns that are due for review; leads see everyone's overdue."""
    everyone = (
        services.list_reviews_due(None, 0).exclude(owner=request.user)
        if has_action(request.user, "knowledge.approve")
        else KnowledgeArticle.objects.none()
    )
    return render(
        request,
        "knowledge/reviews_due.html",
        {
            "mine": services.list_reviews_due(request.user, REVIEW_WINDOW_DAYS),
            "everyone": everyone,
            "window": REVIEW_WINDOW_DAYS,
            "today": timezone.localdate(),
            "review_form": ReviewForm(),
        },
    )


# --- peak announcements (K5) ----------------------------------------------------


@require_GET
@require_action("knowledge.view")
def announcements(request: AuthedHttpRequest) -> HttpResponse:
    now = timezone.now()
    past = (
        PeakAnnouncement.objects.filter(ends_at__lte=now)
        .prefetch_related("lines", "topics")
        .order_by("-starts_at")[:20]
    )
    return render(
        request,
        "knowledge/announcements.html",
        {
            "announcements": services.list_announcements(now),
            "past": past,
            "now": now,
            "may_announce": has_action(request.user, "knowledge.announce"),
        },
    )


def _announcement_form_view(
    request: AuthedHttpRequest, announcement: PeakAnnouncement | None
) -> HttpResponse:
    form = AnnouncementForm(
        request.POST if request.method == "POST" else None, instance=announcement
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if announcement is None:
            saved.created_by = request.user
        saved.save()
        form.save_m2m()
        messages.success(request, _("The peak is announced."))
        return redirect("knowledge:announcements")
    return render(
        request,
        "knowledge/announcement_form.html",
        {"form": form, "announcement": announcement},
    )


@require_action("knowledge.announce")
def announcement_new(request: AuthedHttpRequest) -> HttpResponse:
    return _announcement_form_view(request, None)


@require_action("knowledge.announce")
def announcement_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _announcement_form_view(request, get_object_or_404(PeakAnnouncement, pk=pk))


@require_GET
@require_action("knowledge.view")
def announcements_panel(request: AuthedHttpRequest) -> HttpResponse:
    """Fragment for the desk: current and upcoming peaks (K5)."""
    now = timezone.now()
    return render(
        request,
        "knowledge/_announcements_panel.html",
        {"announcements": services.list_announcements(now, limit=5), "now": now},
    )
