"""Objects for the permission walk (tests/accounts/test_permission_matrix.py).

Each call makes fresh objects for one user, so an allowed act (approving a
draft) cannot spoil the next role's turn.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from infoline.accounts.choices import Role
from infoline.accounts.models import User
from infoline.journal.models import Topic
from infoline.knowledge.models import (
    AnswerScript,
    ArticleAttachment,
    KnowledgeArticle,
    PeakAnnouncement,
    ScriptVersion,
)


def _author() -> User:
    author, _created = User.objects.get_or_create(
        username="walk_author", defaults={"role": Role.SPECIALIST}
    )
    return author


def _script(user: Any) -> AnswerScript:
    topic = Topic.objects.create(type="consultation", name=f"Walk {user.username}")
    script = AnswerScript.objects.create(topic=topic)
    now = timezone.now()
    current = ScriptVersion.objects.create(
        script=script,
        number=1,
        status="approved",
        title="Walk script",
        body="Say hello.",
        author=_author(),
        approved_by=_author(),
        approved_at=now,
    )
    script.current = current
    script.save()
    return script


def _article(user: Any) -> KnowledgeArticle:
    return KnowledgeArticle.objects.create(
        category="client_service",
        title="Walk article",
        body="Text.",
        owner=user,
        review_by=timezone.localdate() + datetime.timedelta(days=30),
    )


def walk_kwargs(key: str, user: Any) -> dict[str, Any]:
    """URL kwargs for a ``knowledge.*`` key of the PAGES table."""
    if key == "knowledge.script":
        return {"pk": _script(user).pk}
    if key == "knowledge.draft":
        script = _script(user)
        ScriptVersion.objects.create(
            script=script, number=2, title="Draft", body="New text.", author=_author()
        )
        return {"pk": script.pk, "number": 2}
    if key == "knowledge.topic":
        return {"topic_id": _script(user).topic_id}
    if key == "knowledge.article":
        return {"pk": _article(user).pk}
    if key == "knowledge.attachment":
        attachment = ArticleAttachment(
            article=_article(user),
            name="form.pdf",
            content_type="application/pdf",
            size=9,
            sha256="0" * 64,
            uploaded_by=user,
        )
        attachment.file.save("form.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        attachment.save()
        return {"pk": attachment.pk}
    if key == "knowledge.announcement":
        start = timezone.now() + datetime.timedelta(days=1)
        announcement = PeakAnnouncement.objects.create(
            title="Walk peak",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=5),
            created_by=user,
        )
        return {"pk": announcement.pk}
    raise AssertionError(f"unknown walk key {key!r}")
