"""Issue 7 items 7 and 8: schedules solved, published, seen, swapped; adherence."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from infoline.accounts.choices import Role
from infoline.accounts.models import PublicLine, Team, User
from infoline.telephony.models import AgentStateInterval
from infoline.workforce.models import (
    CallHistory,
    Schedule,
    ShiftAssignment,
    SwapRequest,
    WorkContract,
)
from infoline.workforce.services import adherence_for_day, run_schedule_job
from tests.conftest import _user, verified_client
from tests.workforce_pages.conftest import bank_log


@pytest.fixture(autouse=True)
def _tiny_solves(settings: Any) -> None:
    # Two cores shared by everybody: small, short solves.
    settings.INFOLINE_SCHEDULE_SECONDS = 3.0
    settings.INFOLINE_SCHEDULE_WORKERS = 1


def _monday_ahead() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=14 - today.weekday())


@pytest.fixture
def history(planner: User, line: PublicLine) -> CallHistory:
    first = _monday_ahead() - datetime.timedelta(days=35)
    response = verified_client(planner).post(
        reverse("workforce:histories"),
        {
            "name": "Weeks",
            "line": line.pk,
            "file_format": "anonymous-bank",
            "interval": "60",
            "file": SimpleUploadedFile(
                "calls.txt", bank_log(first, 21, per_hour=12).encode()
            ),
        },
    )
    assert response.status_code == 302
    return CallHistory.objects.get()


@pytest.fixture
def crew(team_a: Team, agent_a: User, agent_a2: User) -> list[User]:
    """Team A's agents: two full-timers and a part-timer (at most 24 h a week)."""
    third = _user("agent_a3", Role.AGENT, team_a)
    WorkContract.objects.create(user=third, max_hours_per_week=24)
    return [agent_a, agent_a2, third]


def _create(
    planner: User, line: PublicLine, history: CallHistory, team: Team, **extra: Any
) -> Any:
    data = {
        "line": line.pk,
        "source": history.pk,
        "start": _monday_ahead().isoformat(),
        "interval": 60,
        "volume_percent": 100,
        "target_percent": 80,
        "target_seconds": 20,
        "sickness": 0,
        "leave": 0,
        "training": 0,
        "attrition": 0,
        "hours_per_day": 8,
        "team": team.pk,
        "weeks": 1,
        **extra,
    }
    return verified_client(planner).post(reverse("workforce:schedules"), data)


@pytest.fixture
def solved(
    planner: User,
    line: PublicLine,
    history: CallHistory,
    team_a: Team,
    crew: list[User],
) -> Schedule:
    response = _create(planner, line, history, team_a)
    assert response.status_code == 302
    return Schedule.objects.get()


