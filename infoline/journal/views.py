"""The agent desk: one screen an agent keeps open all day (issue 5 item 11).

The contact workspace itself is the caller card page (``clients:card``), which
adds the panels built here (``contact_panels``); this module holds the desk's
home, the journal form, lifecycle acts, callbacks, messages, the work list and
the team lead's view. Acts are in ``services``; views parse, call, render.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from infoline.accounts.choices import Role
from infoline.accounts.models import Employee, Team, User
from infoline.accounts.permissions import has_action, require_action
from infoline.accounts.validators import normalize_phone
from infoline.journal import services
from infoline.journal import transitions as t
from infoline.journal.access import access_journal_contact
from infoline.journal.choices import ContactStatus, ContactType
from infoline.journal.forms import (
    AttemptForm,
    CallbackForm,
    JournalFilterForm,
    JournalForm,
    MessageForm,
    NewContactForm,
)
from infoline.journal.models import Callback, ColleagueMessage, Contact
from infoline.lib.http import AuthedHttpRequest


def _is_htmx(request: AuthedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- the desk's home ---------------------------------------------------------------


@require_action("desk.use")
def desk(request: AuthedHttpRequest) -> HttpResponse:
    """Open a new contact; the user's open contacts and work list."""
    from infoline.accounts.services import list_group_absences

    form = NewContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone = normalize_phone(form.cleaned_data["phone"] or "")
        except ValidationError as exc:
            form.add_error("phone", exc)
        else:
            line = form.cleaned_data["line"]
            contact = services.open_contact(
                request.user,
                channel=form.cleaned_data["channel"],
                phone=phone or "",
                line_id=line.pk if line else None,
            )
            return redirect("clients:card", contact.pk)
    open_contacts = list(
        Contact.objects.filter(agent=request.user, status=ContactStatus.IN_WORK)
        .select_related("line", "topic")
        .order_by("-started_at")[:20]
    )
    return render(
        request,
        "journal/desk.html",
        {
            "form": form,
            "open_contacts": open_contacts,
            "work": services.work_list(request.user),
            "group_absences": list(list_group_absences()[:10]),
            "may_see_team": has_action(request.user, "desk.team"),
            "may_read_knowledge": has_action(request.user, "knowledge.view"),
            "may_phone": has_action(request.user, "telephony.softphone"),
        },
    )


@require_action("desk.use")
def worklist(request: AuthedHttpRequest) -> HttpResponse:
    """The work list fragment, polled by the desk."""
    return render(
        request, "journal/_worklist.html", {"work": services.work_list(request.user)}
    )


# --- the contact workspace panels --------------------------------------------------


