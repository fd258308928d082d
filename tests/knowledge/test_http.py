"""J3, K4: the knowledge pages and API from the outside: outsider, DPO and anonymous."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from infoline.accounts.models import User
from infoline.accounts.services import create_api_token
from infoline.journal.models import Topic
from infoline.knowledge.models import KnowledgeArticle
from tests.conftest import verified_client
from tests.knowledge.conftest import approved


@pytest.fixture
def script_topic(topics: dict[str, Topic], specialist: User, team_lead: User) -> Topic:
    approved(
        specialist,
        team_lead,
        topics["benefit"],
        "Nedarbo išmoka",
        "Sodra moka išmoką.",
        keywords="pašalpa",
    )
    return topics["amount"]


def test_outsider_agent_reads_but_cannot_write(
    script_topic: Topic, agent_b: User
) -> None:
    """The outsider (an agent of team B) may read scripts; every write is refused."""
    client = verified_client(agent_b)
    assert client.get(reverse("knowledge:search"), {"q": "isMOKA"}).status_code == 200
    results = client.get(reverse("knowledge:search-results"), {"q": "pasalpa"})
    assert "Nedarbo išmoka" in results.content.decode()
    assert (
        "<mark>išmoką</mark>"
        in client.get(
            reverse("knowledge:search-results"), {"q": "ismoka"}
        ).content.decode()
    )
    for name in (
        "knowledge:script-new",
        "knowledge:article-new",
        "knowledge:reviews-due",
    ):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.post(reverse("knowledge:announcement-new")).status_code == 403


def test_dpo_and_anonymous_are_refused(script_topic: Topic, dpo: User) -> None:
    url = reverse("knowledge:script-panel", args=[script_topic.pk])
    assert verified_client(dpo).get(url).status_code == 403
    response = Client().get(url)
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_search_results_say_when_nothing_matches(agent_a: User) -> None:
    body = (
        verified_client(agent_a)
        .get(reverse("knowledge:search-results"), {"q": "xyzzy"})
        .content.decode()
    )
    assert "Nothing matches “xyzzy”." in body


def test_search_page_escapes_the_query(agent_a: User) -> None:
    body = (
        verified_client(agent_a)
        .get(reverse("knowledge:search"), {"q": "<img src=x onerror=alert(1)>"})
        .content.decode()
    )
    assert "<img src=x" not in body


def test_api_search_and_recommended_script(
    script_topic: Topic, agent_b: User, team_lead: User
) -> None:
    """J3 through the API: search by keyword without accents; the parent's script."""
    _token, raw = create_api_token(agent_b, "desk")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    found = Client().get("/api/knowledge/search", {"q": "pasalpa"}, **auth).json()
    assert [r["title"] for r in found["results"]] == ["Nedarbo išmoka"]
    assert found["results"][0]["kind"] == "script"
    bad = Client().get("/api/knowledge/search", {"q": "x", "kind": "video"}, **auth)
    assert bad.status_code == 422
    assert (
        bad.json()["detail"] == "Look in “script” or “article”, or leave the kind out."
    )
    script = Client().get(f"/api/knowledge/topics/{script_topic.pk}/script", **auth)
    assert script.status_code == 200
    data = script.json()
    assert data["title"] == "Nedarbo išmoka" and data["version"] == 1
    assert data["script_topic_id"] == script_topic.parent_id
    assert data["approved_by"] == str(team_lead)
    none = Client().get("/api/knowledge/topics/999999/script", **auth)
    assert (
        none.status_code == 404 and none.json()["detail"] == "There is no such topic."
    )


def test_api_refuses_dpo(script_topic: Topic, dpo: User) -> None:
    _token, raw = create_api_token(dpo, "x")
    response = Client().get(
        "/api/knowledge/search", {"q": "ismoka"}, HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 403


def test_article_list_filters_by_office_and_category(
    team_lead: User, agent_a: User
) -> None:
    from django.utils import timezone

    from infoline.accounts.models import Department

    kaunas = Department.objects.create(
        name="Kaunas", code="kaunas", is_local_office=True
    )
    for title, office, category in [
        ("Kaunas fair", kaunas, "fairs"),
        ("National EURES", None, "eures"),
    ]:
        KnowledgeArticle.objects.create(
            title=title,
            office=office,
            category=category,
            body="x",
            owner=team_lead,
            review_by=timezone.localdate(),
        )
    client = verified_client(agent_a)
    body = client.get(
        reverse("knowledge:article-list"), {"office": kaunas.pk}
    ).content.decode()
    assert "Kaunas fair" in body and "National EURES" not in body
    body = client.get(
        reverse("knowledge:article-list"), {"category": "eures"}
    ).content.decode()
    assert "National EURES" in body and "Kaunas fair" not in body


def test_search_page_without_query_lists_scripts_and_offices(
    script_topic: Topic, agent_a: User
) -> None:
    from infoline.accounts.models import Department

    Department.objects.create(name="Klaipėda office", code="kl", is_local_office=True)
    body = verified_client(agent_a).get(reverse("knowledge:search")).content.decode()
    assert "Nedarbo išmoka" in body and "Klaipėda office" in body


def test_reviews_due_link_only_for_editors(specialist: User, agent_a: User) -> None:
    url = reverse("knowledge:announcements")
    link = reverse("knowledge:reviews-due")
    assert link in verified_client(specialist).get(url).content.decode()
    assert link not in verified_client(agent_a).get(url).content.decode()
