"""Scripted event sequences asserting the whole state after each step (h11 style)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from typing import Any

import pytest

from infoline.routing import (
    AgentLoggedIn,
    AgentLoggedOut,
    AgentSkillsChanged,
    AgentStateChanged,
    AnnounceWait,
    Bridge,
    CallAnswered,
    CallArrived,
    CallbackAccepted,
    CallEnded,
    CallHeld,
    CallRetrieved,
    CancelTimer,
    CollectDigits,
    Command,
    ConsultAnswered,
    ConsultCancelled,
    CreateCallback,
    DigitsPressed,
    EmergencyMode,
    EmergencySwitched,
    EndedBy,
    Engine,
    Hangup,
    Hold,
    OpenContact,
    Play,
    RecordAgentState,
    RecordMessage,
    RecordOutcome,
    Redirect,
    RingAgent,
    RingTimedOut,
    StartRecording,
    StartTimer,
    StopPlaying,
    StopRinging,
    TimerFired,
    TransferCompleted,
    TransferRequested,
    Unhold,
    WrapUpEnded,
)

from .helpers import (
    DAY_START,
    INFO,
    MAIN,
    VACANCY,
    Driver,
    business_hours,
    new_engine,
    of_type,
)

ET_BENEFITS = "benefits>=1/et>=1"
RU_BENEFITS = "benefits>=1/ru>=1"
ET_EMPLOYERS = "employers>=1/et>=1"
OFFICE = "consult>=1/*"


def brief(d: Driver) -> dict[str, Any]:
    """Return the state the scripts assert: agents, calls, queues, outcomes."""
    s = d.engine.snapshot()
    return {
        "agents": {
            a: (v["state"], v["reason"], v["call"]) for a, v in s["agents"].items()
        },
        "calls": {
            c: (v["state"], v["queue"], v["agent"]) for c, v in s["calls"].items()
        },
        "waiting": {k: [cid for cid, _, _ in v] for k, v in s["waiting"].items()},
        "ready": s["ready"],
        "outcomes": s["outcomes"],
    }


def staff(
    d: Driver,
    agent: str,
    skills: tuple[tuple[str, int], ...],
    languages: tuple[tuple[str, int], ...],
) -> None:
    """Log an agent in and make them ready."""
    d.send(AgentLoggedIn(d.next_id(), agent, skills, languages))
    d.send(AgentStateChanged(d.next_id(), agent, ready=True))


def to_queue(
    d: Driver,
    call: str,
    caller: str | None = "+37255500001",
    menu: str = "1",
    lang: str = "1",
) -> list[Command]:
    """Bring a call on the main line through the IVR into a queue."""
    d.send(CallArrived(d.next_id(), call, MAIN, caller))
    d.send(DigitsPressed(d.next_id(), call, lang))
    d.send(DigitsPressed(d.next_id(), call, "38001010000#"))
    return d.send(DigitsPressed(d.next_id(), call, menu))


def timer_of(d: Driver, kind: str, subject: str) -> str:
    """Return the id of the running timer of ``kind`` for ``subject``."""
    found = [
        t
        for t, (k, s, _) in d.engine.snapshot()["timers"].items()
        if (k, s) == (kind, subject)
    ]
    assert len(found) == 1, found
    return str(found[0])


def fire(d: Driver, kind: str, subject: str) -> list[Command]:
    """Advance to the timer's deadline and fire it."""
    timer_id = timer_of(d, kind, subject)
    d.now = max(d.now, d.engine.snapshot()["timers"][timer_id][2])
    return d.send(TimerFired(d.next_id(), timer_id))


