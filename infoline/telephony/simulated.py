"""The ``simulated`` adapter: callers and robot staff without SIP.

Part of the product (demo, tests, training, what-if), not a test double.
Callers come from a ``TrafficGenerator``; each one keys in its IVR choices,
waits with its patience, accepts a callback offer or not, and hangs up after
its service time. Robot agents (ids ``robot-<n>``) log in at the start,
answer after a few seconds, miss 2 % of offers (and come back 30 s after the
ring timed out), and let the engine's wrap-up timer end their after-call
work. Human agents answer from the desk (``services.set_agent_state``), so
the adapter does nothing for them.

Determinism (what makes the runner's crash test exact): the adapter's
schedule changes only through the commands it is given (``execute`` live,
``restore`` after a restart: the same code) and through taking due items.
Every scheduled item is unconditional and carries the id its event will
have; items are taken in (time, scheduling order). So replaying the logged
events rebuilds the same schedule, and the runner drops the items whose
event ids are already in the log. Randomness per call comes from a stream
seeded by the call id.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator

from infoline.routing import (
    AgentLoggedIn,
    AgentStateChanged,
    Bridge,
    CallAnswered,
    CallArrived,
    CallEnded,
    CollectDigits,
    Command,
    ConsultAnswered,
    DigitsPressed,
    EndedBy,
    Event,
    Hangup,
    Play,
    RecordMessage,
    RecordOutcome,
    Redirect,
    RingAgent,
    StopRinging,
)

from .base import Clock, TelephonyAdapter, TimedEvent
from .traffic import Caller, TrafficGenerator

__all__ = ["SimulatedAdapter"]

ROBOT_MISS_SHARE = 0.02
OFFER_REPLY_S = 3.0
MESSAGE_S = 20.0

Skills = tuple[tuple[str, int], ...]
# (instant, scheduling order, item key, event)
_Item = tuple[float, int, tuple[str, ...], Event]


class _CallState:
    """What the simulated network knows of one call."""

    __slots__ = ("answered", "caller", "collects", "queued", "rings", "rng")

    def __init__(self, caller: Caller, seed: int) -> None:
        self.caller = caller
        self.rng = random.Random(f"{seed}/network/{caller.call_id}")
        self.collects = 0
        self.rings = 0
        self.queued = False
        self.answered = False


class SimulatedAdapter(TelephonyAdapter):
    """Plays the callers of ``traffic`` and the robot agents ``robots``."""

    name = "simulated"
    acts_on_network = False  # the callers live in this process

    def __init__(
        self,
        traffic: TrafficGenerator,
        robots: dict[str, tuple[Skills, Skills]] | None = None,
    ) -> None:
        """Keep the generator and the robots' skills; start with nothing due."""
        self.traffic = traffic
        self.robots = dict(robots or {})
        self._heap: list[_Item] = []
        self._seq = 0
        self._live: dict[tuple[str, ...], int] = {}  # item key -> its seq
        self._by_call: dict[str, set[tuple[str, ...]]] = {}
        self._calls: dict[str, _CallState] = {}
        self._arrivals: Iterator[tuple[float, str]] = iter(())
        self._next_arrival: tuple[float, str] | None = None
        self._started = False

    # --- contract -----------------------------------------------------------

    def start(self, clock: Clock) -> None:
        """Schedule the robots' log-in at the traffic's origin."""
        origin = self.traffic.origin
        for agent_id, (skills, languages) in self.robots.items():
            self._schedule(
                origin,
                ("login", agent_id),
                AgentLoggedIn(f"login:{agent_id}", agent_id, skills, languages),
            )
            self._schedule(
                origin,
                ("ready", agent_id),
                AgentStateChanged(f"ready:{agent_id}", agent_id, True),
            )
        self._arrivals = self.traffic.arrivals()
        self._next_arrival = next(self._arrivals)
        self._started = True

    def restore(self, command: Command, now: float) -> None:
        """Rebuild the schedule exactly as ``execute`` built it live."""
        self.execute(command, now)

    def resume(self, now: float) -> None:
        """Drop arrivals from before ``now`` not logged: callers who met a
        dead line while the runner was down (none under a virtual clock)."""
        while self._next_arrival is not None and self._next_arrival[0] < now:
            self._next_arrival = next(self._arrivals)

    def execute(self, command: Command, now: float) -> None:
        """React like the callers and robots would."""
        if isinstance(command, Play):
            if command.loop:
                self._on_queued(command.call_id, now)
        elif isinstance(command, CollectDigits):
            self._on_collect(command, now)
        elif isinstance(command, RingAgent):
            self._on_ring(command, now)
        elif isinstance(command, StopRinging):
            self._cancel(("answer", command.call_id, command.agent_id))
        elif isinstance(command, Bridge):
            self._on_bridge(command, now)
        elif isinstance(command, RecordMessage):
            self._schedule(
                now + min(command.max_seconds, MESSAGE_S),
                ("bye", command.call_id),
                CallEnded(f"message-end:{command.call_id}", command.call_id),
            )
        elif isinstance(command, Hangup | Redirect | RecordOutcome):
            self._forget(command.call_id)

    def next_due(self) -> float | None:
        """Return the earlier of the next arrival and the next scheduled item."""
        self._drop_cancelled()
        candidates = []
        if self._heap:
            candidates.append(self._heap[0][0])
        if self._next_arrival is not None:
            candidates.append(self._next_arrival[0])
        return min(candidates) if candidates else None

    def due(self, now: float) -> list[TimedEvent]:
        """Return the next happening up to ``now`` (one at a time)."""
        assert self._started, "start() first"
        self._drop_cancelled()
        item_at = self._heap[0][0] if self._heap else None
        arrival = self._next_arrival
        if (
            arrival is not None
            and arrival[0] <= now
            and (item_at is None or arrival[0] < item_at)
        ):
            self._next_arrival = next(self._arrivals)
            return [(arrival[0], self._arrive(arrival[1]))]
        if item_at is not None and item_at <= now:
            at, _seq, key, event = heapq.heappop(self._heap)
            del self._live[key]
            return [(at, event)]
        return []

    # --- callers --------------------------------------------------------------

    def _state(self, call_id: str) -> _CallState:
        state = self._calls.get(call_id)
        if state is None:
            state = self._calls[call_id] = _CallState(
                self.traffic.caller(call_id), self.traffic.seed
            )
        return state

    def _arrive(self, call_id: str) -> Event:
        caller = self._state(call_id).caller
        return CallArrived(f"arrive:{call_id}", call_id, caller.line, caller.number)

    def _on_queued(self, call_id: str, now: float) -> None:
        state = self._state(call_id)
        if state.queued or state.answered:
            return  # music again after a missed ring, or on a transfer
        state.queued = True
        self._schedule(
            now + state.caller.patience_s,
            ("abandon", call_id),
            CallEnded(f"abandon:{call_id}", call_id, EndedBy.CALLER),
        )

    def _on_collect(self, command: CollectDigits, now: float) -> None:
        state = self._state(command.call_id)
        n = state.collects
        state.collects += 1
        caller = state.caller
        if state.queued:  # the callback offer
            key = "1" if caller.accepts_callback else ""
            delay = OFFER_REPLY_S
        else:
            key = caller.keys[n] if n < len(caller.keys) else ""
            delay = caller.key_delay_s if key else command.timeout_s
        self._schedule(
            now + delay,
            ("keys", command.call_id),
            DigitsPressed(f"keys:{command.call_id}:{n}", command.call_id, key),
        )

    def _on_ring(self, command: RingAgent, now: float) -> None:
        if command.agent_id not in self.robots:
            return  # a person answers from the desk
        state = self._state(command.call_id)
        n = state.rings
        state.rings += 1
        agent = command.agent_id
        if state.rng.random() < ROBOT_MISS_SHARE:
            self._schedule(
                now + command.timeout_s + 30.0,
                ("back", agent, command.call_id),
                AgentStateChanged(f"back:{agent}:{command.call_id}:{n}", agent, True),
            )
            return
        answer_id = f"answer:{command.call_id}:{n}"
        event: Event = (
            ConsultAnswered(answer_id, command.call_id, agent)
            if command.consult
            else CallAnswered(answer_id, command.call_id, agent)
        )
        self._schedule(
            now + state.rng.uniform(1.0, 5.0), ("answer", command.call_id, agent), event
        )

    def _on_bridge(self, command: Bridge, now: float) -> None:
        if command.consult:
            return
        state = self._state(command.call_id)
        self._cancel(("abandon", command.call_id))
        self._cancel(("keys", command.call_id))  # an open callback offer lapses
        if state.answered:
            return  # transferred: the caller keeps their own pace
        state.answered = True
        self._schedule(
            now + state.caller.service_s,
            ("bye", command.call_id),
            CallEnded(f"bye:{command.call_id}", command.call_id, EndedBy.CALLER),
        )

    def _forget(self, call_id: str) -> None:
        for key in self._by_call.pop(call_id, ()):
            self._cancel(key)
        self._calls.pop(call_id, None)

    # --- schedule -------------------------------------------------------------

    def _schedule(self, at: float, key: tuple[str, ...], event: Event) -> None:
        """Schedule ``event`` at ``at``, replacing an item with the same key."""
        self._seq += 1
        self._live[key] = self._seq
        if key[0] != "back":  # a robot comes back even when the call ended
            self._by_call.setdefault(key[1], set()).add(key)
        heapq.heappush(self._heap, (at, self._seq, key, event))

    def _cancel(self, key: tuple[str, ...]) -> None:
        self._live.pop(key, None)

    def _drop_cancelled(self) -> None:
        heap = self._heap
        while heap and self._live.get(heap[0][2]) != heap[0][1]:
            heapq.heappop(heap)
