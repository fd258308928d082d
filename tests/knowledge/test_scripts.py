"""J3 (answer scripts per topic, versioned, approved, recommended) and J4 (tier-2 under the script)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from infoline.accounts.models import User
from infoline.journal.models import Topic
from infoline.knowledge import services
from infoline.knowledge.models import AnswerScript, ScriptVersion
from tests.conftest import verified_client
from tests.knowledge.conftest import approved


def test_each_edit_is_a_new_version_and_approval_puts_it_in_force(
    topics: dict[str, Topic], specialist: User, team_lead: User, supervisor: User
) -> None:
    """J3: drafts are versions; one approved version is current; approval is recorded."""
    first = services.save_script_draft(
        specialist, topics["benefit"], title="Benefit", body="Version one."
    )
    assert (first.number, first.status) == (1, "draft")
    assert services.recommended_script(topics["benefit"].pk) is None  # not approved yet
    services.approve_script_version(team_lead, first)
    first.refresh_from_db()
    assert (first.status, first.approved_by, first.approved_at is not None) == (
        "approved",
        team_lead,
        True,
    )
    second = services.save_script_draft(
        team_lead, topics["benefit"], title="Benefit", body="Version two."
    )
    third = services.save_script_draft(
        specialist, topics["benefit"], title="Benefit", body="Version three."
    )
    second.refresh_from_db()
    assert (second.number, second.status) == (2, "withdrawn")
    # The version in force stays until the new draft is approved.
    assert services.recommended_script(topics["benefit"].pk) == first
    services.approve_script_version(supervisor, third)
    first.refresh_from_db()
    assert first.status == "superseded"
    current = services.recommended_script(topics["benefit"].pk)
    assert current == third and current.body == "Version three."
    assert AnswerScript.objects.get(topic=topics["benefit"]).versions.count() == 3


def test_recommends_the_nearest_ancestor_script(
    topics: dict[str, Topic], specialist: User, team_lead: User
) -> None:
    """J3: a topic without its own script gets its nearest parent's."""
    root = approved(specialist, team_lead, topics["root"], "Root", "General answer.")
    assert services.recommended_script(topics["amount"].pk) == root
    benefit = approved(specialist, team_lead, topics["benefit"], "Benefit", "Specific.")
    found = services.recommended_script(topics["amount"].pk)
    assert found == benefit
    assert found is not None and found.script.topic == topics["benefit"]
    assert services.recommended_script(topics["other"].pk) is None
    assert services.recommended_script(999999) is None


def test_four_eyes_author_cannot_approve_own_draft(
    topics: dict[str, Topic], team_lead: User
) -> None:
    """J3 approval step: the author of a draft may not approve it; nothing changes."""
    draft = services.save_script_draft(
        team_lead, topics["benefit"], title="Mine", body="Text."
    )
    with pytest.raises(ValidationError, match="You wrote this draft"):
        services.approve_script_version(team_lead, draft)
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.approved_by is None
    assert AnswerScript.objects.get(topic=topics["benefit"]).current is None


