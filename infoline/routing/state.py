"""States of calls and agents, and the ONE table of their legal transitions.

Guarantees (numbered; tests in ``tests/routing`` check each one):

1. Every state change of a call or an agent goes through ``TRANSITIONS``
   (``next_call_state`` / ``next_agent_state``). A move missing from the
   table raises ``IllegalTransition`` (our bug); an event from outside that
   would need such a move is rejected with ``AdapterEventError`` before
   anything changes.
2. An agent holds at most one call (``Agent.call_id``); a call is offered to
   at most one agent at a time, plus one colleague during a consultation.
3. A waiting call (``QUEUED``) is in the waiting index of each of its
   requirement profiles exactly once; nobody else is. Within a profile calls
   are served by priority, then first come first served (FIFO).
4. No agent is ``READY`` while a call it qualifies for is waiting (work
   conservation: the engine dispatches on every arrival and every release).
5. An agent in ``AFTER_CALL_WORK`` always has a running wrap-up timer whose
   deadline is the start plus the queue's limit: wrap-up never sticks, and
   never ends by timer before the limit (an early ``TimerFired`` is
   rejected). ``RINGING`` always has a ring timer: nobody stays reserved.
6. Every call ends exactly once, with exactly one ``CallOutcome``.
7. The engine's state is a function of the accepted events and their
   ``now``: replaying them into a fresh engine gives an equal snapshot.

Theory of operation: a call starts in ``IVR`` and walks its line's flow
(``ivr.py``); a queue node makes it ``QUEUED``; dispatch offers it to an
agent (``RINGING`` for both); the answer makes both ``TALKING``; hold and
consultation put the caller in ``HELD``/``CONSULTING`` and the agent in
``ON_HOLD``; the end of the call puts the agent in ``AFTER_CALL_WORK`` until
``WrapUpEnded`` or the wrap-up timer makes them ``READY`` again. Agents who
miss an offer become ``NOT_READY`` (reason "missed call") and the call goes
back to its place in the queue.

Files to keep in sync: ``events.py`` and ``engine.py`` (which trigger each
event uses), ``tests/routing/test_transitions.py`` (the expected matrix of
events per state), ``infoline/telephony/base.py`` and ``runner.py`` (what
adapters report and execute), ``infoline/realtime/state.py`` (what the desk
and wall-board show), the adherence reports (agent states as intervals).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from .errors import IllegalTransition
from .policies import Requirement

__all__ = [
    "SERVING_STATES",
    "TRANSITIONS",
    "Agent",
    "AgentState",
    "Call",
    "CallOutcome",
    "CallState",
    "Party",
    "Trigger",
    "agent_allows",
    "call_allows",
    "next_agent_state",
    "next_call_state",
]


class Party(enum.Enum):
    """Whose state a transition changes."""

    CALL = "call"
    AGENT = "agent"


class CallState(enum.Enum):
    """Where a call is."""

    # Members are singletons: hash by identity (in C) instead of Enum's
    # Python-level name hash, which dominated the table lookups in profiles.
    __hash__ = object.__hash__

    IVR = "ivr"  # walking the line's flow
    QUEUED = "queued"  # waiting for an agent, hearing music
    RINGING = "ringing"  # offered to one agent
    TALKING = "talking"  # bridged to its agent
    HELD = "held"  # on hold by its agent
    CONSULTING = "consulting"  # on hold while its agent briefs a colleague
    MESSAGE = "message"  # leaving a voice message (closed hours)
    ENDED = "ended"


class AgentState(enum.Enum):
    """What an agent is doing; every interval is recorded for adherence."""

    # Members are singletons: hash by identity (in C) instead of Enum's
    # Python-level name hash, which dominated the table lookups in profiles.
    __hash__ = object.__hash__

    LOGGED_OUT = "logged_out"
    READY = "ready"
    NOT_READY = "not_ready"  # with a reason
    RINGING = "ringing"  # reserved for one offered call
    TALKING = "talking"
    ON_HOLD = "on_hold"  # caller on hold (also while consulting a colleague)
    AFTER_CALL_WORK = "after_call_work"


class CallOutcome(enum.Enum):
    """How a call ended: exactly one per call (guarantee 6)."""

    ANSWERED = "answered"  # an agent talked with the caller
    ABANDONED = "abandoned"  # the caller left before any agent answered
    CALLBACK = "callback"  # the caller accepted a callback instead of waiting
    # The engine ended the call after a final message: closed hours (with or
    # without a voice message), an emergency close, an information-only branch.
    CLOSED_MESSAGE = "closed_message"


class Trigger(enum.Enum):
    """Named moves; events and engine decisions map onto these."""

    # Members are singletons: hash by identity (in C) instead of Enum's
    # Python-level name hash, which dominated the table lookups in profiles.
    __hash__ = object.__hash__

    ENQUEUE = "enqueue"
    OVERFLOW = "overflow"
    DIGITS = "digits"
    OFFER = "offer"
    RING_CANCELLED = "ring_cancelled"  # withdrawn through no fault of the agent
    RING_MISSED = "ring_missed"  # the agent did not answer
    ANSWER = "answer"
    HOLD = "hold"
    RETRIEVE = "retrieve"
    CONSULT = "consult"
    CONSULT_FINISHED = "consult_finished"
    TRANSFER_COMPLETED = "transfer_completed"
    TAKE_MESSAGE = "take_message"
    ACCEPT_CALLBACK = "accept_callback"
    HANG_UP = "hang_up"
    RELEASE = "release"  # the agent's part in a call ends
    LOG_IN = "log_in"
    LOG_OUT = "log_out"
    MAKE_READY = "make_ready"
    MAKE_NOT_READY = "make_not_ready"
    WRAP_UP_ENDED = "wrap_up_ended"


C, A, T = CallState, AgentState, Trigger

# The table: party -> state -> trigger -> next state. Absent = illegal.
TRANSITIONS: dict[Party, dict[enum.Enum, dict[Trigger, enum.Enum]]] = {
    Party.CALL: {
        C.IVR: {
            T.DIGITS: C.IVR,
            T.ENQUEUE: C.QUEUED,
            T.TAKE_MESSAGE: C.MESSAGE,
            T.HANG_UP: C.ENDED,
        },
        C.QUEUED: {
            T.DIGITS: C.QUEUED,  # answer to the callback offer
            T.OVERFLOW: C.QUEUED,
            T.OFFER: C.RINGING,
            T.ACCEPT_CALLBACK: C.ENDED,
            T.HANG_UP: C.ENDED,
        },
        C.RINGING: {
            T.ANSWER: C.TALKING,
            T.RING_MISSED: C.QUEUED,  # back to its place
            T.HANG_UP: C.ENDED,
        },
        C.TALKING: {
            T.HOLD: C.HELD,
            T.CONSULT: C.CONSULTING,
            T.ENQUEUE: C.QUEUED,  # blind transfer to a queue
            T.OFFER: C.RINGING,  # blind transfer to an agent
            T.HANG_UP: C.ENDED,
        },
        C.HELD: {
            T.RETRIEVE: C.TALKING,
            T.CONSULT: C.CONSULTING,
            T.ENQUEUE: C.QUEUED,
            T.OFFER: C.RINGING,
            T.HANG_UP: C.ENDED,
        },
        C.CONSULTING: {
            T.CONSULT_FINISHED: C.TALKING,  # cancelled: back to the first agent
            T.TRANSFER_COMPLETED: C.TALKING,  # now with the colleague
            T.HANG_UP: C.ENDED,
        },
        C.MESSAGE: {T.HANG_UP: C.ENDED},
        C.ENDED: {},
    },
    Party.AGENT: {
        A.LOGGED_OUT: {T.LOG_IN: A.NOT_READY},
        A.READY: {
            T.OFFER: A.RINGING,
            T.MAKE_NOT_READY: A.NOT_READY,
            T.LOG_OUT: A.LOGGED_OUT,
        },
        A.NOT_READY: {
            T.MAKE_READY: A.READY,
            T.MAKE_NOT_READY: A.NOT_READY,  # a new reason
            T.LOG_OUT: A.LOGGED_OUT,
        },
        A.RINGING: {
            T.ANSWER: A.TALKING,
            T.RING_MISSED: A.NOT_READY,
            T.RING_CANCELLED: A.READY,
        },
        A.TALKING: {
            T.HOLD: A.ON_HOLD,
            T.CONSULT: A.ON_HOLD,
            T.RELEASE: A.AFTER_CALL_WORK,
            T.CONSULT_FINISHED: A.READY,  # the consulted colleague, no transfer
        },
        A.ON_HOLD: {
            T.RETRIEVE: A.TALKING,
            T.CONSULT: A.ON_HOLD,
            T.RELEASE: A.AFTER_CALL_WORK,
        },
        A.AFTER_CALL_WORK: {
            T.WRAP_UP_ENDED: A.READY,
            T.MAKE_NOT_READY: A.NOT_READY,
            T.LOG_OUT: A.LOGGED_OUT,
        },
    },
}

del C, A, T

_CALL_TABLE = TRANSITIONS[Party.CALL]
_AGENT_TABLE = TRANSITIONS[Party.AGENT]

# Agents counted as staffing their queues for expected-wait estimates.
SERVING_STATES = frozenset(
    {
        AgentState.READY,
        AgentState.RINGING,
        AgentState.TALKING,
        AgentState.ON_HOLD,
        AgentState.AFTER_CALL_WORK,
    }
)


def call_allows(state: CallState, trigger: Trigger) -> bool:
    """Tell whether ``trigger`` is legal for a call in ``state``."""
    return trigger in _CALL_TABLE[state]


def agent_allows(state: AgentState, trigger: Trigger) -> bool:
    """Tell whether ``trigger`` is legal for an agent in ``state``."""
    return trigger in _AGENT_TABLE[state]


def next_call_state(state: CallState, trigger: Trigger) -> CallState:
    """Return the call's next state, or raise ``IllegalTransition``."""
    try:
        nxt = _CALL_TABLE[state][trigger]
    except KeyError:
        raise IllegalTransition(
            f"call cannot {trigger.value} in state {state.name}"
        ) from None
    assert isinstance(nxt, CallState)  # the table maps call states to call states
    return nxt


