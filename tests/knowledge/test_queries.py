"""Lists and fragments of the knowledge base pin their query counts; the index exists."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from infoline.accounts.models import User
from infoline.audit.models import AuditEvent
from infoline.journal.models import Topic
from infoline.knowledge.models import KnowledgeArticle, PeakAnnouncement
from tests.conftest import verified_client
from tests.knowledge.conftest import approved


@pytest.fixture
def many(
    team_lead: User, specialist: User, planner: User, tier2: dict[str, Any]
) -> None:
    today = timezone.localdate()
    for n in range(12):
        topic = Topic.objects.create(type="consultation", name=f"Topic {n}")
        approved(
            specialist,
            team_lead,
            topic,
            f"Benefit script {n}",
            "Explain the benefit.",
            specialists=[tier2["present"], tier2["away"]],
            departments=[tier2["department"]],
        )
        KnowledgeArticle.objects.create(
            category="client_service",
            title=f"Benefit article {n}",
            body="Benefit text.",
            owner=team_lead,
            review_by=today - datetime.timedelta(days=n),
        )
        start = timezone.now() + datetime.timedelta(days=n)
        peak = PeakAnnouncement.objects.create(
            title=f"Peak {n}",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=4),
            created_by=planner,
        )
        peak.topics.set([topic])


@pytest.mark.parametrize(
    ("name", "params", "limit"),
    [
        ("knowledge:search-results", {"q": "benefit"}, 6),
        ("knowledge:search", {"q": "benefit"}, 10),
        ("knowledge:script-list", {}, 5),
        ("knowledge:article-list", {}, 5),
        ("knowledge:reviews-due", {}, 5),
        ("knowledge:announcements", {}, 7),
        ("knowledge:announcements-panel", {}, 6),
    ],
)
def test_lists_pin_their_query_count(
    many: None,
    supervisor: User,
    django_assert_max_num_queries: Any,
    name: str,
    params: dict[str, str],
    limit: int,
) -> None:
    client = verified_client(supervisor)
    client.get(reverse(name), params)  # warm the session
    with django_assert_max_num_queries(limit):
        response = client.get(reverse(name), params)
    assert response.status_code == 200


def test_script_panel_query_count(
    many: None, agent_a: User, django_assert_max_num_queries: Any
) -> None:
    topic = Topic.objects.get(name="Topic 3")
    child = Topic.objects.create(type="consultation", parent=topic, name="Child")
    client = verified_client(agent_a)
    url = reverse("knowledge:script-panel", args=[child.pk])
    client.get(url)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert "Benefit script 3" in response.content.decode()


def test_full_text_index_exists(db: None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'knowledge_search_fts'"
            )
            [definition] = cursor.fetchone()
            assert "USING gin" in definition and "'simple'" in definition
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'knowledge_fts'")
            [definition] = cursor.fetchone()
            assert "fts5" in definition


def test_approval_is_in_the_audit_trail(
    topics: dict[str, Topic], specialist: User, team_lead: User
) -> None:
    """Changes to scripts are audited like every other app's data."""
    version = approved(specialist, team_lead, topics["benefit"], "T", "B")
    events = AuditEvent.objects.filter(
        object_type="knowledge.scriptversion", object_id=str(version.pk)
    )
    changes = [e.changes for e in events if e.action == "update"]
    assert any(c.get("status") == ["draft", "approved"] for c in changes)
    assert not AuditEvent.objects.filter(object_type="knowledge.searchentry").exists()


def test_postgresql_search_uses_the_gin_index(
    topics: dict[str, Topic], specialist: User, team_lead: User
) -> None:
    """The search's tsvector expression is the indexed one, so PostgreSQL can use the index."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only; SQLite searches the FTS5 table itself")
    from infoline.knowledge import services

    approved(specialist, team_lead, topics["benefit"], "Nedarbo išmoka", "Sodra.")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert services.search_knowledge("ismoka")
    sql = next(q["sql"] for q in ctx.captured_queries if "ts_rank" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "knowledge_search_fts" in plan, plan