def test_schedule_is_solved_with_demand_from_the_plan(
    solved: Schedule, planner: User, crew: list[User]
) -> None:
    assert solved.solve_status == Schedule.SolveStatus.DONE
    assert solved.interval_minutes == 30  # the lunch break fits the grid
    assert len(solved.demand) == 7 * 48
    # 12 calls an hour of 240 s need 2 agents 08-17 Monday to Saturday.
    assert max(solved.demand) == 2
    shifts = list(solved.shifts.all())
    assert shifts
    assert {s.user_id for s in shifts} <= {u.pk for u in crew}
    part_timer = [s for s in shifts if s.user.username == "agent_a3"]
    assert len(part_timer) * 8 <= 24
    for s in shifts:
        assert s.end - s.start == datetime.timedelta(hours=8)
        assert len(s.breaks) == 1
    page = verified_client(planner).get(reverse("workforce:schedule", args=[solved.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    gantt = re.search(
        r'<script type="application/json" id="gantt-data">(.*?)</script>', html, re.S
    )
    assert gantt
    traces = json.loads(gantt.group(1))["data"]
    assert [t["name"] for t in traces] == ["Shift", "Break"]
    assert len(traces[0]["base"]) == len(shifts)
    assert 'id="coverage-data"' in html


def test_progress_fragment_refreshes_when_solved(
    solved: Schedule, planner: User
) -> None:
    url = reverse("workforce:schedule", args=[solved.pk])
    response = verified_client(planner).get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    Schedule.objects.filter(pk=solved.pk).update(
        solve_status=Schedule.SolveStatus.RUNNING,
        progress={"stage": 1, "solutions": 3, "seconds": 1.5, "under_coverage": 4},
    )
    response = verified_client(planner).get(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert "Stage 1: 3 schedules found in 1.5 s" in html


def test_stop_ends_a_queued_solve_and_the_task_leaves_it(
    planner: User, line: PublicLine, team_a: Team
) -> None:
    schedule = Schedule.objects.create(
        line=line,
        team=team_a,
        start=_monday_ahead(),
        interval_minutes=60,
        demand=[1] * 168,
        created_by=planner,
    )
    client = verified_client(planner)
    response = client.post(reverse("workforce:schedule-stop", args=[schedule.pk]))
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.stop_requested
    assert schedule.solve_status == Schedule.SolveStatus.STOPPED
    assert run_schedule_job(schedule.pk, time_limit=1, workers=1) is None
    # Stopping again is refused with a reason.
    response = client.post(
        reverse("workforce:schedule-stop", args=[schedule.pk]), follow=True
    )
    assert "This schedule is not being solved." in response.content.decode()


def test_team_without_agents_is_refused(
    planner: User, line: PublicLine, history: CallHistory, team_b: Team
) -> None:
    response = _create(planner, line, history, team_b)
    assert response.status_code == 422
    assert "Team B has no active agents or specialists to schedule." in (
        response.content.decode()
    )
    assert not Schedule.objects.exists()


def test_publish_then_agents_see_only_their_own_shifts(
    solved: Schedule, planner: User, agent_a: User, agent_b: User
) -> None:
    mine = verified_client(agent_a).get(reverse("workforce:my-schedule"))
    assert "No published shifts ahead." in mine.content.decode()
    response = verified_client(planner).post(
        reverse("workforce:schedule-publish", args=[solved.pk]), follow=True
    )
    assert "Published: the agents see their shifts." in response.content.decode()
    solved.refresh_from_db()
    assert solved.status == Schedule.Status.PUBLISHED
    assert solved.published_by == planner
    own = ShiftAssignment.objects.filter(schedule=solved, user=agent_a).count()
    html = verified_client(agent_a).get(reverse("workforce:my-schedule")).content
    assert html.decode().count('action="/my-schedule/shifts/') == own
    outsider = verified_client(agent_b).get(reverse("workforce:my-schedule"))
    assert "No published shifts ahead." in outsider.content.decode()
    # Publishing twice is refused.
    response = verified_client(planner).post(
        reverse("workforce:schedule-publish", args=[solved.pk]), follow=True
    )
    assert "This schedule is already published." in response.content.decode()


def test_unsolved_schedule_cannot_be_published(
    planner: User, line: PublicLine, team_a: Team
) -> None:
    schedule = Schedule.objects.create(
        line=line,
        team=team_a,
        start=_monday_ahead(),
        interval_minutes=60,
        demand=[],
        solve_status=Schedule.SolveStatus.INFEASIBLE,
        created_by=planner,
    )
    response = verified_client(planner).post(
        reverse("workforce:schedule-publish", args=[schedule.pk]), follow=True
    )
    assert "Only a solved schedule with shifts can be published." in (
        response.content.decode()
    )
    schedule.refresh_from_db()
    assert schedule.status == Schedule.Status.DRAFT


def _two_shifts(planner: User, line: PublicLine, team: Team, a: User, b: User) -> Any:
    schedule = Schedule.objects.create(
        line=line,
        team=team,
        start=_monday_ahead(),
        interval_minutes=60,
        demand=[0] * 168,
        solve_status=Schedule.SolveStatus.DONE,
        status=Schedule.Status.PUBLISHED,
        created_by=planner,
    )
    tz = timezone.get_current_timezone()

    def shift(user: User, day: int, hour: int) -> ShiftAssignment:
        start = timezone.make_aware(
            datetime.datetime.combine(
                _monday_ahead() + datetime.timedelta(days=day), datetime.time(hour)
            ),
            tz,
        )
        return ShiftAssignment.objects.create(
            schedule=schedule,
            user=user,
            template=f"{hour:02d}:00",
            start=start,
            end=start + datetime.timedelta(hours=8),
        )

    return shift(a, 0, 8), shift(b, 2, 10), shift


def test_swap_requested_by_agent_and_approved_by_team_lead(
    planner: User,
    line: PublicLine,
    team_a: Team,
    agent_a: User,
    agent_a2: User,
    team_lead: User,
    agent_b: User,
) -> None:
    mine, theirs, _shift = _two_shifts(planner, line, team_a, agent_a, agent_a2)
    url = reverse("workforce:swap-request", args=[mine.pk])
    # The outsider cannot ask to swap somebody else's shift.
    assert verified_client(agent_b).post(url, {"other": theirs.pk}).status_code == 404
    response = verified_client(agent_a).post(
        url, {"other": theirs.pk, "reason": "doctor"}, follow=True
    )
    assert "Swap requested: your team lead decides." in response.content.decode()
    swap = SwapRequest.objects.get()
    assert swap.status == SwapRequest.Status.PENDING
    # A second request for the same shift waits for the first.
    response = verified_client(agent_a).post(url, {"other": theirs.pk}, follow=True)
    assert "A swap of this shift is already waiting for approval." in (
        response.content.decode()
    )
    decide = reverse("workforce:swap-decide", args=[swap.pk])
    # A team lead of another team does not see it.
    other_lead = _user("lead_b", Role.TEAM_LEAD)
    Team.objects.filter(name="Team B").update(lead=other_lead)
    assert (
        verified_client(other_lead).post(decide, {"decision": "approve"}).status_code
        == 404
    )
    listing = verified_client(team_lead).get(reverse("workforce:swaps"))
    assert "doctor" in listing.content.decode()
    response = verified_client(team_lead).post(
        decide, {"decision": "approve"}, follow=True
    )
    assert "Swap approved: the shifts changed hands." in response.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.user == agent_a2
    assert theirs.user == agent_a
    swap.refresh_from_db()
    assert swap.decided_by == team_lead
    response = verified_client(team_lead).post(
        decide, {"decision": "reject"}, follow=True
    )
    assert "This swap has already been decided." in response.content.decode()


def test_swap_breaking_daily_rest_is_refused(
    planner: User, line: PublicLine, team_a: Team, agent_a: User, agent_a2: User
) -> None:
    mine, theirs, shift = _two_shifts(planner, line, team_a, agent_a, agent_a2)
    # agent_a works Wednesday 22:00 already: taking Wednesday 10-18 leaves 4 h.
    shift(agent_a, 2, 22)
    response = verified_client(agent_a).post(
        reverse("workforce:swap-request", args=[mine.pk]),
        {"other": theirs.pk},
        follow=True,
    )
    assert "rest less than 11 hours" in response.content.decode()
    assert not SwapRequest.objects.exists()


def test_adherence_compares_states_with_the_plan(
    planner: User, line: PublicLine, team_a: Team, agent_a: User, agent_a2: User
) -> None:
    day = timezone.localdate() - datetime.timedelta(days=1)
    tz = timezone.get_current_timezone()
    schedule = Schedule.objects.create(
        line=line,
        team=team_a,
        start=day,
        interval_minutes=60,
        demand=[],
        solve_status=Schedule.SolveStatus.DONE,
        status=Schedule.Status.PUBLISHED,
        created_by=planner,
    )

    def at(hour: float) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(0)), tz
        ) + datetime.timedelta(hours=hour)

    ShiftAssignment.objects.create(
        schedule=schedule,
        user=agent_a,
        template="08:00",
        start=at(8),
        end=at(16),
        breaks=[[at(12).isoformat(), at(12.5).isoformat()]],
    )

    def state(n: int, name: str, a: float, b: float) -> None:
        AgentStateInterval.objects.create(
            source=f"t:{n}",
            agent_id=str(agent_a.pk),
            state=name,
            start=at(a).timestamp(),
            end=at(b).timestamp(),
        )

    # Logged in 15 min late, worked through the lunch, talked until 16:30.
    state(1, "logged_out", 0, 8.25)
    state(2, "ready", 8.25, 10)
    state(3, "talking", 10, 16.5)
    rows = adherence_for_day(team_a, day)
    assert len(rows) == 2
    row = rows[0]
    assert row.user == agent_a
    assert row.scheduled == pytest.approx(450)  # 8 h less 30 min lunch
    assert row.worked == pytest.approx(495)  # 8:15 to 16:30
    assert row.in_adherence == pytest.approx(435)  # 8:15-12:00, 12:30-16:00
    assert row.adherence == pytest.approx(435 / 450)
    assert rows[1].user is None
    response = verified_client(planner).get(
        reverse("workforce:adherence"), {"team": team_a.pk, "day": day.isoformat()}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "97%" in html  # 435 / 450
    assert "110%" in html  # conformance 495 / 450


def test_team_lead_sees_adherence_of_own_team_only(
    team_lead: User, team_a: Team, team_b: Team
) -> None:
    url = reverse("workforce:adherence")
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    own = verified_client(team_lead).get(url, {"team": team_a.pk, "day": day})
    assert own.status_code == 200
    other = verified_client(team_lead).get(url, {"team": team_b.pk, "day": day})
    assert other.status_code == 422
    assert "Select a valid choice" in other.content.decode()
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = verified_client(team_lead).get(url, {"team": team_a.pk, "day": future})
    assert "Adherence is shown for today and past days." in response.content.decode()


def test_schedule_exports(solved: Schedule, planner: User) -> None:
    import io

    from openpyxl import load_workbook

    client = verified_client(planner)
    url = reverse("workforce:schedule-export", args=[solved.pk])
    book = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("Employee", "Start", "End", "Shift", "Breaks")
    assert len(rows) == 1 + solved.shifts.count()
    pdf = client.get(url, {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")


def test_export_without_a_format_goes_back_to_the_schedule(
    solved: Schedule, planner: User
) -> None:
    url = reverse("workforce:schedule-export", args=[solved.pk])
    response = verified_client(planner).get(url, follow=True)
    assert response.redirect_chain[0][0] == reverse(
        "workforce:schedule", args=[solved.pk]
    )
    assert "Choose the export&#x27;s format: XLSX or PDF." in response.content.decode()


def test_stop_requested_while_solving_keeps_the_best_schedule_so_far(
    planner: User, line: PublicLine, team_a: Team, crew: list[User]
) -> None:
    # The flag is already set when the solver reports its first schedule,
    # as if the planner pressed "Stop" at that moment.
    schedule = Schedule.objects.create(
        line=line,
        team=team_a,
        start=_monday_ahead(),
        interval_minutes=30,
        demand=([0] * 16 + [2] * 18 + [0] * 14) * 7,
        stop_requested=True,
        created_by=planner,
    )
    done = run_schedule_job(schedule.pk, time_limit=20, workers=1)
    assert done is not None
    assert done.solve_status == Schedule.SolveStatus.STOPPED
    assert done.shifts.exists()
    assert Schedule.objects.get(pk=schedule.pk).progress["solutions"] >= 1


def test_page_polls_while_queued_until_a_worker_has_solved_it(
    planner: User,
    line: PublicLine,
    history: CallHistory,
    team_a: Team,
    crew: list[User],
    settings: Any,
) -> None:
    # Tasks wait for a worker, as with the database backend.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    response = _create(planner, line, history, team_a)
    schedule = Schedule.objects.get()
    assert response["Location"] == reverse("workforce:schedule", args=[schedule.pk])
    client = verified_client(planner)
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="queued"' in page
    assert 'hx-trigger="every 1s"' in page
    assert "The solve starts when a background worker is free." in page
    run_schedule_job(schedule.pk, time_limit=3, workers=1)
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page
    assert 'id="gantt-data"' in page


def test_lists_keep_their_query_counts(
    solved: Schedule,
    planner: User,
    team_lead: User,
    agent_a: User,
    django_assert_max_num_queries: Any,
) -> None:
    solved.status = Schedule.Status.PUBLISHED
    solved.save()
    shifts = list(solved.shifts.all())
    mine = [s for s in shifts if s.user_id == agent_a.pk]
    others = [s for s in shifts if s.user_id != agent_a.pk]
    for own, other in zip(mine, others, strict=False):
        SwapRequest.objects.create(shift=own, other_shift=other, requested_by=agent_a)
    lead = verified_client(team_lead)
    me = verified_client(agent_a)
    planning = verified_client(planner)
    with django_assert_max_num_queries(12):
        assert lead.get(reverse("workforce:swaps")).status_code == 200
    with django_assert_max_num_queries(12):
        assert me.get(reverse("workforce:my-schedule")).status_code == 200
    with django_assert_max_num_queries(12):
        assert planning.get(reverse("workforce:schedules")).status_code == 200
    with django_assert_max_num_queries(14):
        url = reverse("workforce:schedule", args=[solved.pk])
        assert planning.get(url).status_code == 200


def test_impossible_contract_is_named_and_no_shift_is_stored(
    planner: User,
    line: PublicLine,
    history: CallHistory,
    team_a: Team,
    agent_a: User,
) -> None:
    # 60 hours a week cannot be worked in eight-hour shifts on six days.
    WorkContract.objects.create(
        user=agent_a, min_hours_per_week=60, max_hours_per_week=60
    )
    response = _create(planner, line, history, team_a)
    assert response.status_code == 302
    schedule = Schedule.objects.get()
    assert schedule.solve_status == Schedule.SolveStatus.INFEASIBLE
    assert not schedule.shifts.exists()
    page = verified_client(planner).get(response["Location"]).content.decode()
    assert "No schedule satisfies the rules" in page
    assert schedule.messages == [
        f"employee Agent_A Tester (#{agent_a.pk}): contract minimum 60 h/week "
        "exceeds the 48 h that the shift templates and leave allow in week 1"
    ]
    assert schedule.messages[0] in page
