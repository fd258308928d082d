"""Bad input: a specific error, the state unchanged, the event logged as rejected."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from infoline.routing import (
    AdapterEventError,
    AgentLoggedIn,
    AgentSkillsChanged,
    AgentStateChanged,
    CallAnswered,
    CallArrived,
    CallbackAccepted,
    CallEnded,
    CallHeld,
    ConsultCancelled,
    DigitsPressed,
    DuplicateEvent,
    EmergencyMode,
    EmergencySwitched,
    Event,
    TimerFired,
    TransferRequested,
)

from .helpers import MAIN, VACANCY, Driver

ET = (("et", 1),)


def _busy_driver() -> Driver:
    """Return a driver with a talking call c1 (a1), a queued anonymous call c2,
    an ended call c0 and a ready agent a2 of another skill."""
    d = Driver()
    d.send(AgentLoggedIn(d.next_id(), "a1", (("employers", 1),), ET))
    d.send(AgentStateChanged(d.next_id(), "a1", ready=True))
    d.send(CallArrived(d.next_id(), "c0", VACANCY, None))
    d.send(CallEnded(d.next_id(), "c0"))
    d.send(CallArrived(d.next_id(), "c1", VACANCY, "+37255500001"))
    d.send(CallAnswered(d.next_id(), "c1", "a1"))
    d.send(CallArrived(d.next_id(), "c2", VACANCY, None))
    d.send(AgentLoggedIn(d.next_id(), "a2", (("benefits", 1),), ET))
    d.send(AgentStateChanged(d.next_id(), "a2", ready=True))
    d.send(AgentLoggedIn(d.next_id(), "a4", (("benefits", 1),), ET))
    return d


CASES: dict[str, tuple[Callable[[str], Event], type[AdapterEventError], str]] = {
    "answer of an ended call": (
        lambda i: CallAnswered(i, "c0", "a1"),
        AdapterEventError,
        "call 'c0' already ended",
    ),
    "unknown call": (
        lambda i: CallHeld(i, "c9", "a1"),
        AdapterEventError,
        "unknown call 'c9'",
    ),
    "unknown agent": (
        lambda i: AgentStateChanged(i, "ghost", ready=True),
        AdapterEventError,
        "unknown agent 'ghost'",
    ),
    "answer by an agent not offered the call": (
        lambda i: CallAnswered(i, "c2", "a2"),
        AdapterEventError,
        "call 'c2' cannot answer while QUEUED",
    ),
    "hold by another agent": (
        lambda i: CallHeld(i, "c1", "a2"),
        AdapterEventError,
        "agent 'a2' does not handle call 'c1'",
    ),
    "unknown line": (
        lambda i: CallArrived(i, "c3", "+100", None),
        AdapterEventError,
        "unknown line '\\+100'",
    ),
    "call id reused": (
        lambda i: CallArrived(i, "c1", MAIN, None),
        AdapterEventError,
        "call 'c1' already exists",
    ),
    "ended call id reused": (
        lambda i: CallArrived(i, "c0", MAIN, None),
        AdapterEventError,
        "call 'c0' already ended",
    ),
    "skill referring to nothing": (
        lambda i: AgentLoggedIn(i, "a3", (("astrology", 1),), ET),
        AdapterEventError,
        "unknown skill 'astrology'",
    ),
    "language referring to nothing": (
        lambda i: AgentSkillsChanged(i, "a2", (("benefits", 1),), (("xx", 1),)),
        AdapterEventError,
        "unknown language 'xx'",
    ),
    "skill level below one": (
        lambda i: AgentLoggedIn(i, "a3", (("benefits", 0),), ET),
        AdapterEventError,
        "skill 'benefits' level must be at least 1",
    ),
    "second login": (
        lambda i: AgentLoggedIn(i, "a1", (("benefits", 1),), ET),
        AdapterEventError,
        "agent 'a1' is already logged in",
    ),
    "not ready without a reason": (
        lambda i: AgentStateChanged(i, "a2", ready=False),
        AdapterEventError,
        "not ready needs a reason",
    ),
    "digits nobody asked for": (
        lambda i: DigitsPressed(i, "c2", "1"),
        AdapterEventError,
        "call 'c2' is not collecting digits",
    ),
    "callback for an anonymous caller": (
        lambda i: CallbackAccepted(i, "c2"),
        AdapterEventError,
        "call 'c2' is anonymous",
    ),
    "transfer with two targets": (
        lambda i: TransferRequested(i, "c1", "a1", to_agent="a2", to_queue="office"),
        AdapterEventError,
        "exactly one target",
    ),
    "transfer to an unknown queue": (
        lambda i: TransferRequested(i, "c1", "a1", to_queue="nowhere"),
        AdapterEventError,
        "unknown queue 'nowhere'",
    ),
    "transfer to oneself": (
        lambda i: TransferRequested(i, "c1", "a1", to_agent="a1"),
        AdapterEventError,
        "to themselves",
    ),
    "consult with an extension": (
        lambda i: TransferRequested(i, "c1", "a1", to_extension="2345", consult=True),
        AdapterEventError,
        "consultation needs an agent",
    ),
    "unknown timer": (
        lambda i: TimerFired(i, "ring:x:99"),
        AdapterEventError,
        "unknown or cancelled timer",
    ),
    "emergency on an unknown line": (
        lambda i: EmergencySwitched(i, "+100", EmergencyMode.CLOSE, "closed"),
        AdapterEventError,
        "unknown line",
    ),
    "emergency close without announcement": (
        lambda i: EmergencySwitched(i, MAIN, EmergencyMode.CLOSE),
        AdapterEventError,
        "needs an announcement",
    ),
    "emergency overflow to an unknown queue": (
        lambda i: EmergencySwitched(i, MAIN, EmergencyMode.OVERFLOW, "", "nowhere"),
        AdapterEventError,
        "unknown queue 'nowhere'",
    ),
    "language level below one": (
        lambda i: AgentLoggedIn(i, "a3", (("benefits", 1),), (("et", 0),)),
        AdapterEventError,
        "language 'et' level must be at least 1",
    ),
    "consultation with a queue": (
        lambda i: TransferRequested(i, "c1", "a1", to_queue="office", consult=True),
        AdapterEventError,
        "consultation needs an agent, not a queue",
    ),
    "transfer to an agent who is not ready": (
        lambda i: TransferRequested(i, "c1", "a1", to_agent="a4"),
        AdapterEventError,
        "agent 'a4' is not ready",
    ),
    "base event type": (
        lambda i: Event(i),
        AdapterEventError,
        "unknown event type Event",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_event_raises_specific_error_and_changes_nothing(name: str) -> None:
    d = _busy_driver()
    make, error, message = CASES[name]
    before = d.engine.snapshot()
    rejected = len(d.engine.rejected)
    event = make(d.next_id())
    with pytest.raises(error, match=message):
        d.send(event)
    assert d.engine.snapshot() == before
    assert len(d.engine.rejected) == rejected + 1
    logged = d.engine.rejected[-1]
    assert (logged.event, logged.now, logged.kind) == (event, d.now, error.__name__)
    assert message.replace("\\", "") in logged.error


def test_duplicated_event_id_is_rejected_and_changes_nothing() -> None:
    d = _busy_driver()
    before = d.engine.snapshot()
    event, _ = d.accepted[-1]
    with pytest.raises(
        DuplicateEvent, match=f"event '{event.event_id}' was already accepted"
    ):
        d.send(event)
    assert d.engine.snapshot() == before
    assert d.engine.rejected[-1].kind == "DuplicateEvent"


def test_time_going_backwards_is_rejected_and_changes_nothing() -> None:
    d = _busy_driver()
    before = d.engine.snapshot()
    d.now -= 1
    with pytest.raises(AdapterEventError, match="time went backwards"):
        d.send(CallEnded(d.next_id(), "c2"))
    assert d.engine.snapshot() == before


def test_rejected_event_can_be_retried_with_the_same_id_once_it_fits() -> None:
    d = _busy_driver()
    event = CallAnswered("late-answer", "c2", "a1")
    with pytest.raises(AdapterEventError):
        d.send(event)
    d.send(CallEnded(d.next_id(), "c1"))
    d.send(
        AgentStateChanged(d.next_id(), "a1", ready=True)
    )  # ends wrap-up: c2 rings a1
    d.send(event)  # the id was never accepted, so it is not a duplicate
    assert d.engine.call_state("c2") is not None
    assert d.engine.snapshot()["calls"]["c2"]["state"] == "TALKING"


def test_consultation_cannot_be_cancelled_by_a_bystander() -> None:
    d = _busy_driver()
    d.send(TransferRequested(d.next_id(), "c1", "a1", to_agent="a2", consult=True))
    before = d.engine.snapshot()
    with pytest.raises(
        AdapterEventError, match="agent 'a4' is not part of the consultation"
    ):
        d.send(ConsultCancelled(d.next_id(), "c1", "a4"))
    assert d.engine.snapshot() == before