def test_call_walks_ivr_is_answered_held_ended_and_wrapped_up() -> None:
    d = Driver()
    staff(d, "a1", (("benefits", 2),), (("et", 3),))
    assert brief(d) == {
        "agents": {"a1": ("READY", None, None)},
        "calls": {},
        "waiting": {},
        "ready": {ET_BENEFITS: ["a1"]},
        "outcomes": {},
    }

    out = d.send(CallArrived(d.next_id(), "c1", MAIN, "+37255500001"))
    assert out == [
        Play("c1", "greeting"),
        Play("c1", "recording-notice"),
        Play("c1", "choose-language"),
        CollectDigits("c1", 1, 5.0),
    ]
    assert brief(d)["calls"] == {"c1": ("IVR", None, None)}

    d.send(DigitsPressed(d.next_id(), "c1", "1"))
    out = d.send(DigitsPressed(d.next_id(), "c1", "38001010000#"))
    assert out == [Play("c1", "main-menu"), CollectDigits("c1", 1, 6.0)]
    out = d.send(DigitsPressed(d.next_id(), "c1", "1"))
    assert out == [
        RecordAgentState("a1", "ready", None, DAY_START, DAY_START),
        RingAgent("c1", "a1", 10.0),
        StartTimer("ring:c1:1", DAY_START + 10.0),
    ]
    assert brief(d) == {
        "agents": {"a1": ("RINGING", None, "c1")},
        "calls": {"c1": ("RINGING", "benefits", "a1")},
        "waiting": {},
        "ready": {},
        "outcomes": {},
    }

    d.advance(4)
    out = d.send(CallAnswered(d.next_id(), "c1", "a1"))
    assert out == [
        CancelTimer("ring:c1:1"),
        RecordAgentState("a1", "ringing", None, DAY_START, DAY_START + 4),
        Bridge("c1", "a1"),
        StartRecording("c1"),  # the flow played the recording notice (T5)
        OpenContact(
            "c1",
            "a1",
            "+37255500001",
            MAIN,
            "benefits",
            "et",
            "38001010000",
            ("1", "1"),
        ),
    ]
    assert brief(d)["agents"] == {"a1": ("TALKING", None, "c1")}
    assert brief(d)["calls"] == {"c1": ("TALKING", "benefits", "a1")}

    d.advance(10)
    assert d.send(CallHeld(d.next_id(), "c1", "a1"))[-1] == Hold("c1")
    assert brief(d)["agents"] == {"a1": ("ON_HOLD", None, "c1")}
    assert brief(d)["calls"] == {"c1": ("HELD", "benefits", "a1")}
    d.advance(10)
    assert d.send(CallRetrieved(d.next_id(), "c1", "a1"))[-1] == Unhold("c1")
    assert brief(d)["calls"] == {"c1": ("TALKING", "benefits", "a1")}

    d.advance(30)
    out = d.send(CallEnded(d.next_id(), "c1", EndedBy.CALLER))
    assert of_type(out, RecordOutcome)[0].outcome == "answered"
    assert of_type(out, StartTimer) == [StartTimer("wrapup:a1:2", d.now + 20.0)]
    assert brief(d) == {
        "agents": {"a1": ("AFTER_CALL_WORK", None, None)},
        "calls": {},
        "waiting": {},
        "ready": {},
        "outcomes": {"c1": "ANSWERED"},
    }

    out = fire(d, "wrapup", "a1")
    assert out == [RecordAgentState("a1", "after_call_work", None, d.now - 20.0, d.now)]
    assert brief(d)["agents"] == {"a1": ("READY", None, None)}
    stats = d.engine.snapshot()["stats"]["benefits"]
    assert (stats["offered"], stats["answered"], stats["answered_in_sl"]) == (1, 1, 1)


def test_unanswered_offer_requeues_at_its_place_and_agent_becomes_not_ready() -> None:
    d = Driver()
    staff(d, "a1", (("benefits", 1),), (("et", 1),))
    to_queue(d, "c1")
    to_queue(d, "c2")
    assert brief(d)["waiting"] == {ET_BENEFITS: ["c2"]}
    d.advance(10)
    out = fire(d, "ring", "c1")
    assert out[0] == StopRinging("c1", "a1")
    assert of_type(out, AnnounceWait) == []  # back at its place, not a new entry
    assert brief(d)["agents"] == {"a1": ("NOT_READY", "missed call", None)}
    assert brief(d)["waiting"] == {ET_BENEFITS: ["c1", "c2"]}

    staff(d, "a2", (("benefits", 1),), (("et", 1),))
    assert brief(d)["calls"]["c1"] == ("RINGING", "benefits", "a2")
    assert brief(d)["waiting"] == {ET_BENEFITS: ["c2"]}
    # The adapter may report the miss itself, as RingTimedOut.
    out = d.send(RingTimedOut(d.next_id(), "c1", "a2"))
    assert isinstance(out[0], CancelTimer)
    assert out[0].timer_id.startswith("ring:c1:")
    assert brief(d)["agents"]["a2"] == ("NOT_READY", "missed call", None)
    assert brief(d)["waiting"] == {ET_BENEFITS: ["c1", "c2"]}