def next_agent_state(state: AgentState, trigger: Trigger) -> AgentState:
    """Return the agent's next state, or raise ``IllegalTransition``."""
    try:
        nxt = _AGENT_TABLE[state][trigger]
    except KeyError:
        raise IllegalTransition(
            f"agent cannot {trigger.value} in state {state.name}"
        ) from None
    assert isinstance(nxt, AgentState)  # the table maps agent states likewise
    return nxt


@dataclass(slots=True, eq=False)
class Call:
    """The engine's live record of one call (mutable, owned by the engine)."""

    call_id: str
    line: str
    caller: str | None
    previous_agent: str | None
    arrived_at: float
    language: str
    state: CallState = CallState.IVR
    node: str | None = None  # current IVR node
    retries: int = 0
    choices: list[str] = field(default_factory=list)
    identity_code: str | None = None
    notice_given: bool = False  # recording notice played (T5)
    queue_id: str | None = None
    priority: int = 0
    place: int = 0  # enqueue sequence number: FIFO key and callback place
    profiles: tuple[Requirement, ...] = ()  # requirements waited under
    queued_at: float | None = None
    agent_id: str | None = None
    consult_agent: str | None = None
    answered_at: float | None = None
    offer_open: bool = False  # the callback offer awaits a key
    music_on: bool = False  # queue music is playing (early media)
    timers: dict[str, str] = field(default_factory=dict)  # kind -> timer id
    overflowed: bool = False
    talk_started: float | None = None  # for the average handling time
    transferred_from: str | None = None


@dataclass(slots=True, eq=False)
class Agent:
    """The engine's live record of one agent (mutable, owned by the engine)."""

    agent_id: str
    skills: dict[str, int]
    languages: dict[str, int]
    state: AgentState = AgentState.LOGGED_OUT
    reason: str | None = None
    since: float = 0.0  # start of the current state interval
    idle_since: float = 0.0  # longest-idle ordering key while READY
    previous_idle_since: float = 0.0  # restored when an offer is withdrawn
    profiles: tuple[Requirement, ...] = ()  # requirements the agent meets
    call_id: str | None = None
    consult: bool = False  # the call is a consultation from a colleague
    ready_token: int = 0
    ready_seq: int = 0  # tie-break among equally idle agents: who got ready first
    timer_id: str | None = None  # wrap-up timer
