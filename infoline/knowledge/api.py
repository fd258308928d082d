"""Knowledge endpoints: full-text search, the recommended script of a topic (J3, J4), peaks (K5)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from infoline.journal.models import Topic
from infoline.knowledge import services
from infoline.knowledge.choices import SearchKind
from infoline.knowledge.markup import plain_text
from infoline.lib.api import require

router = Router(tags=["knowledge"])


class SearchHitOut(Schema):
    kind: str
    id: int
    title: str
    context: str
    snippet: str
    highlights: list[str]
    review_overdue: bool
    rank: float


class SearchOut(Schema):
    results: list[SearchHitOut]


class SpecialistOut(Schema):
    id: int
    name: str
    position: str
    department: str
    extension: str | None
    away: bool
    back_at: datetime.datetime | None


class DepartmentOut(Schema):
    id: int
    name: str
    extension: str
    phone: str


class ScriptOut(Schema):
    script_id: int
    version: int
    topic_id: int
    script_topic_id: int
    title: str
    body: str
    text: str
    keywords: str
    approved_at: datetime.datetime | None
    approved_by: str
    specialists: list[SpecialistOut]
    departments: list[DepartmentOut]


class AnnouncementOut(Schema):
    id: int
    title: str
    text: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    expected_extra: int | None
    lines: list[str]
    topic_ids: list[int]


@router.get("/knowledge/announcements", response=list[AnnouncementOut])
def announcements(request: HttpRequest) -> list[dict[str, Any]]:
    """Expected peaks not yet over, soonest first (K5), for desks and planning tools."""
    require(request, "knowledge.view")
    return [
        {
            "id": a.pk,
            "title": a.title,
            "text": a.text,
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "expected_extra": a.expected_extra,
            "lines": [line.number for line in a.lines.all()],
            "topic_ids": [topic.pk for topic in a.topics.all()],
        }
        for a in services.list_announcements(limit=50)
    ]


@router.get("/knowledge/search", response=SearchOut)
def search(
    request: HttpRequest, q: str, kind: str = "", limit: int = 20
) -> dict[str, Any]:
    """Scripts in force and published articles holding every word (prefixes; accents optional)."""
    require(request, "knowledge.view")
    if kind and kind not in SearchKind.values:
        raise HttpError(422, _("Look in “script” or “article”, or leave the kind out."))
    hits = services.search_knowledge(
        q, [kind] if kind else None, max(1, min(limit, 50))
    )
    return {
        "results": [
            {
                "kind": hit.kind,
                "id": hit.object_id,
                "title": hit.title,
                "context": hit.context,
                "snippet": hit.snippet_text,
                "highlights": [text for text, matched in hit.snippet if matched],
                "review_overdue": hit.overdue,
                "rank": hit.rank,
            }
            for hit in hits
        ]
    }


@router.get("/knowledge/topics/{topic_id}/script", response=ScriptOut)
def topic_script(request: HttpRequest, topic_id: int) -> dict[str, Any]:
    """The approved script for the topic or its nearest parent, with tier-2 people."""
    require(request, "knowledge.view")
    if not Topic.objects.filter(pk=topic_id).exists():
        raise HttpError(404, _("There is no such topic."))
    version = services.recommended_script(topic_id)
    if version is None:
        raise HttpError(
            404, _("Neither this topic nor a topic above it has an approved script.")
        )
    tier2 = services.tier2_for(version)
    return {
        "script_id": version.script_id,
        "version": version.number,
        "topic_id": topic_id,
        "script_topic_id": version.script.topic_id,
        "title": version.title,
        "body": version.body,
        "text": plain_text(version.body),
        "keywords": version.keywords,
        "approved_at": version.approved_at,
        "approved_by": str(version.approved_by) if version.approved_by else "",
        "specialists": [
            {
                "id": e.pk,
                "name": f"{e.first_name} {e.last_name}",
                "position": e.position,
                "department": e.department.name,
                "extension": e.extension,
                "away": a.away,
                "back_at": a.back_at,
            }
            for e, a in tier2.specialists
        ],
        "departments": [
            {"id": d.pk, "name": d.name, "extension": d.extension, "phone": d.phone}
            for d in tier2.departments
        ],
    }