def test_queue_music_stops_before_the_agent_rings() -> None:
    d = Driver()
    out = to_queue(d, "c1", caller=None)
    assert out[:2] == [AnnounceWait("c1", 1, None), Play("c1", "music", loop=True)]
    d.send(AgentLoggedIn(d.next_id(), "a1", (("benefits", 1),), (("et", 1),)))
    out = d.send(AgentStateChanged(d.next_id(), "a1", ready=True))
    assert out == [
        RecordAgentState("a1", "not_ready", "login", DAY_START, DAY_START),
        CancelTimer("announce:c1:1"),
        CancelTimer("overflow:c1:2"),
        StopPlaying("c1"),
        RecordAgentState("a1", "ready", None, DAY_START, DAY_START),  # reserved at once
        RingAgent("c1", "a1", 10.0),
        StartTimer("ring:c1:3", DAY_START + 10.0),
    ]


def test_longest_idle_agent_gets_the_call() -> None:
    d = Driver()
    staff(d, "a1", (("benefits", 1),), (("et", 1),))
    d.advance(5)
    staff(d, "a2", (("benefits", 1),), (("et", 1),))
    d.advance(5)
    staff(d, "a3", (("benefits", 1),), (("et", 1),))
    assert brief(d)["ready"] == {ET_BENEFITS: ["a1", "a2", "a3"]}
    to_queue(d, "c1")
    assert brief(d)["calls"]["c1"] == ("RINGING", "benefits", "a1")
    # a1 misses and becomes not ready; the next longest idle is a2.
    fire(d, "ring", "c1")
    assert brief(d)["calls"]["c1"] == ("RINGING", "benefits", "a2")
    # A caller who leaves while ringing gives a2 back their place.
    d.send(CallEnded(d.next_id(), "c1"))
    assert brief(d)["ready"] == {ET_BENEFITS: ["a2", "a3"]}


def test_higher_priority_queue_first_then_first_come_first_served() -> None:
    d = Driver()
    d.send(
        AgentLoggedIn(
            d.next_id(), "a1", (("benefits", 1), ("employers", 1)), (("et", 1),)
        )
    )
    to_queue(d, "b1", menu="1")
    d.advance(1)
    to_queue(d, "b2", menu="1")
    d.advance(1)
    to_queue(d, "e1", menu="2")  # employers: priority 1
    d.advance(1)
    to_queue(d, "e2", menu="2")
    assert brief(d)["waiting"] == {
        ET_BENEFITS: ["b1", "b2"],
        ET_EMPLOYERS: ["e1", "e2"],
    }

    order = []
    d.send(AgentStateChanged(d.next_id(), "a1", ready=True))
    for _ in range(4):
        call = brief(d)["agents"]["a1"][2]
        order.append(call)
        d.send(CallAnswered(d.next_id(), call, "a1"))
        d.send(CallEnded(d.next_id(), call, EndedBy.AGENT))
        d.send(WrapUpEnded(d.next_id(), "a1"))
    assert order == ["e1", "e2", "b1", "b2"]


def test_language_and_levels_decide_who_qualifies() -> None:
    d = Driver()
    staff(d, "et_only", (("benefits", 3),), (("et", 3),))
    to_queue(d, "c1", lang="2")  # Russian
    assert brief(d)["waiting"] == {RU_BENEFITS: ["c1"]}
    assert brief(d)["agents"]["et_only"] == ("READY", None, None)
    # A team lead teaches the agent Russian: the waiting call is offered at once.
    d.send(
        AgentSkillsChanged(
            d.next_id(), "et_only", (("benefits", 3),), (("et", 3), ("ru", 1))
        )
    )
    assert brief(d)["calls"]["c1"] == ("RINGING", "benefits", "et_only")


