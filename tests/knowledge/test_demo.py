"""J3, K4, K5: the demo organisation comes with scripts, articles and a peak; loading twice changes nothing."""

from __future__ import annotations

import pytest

from infoline.accounts.demo import load_demo
from infoline.journal.models import Topic
from infoline.knowledge import services
from infoline.knowledge.demo import load_demo_knowledge
from infoline.knowledge.models import (
    AnswerScript,
    ArticleAttachment,
    KnowledgeArticle,
    PeakAnnouncement,
    ScriptVersion,
)

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Topic.objects.count(),
        AnswerScript.objects.count(),
        ScriptVersion.objects.count(),
        KnowledgeArticle.objects.count(),
        ArticleAttachment.objects.count(),
        PeakAnnouncement.objects.count(),
    )


def test_demo_knowledge_is_idempotent_and_searchable() -> None:
    load_demo()
    load_demo_knowledge()
    first = _counts()
    load_demo_knowledge()
    assert _counts() == first
    assert first[1] == 6  # one script per demo topic with a script
    # One pending draft waits for approval (the benefit script's second version).
    assert ScriptVersion.objects.filter(status="draft").count() == 1
    benefit = Topic.objects.get(name="Unemployment benefit")
    version = services.recommended_script(benefit.pk)
    assert version is not None and version.title.startswith("Nedarbo išmoka")
    hits = services.search_knowledge("nedarbo ismoka")
    assert hits[0].kind == "script"
    assert services.search_knowledge("пособие")[0].kind == "article"
    eures = Topic.objects.get(name="Work abroad (EURES)")
    tier2 = services.tier2_for(services.recommended_script(eures.pk))  # type: ignore[arg-type]
    names = {(e.last_name, a.away) for e, a in tier2.specialists}
    # Darius Vaitkus is on leave in the demo organisation; Jurgita Mockienė covers.
    assert names == {("Vaitkus", True), ("Mockienė", False)}
    assert KnowledgeArticle.objects.get(title__startswith="Klaipėda").is_overdue


def test_load_demo_command_includes_the_knowledge_base() -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    first = _counts()
    assert first[1] == 6 and first[5] == 1
    call_command("load_demo", stdout=StringIO())
    assert _counts() == first
