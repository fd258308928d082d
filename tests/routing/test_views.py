"""Read-only views of the engine for the desk and the wall-board."""

from __future__ import annotations

from infoline.routing import (
    AgentLoggedIn,
    AgentStateChanged,
    CallAnswered,
    CallArrived,
    DigitsPressed,
    TransferRequested,
)

from .helpers import MAIN, Driver


def _to_queue(d: Driver, call_id: str, caller: str | None = "+37255512345") -> None:
    d.send(CallArrived(d.next_id(), call_id, MAIN, caller))
    d.send(DigitsPressed(d.next_id(), call_id, "2"))  # Russian
    d.send(DigitsPressed(d.next_id(), call_id, "38001010000#"))
    d.send(DigitsPressed(d.next_id(), call_id, "1"))  # benefits


def test_views_of_an_unknown_call_and_an_empty_board() -> None:
    d = Driver()
    assert d.engine.call_details("nope") is None
    board = d.engine.queue_board(d.now)
    assert board["benefits"] == {
        "waiting": 0,
        "longest_wait_s": 0.0,
        "stats": {
            "offered": 0,
            "answered": 0,
            "answered_in_sl": 0,
            "abandoned": 0,
            "callbacks": 0,
            "overflowed": 0,
        },
    }
    assert d.engine.agent_board() == {}


def test_views_follow_a_call_from_ivr_to_answer_and_transfer() -> None:
    d = Driver()
    d.send(CallArrived(d.next_id(), "c1", MAIN, "+37255512345"))
    details = d.engine.call_details("c1")
    assert details is not None
    assert details["state"] == "ivr" and details["queue"] is None
    assert d.engine.queue_board(d.now)["benefits"]["waiting"] == 0  # still in IVR

    d.send(DigitsPressed(d.next_id(), "c1", "2"))
    d.send(DigitsPressed(d.next_id(), "c1", "38001010000#"))
    d.send(DigitsPressed(d.next_id(), "c1", "1"))
    _to_queue(d, "c2", None)
    d.advance(40)
    board = d.engine.queue_board(d.now)
    assert board["benefits"]["waiting"] == 2
    assert board["benefits"]["longest_wait_s"] == 40.0
    assert board["benefits"]["stats"]["offered"] == 2
    assert d.engine.call_details("c1") == {
        "call_id": "c1",
        "state": "queued",
        "line": MAIN,
        "caller": "+37255512345",
        "language": "ru",
        "queue": "benefits",
        "choices": ["2", "1"],
        "identity_code": "38001010000",
        "agent": None,
        "consult_agent": None,
        "arrived_at": d.now - 40,
        "queued_at": d.now - 40,
        "answered_at": None,
    }

    d.send(AgentLoggedIn(d.next_id(), "a1", (("benefits", 1),), (("ru", 1),)))
    assert d.engine.agent_board()["a1"] == {
        "state": "not_ready",
        "reason": "login",
        "since": d.now,
        "call": None,
    }
    d.send(AgentStateChanged(d.next_id(), "a1", True))
    assert d.engine.agent_board()["a1"]["state"] == "ringing"
    assert d.engine.agent_board()["a1"]["call"] == "c1"
    board = d.engine.queue_board(d.now)
    assert board["benefits"]["waiting"] == 2  # ringing is still waiting
    d.advance(5)
    d.send(CallAnswered(d.next_id(), "c1", "a1"))
    assert d.engine.call_details("c1")["answered_at"] == d.now  # type: ignore[index]  # active call
    assert d.engine.queue_board(d.now)["benefits"]["waiting"] == 1

    # An answered call transferred back to a queue is not a waiting caller.
    d.send(TransferRequested(d.next_id(), "c1", "a1", to_queue="employers"))
    assert d.engine.call_details("c1")["state"] == "queued"  # type: ignore[index]  # active call
    assert d.engine.queue_board(d.now)["employers"]["waiting"] == 0