def contact_panels(request: AuthedHttpRequest, contact: Contact) -> dict[str, Any]:
    """Context for the journal panels of the contact workspace (``clients:card``)."""
    journal_form = JournalForm(
        initial={
            "type": contact.type,
            "topic": contact.topic_id,
            "summary": contact.summary,
            "notes": contact.notes,
            "employer": contact.employer.code if contact.employer else "",
        }
    )
    history_count, history = (0, None)
    if contact.person is not None:
        history_count, history = services.person_history(
            request.user, contact.person, contact
        )
    now = timezone.localtime()
    start = (now + datetime.timedelta(hours=1)).replace(
        minute=0, second=0, microsecond=0
    )
    callback_form = CallbackForm(
        initial={
            "window_start": start.strftime("%Y-%m-%dT%H:%M"),
            "window_end": (start + datetime.timedelta(hours=2)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "phone": contact.phone,
        }
    )
    message_form = MessageForm(initial={"phone": contact.phone})
    acts = _acts_for(request.user, contact)
    return {
        "journal_form": journal_form,
        "contact_types": ContactType.choices,
        "history_count": history_count,
        "history": history,
        "related": list(contact.related.order_by("-started_at")[:10]),
        "acts": acts,
        "callback_form": callback_form,
        "message_form": message_form,
        "callbacks": list(contact.callbacks.order_by("window_start")),
        "messages_taken": list(
            contact.messages_taken.select_related("intended_for", "delivered_to")
        ),
        "lifecycle": list(contact.history.select_related("actor").order_by("at", "pk")),
        "specialist_options": _specialist_options(request.user)
        if acts & {t.ActName.DEFER, t.ActName.ESCALATE, t.ActName.REDIRECT}
        else "",
        "department_options": _department_options()
        if t.ActName.ESCALATE in acts
        else "",
        "work": services.work_list(request.user),
        "may_read_knowledge": has_action(request.user, "knowledge.view"),
        "may_attach": has_action(request.user, "journal.attachments"),
        "may_phone": has_action(request.user, "telephony.softphone"),
        "deadline_rule": _deadline_rule(contact),
    }


def _deadline_rule(contact: Contact) -> Any:
    """The statutory-term rule for the contact's type and topic, if any (J9, J10)."""
    from infoline.journal.deadlines import rule_for

    if not contact.type or not contact.is_open:
        return None
    return rule_for(contact.type, contact.topic)


def _options(pairs: Any) -> str:
    """``<option>`` elements for (value, label) pairs, rendered once for every select using them."""
    from django.utils.html import format_html_join

    return format_html_join("", '<option value="{}">{}</option>', pairs)


def _specialist_options(user: User) -> str:
    """Specialists and team leads to defer, escalate or redirect to (not oneself)."""
    rows = (
        User.objects.filter(role__in=[Role.SPECIALIST, Role.TEAM_LEAD], is_active=True)
        .exclude(pk=user.pk)
        .order_by("last_name", "first_name")
        .values_list("pk", "first_name", "last_name", "username")[:200]
    )
    return _options(
        (pk, f"{first} {last}".strip() or username)
        for pk, first, last, username in rows
    )


def _filter_options(data: Any) -> dict[str, str]:
    """The long selects of the journal filters as ready ``<option>`` lists.

    Rendering hundreds of options through form widgets costs more than the
    page's queries; these are built from value lists in one pass each.
    """
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    from infoline.accounts.models import Department
    from infoline.journal.models import Topic

    def options(field: str, pairs: Any) -> str:
        chosen = str(data.get(field) or "")
        parts = [format_html('<option value="">{}</option>', _("All"))]
        for value, label in pairs:
            if str(value) == chosen:
                parts.append(
                    format_html('<option value="{}" selected>{}</option>', value, label)
                )
            else:
                parts.append(
                    format_html('<option value="{}">{}</option>', value, label)
                )
        return mark_safe("".join(parts))  # every part came from format_html

    topics = Topic.objects.filter(active=True).values_list(
        "pk", "name", "parent__name", "parent__parent__name"
    )
    people = (
        User.objects.filter(is_active=True)
        .order_by("last_name", "first_name")
        .values_list("pk", "first_name", "last_name", "username")
    )
    return {
        "topic": options(
            "topic",
            sorted(
                (
                    (pk, " › ".join(n for n in (top, parent, name) if n))
                    for pk, name, parent, top in topics
                ),
                key=lambda pair: pair[1],
            ),
        ),
        "department": options(
            "department", Department.objects.order_by("name").values_list("pk", "name")
        ),
        "agent": options(
            "agent",
            (
                (pk, f"{first} {last}".strip() or username)
                for pk, first, last, username in people
            ),
        ),
    }


def _department_options() -> str:
    from infoline.accounts.models import Department

    return _options(Department.objects.order_by("name").values_list("pk", "name")[:200])


def _acts_for(user: User, contact: Contact) -> set[str]:
    """Acts the table allows from the contact's status that are this user's to do.

    The table has the last word (it refuses the rest with a specific message);
    this only keeps the desk from offering what would be refused.
    """
    acts = {act.value for act in t.acts_from(t.Status(contact.status))}
    approver = user.role in {Role.TEAM_LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR}
    if contact.assignee_id != user.pk:
        acts -= {t.ActName.SUBMIT_FOR_REVIEW, t.ActName.REQUEST_EXTENSION}
    if not approver:
        acts -= {
            t.ActName.APPROVE,
            t.ActName.RETURN_FOR_REWORK,
            t.ActName.APPROVE_EXTENSION,
            t.ActName.REJECT_EXTENSION,
        }
    return acts


@require_POST
@require_action("desk.use")
def save_journal(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Save type, topic, short content and notes (J1, J2); htmx replaces the form."""
    contact = access_journal_contact(request.user, pk)
    form = JournalForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            contact = services.save_journal(
                request.user,
                contact,
                contact_type=form.cleaned_data["type"] or "",
                topic_id=form.cleaned_data["topic"],
                summary=form.cleaned_data["summary"] or "",
                notes=form.cleaned_data["notes"] or "",
                employer_code=form.cleaned_data["employer"] or "",
            )
        except ValidationError as exc:
            error = _errors(exc)
    else:
        error = " ".join(str(e) for errs in form.errors.values() for e in errs)
    if not _is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("The journal entry is saved."))
        return redirect("clients:card", contact.pk)
    contact.refresh_from_db()
    return render(
        request,
        "journal/_journal_form.html",
        {
            "contact": contact,
            "journal_form": form
            if error
            else JournalForm(
                initial={
                    "type": contact.type,
                    "topic": contact.topic_id,
                    "summary": contact.summary,
                    "notes": contact.notes,
                    "employer": contact.employer.code if contact.employer else "",
                }
            ),
            "contact_types": ContactType.choices,
            "journal_error": error,
            "journal_saved": not error,
            "may_read_knowledge": has_action(request.user, "knowledge.view"),
        },
        status=422 if error else 200,
    )


@require_action("desk.use")
def topic_search(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Topics of the chosen type matching what the agent types (J2)."""
    contact = access_journal_contact(request.user, pk)
    contact_type = request.GET.get("type") or contact.type or ContactType.CONSULTATION
    if contact_type not in ContactType.values:
        contact_type = ContactType.CONSULTATION
    topics = services.search_topics(contact_type, request.GET.get("q", ""))
    return render(
        request, "journal/_topics.html", {"topics": topics, "contact": contact}
    )


def _parse_day(raw: str | None) -> datetime.date | None:
    try:
        return parse_date(raw or "")
    except ValueError:
        return None


def _optional_id(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _act_from_post(request: AuthedHttpRequest, contact: Contact) -> t.Act:
    """Build the act the form names; a specific message for what is missing."""
    name = request.POST.get("act", "")
    post = request.POST
    if name == t.ActName.CLOSE:
        return t.Close(result=post.get("result", ""), comment=post.get("comment", ""))
    if name == t.ActName.DEFER:
        due = _parse_day(post.get("due"))
        if due is None:
            raise ValidationError(_("Give the date by which the answer is due."))
        responsible = post.get("responsible") or request.user.pk
        try:
            responsible_id = int(responsible)
        except (TypeError, ValueError):
            raise ValidationError(_("Choose who owes the answer.")) from None
        if not User.objects.filter(pk=responsible_id, is_active=True).exists():
            raise ValidationError(_("Choose who owes the answer."))
        return t.Defer(due=due, responsible_id=responsible_id)
    if name == t.ActName.SUBMIT_FOR_REVIEW:
        return t.SubmitForReview(
            result=post.get("result", ""), comment=post.get("comment", "")
        )
    if name == t.ActName.APPROVE:
        return t.Approve(note=post.get("note", ""))
    if name == t.ActName.RETURN_FOR_REWORK:
        return t.ReturnForRework(reason=post.get("reason", ""))
    if name == t.ActName.REQUEST_EXTENSION:
        new_due = _parse_day(post.get("new_due"))
        if new_due is None:
            raise ValidationError(_("Give the new date of the answer."))
        return t.RequestExtension(new_due=new_due, reason=post.get("reason", ""))
    if name == t.ActName.APPROVE_EXTENSION:
        return t.ApproveExtension()
    if name == t.ActName.REJECT_EXTENSION:
        return t.RejectExtension(reason=post.get("reason", ""))
    if name == t.ActName.REDIRECT:
        assignee_id = _optional_id(post.get("assignee"))
        department_id = _optional_id(post.get("department"))
        if assignee_id is None and department_id is None:
            raise ValidationError(_("Choose whom to redirect the contact to."))
        if (
            assignee_id is not None
            and not User.objects.filter(pk=assignee_id, is_active=True).exists()
        ):
            raise ValidationError(_("Choose whom to redirect the contact to."))
        return t.Redirect(
            assignee_id=assignee_id,
            department_id=department_id,
            reason=post.get("reason", ""),
        )
    if name == t.ActName.REOPEN:
        return t.Reopen(reason=post.get("reason", ""))
    raise ValidationError(_("Choose what to do with the contact."))


@require_POST
@require_action("desk.use")
def act(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Apply a lifecycle act (J6) from the desk; an illegal one is refused and nothing changes."""
    contact = access_journal_contact(request.user, pk)
    if request.POST.get("act") == t.ActName.ESCALATE:
        return _escalate(request, contact)
    if request.POST.get("act") == "route":
        return _route(request, contact)
    try:
        chosen = _act_from_post(request, contact)
        services.perform_act(request.user, contact, chosen)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(_back(request, contact))
    messages.success(request, _("Done: %(act)s.") % {"act": _act_label(chosen)})
    if isinstance(chosen, t.Close) and contact.agent_id == request.user.pk:
        return redirect("journal:desk")
    return redirect(_back(request, contact))


def _escalate(request: AuthedHttpRequest, contact: Contact) -> HttpResponse:
    """Escalate to a tier-2 specialist or a department with a deadline (J4)."""
    from infoline.journal.escalation import escalate_contact

    try:
        contact = escalate_contact(
            request.user,
            contact,
            due=_parse_day(request.POST.get("due")),
            reason=request.POST.get("reason", ""),
            to_user_id=_optional_id(request.POST.get("assignee")),
            to_department_id=_optional_id(request.POST.get("department")),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(_back(request, contact))
    assignee = contact.assignee
    messages.success(
        request,
        _("Escalated to %(who)s, answer due %(due)s.")
        % {
            "who": assignee.get_full_name() if assignee else contact.department,
            "due": contact.due.isoformat() if contact.due else "—",
        },
    )
    return redirect(_back(request, contact))


def _route(request: AuthedHttpRequest, contact: Contact) -> HttpResponse:
    """Send a complaint or service request to its department with its statutory term (J9, J10)."""
    from infoline.journal.deadlines import route_contact

    try:
        contact = route_contact(request.user, contact)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(_back(request, contact))
    messages.success(
        request,
        _("Sent to %(department)s, answer due %(due)s.")
        % {
            "department": contact.department or "—",
            "due": contact.due.isoformat() if contact.due else "—",
        },
    )
    return redirect(_back(request, contact))


def _act_label(chosen: t.Act) -> str:
    labels = {
        t.ActName.CLOSE: _("closed"),
        t.ActName.DEFER: _("answer deferred"),
        t.ActName.SUBMIT_FOR_REVIEW: _("sent for review"),
        t.ActName.APPROVE: _("result approved"),
        t.ActName.RETURN_FOR_REWORK: _("returned for rework"),
        t.ActName.REQUEST_EXTENSION: _("extension requested"),
        t.ActName.APPROVE_EXTENSION: _("extension approved"),
        t.ActName.REJECT_EXTENSION: _("extension rejected"),
        t.ActName.REOPEN: _("reopened"),
        t.ActName.REDIRECT: _("redirected"),
    }
    return str(labels.get(chosen.name, chosen.name))


def _back(request: AuthedHttpRequest, contact: Contact) -> str:
    """The contact workspace for its agent, the journal view of the contact otherwise."""
    from django.urls import reverse

    if contact.agent_id == request.user.pk:
        return reverse("clients:card", args=[contact.pk])
    return reverse("journal:contact", args=[contact.pk])


@require_action("desk.use")
def contact_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A contact as its assignee, department or lead sees it: journal, lifecycle, acts.

    No caller card here: personal data of the person needs the caller's
    authentication on a contact of one's own (A1).
    """
    contact = access_journal_contact(request.user, pk)
    if contact.agent_id == request.user.pk:
        return redirect("clients:card", contact.pk)
    context = contact_panels(request, contact)
    context["contact"] = contact
    return render(request, "journal/contact.html", context)


# --- callbacks (C1–C3) -------------------------------------------------------------


@require_POST
@require_action("desk.use")
def schedule_callback(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contact = access_journal_contact(request.user, pk)
    form = CallbackForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(str(e) for errs in form.errors.values() for e in errs)
        )
        return redirect(_back(request, contact))
    data = form.cleaned_data
    team = None
    if data["who"] == "team":
        team = (
            Team.objects.filter(pk=request.user.team_id).first()
            if request.user.team_id is not None
            else None
        )
        if team is None:
            messages.error(request, _("You are not in a team; call back yourself."))
            return redirect(_back(request, contact))
    try:
        callback = services.schedule_callback(
            request.user,
            contact,
            phone=data["phone"] or contact.phone,
            window_start=data["window_start"],
            window_end=data["window_end"],
            responsible=None if team else request.user,
            team=team,
            note=data["note"] or "",
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            _("Callback agreed for %(start)s–%(end)s.")
            % {
                "start": timezone.localtime(callback.window_start).strftime(
                    "%Y-%m-%d %H:%M"
                ),
                "end": timezone.localtime(callback.window_end).strftime("%H:%M"),
            },
        )
    return redirect(_back(request, contact))


@require_POST
@require_action("desk.use")
def callback_attempt(request: AuthedHttpRequest, callback_id: int) -> HttpResponse:
    """Record a callback attempt with the checklist (C2): right person, can they talk."""
    callback = _my_callback(request.user, callback_id)
    form = AttemptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome of the call."))
        return redirect("journal:desk")
    outcome = form.cleaned_data["outcome"]
    reached = outcome in {"reached", "reached_partial"}
    if reached and not (
        form.cleaned_data["right_person"] and form.cleaned_data["can_talk"]
    ):
        messages.error(
            request,
            _(
                "Before recording a reached callback, confirm you spoke to the right person and they could talk."
            ),
        )
        return redirect("journal:desk")
    try:
        services.record_callback_attempt(request.user, callback, outcome)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The callback attempt is recorded."))
    return redirect("journal:desk")


def _my_callback(user: User, callback_id: int) -> Callback:
    from django.db.models import Q
    from django.http import Http404

    mine = Q(responsible=user)
    if user.team_id is not None:
        mine |= Q(responsible__isnull=True, team_id=user.team_id)
    mine |= Q(responsible__isnull=True, team__isnull=True, contact__isnull=True)
    callback = Callback.objects.filter(mine, pk=callback_id).first()
    if callback is None:
        raise Http404
    return callback


# --- messages for colleagues (C4–C6) -----------------------------------------------


@require_action("desk.use")
def colleague_lookup(request: AuthedHttpRequest) -> HttpResponse:
    """Colleagues matching the query, with when they are back, their substitute and
    who else in their department can help (C5, C6)."""
    from infoline.accounts.services import get_availability, search_directory

    query = request.GET.get("q", "").strip()
    found = search_directory(query, limit=6) if len(query) >= 2 else []
    rows = []
    for employee in found:
        availability = get_availability(employee)
        others = (
            list(
                Employee.objects.filter(
                    department_id=employee.department_id, active=True
                )
                .exclude(pk=employee.pk)
                .order_by("last_name")[:3]
            )
            if availability.away
            else []
        )
        rows.append((employee, availability, others))
    return render(request, "journal/_colleagues.html", {"rows": rows, "query": query})


@require_POST
@require_action("desk.use")
def take_message(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contact = access_journal_contact(request.user, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(str(e) for errs in form.errors.values() for e in errs)
        )
        return redirect(_back(request, contact))
    colleague = Employee.objects.filter(pk=form.cleaned_data["colleague"]).first()
    try:
        message = services.take_message(
            request.user,
            colleague,
            caller_name=form.cleaned_data["caller_name"] or "",
            phone=form.cleaned_data["phone"] or "",
            reason=form.cleaned_data["reason"] or "",
            contact=contact,
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        if message.delivered_to_id != message.intended_for_id:
            messages.success(
                request,
                _(
                    "%(colleague)s is away; the message went to their substitute %(substitute)s."
                )
                % {
                    "colleague": message.intended_for,
                    "substitute": message.delivered_to,
                },
            )
        else:
            messages.success(
                request,
                _("The message is delivered to %(colleague)s.")
                % {"colleague": message.intended_for},
            )
    return redirect(_back(request, contact))


def _my_message(user: User, message_id: int) -> ColleagueMessage:
    from django.http import Http404

    message = (
        ColleagueMessage.objects.filter(pk=message_id, delivered_to__user=user)
        .select_related("intended_for", "delivered_to")
        .first()
    )
    if message is None:
        raise Http404
    return message


@require_POST
@require_action("desk.use")
def message_read(request: AuthedHttpRequest, message_id: int) -> HttpResponse:
    services.read_message(request.user, _my_message(request.user, message_id))
    return redirect("journal:desk")


@require_POST
@require_action("desk.use")
def message_close(request: AuthedHttpRequest, message_id: int) -> HttpResponse:
    message = _my_message(request.user, message_id)
    try:
        services.close_message(request.user, message, request.POST.get("outcome", ""))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The message is closed."))
    return redirect("journal:desk")


# --- linking (J5) and the team lead's view -----------------------------------------


@require_POST
@require_action("desk.use")
def link(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contact = access_journal_contact(request.user, pk)
    raw = request.POST.get("other", "").strip().lstrip("#")
    try:
        other_id = int(raw)
    except ValueError:
        messages.error(request, _("Give the number of the contact to link."))
        return redirect(_back(request, contact))
    try:
        services.link_contacts(request.user, contact, other_id)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The contacts are linked."))
    return redirect(_back(request, contact))


@require_action("desk.team")
def team(request: AuthedHttpRequest) -> HttpResponse:
    """Open, due and overdue items of the team (team lead: own team; supervisor: any)."""
    teams = list(Team.objects.order_by("name"))
    team_id: int | None = request.user.team_id
    if request.user.role != Role.TEAM_LEAD:
        try:
            team_id = int(request.GET.get("team") or 0) or (
                teams[0].pk if teams else None
            )
        except ValueError:
            team_id = teams[0].pk if teams else None
    today = timezone.localdate()
    overdue = (
        list(
            Contact.objects.filter(
                assignee__team_id=team_id,
                status=ContactStatus.DEFERRED_ANSWER,
                due__lt=today,
            )
            .select_related("assignee", "topic")
            .order_by("due")[:50]
        )
        if team_id is not None
        else []
    )
    return render(
        request,
        "journal/team.html",
        {
            "teams": teams,
            "team_id": team_id,
            "may_choose": request.user.role != Role.TEAM_LEAD,
            "loads": services.team_overview(request.user, team_id),
            "kept": services.callbacks_kept_on_time(
                since=timezone.now() - datetime.timedelta(days=30), team_id=team_id
            ),
            "overdue": overdue,
            "today": today,
        },
    )


@require_action("desk.use")
def journal_list(request: AuthedHttpRequest) -> HttpResponse:
    """The journal: contacts the user may open, filtered, newest first (J1)."""
    from django.utils.dateparse import parse_datetime

    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("start", (today - datetime.timedelta(days=7)).isoformat())
    data.setdefault("end", today.isoformat())
    form = JournalFilterForm(data)
    rows: list[Contact] = []
    cursor = None
    if form.is_valid():
        before = None
        at = parse_datetime(request.GET.get("before_at", ""))
        pk = _optional_id(request.GET.get("before_id"))
        if at is not None and pk is not None:
            before = (at, pk)
        rows, cursor = services.journal_page(
            request.user, form.filters(), before=before
        )
    query = data.copy()
    if cursor:
        query["before_at"] = cursor[0].isoformat()
        query["before_id"] = str(cursor[1])
    return render(
        request,
        "journal/list.html",
        {
            "form": form,
            "choice_options": _filter_options(data),
            "rows": rows,
            "next_query": query.urlencode() if cursor else "",
            "today": today,
            "may_export": has_action(request.user, "journal.export"),
        },
        status=200 if form.is_valid() else 422,
    )