def test_minimum_skill_level_is_required() -> None:
    d = Driver(new_engine(min_level=3))
    staff(d, "junior", (("benefits", 2),), (("et", 1),))
    to_queue(d, "c1")
    assert brief(d)["waiting"] == {"benefits>=3/et>=1": ["c1"]}
    staff(d, "senior", (("benefits", 3),), (("et", 1),))
    assert brief(d)["calls"]["c1"] == ("RINGING", "benefits", "senior")


def test_previous_handler_is_preferred_when_ready() -> None:
    d = Driver()
    staff(d, "a1", (("employers", 1),), (("et", 1),))
    d.advance(5)
    staff(d, "a2", (("employers", 1),), (("et", 1),))
    d.send(CallArrived(d.next_id(), "c1", VACANCY, "+37255500001", previous_agent="a2"))
    assert brief(d)["calls"]["c1"] == ("RINGING", "employers", "a2")
    # Not ready previous handler: the longest idle agent instead.
    d.send(CallArrived(d.next_id(), "c2", VACANCY, "+37255500002", previous_agent="a2"))
    assert brief(d)["calls"]["c2"] == ("RINGING", "employers", "a1")


def test_overflow_to_local_office_consultants_after_the_wait() -> None:
    d = Driver()
    staff(d, "office1", (("consult", 1),), (("en", 1),))  # any language will do
    to_queue(d, "c1")
    assert brief(d)["waiting"] == {ET_BENEFITS: ["c1"]}
    d.advance(30)
    out = fire(d, "announce", "c1")
    assert out[0] == AnnounceWait("c1", 1, None)  # nobody staffs benefits
    out = fire(d, "overflow", "c1")
    assert RingAgent("c1", "office1", 10.0) in out
    assert brief(d)["calls"]["c1"] == ("RINGING", "benefits", "office1")
    assert d.engine.snapshot()["stats"]["benefits"]["overflowed"] == 1


def test_callback_offer_keeps_the_place_and_ends_as_callback() -> None:
    d = Driver()
    to_queue(d, "c1", caller="+37255500001")
    out = to_queue(d, "c2", caller="+37255500002")
    # Nobody staffs the queue: the wait is unknown, so a callback is offered.
    assert out[:3] == [
        AnnounceWait("c2", 2, None),
        Play("c2", "callback-offer"),
        CollectDigits("c2", 1, 10.0),
    ]
    out = d.send(DigitsPressed(d.next_id(), "c2", "1"))
    assert out[:3] == [
        CreateCallback(
            "c2", "+37255500002", MAIN, "benefits", "et", 2, "offer-accepted"
        ),
        Play("c2", "callback-confirmed"),
        Hangup("c2", "callback"),
    ]
    assert brief(d)["outcomes"] == {"c2": "CALLBACK"}
    assert brief(d)["waiting"] == {ET_BENEFITS: ["c1"]}
    # Other keys decline; the caller keeps waiting. Accepting later works too.
    d.send(DigitsPressed(d.next_id(), "c1", "2"))
    assert brief(d)["calls"]["c1"][0] == "QUEUED"
    d.send(CallbackAccepted(d.next_id(), "c1"))
    assert brief(d)["outcomes"] == {"c2": "CALLBACK", "c1": "CALLBACK"}


def test_no_callback_offer_when_the_wait_is_short() -> None:
    d = Driver()
    staff(d, "a1", (("benefits", 1),), (("et", 1),))
    to_queue(d, "c1")
    out = to_queue(d, "c2")
    assert out[0] == AnnounceWait(
        "c2", 1, 60.0
    )  # one call ahead being handled by one agent
    assert Play("c2", "callback-offer") not in out


