"""K5: expected peaks announced in advance, shown to agents (desk panel) and planners."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from infoline.accounts.models import PublicLine, User
from infoline.knowledge.models import PeakAnnouncement
from tests.conftest import verified_client

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _form(
    start: datetime.datetime, end: datetime.datetime, **extra: object
) -> dict[str, object]:
    return {
        "title": "Tax cards mailed",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
        "text": "Expect many calls about tax cards.",
        **extra,
    }


@time_machine.travel(NOW, tick=False)
def test_planner_announces_and_agent_sees_it_on_the_desk_panel(
    planner: User, agent_a: User
) -> None:
    line = PublicLine.objects.create(
        kind="general", name="General line", number="+37052360780"
    )
    start = timezone.localtime() + datetime.timedelta(days=2)
    response = verified_client(planner).post(
        reverse("knowledge:announcement-new"),
        _form(
            start,
            start + datetime.timedelta(days=1),
            lines=[line.pk],
            expected_extra=900,
        ),
    )
    assert response.status_code == 302
    peak = PeakAnnouncement.objects.get()
    assert peak.created_by == planner and list(peak.lines.all()) == [line]
    panel = verified_client(agent_a).get(reverse("knowledge:announcements-panel"))
    body = panel.content.decode()
    assert "Tax cards mailed" in body and "General line" in body
    assert "about 900 extra contacts a day" in body
    assert "<html" not in body


@time_machine.travel(NOW, tick=False)
def test_current_peak_is_marked_and_past_ones_leave_the_panel(
    planner: User, agent_a: User
) -> None:
    now = timezone.now()
    PeakAnnouncement.objects.create(
        title="Running now",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=3),
        created_by=planner,
    )
    PeakAnnouncement.objects.create(
        title="Already over",
        starts_at=now - datetime.timedelta(days=2),
        ends_at=now - datetime.timedelta(days=1),
        created_by=planner,
    )
    body = (
        verified_client(agent_a)
        .get(reverse("knowledge:announcements-panel"))
        .content.decode()
    )
    assert "Running now" in body and ">Now<" in body
    assert "Already over" not in body


def test_peak_ending_before_it_starts_is_refused(planner: User) -> None:
    start = timezone.localtime() + datetime.timedelta(days=2)
    response = verified_client(planner).post(
        reverse("knowledge:announcement-new"),
        _form(start, start - datetime.timedelta(hours=1)),
    )
    assert response.status_code == 200
    assert "The peak must end after it starts." in response.content.decode()
    assert not PeakAnnouncement.objects.exists()


def test_agents_read_but_cannot_announce(agent_a: User, planner: User) -> None:
    start = timezone.localtime() + datetime.timedelta(days=2)
    response = verified_client(agent_a).post(
        reverse("knowledge:announcement-new"),
        _form(start, start + datetime.timedelta(hours=2)),
    )
    assert response.status_code == 403
    assert not PeakAnnouncement.objects.exists()
    assert (
        verified_client(agent_a).get(reverse("knowledge:announcements")).status_code
        == 200
    )


def test_api_lists_peaks_not_yet_over(planner: User, agent_b: User, dpo: User) -> None:
    """K5 through the API, for planning tools; the DPO has no use for it."""
    from django.test import Client

    from infoline.accounts.services import create_api_token

    now = timezone.now()
    line = PublicLine.objects.create(kind="general", name="General line", number="1883")
    peak = PeakAnnouncement.objects.create(
        title="Tax cards",
        starts_at=now + datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=2),
        expected_extra=500,
        created_by=planner,
    )
    peak.lines.set([line])
    PeakAnnouncement.objects.create(
        title="Over",
        starts_at=now - datetime.timedelta(days=2),
        ends_at=now - datetime.timedelta(days=1),
        created_by=planner,
    )
    _token, raw = create_api_token(agent_b, "desk")
    data = (
        Client()
        .get("/api/knowledge/announcements", HTTP_AUTHORIZATION=f"Bearer {raw}")
        .json()
    )
    assert [(a["title"], a["lines"], a["expected_extra"]) for a in data] == [
        ("Tax cards", ["1883"], 500)
    ]
    _token, raw = create_api_token(dpo, "x")
    assert (
        Client()
        .get("/api/knowledge/announcements", HTTP_AUTHORIZATION=f"Bearer {raw}")
        .status_code
        == 403
    )
