"""Exhaustive tests of the transition table and of the engine's agreement with it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from infoline.routing import (
    TRANSITIONS,
    AdapterEventError,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentRang,
    AgentSkillsChanged,
    AgentState,
    AgentStateChanged,
    CallAnswered,
    CallArrived,
    CallbackAccepted,
    CallEnded,
    CallHeld,
    CallRetrieved,
    CallState,
    ConsultAnswered,
    ConsultCancelled,
    DigitsPressed,
    Event,
    IllegalTransition,
    Party,
    RingTimedOut,
    TransferCompleted,
    TransferRequested,
    Trigger,
    WrapUpEnded,
)
from infoline.routing.state import next_agent_state, next_call_state

from .helpers import MAIN, Driver

# --- the table itself ----------------------------------------------------------


def test_table_covers_every_state_and_nothing_leaves_ended() -> None:
    assert set(TRANSITIONS[Party.CALL]) == set(CallState)
    assert set(TRANSITIONS[Party.AGENT]) == set(AgentState)
    assert TRANSITIONS[Party.CALL][CallState.ENDED] == {}
    assert TRANSITIONS[Party.AGENT][AgentState.LOGGED_OUT] == {
        Trigger.LOG_IN: AgentState.NOT_READY
    }
    for table, kind in (
        (TRANSITIONS[Party.CALL], CallState),
        (TRANSITIONS[Party.AGENT], AgentState),
    ):
        for moves in table.values():
            assert all(isinstance(target, kind) for target in moves.values())


def test_every_non_final_call_state_can_end() -> None:
    for state in CallState:
        if state is not CallState.ENDED:
            assert next_call_state(state, Trigger.HANG_UP) is CallState.ENDED


def test_agents_cannot_leave_a_call_by_logging_out_or_going_not_ready() -> None:
    for state in (AgentState.RINGING, AgentState.TALKING, AgentState.ON_HOLD):
        for trigger in (Trigger.LOG_OUT, Trigger.MAKE_NOT_READY, Trigger.MAKE_READY):
            with pytest.raises(IllegalTransition):
                next_agent_state(state, trigger)


@pytest.mark.parametrize("state", list(CallState))
@pytest.mark.parametrize("trigger", list(Trigger))
def test_call_table_is_the_only_source_of_call_moves(
    state: CallState, trigger: Trigger
) -> None:
    expected = TRANSITIONS[Party.CALL][state].get(trigger)
    if expected is None:
        with pytest.raises(
            IllegalTransition,
            match=f"call cannot {trigger.value} in state {state.name}",
        ):
            next_call_state(state, trigger)
    else:
        assert next_call_state(state, trigger) is expected


@pytest.mark.parametrize("state", list(AgentState))
@pytest.mark.parametrize("trigger", list(Trigger))
def test_agent_table_is_the_only_source_of_agent_moves(
    state: AgentState, trigger: Trigger
) -> None:
    expected = TRANSITIONS[Party.AGENT][state].get(trigger)
    if expected is None:
        with pytest.raises(
            IllegalTransition,
            match=f"agent cannot {trigger.value} in state {state.name}",
        ):
            next_agent_state(state, trigger)
    else:
        assert next_agent_state(state, trigger) is expected


# --- the engine against the table: every call event in every call state -----------

ET = (("et", 1),)


def _call_in(state: str) -> Driver:
    """Return a driver whose call "c" is in ``state`` (agent a1 handles it)."""
    d = Driver()
    d.send(AgentLoggedIn(d.next_id(), "a1", (("benefits", 1),), ET))
    d.send(AgentLoggedIn(d.next_id(), "a2", (("employers", 1),), ET))
    if state == "MESSAGE":
        d.now = 20 * 3600.0
    if state != "ENDED":
        d.send(CallArrived(d.next_id(), "c", MAIN, "+37255500001"))
    if state in ("IVR", "MESSAGE", "ENDED"):
        if state == "ENDED":
            d.send(CallArrived(d.next_id(), "c", MAIN, None))
            d.send(CallEnded(d.next_id(), "c"))
        return d
    for digits in ("1", "", "1"):
        d.send(DigitsPressed(d.next_id(), "c", digits))
    if state == "QUEUED":
        return d
    d.send(AgentStateChanged(d.next_id(), "a1", ready=True))
    if state == "RINGING":
        return d
    d.send(CallAnswered(d.next_id(), "c", "a1"))
    if state == "HELD":
        d.send(CallHeld(d.next_id(), "c", "a1"))
    if state.startswith("CONSULTING"):
        d.send(AgentStateChanged(d.next_id(), "a2", ready=True))
        d.send(TransferRequested(d.next_id(), "c", "a1", to_agent="a2", consult=True))
        if state == "CONSULTING_ANSWERED":
            d.send(ConsultAnswered(d.next_id(), "c", "a2"))
    return d


CALL_STATES = [
    "IVR",
    "QUEUED",
    "RINGING",
    "TALKING",
    "HELD",
    "CONSULTING",
    "CONSULTING_ANSWERED",
    "MESSAGE",
    "ENDED",
]

CALL_EVENTS: dict[str, tuple[Callable[[str], Event], set[str]]] = {
    "digits": (lambda i: DigitsPressed(i, "c", "1"), {"IVR", "QUEUED"}),
    "answer": (lambda i: CallAnswered(i, "c", "a1"), {"RINGING"}),
    "agent rang": (lambda i: AgentRang(i, "c", "a1"), {"RINGING"}),
    "ring timed out": (lambda i: RingTimedOut(i, "c", "a1"), {"RINGING"}),
    "consult rang out": (lambda i: RingTimedOut(i, "c", "a2"), {"CONSULTING"}),
    "hold": (lambda i: CallHeld(i, "c", "a1"), {"TALKING"}),
    "retrieve": (lambda i: CallRetrieved(i, "c", "a1"), {"HELD"}),
    "blind to queue": (
        lambda i: TransferRequested(i, "c", "a1", to_queue="employers"),
        {"TALKING", "HELD"},
    ),
    "consult answered": (lambda i: ConsultAnswered(i, "c", "a2"), {"CONSULTING"}),
    "transfer completed": (
        lambda i: TransferCompleted(i, "c", "a1"),
        {"CONSULTING_ANSWERED"},
    ),
    "consult cancelled": (
        lambda i: ConsultCancelled(i, "c", "a1"),
        {"CONSULTING", "CONSULTING_ANSWERED"},
    ),
    "callback accepted": (lambda i: CallbackAccepted(i, "c"), {"QUEUED"}),
    "ended": (lambda i: CallEnded(i, "c"), set(CALL_STATES) - {"ENDED"}),
}


@pytest.mark.parametrize("state", CALL_STATES)
@pytest.mark.parametrize("name", list(CALL_EVENTS))
def test_call_event_in_call_state_is_accepted_exactly_where_legal(
    state: str, name: str
) -> None:
    d = _call_in(state)
    actual = d.engine.call_state("c")
    assert (actual.name if actual else "ENDED") == state.removesuffix("_ANSWERED")
    make, legal = CALL_EVENTS[name]
    before = d.engine.snapshot()
    event = make(d.next_id())
    if state in legal:
        d.send(event)
        assert d.engine.snapshot() != before
    else:
        with pytest.raises(AdapterEventError):
            d.send(event)
        assert d.engine.snapshot() == before
        assert d.engine.rejected[-1].event is event


# --- every agent event in every agent state -------------------------------------------

AGENT_STATES = ["UNKNOWN", *(s.name for s in AgentState)]


def _agent_in(state: str) -> Driver:
    """Return a driver whose agent "a" is in ``state``."""
    d = Driver()
    if state == "UNKNOWN":
        return d
    d.send(AgentLoggedIn(d.next_id(), "a", (("benefits", 1),), ET))
    if state == "LOGGED_OUT":
        d.send(AgentLoggedOut(d.next_id(), "a"))
    if state in ("NOT_READY", "LOGGED_OUT"):
        return d
    d.send(AgentStateChanged(d.next_id(), "a", ready=True))
    if state == "READY":
        return d
    d.send(CallArrived(d.next_id(), "c", MAIN, None))
    for digits in ("1", "", "1"):
        d.send(DigitsPressed(d.next_id(), "c", digits))
    if state == "RINGING":
        return d
    d.send(CallAnswered(d.next_id(), "c", "a"))
    if state == "ON_HOLD":
        d.send(CallHeld(d.next_id(), "c", "a"))
    if state == "AFTER_CALL_WORK":
        d.send(CallEnded(d.next_id(), "c"))
    return d


AGENT_EVENTS: dict[str, tuple[Callable[[str], Event], set[str]]] = {
    "log in": (
        lambda i: AgentLoggedIn(i, "a", (("benefits", 1),), ET),
        {"UNKNOWN", "LOGGED_OUT"},
    ),
    "log out": (
        lambda i: AgentLoggedOut(i, "a"),
        {"READY", "NOT_READY", "AFTER_CALL_WORK"},
    ),
    "ready": (
        lambda i: AgentStateChanged(i, "a", ready=True),
        {"NOT_READY", "AFTER_CALL_WORK"},
    ),
    "not ready": (
        lambda i: AgentStateChanged(i, "a", ready=False, reason="break"),
        {"READY", "NOT_READY", "AFTER_CALL_WORK"},
    ),
    "wrap-up ended": (lambda i: WrapUpEnded(i, "a"), {"AFTER_CALL_WORK"}),
    "skills changed": (
        lambda i: AgentSkillsChanged(i, "a", (("benefits", 2),), ET),
        set(AGENT_STATES) - {"UNKNOWN"},
    ),
}


@pytest.mark.parametrize("state", AGENT_STATES)
@pytest.mark.parametrize("name", list(AGENT_EVENTS))
def test_agent_event_in_agent_state_is_accepted_exactly_where_legal(
    state: str, name: str
) -> None:
    d = _agent_in(state)
    if state != "UNKNOWN":
        assert d.engine.snapshot()["agents"]["a"]["state"] == state
    make, legal = AGENT_EVENTS[name]
    before = d.engine.snapshot()
    event = make(d.next_id())
    if state in legal:
        d.send(event)
        assert d.engine.snapshot() != before
    else:
        with pytest.raises(AdapterEventError):
            d.send(event)
        assert d.engine.snapshot() == before