def test_dropped_call_from_known_number_creates_callback_but_not_anonymous() -> None:
    d = Driver()
    to_queue(d, "known", caller="+37255500001")
    to_queue(d, "anon", caller=None)
    out = d.send(CallEnded(d.next_id(), "known", EndedBy.CALLER))
    assert of_type(out, CreateCallback) == [
        CreateCallback("known", "+37255500001", MAIN, "benefits", "et", 1, "abandoned")
    ]
    out = d.send(CallEnded(d.next_id(), "anon", EndedBy.CALLER))
    assert of_type(out, CreateCallback) == []
    assert brief(d)["outcomes"] == {"known": "ABANDONED", "anon": "ABANDONED"}
    assert d.engine.snapshot()["stats"]["benefits"]["abandoned"] == 2


def test_closed_hours_say_the_hours_and_take_a_message() -> None:
    d = Driver()
    d.now = 20 * 3600.0  # 20:00
    out = d.send(CallArrived(d.next_id(), "c1", MAIN, "+37255500001"))
    assert out[2:5] == [
        Play("c1", "hours-main"),
        RecordMessage("c1", 60.0),
        StartTimer("message:c1:1", d.now + 60),
    ]
    assert brief(d)["calls"] == {"c1": ("MESSAGE", None, None)}
    d.advance(20)
    d.send(CallEnded(d.next_id(), "c1"))
    assert brief(d)["outcomes"] == {"c1": "CLOSED_MESSAGE"}
    d.send(CallArrived(d.next_id(), "c2", MAIN, None))
    out = fire(d, "message", "c2")
    assert out[0] == Hangup("c2", "message-limit")
    assert brief(d)["outcomes"]["c2"] == "CLOSED_MESSAGE"


def test_information_branch_and_information_line_end_with_a_message() -> None:
    d = Driver()
    d.send(CallArrived(d.next_id(), "c1", INFO, None))
    assert brief(d)["outcomes"] == {"c1": "CLOSED_MESSAGE"}
    # Menu key 3 plays information and comes back to the menu.
    to_queue(d, "c2", menu="3")
    assert brief(d)["calls"]["c2"] == ("IVR", None, None)
    # Two wrong keys: the menu's default (benefits).
    d.send(DigitsPressed(d.next_id(), "c2", "9"))
    out = d.send(DigitsPressed(d.next_id(), "c2", "9"))
    assert brief(d)["calls"]["c2"] == ("QUEUED", "benefits", None)
    assert of_type(out, AnnounceWait)[0].position == 1


def test_warm_transfer_consults_then_joins_the_colleague() -> None:
    d = Driver()
    staff(d, "a1", (("benefits", 1),), (("et", 1),))
    to_queue(d, "c1")
    d.send(CallAnswered(d.next_id(), "c1", "a1"))
    d.send(AgentLoggedIn(d.next_id(), "a2", (("employers", 1),), (("et", 1),)))
    d.send(AgentStateChanged(d.next_id(), "a2", ready=True))
    out = d.send(
        TransferRequested(d.next_id(), "c1", "a1", to_agent="a2", consult=True)
    )
    assert out[0] == Hold("c1")
    assert RingAgent("c1", "a2", 10.0, consult=True) in out
    assert brief(d)["agents"] == {
        "a1": ("ON_HOLD", None, "c1"),
        "a2": ("RINGING", None, "c1"),
    }
    assert brief(d)["calls"] == {"c1": ("CONSULTING", "benefits", "a1")}

    out = d.send(ConsultAnswered(d.next_id(), "c1", "a2"))
    assert out[-1] == Bridge("c1", "a2", consult=True)
    assert brief(d)["agents"] == {
        "a1": ("ON_HOLD", None, "c1"),
        "a2": ("TALKING", None, "c1"),
    }

    out = d.send(TransferCompleted(d.next_id(), "c1", "a1"))
    assert out[-2:] == [
        Bridge("c1", "a2"),
        OpenContact(
            "c1",
            "a2",
            "+37255500001",
            MAIN,
            "benefits",
            "et",
            "38001010000",
            ("1", "1"),
            "a1",
        ),
    ]
    assert brief(d)["agents"] == {
        "a1": ("AFTER_CALL_WORK", None, None),
        "a2": ("TALKING", None, "c1"),
    }
    assert brief(d)["calls"] == {"c1": ("TALKING", "benefits", "a2")}
    d.send(CallEnded(d.next_id(), "c1", EndedBy.AGENT))
    assert brief(d)["agents"]["a2"] == ("AFTER_CALL_WORK", None, None)
    assert brief(d)["outcomes"] == {"c1": "ANSWERED"}
    assert d.engine.snapshot()["stats"]["benefits"]["answered"] == 1  # counted once


