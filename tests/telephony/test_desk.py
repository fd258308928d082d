"""A person at the desk: states and call actions go through the runner's log."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from infoline.accounts.choices import LineKind
from infoline.accounts.models import PublicLine, User
from infoline.journal.models import Contact
from infoline.telephony.models import DeskRequest, LiveState, RoutingEvent
from infoline.telephony.runner import Runner, agent_group
from infoline.telephony.services import (
    SimulationParams,
    build_simulated_runner,
    request_call_action,
    set_agent_state,
)

pytestmark = pytest.mark.django_db

ORIGIN = 1763362800.0  # a Tuesday, 09:00 in Vilnius


def _runner() -> Runner:
    PublicLine.objects.create(
        name="General line", kind=LineKind.GENERAL, number="+37052000111"
    )
    params = SimulationParams(seed=5, origin=ORIGIN, robots=0, scale=1.0)
    runner = build_simulated_runner(params, speed=0, desk_poll_s=0.0)
    runner.boot()
    return runner


def _events(runner: Runner, user: User) -> list[dict[str, Any]]:
    group = agent_group(user.pk)
    return [m["event"] for g, m in runner.drain_outbox() if g == group]


def _until(runner: Runner, op: str, user: User) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def stop() -> bool:
        seen.extend(_events(runner, user))
        return any(e["op"] == op for e in seen)

    runner.run(until=ORIGIN + 3600, stop=stop)
    return seen


def test_agent_takes_a_simulated_call_and_the_contact_opens(agent_a: User) -> None:
    runner = _runner()
    set_agent_state(agent_a, "logged_in")
    set_agent_state(agent_a, "ready")
    runner.take_desk_requests()
    events = _events(runner, agent_a)
    assert [e["state"] for e in events if e["op"] == "state"] == [
        "not_ready",
        "ready",
    ]
    assert not DeskRequest.objects.filter(taken_at__isnull=True).exists()
    assert RoutingEvent.objects.filter(event_id__startswith="desk:").count() == 2

    seen = _until(runner, "offer", agent_a)
    offer = next(e for e in seen if e["op"] == "offer")
    assert offer["line"] == "+37052000111"
    assert offer["line_name"] == "General line"
    assert offer["ivr_choice"].startswith(("lt /", "ru /", "en /"))
    live = LiveState.objects.get(key=f"agent:{agent_a.pk}").data
    assert live["state"] == "ringing"
    assert live["call"]["call_id"] == offer["call_id"]

    request_call_action(agent_a, "answer")
    runner.take_desk_requests()
    events = _events(runner, agent_a)
    answered = next(e for e in events if e["op"] == "answered")
    contact = Contact.objects.get(pk=answered["contact_id"])
    assert contact.call_id == offer["call_id"]
    assert contact.agent == agent_a
    assert contact.phone == offer["number"]
    assert contact.line.number == "+37052000111"
    assert contact.ivr_choice == offer["ivr_choice"]
    assert answered["contact_url"] == f"/caller/{contact.pk}/"

    request_call_action(agent_a, "hold")
    request_call_action(agent_a, "retrieve")
    request_call_action(agent_a, "hang_up")
    runner.take_desk_requests()
    events = _events(runner, agent_a)
    assert [e["state"] for e in events if e["op"] == "state"] == [
        "on_hold",
        "talking",
        "after_call_work",
    ]
    assert {"op": "ended", "call_id": offer["call_id"]} in events
    set_agent_state(agent_a, "wrap_up_done")
    runner.take_desk_requests()
    assert _events(runner, agent_a)[-1]["state"] == "ready"


def test_a_refused_request_comes_back_to_the_desk(agent_a: User) -> None:
    runner = _runner()
    set_agent_state(agent_a, "logged_in")
    request_call_action(agent_a, "answer")
    runner.take_desk_requests()
    refused = [e for e in _events(runner, agent_a) if e["op"] == "refused"]
    assert refused == [
        {
            "op": "refused",
            "message": "The call is no longer waiting for you.",
            "detail": "unknown call ''",
        }
    ]
    set_agent_state(agent_a, "logged_in")  # twice
    set_agent_state(agent_a, "wrap_up_done")
    request_call_action(agent_a, "hold")
    runner.take_desk_requests()
    assert [e["message"] for e in _events(runner, agent_a) if e["op"] == "refused"] == [
        "You have already started work.",
        "You are not in after-call work.",
        "You have no call to do that with.",
    ]
    assert runner.rejected == 4


def test_bad_desk_input_is_refused_and_nothing_is_asked(
    agent_a: User, evaluator: User
) -> None:
    with pytest.raises(ValidationError, match="Unknown agent state."):
        set_agent_state(agent_a, "asleep")
    with pytest.raises(ValidationError, match="Choose why you are not ready."):
        set_agent_state(agent_a, "not_ready", "")
    with pytest.raises(ValidationError, match="Unknown call action."):
        request_call_action(agent_a, "teleport")
    with pytest.raises(ValidationError, match="Unknown call."):
        request_call_action(agent_a, "answer", "x" * 101)
    with pytest.raises(ValidationError, match="Your role does not take calls."):
        set_agent_state(evaluator, "ready")
    assert not DeskRequest.objects.exists()
    request = set_agent_state(agent_a, "not_ready", "lunch")
    assert (request.op, request.reason) == ("not_ready", "lunch")


def test_restart_keeps_the_person_reserved_for_nobody(agent_a: User) -> None:
    runner = _runner()
    set_agent_state(agent_a, "logged_in")
    set_agent_state(agent_a, "ready")
    runner.take_desk_requests()
    seen = _until(runner, "offer", agent_a)
    offer = next(e for e in seen if e["op"] == "offer")
    # The runner dies while the person's phone rings; a new one replays.
    again = build_simulated_runner(
        SimulationParams(seed=5, origin=ORIGIN, robots=0, scale=1.0),
        speed=0,
        resume_at=runner._last_at,
        desk_poll_s=0.0,
    )
    again.boot()
    assert again.engine.snapshot() == runner.engine.snapshot()
    # Nobody answers: the ring timer, re-armed from the log, frees the agent.
    again.run(until=runner._last_at + 16)
    assert again.engine.agent_board()[str(agent_a.pk)]["state"] == "not_ready"
    assert again.engine.agent_board()[str(agent_a.pk)]["reason"] == "missed call"
    assert again.engine.call_details(offer["call_id"])["agent"] != str(agent_a.pk)  # type: ignore[index]  # still active


def test_hanging_up_an_offer_declines_it_and_the_caller_waits_on(agent_a: User) -> None:
    runner = _runner()
    set_agent_state(agent_a, "logged_in")
    set_agent_state(agent_a, "ready")
    runner.take_desk_requests()
    offer = next(e for e in _until(runner, "offer", agent_a) if e["op"] == "offer")
    request_call_action(agent_a, "hang_up")
    runner.take_desk_requests()
    board = runner.engine.agent_board()[str(agent_a.pk)]
    assert (board["state"], board["reason"]) == ("not_ready", "missed call")
    assert runner.engine.call_details(offer["call_id"])["state"] == "queued"  # type: ignore[index]  # still active
