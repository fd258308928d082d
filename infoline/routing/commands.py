"""Outputs of the routing engine: imperative commands for the runner.

The runner executes them in order through the telephony adapter (media,
signalling), its timer service and the journal's services. They are shaped
for a Kamailio + rtpengine adapter: queue audio is early media (``Play`` with
``loop``), ``RingAgent`` maps to resuming the suspended INVITE towards the
agent, ``Bridge`` to the agent's answer, ``Hold``/``Unhold`` to re-INVITEs or a
B2BUA, ``StartRecording`` to rtpengine's ``start recording``.

Timers are absolute (``at``, float seconds since the epoch, UTC); the runner
answers each one with ``TimerFired(timer_id)`` unless cancelled first.

Files to keep in sync: ``engine.py`` (who emits what),
``infoline/telephony/base.py`` and ``runner.py`` (who executes what).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AnnounceWait",
    "Bridge",
    "CancelTimer",
    "CollectDigits",
    "Command",
    "CreateCallback",
    "Hangup",
    "Hold",
    "OpenContact",
    "Play",
    "RecordAgentState",
    "RecordMessage",
    "RecordOutcome",
    "Redirect",
    "RingAgent",
    "StartRecording",
    "StartTimer",
    "StopPlaying",
    "StopRinging",
    "Unhold",
]


@dataclass(frozen=True, slots=True)
class Command:
    """Base of all engine outputs."""


@dataclass(frozen=True, slots=True)
class Play(Command):
    """Play a prompt (a recording key) to the caller; ``loop`` for music."""

    call_id: str
    prompt: str
    loop: bool = False


@dataclass(frozen=True, slots=True)
class StopPlaying(Command):
    """Stop whatever is playing to the caller."""

    call_id: str


@dataclass(frozen=True, slots=True)
class AnnounceWait(Command):
    """Tell the caller their position and expected wait (T6).

    ``expected_wait_s`` is ``None`` when no agent serves the queue now.
    """

    call_id: str
    position: int
    expected_wait_s: float | None


@dataclass(frozen=True, slots=True)
class CollectDigits(Command):
    """Collect up to ``max_digits`` keys (``#`` ends early), then report them.

    The adapter answers with ``DigitsPressed``; with "" after ``timeout_s``.
    """

    call_id: str
    max_digits: int
    timeout_s: float


@dataclass(frozen=True, slots=True)
class RingAgent(Command):
    """Offer the call to the agent (the agent is reserved meanwhile).

    ``consult`` marks a warm-transfer consultation from another agent.
    """

    call_id: str
    agent_id: str
    timeout_s: float
    consult: bool = False


@dataclass(frozen=True, slots=True)
class StopRinging(Command):
    """Withdraw the offer from the agent's phone."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class Bridge(Command):
    """Connect the caller to the agent.

    With ``consult`` connect the call's handling agent to ``agent_id``
    instead, the caller staying on hold (warm transfer, T7).
    """

    call_id: str
    agent_id: str
    consult: bool = False


@dataclass(frozen=True, slots=True)
class Hold(Command):
    """Put the caller on hold with music."""

    call_id: str


@dataclass(frozen=True, slots=True)
class Unhold(Command):
    """Take the caller off hold (thanks on return are the agent's, T6)."""

    call_id: str


@dataclass(frozen=True, slots=True)
class StartRecording(Command):
    """Record the call; only emitted after the recording notice (T5)."""

    call_id: str


@dataclass(frozen=True, slots=True)
class RecordMessage(Command):
    """Record a voice message from the caller (closed hours)."""

    call_id: str
    max_seconds: float


@dataclass(frozen=True, slots=True)
class Redirect(Command):
    """Hand the call to an extension outside the engine (blind transfer)."""

    call_id: str
    extension: str


@dataclass(frozen=True, slots=True)
class Hangup(Command):
    """End the call from our side."""

    call_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class StartTimer(Command):
    """Fire ``TimerFired(timer_id)`` at ``at`` unless cancelled."""

    timer_id: str
    at: float


@dataclass(frozen=True, slots=True)
class CancelTimer(Command):
    """Forget the timer; it must not fire."""

    timer_id: str


@dataclass(frozen=True, slots=True)
class CreateCallback(Command):
    """Create a callback in the journal (C1, T8).

    ``place`` is the caller's place in the queue (the engine's enqueue
    sequence number), so the callback list keeps the order callers had.
    ``reason`` is "offer-accepted" or "abandoned".
    """

    call_id: str
    number: str
    line: str
    queue_id: str
    language: str
    place: int
    reason: str


@dataclass(frozen=True, slots=True)
class OpenContact(Command):
    """Open the journal contact on the agent's desk as the call is answered.

    ``identity_code`` is what the caller keyed in: a pre-identification only,
    authentication stays with the agent (A2). ``choices`` are the IVR keys.
    """

    call_id: str
    agent_id: str
    caller: str | None
    line: str
    queue_id: str
    language: str
    identity_code: str | None
    choices: tuple[str, ...]
    transferred_from: str | None = None


@dataclass(frozen=True, slots=True)
class RecordAgentState(Command):
    """Persist a closed agent-state interval for adherence and reports."""

    agent_id: str
    state: str
    reason: str | None
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class RecordOutcome(Command):
    """Persist how a call ended (wall-board, reports)."""

    call_id: str
    line: str
    queue_id: str | None
    outcome: str
    arrived_at: float
    queued_at: float | None
    answered_at: float | None
    ended_at: float
    ended_by: str
    reason: str | None
