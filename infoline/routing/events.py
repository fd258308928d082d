"""Inputs of the routing engine: things that happened, in the past tense.

Every event is a frozen dataclass carrying an ``event_id`` chosen by whoever
produced it (adapter, desk, timer service). The engine rejects an id it has
already accepted, so an adapter may retry safely, and the runner can persist
events and rebuild the engine by replaying them (see ``Engine.handle``).

Time is not part of an event: the runner passes ``now`` (float seconds since
the Unix epoch, UTC) to ``Engine.handle`` and persists it with the event.

Files to keep in sync: ``state.py`` (which trigger each event maps to),
``engine.py`` (the handler per event type), ``infoline/telephony/base.py``
(what adapters emit).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "AgentLoggedIn",
    "AgentLoggedOut",
    "AgentRang",
    "AgentSkillsChanged",
    "AgentStateChanged",
    "CallAnswered",
    "CallArrived",
    "CallEnded",
    "CallHeld",
    "CallRetrieved",
    "CallbackAccepted",
    "ConsultAnswered",
    "ConsultCancelled",
    "DigitsPressed",
    "EmergencyMode",
    "EmergencySwitched",
    "EndedBy",
    "Event",
    "RingTimedOut",
    "TimerFired",
    "TransferCompleted",
    "TransferRequested",
    "WrapUpEnded",
]


class EndedBy(enum.Enum):
    """Who hung up a call."""

    CALLER = "caller"
    AGENT = "agent"
    NETWORK = "network"


class EmergencyMode(enum.Enum):
    """What an emergency switch does to a line's callers (S1, RU D/01-D/02)."""

    OFF = "off"
    CLOSE = "close"  # play the announcement and hang up every waiting caller
    OVERFLOW = "overflow"  # send every caller of the line to another queue


@dataclass(frozen=True, slots=True)
class Event:
    """Base of all engine inputs; ``event_id`` is unique per event."""

    event_id: str


# --- calls ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallArrived(Event):
    """A call reached a public number (``line``).

    ``caller`` is the E.164 number, or ``None`` when the caller withheld it
    (T8: no dropped-call callback then). ``previous_agent`` is the hint from
    the journal: the agent who handled the caller's open contact (J5), routed
    to first when ready and qualified.
    """

    call_id: str
    line: str
    caller: str | None = None
    previous_agent: str | None = None


@dataclass(frozen=True, slots=True)
class DigitsPressed(Event):
    """The caller keyed ``digits`` after a ``CollectDigits``; "" on timeout."""

    call_id: str
    digits: str


@dataclass(frozen=True, slots=True)
class AgentRang(Event):
    """The agent's phone started ringing for ``call_id`` (informational)."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class RingTimedOut(Event):
    """The agent did not answer (no answer, rejected, unreachable)."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class CallAnswered(Event):
    """The agent answered the call offered by ``RingAgent``."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class CallHeld(Event):
    """The agent put the caller on hold, with the caller's consent (T6)."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class CallRetrieved(Event):
    """The agent took the caller back from hold."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class TransferRequested(Event):
    """The handling agent asked to transfer the call (T7, T11).

    Exactly one target: ``to_queue`` (blind, re-queued there), ``to_agent``
    (blind unless ``consult``: warm, the caller waits on hold while the agent
    briefs the colleague) or ``to_extension`` (blind, outside the engine).
    """

    call_id: str
    agent_id: str
    to_agent: str | None = None
    to_queue: str | None = None
    to_extension: str | None = None
    consult: bool = False


@dataclass(frozen=True, slots=True)
class ConsultAnswered(Event):
    """The colleague answered a warm-transfer consultation."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class TransferCompleted(Event):
    """The consulting agent joined the caller to the colleague and left."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class ConsultCancelled(Event):
    """The consultation ended without transfer; the caller returns."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class CallEnded(Event):
    """The call is over; ``reason`` is kept (T14: abusive caller)."""

    call_id: str
    by: EndedBy = EndedBy.CALLER
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class CallbackAccepted(Event):
    """The waiting caller accepted to be called back instead (C1)."""

    call_id: str


# --- agents -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgentLoggedIn(Event):
    """The agent started work; skills and languages as (name, level) pairs.

    Levels are integers, higher is better; queues ask for a minimum level.
    The agent starts not ready (reason "login") until ``AgentStateChanged``.
    """

    agent_id: str
    skills: tuple[tuple[str, int], ...]
    languages: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class AgentLoggedOut(Event):
    """The agent ended work."""

    agent_id: str


@dataclass(frozen=True, slots=True)
class AgentStateChanged(Event):
    """The agent (or a team lead) set ready, or not ready with a reason."""

    agent_id: str
    ready: bool
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class AgentSkillsChanged(Event):
    """A team lead changed the agent's skills and languages (S1)."""

    agent_id: str
    skills: tuple[tuple[str, int], ...]
    languages: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class WrapUpEnded(Event):
    """The agent finished after-call work before its limit."""

    agent_id: str


# --- time and supervision ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimerFired(Event):
    """A timer started by ``StartTimer`` reached its deadline.

    The runner drops a timer as soon as it executes ``CancelTimer``; a fire
    of a cancelled or unknown timer is rejected like any other nonsense.
    """

    timer_id: str


@dataclass(frozen=True, slots=True)
class EmergencySwitched(Event):
    """A supervisor switched a line's emergency mode (S1)."""

    line: str
    mode: EmergencyMode
    announcement: str = ""
    to_queue: str | None = None