def test_cancelled_and_unanswered_consultations_return_the_caller() -> None:
    d = Driver()
    staff(d, "a1", (("benefits", 1),), (("et", 1),))
    staff(d, "a2", (("employers", 1),), (("et", 1),))
    to_queue(d, "c1")
    d.send(CallAnswered(d.next_id(), "c1", "a1"))
    d.send(TransferRequested(d.next_id(), "c1", "a1", to_agent="a2", consult=True))
    d.send(ConsultAnswered(d.next_id(), "c1", "a2"))
    out = d.send(ConsultCancelled(d.next_id(), "c1", "a2"))
    assert Unhold("c1") in out
    assert brief(d)["agents"] == {
        "a1": ("TALKING", None, "c1"),
        "a2": ("READY", None, None),
    }
    assert brief(d)["calls"] == {"c1": ("TALKING", "benefits", "a1")}

    d.send(TransferRequested(d.next_id(), "c1", "a1", to_agent="a2", consult=True))
    out = fire(d, "ring", "c1")
    assert out[0] == StopRinging("c1", "a2")
    assert brief(d)["agents"] == {
        "a1": ("TALKING", None, "c1"),
        "a2": ("NOT_READY", "missed call", None),
    }
    assert brief(d)["calls"] == {"c1": ("TALKING", "benefits", "a1")}


def test_blind_transfers_to_queue_agent_and_extension() -> None:
    d = Driver()
    staff(d, "a1", (("benefits", 1),), (("et", 1),))
    to_queue(d, "c1")
    d.send(CallAnswered(d.next_id(), "c1", "a1"))
    d.send(TransferRequested(d.next_id(), "c1", "a1", to_queue="employers"))
    assert brief(d)["agents"] == {"a1": ("AFTER_CALL_WORK", None, None)}
    assert brief(d)["calls"] == {"c1": ("QUEUED", "employers", None)}
    assert brief(d)["waiting"] == {ET_EMPLOYERS: ["c1"]}

    staff(d, "a2", (("employers", 1),), (("et", 1),))
    d.send(CallAnswered(d.next_id(), "c1", "a2"))
    d.send(WrapUpEnded(d.next_id(), "a1"))
    d.send(TransferRequested(d.next_id(), "c1", "a2", to_agent="a1"))
    assert brief(d)["agents"] == {
        "a1": ("RINGING", None, "c1"),
        "a2": ("AFTER_CALL_WORK", None, None),
    }
    d.send(CallAnswered(d.next_id(), "c1", "a1"))
    out = d.send(TransferRequested(d.next_id(), "c1", "a1", to_extension="2345"))
    assert Redirect("c1", "2345") in out
    assert brief(d)["outcomes"] == {"c1": "ANSWERED"}
    assert brief(d)["agents"]["a1"] == ("AFTER_CALL_WORK", None, None)


def test_wrap_up_never_ends_early_and_never_sticks() -> None:
    d = Driver()
    staff(d, "a1", (("benefits", 1),), (("et", 1),))
    to_queue(d, "c1")
    d.send(CallAnswered(d.next_id(), "c1", "a1"))
    d.send(CallEnded(d.next_id(), "c1"))
    timer_id = timer_of(d, "wrapup", "a1")
    before = d.engine.snapshot()
    d.advance(19.9)
    with pytest.raises(Exception, match="fired early"):
        d.send(TimerFired(d.next_id(), timer_id))
    assert d.engine.snapshot() == before
    d.advance(0.1)
    d.send(TimerFired(d.next_id(), timer_id))
    assert brief(d)["agents"] == {"a1": ("READY", None, None)}


