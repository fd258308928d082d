"""S1 on the wall-board: a supervisor's emergency switch per line, a team
lead changing an agent's state; both through the runner's log, refused to
other roles over HTTP with nothing changed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from infoline.accounts.choices import LineKind
from infoline.accounts.models import PublicLine, User
from infoline.telephony.models import DeskRequest, LiveState, RoutingEvent
from infoline.telephony.runner import Runner, agent_group
from infoline.telephony.services import SimulationParams, build_simulated_runner

pytestmark = pytest.mark.django_db

ORIGIN = 1763362800.0
LINE = "+37052000111"
ClientFor = Callable[[User], Client]


def _runner() -> Runner:
    PublicLine.objects.create(name="General line", kind=LineKind.GENERAL, number=LINE)
    params = SimulationParams(seed=5, origin=ORIGIN, robots=2, scale=1.0)
    runner = build_simulated_runner(params, speed=0, desk_poll_s=0.0)
    runner.boot()
    return runner


def test_supervisor_closes_a_line_and_the_wallboard_shows_it(
    supervisor: User, client_for: ClientFor
) -> None:
    runner = _runner()
    runner.run(until=ORIGIN + 900)
    client = client_for(supervisor)
    page = client.get("/wallboard/")
    assert page.status_code == 200
    assert b'action="/wallboard/emergency/"' in page.content

    response = client.post(
        "/wallboard/emergency/",
        {"line": LINE, "mode": "close", "announcement": "storm-closed"},
        follow=True,
    )
    assert response.redirect_chain == [("/wallboard/", 302)]
    assert "Emergency switch sent to the phone system." in response.text
    request = DeskRequest.objects.get()
    assert request.actor == supervisor
    assert request.params == {
        "line": LINE,
        "mode": "close",
        "announcement": "storm-closed",
        "to_queue": None,
    }
    runner.take_desk_requests()
    assert RoutingEvent.objects.filter(kind="EmergencySwitched").count() == 1
    runner.publish_board()
    board = LiveState.objects.get(key="board").data
    assert board["emergency"] == {
        LINE: {"mode": "close", "announcement": "storm-closed", "to_queue": None}
    }
    assert board["total"]["waiting"] == 0  # every waiting caller heard it
    assert "Closed with an announcement" in client.get("/wallboard/").text
    # New callers hear the announcement too; nobody queues.
    runner.run(until=ORIGIN + 1800)
    assert runner.board()["total"]["waiting"] == 0

    client.post("/wallboard/emergency/", {"line": LINE, "mode": "overflow"})
    assert DeskRequest.objects.count() == 1  # no queue chosen: refused
    client.post(
        "/wallboard/emergency/",
        {"line": LINE, "mode": "overflow", "to_queue": "office"},
    )
    client.post("/wallboard/emergency/", {"line": LINE, "mode": "off"})
    runner.take_desk_requests()
    assert runner.board()["emergency"] == {}
    # A restart rebuilds the same from the log.
    again = build_simulated_runner(
        SimulationParams(seed=5, origin=ORIGIN, robots=2, scale=1.0),
        speed=0,
        publish=False,
    )
    again.boot()
    assert again.emergency == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"line": LINE, "mode": "close"}, "Closing a line needs an announcement."),
        ({"line": "+37000000000", "mode": "off"}, "Unknown line."),
        ({"line": LINE, "mode": "explode"}, "Choose what the emergency switch does."),
        (
            {"line": LINE, "mode": "overflow", "to_queue": "nowhere"},
            "Choose the queue that takes the line&#x27;s callers.",
        ),
        (
            {"line": LINE, "mode": "close", "announcement": "x" * 201},
            "The announcement is too long.",
        ),
    ],
)
def test_bad_emergency_switches_are_refused(
    supervisor: User, client_for: ClientFor, data: dict[str, str], message: str
) -> None:
    PublicLine.objects.create(name="General line", kind=LineKind.GENERAL, number=LINE)
    response = client_for(supervisor).post("/wallboard/emergency/", data, follow=True)
    assert message in response.text
    assert not DeskRequest.objects.exists()


def test_team_lead_may_not_switch_emergency(
    team_lead: User, agent_a: User, client_for: ClientFor
) -> None:
    PublicLine.objects.create(name="General line", kind=LineKind.GENERAL, number=LINE)
    page = client_for(team_lead).get("/wallboard/")
    assert b'action="/wallboard/emergency/"' not in page.content
    for user in (team_lead, agent_a):
        response = client_for(user).post(
            "/wallboard/emergency/",
            {"line": LINE, "mode": "close", "announcement": "storm"},
        )
        assert response.status_code == 403
    assert not DeskRequest.objects.exists()


def test_team_lead_sets_an_agent_not_ready(
    team_lead: User, agent_a: User, client_for: ClientFor
) -> None:
    runner = _runner()
    client = client_for(agent_a)
    assert client.get("/phone/").status_code == 200
    DeskRequest.objects.create(agent=agent_a, op="log_in")
    DeskRequest.objects.create(agent=agent_a, op="ready")
    runner.take_desk_requests()
    runner.drain_outbox()

    lead = client_for(team_lead)
    response = lead.post(
        "/wallboard/agent-state/",
        {"agent": agent_a.pk, "state": "not_ready", "reason": "meeting"},
        follow=True,
    )
    name = agent_a.get_full_name() or agent_a.username
    assert f"Asked the phone system to change the state of {name}." in response.text
    request = DeskRequest.objects.latest("pk")
    assert (request.agent, request.actor, request.op, request.reason) == (
        agent_a,
        team_lead,
        "not_ready",
        "meeting",
    )
    runner.take_desk_requests()
    pushed = [
        m["event"] for g, m in runner.drain_outbox() if g == agent_group(agent_a.pk)
    ]
    assert pushed[-1]["state"] == "not_ready" and pushed[-1]["reason"] == "meeting"
    assert runner.engine.agent_state(str(agent_a.pk)).value == "not_ready"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"agent": "", "state": "ready"}, "Choose an agent."),
        ({"agent": "99999999999", "state": "ready"}, "Choose an agent."),
        ({"agent": "AGENT", "state": "not_ready"}, "Choose why you are not ready."),
        ({"agent": "AGENT", "state": "logged_in"}, "Unknown agent state."),
        ({"agent": "EVALUATOR", "state": "ready"}, "This person does not take calls."),
    ],
)
def test_bad_state_changes_are_refused(
    team_lead: User,
    agent_a: User,
    evaluator: User,
    client_for: ClientFor,
    data: dict[str, str],
    message: str,
) -> None:
    ids = {"AGENT": str(agent_a.pk), "EVALUATOR": str(evaluator.pk)}
    data = {**data, "agent": ids.get(data["agent"], data["agent"])}
    response = client_for(team_lead).post("/wallboard/agent-state/", data, follow=True)
    assert message in response.text
    assert not DeskRequest.objects.exists()


def test_agents_may_not_change_others_states(
    agent_a: User, agent_a2: User, client_for: ClientFor
) -> None:
    response = client_for(agent_a).post(
        "/wallboard/agent-state/", {"agent": agent_a2.pk, "state": "logged_out"}
    )
    assert response.status_code == 403
    assert not DeskRequest.objects.exists()


def _skills(**levels: int) -> dict[str, str]:
    data = {
        f"{'lang' if k in ('lt', 'ru', 'en') else 'skill'}-{k}": str(v)
        for k, v in levels.items()
    }
    return data


def test_team_lead_changes_an_agents_skills_now_and_for_next_time(
    team_lead: User, agent_a: User, client_for: ClientFor
) -> None:
    from infoline.telephony.models import AgentProfile

    runner = _runner()
    DeskRequest.objects.create(agent=agent_a, op="log_in")
    runner.take_desk_requests()
    agent_id = str(agent_a.pk)
    assert runner.engine.snapshot()["agents"][agent_id]["skills"] == [
        ("employers", 1),
        ("jobseekers", 2),
    ]
    lead = client_for(team_lead)
    assert b'action="/wallboard/agent-skills/"' in lead.get("/wallboard/").content
    response = lead.post(
        "/wallboard/agent-skills/",
        {"agent": agent_a.pk, **_skills(consult=3, jobseekers=0, lt=3, ru=1)},
        follow=True,
    )
    name = agent_a.get_full_name() or agent_a.username
    assert f"Skills of {name} saved and sent to the phone system." in response.text
    profile = AgentProfile.objects.get(agent=agent_a)
    assert (profile.skills, profile.languages, profile.updated_by) == (
        {"consult": 3},
        {"lt": 3, "ru": 1},
        team_lead,
    )
    runner.take_desk_requests()
    agent = runner.engine.snapshot()["agents"][agent_id]
    assert agent["skills"] == [("consult", 3)]
    assert agent["languages"] == [("lt", 3), ("ru", 1)]
    assert RoutingEvent.objects.filter(kind="AgentSkillsChanged").count() == 1
    # The next start of work uses them, not the role's defaults.
    DeskRequest.objects.create(agent=agent_a, op="log_out")
    DeskRequest.objects.create(agent=agent_a, op="log_in")
    runner.take_desk_requests()
    assert runner.engine.snapshot()["agents"][agent_id]["skills"] == [("consult", 3)]


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ({"jobseekers": 0, "lt": 3}, "An agent needs at least one skill."),
        ({"jobseekers": 2}, "An agent needs at least one language."),
        ({"jobseekers": 9, "lt": 3}, "Levels are whole numbers from 0 to 5."),
    ],
)
def test_bad_skills_are_refused(
    team_lead: User,
    agent_a: User,
    client_for: ClientFor,
    levels: dict[str, int],
    message: str,
) -> None:
    from infoline.telephony.models import AgentProfile

    response = client_for(team_lead).post(
        "/wallboard/agent-skills/",
        {"agent": agent_a.pk, **_skills(**levels)},
        follow=True,
    )
    assert message in response.text
    assert not DeskRequest.objects.exists()
    assert not AgentProfile.objects.exists()


def test_bad_skill_values_and_roles_are_refused(
    team_lead: User, agent_a: User, agent_a2: User, client_for: ClientFor
) -> None:
    response = client_for(team_lead).post(
        "/wallboard/agent-skills/",
        {"agent": agent_a.pk, "skill-jobseekers": "-1", "lang-lt": "x"},
        follow=True,
    )
    assert "Levels are whole numbers from 0 to 5." in response.text
    response = client_for(agent_a).post(
        "/wallboard/agent-skills/",
        {"agent": agent_a2.pk, **_skills(jobseekers=2, lt=3)},
    )
    assert response.status_code == 403
    assert not DeskRequest.objects.exists()


def test_skill_service_refuses_unknown_names_and_other_roles(
    team_lead: User, agent_a: User, evaluator: User
) -> None:
    from django.core.exceptions import ValidationError

    from infoline.telephony.services import set_agent_skills

    cases = [
        (agent_a, {"cooking": 1}, {"lt": 1}, team_lead, "Unknown skill or language."),
        (agent_a, {"consult": 1}, {"fi": 1}, team_lead, "Unknown skill or language."),
        (
            agent_a,
            {"consult": 1},
            {"lt": 1},
            agent_a,
            "Your role does not change agents' skills.",
        ),
        (
            evaluator,
            {"consult": 1},
            {"lt": 1},
            team_lead,
            "This person does not take calls.",
        ),
    ]
    for user, skills, languages, actor, message in cases:
        with pytest.raises(ValidationError) as caught:
            set_agent_skills(user, skills, languages, actor=actor)
        assert caught.value.messages == [message]
    assert not DeskRequest.objects.exists()
