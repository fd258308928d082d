"""Acts and queries of the knowledge base: scripts (J3, J4), articles (K4), peaks (K5).

Search: every script in force and every published article has a
``SearchEntry`` row of folded text (``lib.text.fold``: case and diacritics
removed, so "sarunas" meets "Šarūnas", "zasilek" meets "zasiłek", "aero" meets
"Ærø"; Cyrillic stays Cyrillic). SQLite answers from the FTS5 table
``knowledge_fts`` (BM25 ranking), PostgreSQL from a GIN index over a ``simple``
tsvector (``ts_rank``); both treat each query word as a prefix and require all
of them. Snippets are cut from the original text around the first match.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from infoline.accounts.models import Department, Employee, User
from infoline.accounts.permissions import has_action
from infoline.accounts.services import Availability, employees_with_presence
from infoline.journal.models import Topic
from infoline.knowledge import filetypes
from infoline.knowledge.choices import ScriptStatus, SearchKind
from infoline.knowledge.markup import plain_text
from infoline.knowledge.models import (
    AnswerScript,
    ArticleAttachment,
    KnowledgeArticle,
    PeakAnnouncement,
    ScriptVersion,
    SearchEntry,
)
from infoline.lib.text import fold

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "SearchHit",
    "approve_script_version",
    "attach_file",
    "list_announcements",
    "list_reviews_due",
    "mark_article_reviewed",
    "recommended_script",
    "reindex_article",
    "reindex_script",
    "return_script_version",
    "save_article",
    "save_script_draft",
    "search_knowledge",
    "tier2_for",
]

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
SNIPPET_CHARS = 180
_WORD = re.compile(r"[^\W_]+")


# --- search index ----------------------------------------------------------------


def _store_entry(
    kind: str, object_id: int, title: str, keywords: str, body: str
) -> None:
    SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={"title": fold(title), "keywords": fold(keywords), "body": fold(body)},
    )


def reindex_script(script: AnswerScript) -> None:
    """Index the script's version in force (drafts are not found), or drop it."""
    version = (
        ScriptVersion.objects.filter(pk=script.current_id).first()
        if script.current_id
        else None
    )
    if version is None:
        SearchEntry.objects.filter(kind=SearchKind.SCRIPT, object_id=script.pk).delete()
        return
    topic = Topic.objects.filter(pk=script.topic_id).first()
    topic_words = f"{topic} {topic.keywords}" if topic is not None else ""
    _store_entry(
        SearchKind.SCRIPT,
        script.pk,
        version.title,
        f"{version.keywords} {topic_words}",
        plain_text(version.body),
    )


def reindex_article(article: KnowledgeArticle) -> None:
    """Index a published article, or drop an unpublished one."""
    if not article.active:
        SearchEntry.objects.filter(
            kind=SearchKind.ARTICLE, object_id=article.pk
        ).delete()
        return
    office = article.office.name if article.office_id and article.office else ""
    _store_entry(
        SearchKind.ARTICLE,
        article.pk,
        article.title,
        f"{article.keywords} {article.get_category_display()} {office}",
        plain_text(article.body),
    )


@dataclass
class SearchHit:
    """One ranked result; ``snippet`` is (text, matched) pieces of the original text."""

    kind: str
    object_id: int
    title: str
    rank: float
    snippet: list[tuple[str, bool]] = field(default_factory=list)
    context: str = ""
    overdue: bool = False
    obj: Any = None

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _matched in self.snippet)


def _query_words(query: str) -> list[str]:
    return _WORD.findall(fold(query))[:8]