def test_only_leads_approve_and_only_drafts(
    topics: dict[str, Topic], specialist: User, team_lead: User, agent_a: User
) -> None:
    draft = services.save_script_draft(
        specialist, topics["benefit"], title="T", body="B"
    )
    for user in (agent_a, specialist):
        with pytest.raises(PermissionDenied):
            services.approve_script_version(user, draft)
    services.approve_script_version(team_lead, draft)
    with pytest.raises(ValidationError, match="Version 1 is not a draft awaiting"):
        services.approve_script_version(team_lead, draft)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  ", "body": "Text"}, "Give the script a title."),
        ({"title": "Title", "body": ""}, "Write the script: what the agent says"),
    ],
)
def test_empty_title_or_body_saves_nothing(
    topics: dict[str, Topic], specialist: User, fields: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        services.save_script_draft(specialist, topics["benefit"], **fields)
    assert not AnswerScript.objects.exists()
    assert not ScriptVersion.objects.exists()


def test_inactive_specialist_or_topic_is_refused(
    topics: dict[str, Topic], specialist: User, tier2: dict[str, Any]
) -> None:
    gone = tier2["present"]
    gone.active = False
    gone.save()
    with pytest.raises(ValidationError, match="Jurgita Mockienė no longer work here"):
        services.save_script_draft(
            specialist, topics["benefit"], title="T", body="B", specialists=[gone]
        )
    topics["other"].active = False
    topics["other"].save()
    with pytest.raises(ValidationError, match="is no longer in use"):
        services.save_script_draft(specialist, topics["other"], title="T", body="B")
    assert not ScriptVersion.objects.exists()


def test_tier2_lists_specialists_with_presence_and_departments(
    topics: dict[str, Topic],
    specialist: User,
    team_lead: User,
    tier2: dict[str, Any],
) -> None:
    """J4: the recommended tier-2 specialists with position, department and presence."""
    version = approved(
        specialist,
        team_lead,
        topics["benefit"],
        "Benefit",
        "Text",
        specialists=[tier2["present"], tier2["away"]],
        departments=[tier2["department"]],
    )
    result = services.tier2_for(version)
    assert [(e.last_name, a.away) for e, a in result.specialists] == [
        ("Mockienė", False),
        ("Vaitkus", True),
    ]
    assert result.departments == [tier2["department"]]


def test_script_panel_fragment_shows_script_and_tier2(
    topics: dict[str, Topic],
    specialist: User,
    team_lead: User,
    agent_a: User,
    tier2: dict[str, Any],
) -> None:
    """J3, J4: the desk fragment: the parent's script, tier-2 people and whether present."""
    approved(
        specialist,
        team_lead,
        topics["benefit"],
        "How the benefit is paid",
        "1. Greet the caller.\n2. Explain that **Sodra** pays.\n\n<script>alert(1)</script>",
        specialists=[tier2["present"], tier2["away"]],
        departments=[tier2["department"]],
    )
    url = reverse("knowledge:script-panel", args=[topics["amount"].pk])
    response = verified_client(agent_a).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "topbar" not in body  # no page chrome
    assert "How the benefit is paid" in body
    assert "Script of the parent topic “Unemployment › Unemployment benefit”" in body
    assert (
        "<ol><li>Greet the caller.</li><li>Explain that <strong>Sodra</strong> pays.</li></ol>"
        in body
    )
    assert (
        "<script>alert" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    )
    assert "Jurgita Mockienė" in body and "Senior specialist" in body
    assert "Vacancy division" in body
    assert body.count("At work") == 1 and body.count("Away") == 1
    assert "Private reason" not in body  # the reason of an absence stays private (A3)
    # A topic without a script anywhere up its tree says so.
    other = verified_client(agent_a).get(
        reverse("knowledge:script-panel", args=[topics["other"].pk])
    )
    assert "No script for this topic" in other.content.decode()
    missing = verified_client(agent_a).get(
        reverse("knowledge:script-panel", args=[999999])
    )
    assert missing.status_code == 404


def test_script_editor_drafts_and_approval_over_http(
    topics: dict[str, Topic], specialist: User, team_lead: User, agent_a: User
) -> None:
    """J3 from the outside: an agent cannot write, a specialist drafts, the lead approves."""
    data = {
        "topic": topics["benefit"].pk,
        "title": "Benefit",
        "body": "Say this.",
        "keywords": "išmoka",
    }
    new = reverse("knowledge:script-new")
    assert verified_client(agent_a).post(new, data).status_code == 403
    assert not ScriptVersion.objects.exists()
    response = verified_client(specialist).post(new, data)
    version = ScriptVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/knowledge/scripts/{version.script_id}/?v=1"
    approve = reverse("knowledge:script-approve", args=[version.script_id, 1])
    assert verified_client(specialist).post(approve).status_code == 403
    assert verified_client(team_lead).post(approve).status_code == 302
    version.refresh_from_db()
    assert version.status == "approved" and version.approved_by == team_lead
    # The agent now reads it; drafts and the history are for editors.
    page = verified_client(agent_a).get(version.script.get_absolute_url())
    assert "Say this." in page.content.decode()
    assert (
        verified_client(agent_a)
        .get(version.script.get_absolute_url() + "?v=1")
        .status_code
        == 200
    )


def test_script_editor_rejects_empty_title_with_message(
    topics: dict[str, Topic], specialist: User
) -> None:
    response = verified_client(specialist).post(
        reverse("knowledge:script-new"),
        {"topic": topics["benefit"].pk, "title": "", "body": "Text"},
    )
    assert response.status_code == 200
    assert "Give the script a title." in response.content.decode()
    assert not ScriptVersion.objects.exists()


def test_lead_cannot_approve_own_draft_over_http(
    topics: dict[str, Topic], team_lead: User
) -> None:
    draft = services.save_script_draft(
        team_lead, topics["benefit"], title="T", body="B"
    )
    client = verified_client(team_lead)
    response = client.post(
        reverse("knowledge:script-approve", args=[draft.script_id, 1]), follow=True
    )
    assert "You wrote this draft; another team lead" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_lead_returns_a_draft_with_a_reason(
    topics: dict[str, Topic], specialist: User, team_lead: User
) -> None:
    """J3 approval step: a draft may go back to its author, with the reason recorded."""
    first = approved(specialist, team_lead, topics["benefit"], "T", "In force.")
    draft = services.save_script_draft(
        specialist, topics["benefit"], title="T", body="Wrong amount."
    )
    client = verified_client(team_lead)
    url = reverse("knowledge:script-return", args=[draft.script_id, draft.number])
    response = client.post(url, {"reason": "  "}, follow=True)
    assert "Say why the draft goes back to its author." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    response = client.post(url, {"reason": "The amount changed in 2026."}, follow=True)
    assert "Version 2 went back to its author." in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.returned_by, draft.review_note) == (
        "rejected",
        team_lead,
        "The amount changed in 2026.",
    )
    assert services.recommended_script(topics["benefit"].pk) == first
    with pytest.raises(ValidationError, match="Version 2 is not a draft awaiting"):
        services.approve_script_version(team_lead, draft)
    assert verified_client(specialist).post(url, {"reason": "x"}).status_code == 403