def test_not_ready_during_wrap_up_cancels_the_timer() -> None:
    d = Driver()
    staff(d, "a1", (("benefits", 1),), (("et", 1),))
    to_queue(d, "c1")
    d.send(CallAnswered(d.next_id(), "c1", "a1"))
    d.send(CallEnded(d.next_id(), "c1"))
    timer_id = timer_of(d, "wrapup", "a1")
    out = d.send(AgentStateChanged(d.next_id(), "a1", ready=False, reason="lunch"))
    assert out[0] == CancelTimer(timer_id)
    assert brief(d)["agents"] == {"a1": ("NOT_READY", "lunch", None)}
    assert d.engine.snapshot()["timers"] == {}
    d.send(AgentLoggedOut(d.next_id(), "a1"))
    assert brief(d)["agents"] == {"a1": ("LOGGED_OUT", None, None)}


def test_agent_state_intervals_are_recorded_back_to_back() -> None:
    d = Driver()
    intervals: list[RecordAgentState] = []
    staff(d, "a1", (("benefits", 1),), (("et", 1),))
    steps: list[Callable[[], list[Command]]] = [
        lambda: to_queue(d, "c1"),
        lambda: d.send(CallAnswered(d.next_id(), "c1", "a1")),
        lambda: d.send(CallEnded(d.next_id(), "c1")),
        lambda: d.send(
            AgentStateChanged(d.next_id(), "a1", ready=False, reason="training")
        ),
        lambda: d.send(AgentLoggedOut(d.next_id(), "a1")),
    ]
    for step in steps:
        d.advance(7)
        intervals.extend(c for c in step() if isinstance(c, RecordAgentState))
    assert [(i.state, i.reason, i.end - i.start) for i in intervals] == [
        ("ready", None, 7.0),
        ("ringing", None, 7.0),
        ("talking", None, 7.0),
        ("after_call_work", None, 7.0),
        ("not_ready", "training", 7.0),
    ]
    assert all(a.end == b.start for a, b in pairwise(intervals))


def test_emergency_close_ends_waiting_callers_and_new_ones() -> None:
    d = Driver()
    staff(d, "a1", (("benefits", 1),), (("et", 1),))
    to_queue(d, "ringing")
    to_queue(d, "waiting")
    d.send(CallArrived(d.next_id(), "in-ivr", MAIN, None))
    d.send(CallArrived(d.next_id(), "other-line", VACANCY, None))
    out = d.send(
        EmergencySwitched(d.next_id(), MAIN, EmergencyMode.CLOSE, "emergency-closed")
    )
    assert StopRinging("ringing", "a1") in out
    assert of_type(out, Hangup) == [
        Hangup(c, "emergency") for c in ("ringing", "waiting", "in-ivr")
    ]
    assert brief(d)["calls"] == {"other-line": ("QUEUED", "employers", None)}
    assert brief(d)["agents"] == {"a1": ("READY", None, None)}
    out = d.send(CallArrived(d.next_id(), "late", MAIN, None))
    assert out == [
        Play("late", "emergency-closed"),
        Hangup("late", "emergency"),
        of_type(out, RecordOutcome)[0],
    ]
    d.send(EmergencySwitched(d.next_id(), MAIN, EmergencyMode.OFF))
    d.send(CallArrived(d.next_id(), "after", MAIN, None))
    assert brief(d)["calls"]["after"] == ("IVR", None, None)
    assert {
        brief(d)["outcomes"][c] for c in ("ringing", "waiting", "in-ivr", "late")
    } == {"CLOSED_MESSAGE"}


def test_emergency_overflow_moves_everyone_to_another_group_in_order() -> None:
    d = Driver()
    to_queue(d, "c1")
    to_queue(d, "c2")
    d.send(EmergencySwitched(d.next_id(), MAIN, EmergencyMode.OVERFLOW, "", "office"))
    assert brief(d)["waiting"] == {OFFICE: ["c1", "c2"]}
    to_queue(d, "c3")
    assert brief(d)["waiting"] == {OFFICE: ["c1", "c2", "c3"]}
    staff(d, "o1", (("consult", 1),), ())
    assert brief(d)["calls"]["c1"] == ("RINGING", "office", "o1")