def _ranked_ids(
    words: list[str], kinds: Sequence[str], limit: int
) -> list[tuple[str, int, float]]:
    """Ask the database's full-text index; best first as (kind, object_id, score)."""
    # Without a kind filter the planner has only the full-text index to use.
    kind_filter = (
        f"AND e.kind IN ({', '.join(['%s'] * len(kinds))}) "
        if set(kinds) != set(SearchKind.values)
        else ""
    )
    kinds = list(kinds) if kind_filter else []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            vector = (
                "(setweight(to_tsvector('simple'::regconfig, e.title), 'A') || "
                "setweight(to_tsvector('simple'::regconfig, e.keywords), 'B') || "
                "setweight(to_tsvector('simple'::regconfig, e.body), 'D'))"
            )
            tsquery = " & ".join(f"{word}:*" for word in words)
            cursor.execute(
                f"SELECT e.kind, e.object_id, ts_rank({vector}, q) AS score "
                f"FROM knowledge_searchentry e, to_tsquery('simple', %s) q "
                f"WHERE {vector} @@ q {kind_filter}"
                f"ORDER BY score DESC, e.id LIMIT %s",
                [tsquery, *kinds, limit],
            )
            return [(kind, oid, float(score)) for kind, oid, score in cursor.fetchall()]
        match = " ".join(f'"{word}"*' for word in words)
        cursor.execute(
            "SELECT e.kind, e.object_id, bm25(knowledge_fts, 10.0, 4.0, 1.0) AS score "
            "FROM knowledge_fts JOIN knowledge_searchentry e ON e.id = knowledge_fts.rowid "
            f"WHERE knowledge_fts MATCH %s {kind_filter}"
            "ORDER BY score, e.id LIMIT %s",
            [match, *kinds, limit],
        )
        # BM25 is smaller for better matches; flip it so higher is better everywhere.
        return [(kind, oid, -float(score)) for kind, oid, score in cursor.fetchall()]


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` character by character, remembering each folded char's origin."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = fold(char)
        folded.append(piece)
        origin.extend([index] * len(piece))
    return "".join(folded), origin


def make_snippet(
    text: str, words: list[str], size: int = SNIPPET_CHARS
) -> list[tuple[str, bool]]:
    """Cut ``text`` around the first word starting with a query word; mark matches."""
    folded, origin = _folded_with_map(text)
    spans: list[tuple[int, int]] = []
    for word in words:
        for match in re.finditer(rf"(?<![^\W_]){re.escape(word)}[^\W_]*", folded):
            start = origin[match.start()]
            end = origin[match.end() - 1] + 1
            spans.append((start, end))
    spans.sort()
    first = spans[0][0] if spans else 0
    begin = max(0, first - size // 3)
    if begin:
        space = text.rfind(" ", 0, begin)
        begin = space + 1 if space >= 0 and begin - space < 20 else begin
    finish = min(len(text), begin + size)
    if finish < len(text):
        space = text.rfind(" ", begin, finish)
        finish = space if space > begin + size // 2 else finish
    pieces: list[tuple[str, bool]] = []
    if begin:
        pieces.append(("… ", False))
    cursor = begin
    for start, end in spans:
        if end <= cursor or start >= finish:
            continue
        start = max(start, cursor)
        end = min(end, finish)
        if start > cursor:
            pieces.append((text[cursor:start], False))
        pieces.append((text[start:end], True))
        cursor = end
    if cursor < finish:
        pieces.append((text[cursor:finish], False))
    if finish < len(text):
        pieces.append((" …", False))
    return pieces


def search_knowledge(
    query: str,
    kinds: Iterable[str] | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Find scripts in force and published articles holding every word of ``query``.

    Words match as prefixes, ignoring case and diacritics, in every language
    (lt, et, pl, da, ru, en); results are ranked (title above keywords above
    text) and carry a snippet. ``kinds`` limits to ``script``/``article``; an
    empty query, or one without letters or digits, finds nothing. Drafts are
    never indexed. Permission checks are the caller's.
    """
    words = _query_words(query)
    wanted = [k for k in (kinds or SearchKind.values) if k in SearchKind.values]
    if not words or not wanted:
        return []
    ranked = _ranked_ids(words, wanted, limit)
    script_ids = [oid for kind, oid, _s in ranked if kind == SearchKind.SCRIPT]
    article_ids = [oid for kind, oid, _s in ranked if kind == SearchKind.ARTICLE]
    scripts = {
        s.pk: s
        for s in AnswerScript.objects.filter(
            pk__in=script_ids, current__isnull=False
        ).select_related("current", "topic__parent")
    }
    articles = {
        a.pk: a
        for a in KnowledgeArticle.objects.filter(
            pk__in=article_ids, active=True
        ).select_related("office")
    }
    hits: list[SearchHit] = []
    for kind, oid, score in ranked:
        if kind == SearchKind.SCRIPT and oid in scripts:
            script = scripts[oid]
            version = script.current
            assert version is not None  # filtered on current__isnull=False
            hits.append(
                SearchHit(
                    kind=kind,
                    object_id=oid,
                    title=version.title,
                    rank=score,
                    snippet=make_snippet(plain_text(version.body), words),
                    context=str(script.topic),
                    obj=script,
                )
            )
        elif kind == SearchKind.ARTICLE and oid in articles:
            article = articles[oid]
            office = article.office.name if article.office else ""
            hits.append(
                SearchHit(
                    kind=kind,
                    object_id=oid,
                    title=article.title,
                    rank=score,
                    snippet=make_snippet(plain_text(article.body), words),
                    context=" · ".join(
                        x for x in (article.get_category_display(), office) if x
                    ),
                    overdue=article.is_overdue,
                    obj=article,
                )
            )
    return hits


# --- answer scripts (J3, J4) -----------------------------------------------------


def recommended_script(topic_id: int) -> ScriptVersion | None:
    """The script in force for the topic, else for its nearest ancestor (J3).

    Returns the approved ``ScriptVersion`` (its ``script.topic`` tells which
    topic it was written for), or None when neither the topic nor a parent has
    one. Permission checks are the caller's.
    """
    topic = (
        Topic.objects.select_related("parent__parent__parent")
        .filter(pk=topic_id)
        .first()
    )
    if topic is None:
        return None
    path = topic.path()
    scripts = {
        s.topic_id: s
        for s in AnswerScript.objects.filter(
            topic_id__in=[t.pk for t in path], current__isnull=False
        ).select_related("current", "topic__parent__parent")
    }
    for node in reversed(path):
        script = scripts.get(node.pk)
        if script is not None and script.current is not None:
            version = script.current
            version.script = script
            return version
    return None


@dataclass(frozen=True)
class Tier2:
    """The escalation recommendations under a script (J4)."""

    specialists: list[tuple[Employee, Availability]]
    departments: list[Department]


def tier2_for(version: ScriptVersion, at: datetime.datetime | None = None) -> Tier2:
    """Recommended tier-2 specialists with their presence now, and departments."""
    employees = list(
        version.specialists.filter(active=True)
        .select_related("department")
        .order_by("last_name", "first_name")
    )
    return Tier2(
        specialists=employees_with_presence(employees, at),
        departments=list(version.departments.order_by("name")),
    )


@transaction.atomic
def save_script_draft(
    author: User,
    topic: Topic,
    *,
    title: str,
    body: str,
    keywords: str = "",
    specialists: Iterable[Employee] = (),
    departments: Iterable[Department] = (),
    change_note: str = "",
) -> ScriptVersion:
    """Write a new draft version of the topic's script (J3); nothing saved if invalid.

    Each edit is a new version; an earlier draft not yet approved is marked
    withdrawn (replaced by this one). The version in force stays until a
    draft is approved. The caller checks ``knowledge.edit``.
    """
    specialists = list(specialists)
    departments = list(departments)
    if not topic.active:
        raise ValidationError(
            {
                "topic": _("The topic “%(topic)s” is no longer in use.")
                % {"topic": topic}
            }
        )
    inactive = [str(e) for e in specialists if not e.active]
    if inactive:
        raise ValidationError(
            {
                "specialists": _("%(names)s no longer work here.")
                % {"names": ", ".join(inactive)}
            }
        )
    script, _created = AnswerScript.objects.get_or_create(topic=topic)
    script = AnswerScript.objects.select_for_update().get(pk=script.pk)
    number = (script.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ScriptVersion(
        script=script,
        number=number,
        title=title.strip(),
        body=body.strip(),
        keywords=keywords.strip(),
        change_note=change_note.strip(),
        author=author,
    )
    version.full_clean()
    version.save()
    version.specialists.set(specialists)
    version.departments.set(departments)
    for older in script.versions.filter(status=ScriptStatus.DRAFT).exclude(
        pk=version.pk
    ):
        older.status = ScriptStatus.WITHDRAWN
        older.save(update_fields=["status"])
    return version


@transaction.atomic
def approve_script_version(approver: User, version: ScriptVersion) -> ScriptVersion:
    """Put a draft in force (J3): recorded with who and when; four eyes.

    Only a team lead, supervisor or administrator approves, and never their own
    draft. The version in force until now is marked superseded. Raises
    ``ValidationError`` (nothing changes) for anything but a pending draft.
    """
    if not has_action(approver, "knowledge.approve"):
        raise PermissionDenied
    locked = ScriptVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != ScriptStatus.DRAFT:
        raise ValidationError(
            _("Version %(number)s is not a draft awaiting approval (%(status)s).")
            % {"number": locked.number, "status": locked.get_status_display()}
        )
    if locked.author_id == approver.pk:
        raise ValidationError(
            _(
                "You wrote this draft; another team lead, supervisor or "
                "administrator must approve it."
            )
        )
    script = AnswerScript.objects.select_for_update().get(pk=locked.script_id)
    if script.current_id is not None:
        previous = ScriptVersion.objects.get(pk=script.current_id)
        previous.status = ScriptStatus.SUPERSEDED
        previous.save(update_fields=["status"])
    locked.status = ScriptStatus.APPROVED
    locked.approved_by = approver
    locked.approved_at = timezone.now()
    locked.save(update_fields=["status", "approved_by", "approved_at"])
    script.current = locked
    script.save(update_fields=["current"])
    return locked


@transaction.atomic
def return_script_version(
    reviewer: User, version: ScriptVersion, reason: str
) -> ScriptVersion:
    """Send a draft back to its author with the reason (J3 approval step).

    Only a team lead, supervisor or administrator returns a draft, with a
    reason; the version in force is untouched. Raises ``ValidationError``
    (nothing changes) for a missing reason or anything but a pending draft.
    """
    if not has_action(reviewer, "knowledge.approve"):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the draft goes back to its author."))
    locked = ScriptVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != ScriptStatus.DRAFT:
        raise ValidationError(
            _("Version %(number)s is not a draft awaiting approval (%(status)s).")
            % {"number": locked.number, "status": locked.get_status_display()}
        )
    locked.status = ScriptStatus.REJECTED
    locked.returned_by = reviewer
    locked.returned_at = timezone.now()
    locked.review_note = reason[:500]
    locked.save(update_fields=["status", "returned_by", "returned_at", "review_note"])
    return locked


# --- articles (K4) ---------------------------------------------------------------


@transaction.atomic
def save_article(user: User, article: KnowledgeArticle) -> KnowledgeArticle:
    """Validate and save a new or changed article; the caller checks who may edit."""
    article.updated_by = user
    article.full_clean()
    article.save()
    return article


@transaction.atomic
def mark_article_reviewed(
    user: User, article: KnowledgeArticle, next_review: datetime.date | None
) -> KnowledgeArticle:
    """Record that the owner checked the article is current, and the next review date."""
    if next_review is None:
        raise ValidationError(_("Give the date of the next review."))
    if next_review <= timezone.localdate():
        raise ValidationError(_("The next review must be after today."))
    article.review_by = next_review
    article.reviewed_at = timezone.now()
    article.updated_by = user
    article.save(update_fields=["review_by", "reviewed_at", "updated_by", "updated_at"])
    return article


def list_reviews_due(
    user: User | None = None, within_days: int = 14
) -> QuerySet[KnowledgeArticle]:
    """Published articles whose review is due within ``within_days`` (or overdue).

    With ``user``, only the articles they own; oldest review date first.
    """
    limit = timezone.localdate() + datetime.timedelta(days=within_days)
    articles = KnowledgeArticle.objects.filter(active=True, review_by__lte=limit)
    if user is not None:
        articles = articles.filter(owner=user)
    return articles.select_related("owner", "office").order_by("review_by", "pk")


def _clean_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    return base.strip()[:200] or "file"


@transaction.atomic
def attach_file(
    user: User, article: KnowledgeArticle, upload: UploadedFile[Any] | None
) -> ArticleAttachment:
    """Attach a form to an article (K4); type checked by content, size limited.

    Raises ``ValidationError`` naming what is wrong; nothing is stored then.
    The caller checks that ``user`` may edit the article.
    """
    limit = int(
        getattr(settings, "INFOLINE_KNOWLEDGE_MAX_UPLOAD", MAX_ATTACHMENT_BYTES)
    )
    if upload is None:
        raise ValidationError(_("Choose a file to attach."))
    name = _clean_name(upload.name or "")
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files may be at most %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            }
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)}
        )
    if not data:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    detected = filetypes.detect(data, name)
    if detected is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, Word, Excel, OpenDocument, PNG or JPEG "
                "file, or its name does not match its content."
            )
            % {"name": name}
        )
    attachment = ArticleAttachment(
        article=article,
        name=name,
        content_type=detected.mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )
    attachment.file.save(name, ContentFile(data), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


# --- peak announcements (K5) -----------------------------------------------------


def list_announcements(
    at: datetime.datetime | None = None, limit: int | None = None
) -> QuerySet[PeakAnnouncement]:
    """Peaks not yet over at ``at`` (now), soonest first, with lines and topics."""
    at = at or timezone.now()
    announcements = (
        PeakAnnouncement.objects.filter(ends_at__gt=at)
        .select_related("created_by")
        .prefetch_related("lines", "topics")
        .order_by("starts_at", "pk")
    )
    return announcements[:limit] if limit else announcements


def topics_with_scripts() -> QuerySet[AnswerScript]:
    """Every script with its topic, version in force and pending draft count."""
    from django.db.models import Count

    return (
        AnswerScript.objects.select_related("topic__parent", "current")
        .annotate(
            drafts=Count("versions", filter=Q(versions__status=ScriptStatus.DRAFT))
        )
        .order_by("topic__type", "topic__name")
    )
