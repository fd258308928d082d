"""Pushes and stored state agree: applying what the runner pushed to the state
a desk loaded gives the state a desk loading now gets (Zulip verify_action)."""

from __future__ import annotations

from typing import Any

import pytest

from infoline.accounts.choices import LineKind
from infoline.accounts.models import PublicLine, User
from infoline.realtime.state import (
    apply_agent_events,
    apply_board_events,
    initial_agent_state,
    initial_board,
)
from infoline.telephony.runner import WALLBOARD_GROUP, Runner, agent_group
from infoline.telephony.services import (
    SimulationParams,
    build_simulated_runner,
    request_call_action,
    set_agent_state,
)

pytestmark = pytest.mark.django_db

ORIGIN = 1763362800.0


def _runner() -> Runner:
    PublicLine.objects.create(
        name="General line", kind=LineKind.GENERAL, number="+37052000111"
    )
    runner = build_simulated_runner(
        SimulationParams(seed=5, origin=ORIGIN, robots=2, scale=1.0),
        speed=0,
        desk_poll_s=0.0,
        board_every_s=0.0,
    )
    runner.boot()
    return runner


def _pushes(runner: Runner, group: str) -> list[dict[str, Any]]:
    out = []
    for g, message in runner.drain_outbox():
        if g == group:
            out.append(message.get("event", {"op": "update", **message}))
    return out


def test_desk_state_follows_pushes_through_a_whole_call(agent_a: User) -> None:
    runner = _runner()
    group = agent_group(agent_a.pk)
    view = initial_agent_state(agent_a.pk)
    assert view["state"] == "logged_out"

    def check(act: Any) -> list[dict[str, Any]]:
        nonlocal view
        act()
        runner.take_desk_requests()
        pushed = _pushes(runner, group)
        view = apply_agent_events(view, pushed)
        assert view == initial_agent_state(agent_a.pk)
        return pushed

    check(lambda: set_agent_state(agent_a, "logged_in"))
    check(lambda: set_agent_state(agent_a, "ready"))
    offers: list[dict[str, Any]] = []

    def until_offer() -> None:
        def stop() -> bool:
            offers.extend(
                e
                for e in runner.outbox
                if e[0] == group and e[1]["event"]["op"] == "offer"
            )
            return bool(offers)

        runner.run(until=ORIGIN + 3600, stop=stop)

    check(until_offer)
    assert view["state"] == "ringing" and view["call"] is not None
    check(lambda: request_call_action(agent_a, "answer"))
    assert view["call"]["contact_id"]  # type: ignore[index]  # on the line
    check(lambda: request_call_action(agent_a, "hang_up"))
    assert view["state"] == "after_call_work" and view["call"] is None


def test_board_follows_pushes() -> None:
    runner = _runner()
    board = initial_board()
    runner.run(until=ORIGIN + 900)
    pushed = _pushes(runner, WALLBOARD_GROUP)
    assert pushed
    assert apply_board_events(board, pushed) == initial_board()
    assert initial_board()["agents"]