def test_closed_line_without_messages_says_the_hours_and_hangs_up() -> None:
    d = Driver()
    d.now = 19 * 3600.0
    out = d.send(CallArrived(d.next_id(), "c1", VACANCY, "+37255500001"))
    assert out[:3] == [
        Play("c1", "vacancy-greeting"),
        Play("c1", "hours-vacancy-and-department-phone"),
        Hangup("c1", "closed"),
    ]
    assert brief(d)["outcomes"] == {"c1": "CLOSED_MESSAGE"}
    assert d.engine.outcome("c1") is not None
    assert d.engine.call_state("c1") is None
    assert d.engine.agent_state("nobody") is None


def test_ready_index_stays_small_and_right_while_agents_come_and_go() -> None:
    d = Driver()
    for agent in ("a1", "a2", "a3"):
        staff(d, agent, (("benefits", 1),), (("et", 1),))
    for _ in range(100):
        d.advance(1)
        for agent in ("a2", "a1"):
            d.send(AgentStateChanged(d.next_id(), agent, ready=False, reason="x"))
            d.send(AgentStateChanged(d.next_id(), agent, ready=True))
    (req,) = [r for r in d.engine._ready if r.label() == ET_BENEFITS]
    heap = d.engine._ready[req]
    assert len(heap) <= 65  # stale entries are purged, not hoarded
    assert brief(d)["ready"] == {ET_BENEFITS: ["a3", "a2", "a1"]}
    to_queue(d, "c1")
    assert brief(d)["calls"]["c1"] == ("RINGING", "benefits", "a3")


def test_overflow_to_a_queue_with_the_same_requirement_changes_nothing() -> None:
    base = new_engine().config
    twin = replace(
        base.queues["benefits"],
        queue_id="twin",
        overflow_to=None,
        overflow_after_s=None,
    )
    queues = {
        **base.queues,
        "benefits": replace(base.queues["benefits"], overflow_to="twin"),
        "twin": twin,
    }
    d = Driver(Engine(replace(base, queues=queues), is_open=business_hours))
    to_queue(d, "c1", caller=None)
    fire(d, "overflow", "c1")
    assert brief(d)["waiting"] == {ET_BENEFITS: ["c1"]}
    assert d.engine.snapshot()["stats"]["benefits"]["overflowed"] == 1


def test_requeued_overflowed_call_goes_to_the_longest_idle_of_both_groups() -> None:
    d = Driver()
    to_queue(d, "c1", caller=None)
    staff(d, "o1", (("consult", 1),), ())
    fire(d, "overflow", "c1")
    assert brief(d)["calls"]["c1"] == ("RINGING", "benefits", "o1")
    d.advance(1)
    staff(d, "b1", (("benefits", 1),), (("et", 1),))
    d.advance(1)
    staff(d, "o2", (("consult", 1),), ())
    fire(d, "ring", "c1")  # o1 misses: b1 has been idle longest
    assert brief(d)["calls"]["c1"] == ("RINGING", "benefits", "b1")


def test_emergency_leaves_answered_calls_and_serves_moved_callers_at_once() -> None:
    d = Driver()
    staff(d, "a1", (("benefits", 1),), (("et", 1),))
    to_queue(d, "talking")
    d.send(CallAnswered(d.next_id(), "talking", "a1"))
    to_queue(d, "w1", caller=None)
    to_queue(d, "w2", caller=None)
    staff(d, "o1", (("consult", 1),), ())
    out = d.send(
        EmergencySwitched(
            d.next_id(), MAIN, EmergencyMode.OVERFLOW, "moved-notice", "office"
        )
    )
    assert of_type(out, Play)[:2] == [
        Play("w1", "moved-notice"),
        Play("w2", "moved-notice"),
    ]
    assert brief(d)["calls"] == {
        "talking": ("TALKING", "benefits", "a1"),
        "w1": ("RINGING", "office", "o1"),
        "w2": ("QUEUED", "office", None),
    }
    d.send(EmergencySwitched(d.next_id(), MAIN, EmergencyMode.CLOSE, "closed-now"))
    assert brief(d)["calls"] == {"talking": ("TALKING", "benefits", "a1")}
    assert brief(d)["agents"]["o1"] == ("READY", None, None)
