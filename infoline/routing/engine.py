"""The routing engine: ``Engine.handle(event, now) -> list[Command]``.

A sans-I/O state machine (h11 ``Connection``): the runner feeds it events
with the time, persists them, and executes the commands it returns. The
engine never reads a clock, never touches a socket or the database, and does
not know which adapter runs it.

``now`` is a float: seconds since the Unix epoch (UTC), as the runner's
clock or the simulator's virtual clock gives it. It must not go backwards.

Contract of ``handle``:

- An accepted event changes the state and returns the commands to execute,
  in order. A rejected event raises ``AdapterEventError`` (or its subclass
  ``DuplicateEvent``), is appended to ``Engine.rejected`` and changes
  nothing in ``snapshot()``: every handler validates before it mutates.
- ``IllegalTransition`` means a bug in this package (a move missing from
  ``state.TRANSITIONS``), never bad input.
- Decisions depend only on the events, their ``now`` and the configuration
  (iteration is over insertion-ordered dicts, never over sets), so replaying
  the accepted events into a fresh engine gives an equal ``snapshot()``.

Data structures, for tens of thousands of events per second: per
requirement, a sorted list of waiting calls keyed (-priority, place) (the
head is the next call; ``bisect`` gives a caller's position) and a heap of
ready agents keyed (idle since, sequence) whose entries are invalidated
lazily by a token. Each decision is a few heap or bisect operations, never
a scan of all agents or calls.

Memory grows with the run: every accepted event id and every ended call's
outcome are kept, to reject duplicates and late events for ended calls.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .commands import (
    AnnounceWait,
    Bridge,
    CancelTimer,
    CollectDigits,
    Command,
    CreateCallback,
    Hangup,
    Hold,
    OpenContact,
    Play,
    RecordAgentState,
    RecordMessage,
    RecordOutcome,
    Redirect,
    RingAgent,
    StartRecording,
    StartTimer,
    StopPlaying,
    StopRinging,
    Unhold,
)
from .errors import AdapterEventError, DuplicateEvent
from .events import (
    AgentLoggedIn,
    AgentLoggedOut,
    AgentRang,
    AgentSkillsChanged,
    AgentStateChanged,
    CallAnswered,
    CallArrived,
    CallbackAccepted,
    CallEnded,
    CallHeld,
    CallRetrieved,
    ConsultAnswered,
    ConsultCancelled,
    DigitsPressed,
    EmergencyMode,
    EmergencySwitched,
    EndedBy,
    Event,
    RingTimedOut,
    TimerFired,
    TransferCompleted,
    TransferRequested,
    WrapUpEnded,
)
from .ivr import (
    CheckHours,
    ChooseLanguage,
    Closed,
    End,
    EnterIdentityCode,
    Menu,
    RecordingNotice,
    Say,
    ToQueue,
)
from .policies import (
    HoursFn,
    Queue,
    Requirement,
    RoutingConfig,
    always_open,
    expected_wait,
    qualifies,
    requirement_for,
    update_handle_time,
    validate_config,
)
from .state import (
    SERVING_STATES,
    Agent,
    AgentState,
    Call,
    CallOutcome,
    CallState,
    Trigger,
    agent_allows,
    call_allows,
    next_agent_state,
    next_call_state,
)

__all__ = ["Engine", "RejectedEvent"]

_READY = AgentState.READY
_RINGING = AgentState.RINGING
_QUEUED = CallState.QUEUED

# Waiting call, in a sorted list per requirement: (-priority, place, call_id).
# Ready agent, in a heap per requirement: (idle_since, sequence, agent_id, token).
_CallEntry = tuple[int, int, str]
_AgentEntry = tuple[float, int, str, int]

_STAT_KEYS = (
    "offered",
    "answered",
    "answered_in_sl",
    "abandoned",
    "callbacks",
    "overflowed",
)


@dataclass(frozen=True, slots=True)
class RejectedEvent:
    """An event the engine refused, with the time and the reason."""

    event: Event
    now: float
    error: str
    kind: str


class Engine:
    """The live routing state and the rules that move it.

    ``is_open(calendar, now)`` answers opening-hours checks of IVR flows;
    it must be pure (same answer for the same arguments) for replay to work.
    """

    def __init__(self, config: RoutingConfig, is_open: HoursFn = always_open) -> None:
        """Validate ``config`` (``ConfigError`` if broken) and start empty."""
        validate_config(config)
        self.config = config
        self._is_open = is_open
        self.rejected: list[RejectedEvent] = []
        self._now = float("-inf")
        self._accepted = 0
        self._seen: set[str] = set()
        self._calls: dict[str, Call] = {}
        self._outcomes: dict[str, CallOutcome] = {}
        self._agents: dict[str, Agent] = {}
        self._timers: dict[str, tuple[str, str, float]] = {}
        self._timer_seq = 0
        self._place_seq = 0
        self._ready_seq = 0
        self._emergency: dict[str, tuple[EmergencyMode, str, str | None]] = {}
        self._line_calls: dict[str, dict[str, None]] = {
            line: {} for line in config.flows
        }
        reqs = config.all_requirements()
        self._reqs_by_skill: dict[str, list[Requirement]] = {}
        for req in reqs:
            self._reqs_by_skill.setdefault(req.skill, []).append(req)
        self._waiting: dict[Requirement, list[_CallEntry]] = {r: [] for r in reqs}
        self._ready: dict[Requirement, list[_AgentEntry]] = {r: [] for r in reqs}
        self._ready_n: dict[Requirement, int] = dict.fromkeys(reqs, 0)
        self._staffed: dict[Requirement, int] = dict.fromkeys(reqs, 0)
        self._req_cache: dict[tuple[str, str], Requirement] = {}
        self._aht: dict[str, float] = {
            q: v.default_handle_s for q, v in config.queues.items()
        }
        self._stats: dict[str, dict[str, int]] = {
            q: dict.fromkeys(_STAT_KEYS, 0) for q in config.queues
        }
        self._handlers: dict[type[Event], Callable[[Any, list[Command]], None]] = {
            CallArrived: self._on_call_arrived,
            DigitsPressed: self._on_digits_pressed,
            AgentRang: self._on_agent_rang,
            RingTimedOut: self._on_ring_timed_out,
            CallAnswered: self._on_call_answered,
            CallHeld: self._on_call_held,
            CallRetrieved: self._on_call_retrieved,
            TransferRequested: self._on_transfer_requested,
            ConsultAnswered: self._on_consult_answered,
            TransferCompleted: self._on_transfer_completed,
            ConsultCancelled: self._on_consult_cancelled,
            CallEnded: self._on_call_ended,
            CallbackAccepted: self._on_callback_accepted,
            AgentLoggedIn: self._on_agent_logged_in,
            AgentLoggedOut: self._on_agent_logged_out,
            AgentStateChanged: self._on_agent_state_changed,
            AgentSkillsChanged: self._on_agent_skills_changed,
            WrapUpEnded: self._on_wrap_up_ended,
            TimerFired: self._on_timer_fired,
            EmergencySwitched: self._on_emergency_switched,
        }

    # --- the one entry point ------------------------------------------------

    def handle(self, event: Event, now: float) -> list[Command]:
        """Apply ``event`` at time ``now``; return the commands to execute.

        Raises ``AdapterEventError`` (state unchanged, event recorded in
        ``rejected``) when the event does not fit the state.
        """
        previous = self._now
        try:
            handler = self._handlers.get(type(event))
            if handler is None:
                raise AdapterEventError(f"unknown event type {type(event).__name__}")
            if event.event_id in self._seen:
                raise DuplicateEvent(f"event {event.event_id!r} was already accepted")
            if now < previous:
                raise AdapterEventError(f"time went backwards: {now} < {previous}")
            self._now = now
            out: list[Command] = []
            handler(event, out)
        except AdapterEventError as exc:
            self._now = previous
            self.rejected.append(
                RejectedEvent(event, now, str(exc), type(exc).__name__)
            )
            raise
        self._seen.add(event.event_id)
        self._accepted += 1
        return out

    @classmethod
    def rebuild(
        cls,
        config: RoutingConfig,
        events: Iterable[tuple[Event, float]],
        is_open: HoursFn = always_open,
    ) -> Engine:
        """Return an engine fed ``events`` (event, now) in their order.

        For the runner after a restart: the persisted events are replayed and
        their commands discarded; events rejected when they first arrived are
        rejected again (deterministically) and land in ``rejected``. Re-arm
        the timers with ``active_timers()`` afterwards.
        """
        engine = cls(config, is_open)
        for event, now in events:
            try:
                engine.handle(event, now)
            except AdapterEventError:
                continue  # rejected live as well: same state, same log
        return engine

    def active_timers(self) -> list[StartTimer]:
        """Return a ``StartTimer`` for every running timer, oldest first.

        A restarted runner schedules these; a timer already past its
        deadline fires at once.
        """
        return [StartTimer(tid, at) for tid, (_, _, at) in self._timers.items()]

    # --- read-only views ----------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Return the whole routing state as plain, comparable data.

        Excludes ``rejected`` (a log, not state). Two engines fed the same
        accepted events return equal snapshots.
        """
        agents = {
            a.agent_id: {
                "state": a.state.name,
                "reason": a.reason,
                "since": a.since,
                "idle_since": a.idle_since,
                "call": a.call_id,
                "consult": a.consult,
                "skills": sorted(a.skills.items()),
                "languages": sorted(a.languages.items()),
                "requirements": [r.label() for r in a.profiles],
                "timer": a.timer_id,
            }
            for a in self._agents.values()
        }
        calls = {
            c.call_id: {
                "state": c.state.name,
                "line": c.line,
                "node": c.node,
                "language": c.language,
                "queue": c.queue_id,
                "priority": c.priority,
                "place": c.place,
                "requirements": [r.label() for r in c.profiles],
                "agent": c.agent_id,
                "consult_agent": c.consult_agent,
                "answered_at": c.answered_at,
                "identity_code": c.identity_code,
                "choices": list(c.choices),
                "offer_open": c.offer_open,
                "music": c.music_on,
                "timers": dict(sorted(c.timers.items())),
            }
            for c in self._calls.values()
        }
        return {
            "now": self._now,
            "accepted": self._accepted,
            "seen": frozenset(self._seen),
            "agents": agents,
            "calls": calls,
            "waiting": self.waiting(),
            "ready": self.ready_agents(),
            "timers": dict(self._timers),
            "outcomes": {k: v.name for k, v in self._outcomes.items()},
            "emergency": {
                k: (m.name, a, q) for k, (m, a, q) in self._emergency.items()
            },
            "stats": {q: dict(s) for q, s in self._stats.items()},
            "aht": dict(self._aht),
            "staffed": {r.label(): n for r, n in self._staffed.items() if n},
            "counters": (self._timer_seq, self._place_seq, self._ready_seq),
        }

    def waiting(self) -> dict[str, list[tuple[str, int, int]]]:
        """List waiting calls per requirement as (call, priority, place), in
        service order."""
        result: dict[str, list[tuple[str, int, int]]] = {}
        for req, line in self._waiting.items():
            if line:
                result[req.label()] = [(cid, -neg, place) for neg, place, cid in line]
        return result

    def ready_agents(self) -> dict[str, list[str]]:
        """List ready agents per requirement, longest idle first."""
        result: dict[str, list[str]] = {}
        for req, heap in self._ready.items():
            live = sorted(e for e in heap if self._agent_entry_valid(e))
            if live:
                result[req.label()] = [aid for _, _, aid, _ in live]
        return result

    def call_state(self, call_id: str) -> CallState | None:
        """Return the state of an active call, ``None`` if unknown or ended."""
        call = self._calls.get(call_id)
        return None if call is None else call.state

    def agent_state(self, agent_id: str) -> AgentState | None:
        """Return the state of a known agent, ``None`` if never seen."""
        agent = self._agents.get(agent_id)
        return None if agent is None else agent.state

    def outcome(self, call_id: str) -> CallOutcome | None:
        """Return how an ended call ended, ``None`` while active or unknown."""
        return self._outcomes.get(call_id)

    def call_details(self, call_id: str) -> dict[str, Any] | None:
        """Return what the desk shows of an active call, ``None`` otherwise.

        The caller's number is personal data: the runner sends it only to
        the agent the call is offered to.
        """
        call = self._calls.get(call_id)
        if call is None:
            return None
        return {
            "call_id": call.call_id,
            "state": call.state.value,
            "line": call.line,
            "caller": call.caller,
            "language": call.language,
            "queue": call.queue_id,
            "choices": list(call.choices),
            "identity_code": call.identity_code,
            "agent": call.agent_id,
            "consult_agent": call.consult_agent,
            "arrived_at": call.arrived_at,
            "queued_at": call.queued_at,
            "answered_at": call.answered_at,
        }

    def queue_board(self, now: float) -> dict[str, dict[str, Any]]:
        """Return per queue the callers not yet answered and the longest wait.

        ``waiting`` counts calls queued or ringing an agent for the first
        time (answered calls back in a queue after a transfer are not
        waiting callers); ``longest_wait_s`` is measured from joining the
        queue to ``now``; ``stats`` are the counters since the engine's
        first event. One pass over the active calls: for a wall-board
        refreshed about once a second, not for every event.
        """
        board: dict[str, dict[str, Any]] = {
            q: {"waiting": 0, "longest_wait_s": 0.0, "stats": dict(s)}
            for q, s in self._stats.items()
        }
        for call in self._calls.values():
            if call.queue_id is None or call.answered_at is not None:
                continue
            # Unanswered calls that reached a queue are QUEUED or RINGING.
            assert call.state is _QUEUED or call.state is CallState.RINGING
            entry = board[call.queue_id]
            entry["waiting"] += 1
            assert call.queued_at is not None  # set by every enqueue
            entry["longest_wait_s"] = max(entry["longest_wait_s"], now - call.queued_at)
        return board

    def agent_board(self) -> dict[str, dict[str, Any]]:
        """Return every known agent's state, reason, since and call."""
        return {
            a.agent_id: {
                "state": a.state.value,
                "reason": a.reason,
                "since": a.since,
                "call": a.call_id,
            }
            for a in self._agents.values()
        }

    # --- lookups that raise AdapterEventError ---------------------------------

    def _active_call(self, call_id: str) -> Call:
        call = self._calls.get(call_id)
        if call is None:
            if call_id in self._outcomes:
                raise AdapterEventError(f"call {call_id!r} already ended")
            raise AdapterEventError(f"unknown call {call_id!r}")
        return call

    def _known_agent(self, agent_id: str) -> Agent:
        agent = self._agents.get(agent_id)
        if agent is None:
            raise AdapterEventError(f"unknown agent {agent_id!r}")
        return agent

    @staticmethod
    def _require_call(call: Call, trigger: Trigger) -> None:
        if not call_allows(call.state, trigger):
            raise AdapterEventError(
                f"call {call.call_id!r} cannot {trigger.value} while {call.state.name}"
            )

    @staticmethod
    def _require_agent(agent: Agent, trigger: Trigger) -> None:
        if not agent_allows(agent.state, trigger):
            raise AdapterEventError(
                f"agent {agent.agent_id!r} cannot {trigger.value} while {agent.state.name}"
            )

    @staticmethod
    def _require_handler(call: Call, agent_id: str) -> None:
        if call.agent_id != agent_id:
            raise AdapterEventError(
                f"agent {agent_id!r} does not handle call {call.call_id!r}"
            )

    def _check_levels(
        self,
        skills: tuple[tuple[str, int], ...],
        languages: tuple[tuple[str, int], ...],
    ) -> None:
        for name, level in skills:
            if name not in self.config.skills:
                raise AdapterEventError(f"unknown skill {name!r}")
            if level < 1:
                raise AdapterEventError(f"skill {name!r} level must be at least 1")
        for name, level in languages:
            if name not in self.config.languages:
                raise AdapterEventError(f"unknown language {name!r}")
            if level < 1:
                raise AdapterEventError(f"language {name!r} level must be at least 1")

    # --- timers -------------------------------------------------------------

    def _start_timer(
        self, kind: str, subject: str, at: float, out: list[Command]
    ) -> str:
        self._timer_seq += 1
        timer_id = f"{kind}:{subject}:{self._timer_seq}"
        self._timers[timer_id] = (kind, subject, at)
        out.append(StartTimer(timer_id, at))
        return timer_id

    def _cancel_call_timer(self, call: Call, kind: str, out: list[Command]) -> None:
        timer_id = call.timers.pop(kind, None)
        if timer_id is not None:
            del self._timers[timer_id]
            out.append(CancelTimer(timer_id))

    def _cancel_agent_timer(self, agent: Agent, out: list[Command]) -> None:
        if agent.timer_id is not None:
            del self._timers[agent.timer_id]
            out.append(CancelTimer(agent.timer_id))
            agent.timer_id = None

    # --- agent moves and indexes ---------------------------------------------

    def _move_agent(
        self,
        agent: Agent,
        trigger: Trigger,
        out: list[Command],
        reason: str | None = None,
    ) -> None:
        """Change the agent's state through the table, closing the interval."""
        old = agent.state
        new = next_agent_state(old, trigger)
        now = self._now
        if old is not AgentState.LOGGED_OUT or agent.since < now:
            out.append(
                RecordAgentState(
                    agent.agent_id, old.value, agent.reason, agent.since, now
                )
            )
        was_serving = old in SERVING_STATES
        if was_serving != (new in SERVING_STATES):
            delta = 1 if not was_serving else -1
            staffed = self._staffed
            for req in agent.profiles:
                staffed[req] += delta
        if old is _READY:
            for req in agent.profiles:
                self._ready_n[req] -= 1
        agent.state = new
        agent.reason = reason if new is AgentState.NOT_READY else None
        agent.since = now
        if new is _READY:
            self._index_ready(agent)

    def _index_ready(self, agent: Agent) -> None:
        """Push the ready agent into the heap of every requirement it meets."""
        agent.ready_token += 1
        self._ready_seq += 1
        agent.ready_seq = self._ready_seq
        entry = (agent.idle_since, self._ready_seq, agent.agent_id, agent.ready_token)
        for req in agent.profiles:
            heap = self._ready[req]
            heapq.heappush(heap, entry)
            self._ready_n[req] += 1
            if len(heap) > 64 and len(heap) > 4 * self._ready_n[req]:
                # Stale entries of agents who left READY pile up; rebuild.
                heap[:] = [e for e in heap if self._agent_entry_valid(e)]
                heapq.heapify(heap)

    def _agent_entry_valid(self, entry: _AgentEntry) -> bool:
        agent = self._agents[entry[2]]
        return agent.state is _READY and agent.ready_token == entry[3]

    def _profiles_of(
        self, skills: dict[str, int], languages: dict[str, int]
    ) -> tuple[Requirement, ...]:
        found: list[Requirement] = []
        for skill in skills:
            for req in self._reqs_by_skill.get(skill, ()):
                if qualifies(skills, languages, req):
                    found.append(req)
        return tuple(found)

    def _make_ready(
        self, agent: Agent, trigger: Trigger, idle_since: float, out: list[Command]
    ) -> None:
        """Make the agent ready and give them the best waiting call, if any."""
        agent.idle_since = idle_since
        agent.call_id = None
        agent.consult = False
        self._move_agent(agent, trigger, out)
        call = self._best_call(agent)
        if call is not None:
            self._offer(call, agent, out)

    def _release(self, agent: Agent, queue_id: str | None, out: list[Command]) -> None:
        """End the agent's part in a call: after-call work with its timer."""
        self._move_agent(agent, Trigger.RELEASE, out)
        agent.call_id = None
        agent.consult = False
        assert queue_id is not None  # agents only ever handle calls from a queue
        limit = self.config.queues[queue_id].wrap_up_s
        agent.timer_id = self._start_timer(
            "wrapup", agent.agent_id, self._now + limit, out
        )

    # --- selection (the seams a naive baseline overrides in bench/) -----------

    def _best_agent(self, reqs: tuple[Requirement, ...]) -> Agent | None:
        """Return the longest-idle ready agent meeting any of ``reqs``."""
        best: _AgentEntry | None = None
        agents = self._agents
        for req in reqs:
            heap = self._ready[req]
            while heap:
                entry = heap[0]
                agent = agents[entry[2]]
                if agent.state is _READY and agent.ready_token == entry[3]:
                    if best is None or entry < best:
                        best = entry
                    break
                heapq.heappop(heap)
        return None if best is None else agents[best[2]]

    def _best_call(self, agent: Agent) -> Call | None:
        """Return the waiting call the agent should take: priority, then FIFO."""
        best: _CallEntry | None = None
        waiting = self._waiting
        for req in agent.profiles:
            line = waiting[req]
            if line and (best is None or line[0] < best):
                best = line[0]
        return None if best is None else self._calls[best[2]]

    # --- queue membership ---------------------------------------------------

    def _requirement(self, queue: Queue, language: str) -> Requirement:
        key = (queue.queue_id, language)
        req = self._req_cache.get(key)
        if req is None:
            req = self._req_cache[key] = requirement_for(queue, language)
        return req

    def _join(self, call: Call) -> None:
        """Index the call (now QUEUED) under each of its requirements."""
        entry = (-call.priority, call.place, call.call_id)
        for req in call.profiles:
            insort(self._waiting[req], entry)

    def _leave(self, call: Call, out: list[Command]) -> None:
        """Unindex a QUEUED call that is leaving the queue, cancel its timers."""
        entry = (-call.priority, call.place, call.call_id)
        for req in call.profiles:
            line = self._waiting[req]
            i = bisect_left(line, entry)
            assert line[i] == entry  # guarantee 3: indexed once per requirement
            del line[i]
        self._cancel_call_timer(call, "announce", out)
        self._cancel_call_timer(call, "overflow", out)
        call.offer_open = False

    def _position(self, call: Call) -> int:
        """Return the 1-based position of a QUEUED call in its first requirement."""
        line = self._waiting[call.profiles[0]]
        return bisect_left(line, (-call.priority, call.place, call.call_id)) + 1

    def _enqueue(self, call: Call, queue_id: str, out: list[Command]) -> None:
        """Put the call at the end of ``queue_id``; offer it when someone is free."""
        queue = self.config.queues[queue_id]
        call.state = next_call_state(call.state, Trigger.ENQUEUE)
        call.queue_id = queue_id
        self._place_seq += 1
        call.place = self._place_seq
        call.queued_at = self._now
        call.priority = queue.priority
        call.profiles = (self._requirement(queue, call.language),)
        call.overflowed = False
        call.agent_id = None
        self._stats[queue_id]["offered"] += 1
        self._join(call)
        agent: Agent | None = None
        if call.previous_agent is not None and call.transferred_from is None:
            # J5: the previous handler of the caller's open contact, if free.
            prev = self._agents.get(call.previous_agent)
            if (
                prev is not None
                and prev.state is _READY
                and call.profiles[0] in prev.profiles
            ):
                agent = prev
        if agent is None:
            agent = self._best_agent(call.profiles)
        if agent is not None:
            self._offer(call, agent, out)
            return
        self._wait(call, queue, out, announce=True)

    def _wait(
        self, call: Call, queue: Queue, out: list[Command], announce: bool
    ) -> None:
        """Start the waiting experience: position, offer, music, timers."""
        now = self._now
        if announce:
            req = call.profiles[0]
            position = self._position(call)
            wait = expected_wait(
                position, self._aht[queue.queue_id], self._staffed[req]
            )
            out.append(AnnounceWait(call.call_id, position, wait))
            if (
                queue.callback_offer_s is not None
                and call.caller is not None
                and (wait is None or wait > queue.callback_offer_s)
            ):
                out.append(Play(call.call_id, self.config.callback_offer_prompt))
                out.append(CollectDigits(call.call_id, 1, 10.0))
                call.offer_open = True
        out.append(Play(call.call_id, queue.music, loop=True))
        call.music_on = True
        if queue.announce_every_s is not None:
            call.timers["announce"] = self._start_timer(
                "announce", call.call_id, now + queue.announce_every_s, out
            )
        if queue.overflow_after_s is not None and not call.overflowed:
            assert call.queued_at is not None  # set by every enqueue
            at = max(now, call.queued_at + queue.overflow_after_s)
            call.timers["overflow"] = self._start_timer(
                "overflow", call.call_id, at, out
            )

    def _offer(self, call: Call, agent: Agent, out: list[Command]) -> None:
        """Reserve ``agent`` for ``call`` and ring them."""
        if call.state is _QUEUED:
            self._leave(call, out)
        if call.music_on:
            # Early-media queues stop the music before routing to the agent.
            out.append(StopPlaying(call.call_id))
            call.music_on = False
        call.state = next_call_state(call.state, Trigger.OFFER)
        agent.previous_idle_since = agent.idle_since
        self._move_agent(agent, Trigger.OFFER, out)
        agent.call_id = call.call_id
        agent.consult = False
        call.agent_id = agent.agent_id
        assert call.queue_id is not None  # offered calls came through a queue
        timeout = self.config.queues[call.queue_id].ring_timeout_s
        out.append(RingAgent(call.call_id, agent.agent_id, timeout))
        call.timers["ring"] = self._start_timer(
            "ring", call.call_id, self._now + timeout, out
        )

    def _requeue_after_miss(self, call: Call, out: list[Command]) -> None:
        """Put a call whose offer failed back at its place and re-dispatch."""
        call.state = next_call_state(call.state, Trigger.RING_MISSED)
        call.agent_id = None
        self._join(call)
        agent = self._best_agent(call.profiles)
        if agent is not None:
            self._offer(call, agent, out)
        else:
            assert call.queue_id is not None  # a ringing call always has a queue
            self._wait(call, self.config.queues[call.queue_id], out, announce=False)

    # --- ending calls -------------------------------------------------------

    def _end(
        self,
        call: Call,
        outcome: CallOutcome,
        ended_by: str,
        reason: str | None,
        out: list[Command],
        trigger: Trigger = Trigger.HANG_UP,
    ) -> None:
        """Finish the call: timers, indexes, outcome, statistics."""
        now = self._now
        if call.state is _QUEUED:
            self._leave(call, out)
        for kind in list(call.timers):
            self._cancel_call_timer(call, kind, out)
        call.state = next_call_state(call.state, trigger)
        if call.talk_started is not None and call.queue_id is not None:
            self._aht[call.queue_id] = update_handle_time(
                self._aht[call.queue_id], now - call.talk_started
            )
        del self._calls[call.call_id]
        del self._line_calls[call.line][call.call_id]
        self._outcomes[call.call_id] = outcome
        if call.queue_id is not None:
            stats = self._stats[call.queue_id]
            if outcome is CallOutcome.ABANDONED:
                stats["abandoned"] += 1
            elif outcome is CallOutcome.CALLBACK:
                stats["callbacks"] += 1
        out.append(
            RecordOutcome(
                call.call_id,
                call.line,
                call.queue_id,
                outcome.value,
                call.arrived_at,
                call.queued_at,
                call.answered_at,
                now,
                ended_by,
                reason,
            )
        )

    def _end_by_message(
        self, call: Call, prompt: str, reason: str, out: list[Command]
    ) -> None:
        out.append(Play(call.call_id, prompt))
        out.append(Hangup(call.call_id, reason))
        outcome = (
            CallOutcome.ANSWERED
            if call.answered_at is not None
            else CallOutcome.CLOSED_MESSAGE
        )
        self._end(call, outcome, "engine", reason, out)

    def _create_callback(self, call: Call, reason: str, out: list[Command]) -> None:
        assert (
            call.caller is not None and call.queue_id is not None
        )  # checked by callers
        out.append(
            CreateCallback(
                call.call_id,
                call.caller,
                call.line,
                call.queue_id,
                call.language,
                call.place,
                reason,
            )
        )

    # --- IVR ------------------------------------------------------------------

    def _enter(self, call: Call, name: str, out: list[Command]) -> None:
        """Walk the flow from node ``name`` until it waits for the caller."""
        nodes = self.config.flows[call.line].nodes
        cid = call.call_id
        while True:
            node = nodes[name]
            call.node = name
            call.retries = 0
            if isinstance(node, Say):
                out.append(Play(cid, node.prompt))
                name = node.next
            elif isinstance(node, RecordingNotice):
                out.append(Play(cid, node.prompt))
                call.notice_given = True
                name = node.next
            elif isinstance(node, CheckHours):
                name = (
                    node.open
                    if self._is_open(node.calendar, self._now)
                    else node.closed
                )
            elif isinstance(node, ChooseLanguage | Menu):
                out.append(Play(cid, node.prompt))
                out.append(CollectDigits(cid, 1, node.timeout_s))
                return
            elif isinstance(node, EnterIdentityCode):
                out.append(Play(cid, node.prompt))
                out.append(CollectDigits(cid, node.max_digits, node.timeout_s))
                return
            elif isinstance(node, ToQueue):
                call.node = None
                queue_id = node.queue
                mode = self._emergency.get(call.line)
                if mode is not None and mode[0] is EmergencyMode.OVERFLOW:
                    assert mode[2] is not None  # checked when switched
                    queue_id = mode[2]
                self._enqueue(call, queue_id, out)
                return
            elif isinstance(node, Closed):
                if node.take_message:
                    out.append(Play(cid, node.prompt))
                    call.state = next_call_state(call.state, Trigger.TAKE_MESSAGE)
                    out.append(RecordMessage(cid, node.max_message_s))
                    call.timers["message"] = self._start_timer(
                        "message", cid, self._now + node.max_message_s, out
                    )
                else:
                    self._end_by_message(call, node.prompt, "closed", out)
                return
            else:
                assert isinstance(node, End)  # the Node union is exhaustive
                self._end_by_message(call, node.prompt, "information", out)
                return

    # --- call events ----------------------------------------------------------

    def _on_call_arrived(self, ev: CallArrived, out: list[Command]) -> None:
        flow = self.config.flows.get(ev.line)
        if flow is None:
            raise AdapterEventError(f"unknown line {ev.line!r}")
        if ev.call_id in self._calls:
            raise AdapterEventError(f"call {ev.call_id!r} already exists")
        if ev.call_id in self._outcomes:
            raise AdapterEventError(f"call {ev.call_id!r} already ended")
        call = Call(
            ev.call_id, ev.line, ev.caller, ev.previous_agent, self._now, flow.language
        )
        self._calls[call.call_id] = call
        self._line_calls[ev.line][call.call_id] = None
        mode = self._emergency.get(ev.line)
        if mode is not None and mode[0] is EmergencyMode.CLOSE:
            self._end_by_message(call, mode[1], "emergency", out)
            return
        self._enter(call, flow.start, out)

    def _on_digits_pressed(self, ev: DigitsPressed, out: list[Command]) -> None:
        call = self._active_call(ev.call_id)
        self._require_call(call, Trigger.DIGITS)
        if call.state is _QUEUED:
            if not call.offer_open:
                raise AdapterEventError(
                    f"call {call.call_id!r} is not collecting digits"
                )
            call.offer_open = False
            if ev.digits == self.config.callback_key:
                self._accept_callback(call, out)
            return
        assert call.node is not None  # an IVR call always sits on a node
        node = self.config.flows[call.line].nodes[call.node]
        if isinstance(node, ChooseLanguage):
            lang = node.options.get(ev.digits)
            if lang is not None:
                call.language = lang
                call.choices.append(ev.digits)
            self._enter(call, node.next, out)
        elif isinstance(node, Menu):
            target = node.options.get(ev.digits)
            if target is not None:
                call.choices.append(ev.digits)
                self._enter(call, target, out)
            elif call.retries >= node.retries:
                self._enter(call, node.default, out)
            else:
                call.retries += 1
                out.append(Play(call.call_id, node.prompt))
                out.append(CollectDigits(call.call_id, 1, node.timeout_s))
        else:
            # An IVR call only ever waits on an input node (see ``_enter``).
            assert isinstance(node, EnterIdentityCode)
            code = ev.digits.rstrip("#")
            call.identity_code = code if code.isdigit() and code.isascii() else None
            self._enter(call, node.next, out)

    def _accept_callback(self, call: Call, out: list[Command]) -> None:
        self._create_callback(call, "offer-accepted", out)
        out.append(Play(call.call_id, self.config.callback_confirm_prompt))
        out.append(Hangup(call.call_id, "callback"))
        self._end(
            call,
            CallOutcome.CALLBACK,
            "engine",
            "callback",
            out,
            Trigger.ACCEPT_CALLBACK,
        )

    def _on_callback_accepted(self, ev: CallbackAccepted, out: list[Command]) -> None:
        call = self._active_call(ev.call_id)
        self._require_call(call, Trigger.ACCEPT_CALLBACK)
        if call.caller is None:
            raise AdapterEventError(
                f"call {call.call_id!r} is anonymous: no number to call back"
            )
        self._accept_callback(call, out)

    def _ringing_pair(self, call_id: str, agent_id: str) -> tuple[Call, Agent, bool]:
        """Return (call, ringing agent, is consultation) or raise."""
        call = self._active_call(call_id)
        agent = self._known_agent(agent_id)
        if call.state is CallState.RINGING and call.agent_id == agent_id:
            return call, agent, False
        if (
            call.state is CallState.CONSULTING
            and call.consult_agent == agent_id
            and agent.state is _RINGING
        ):
            return call, agent, True
        raise AdapterEventError(f"call {call_id!r} is not ringing agent {agent_id!r}")

    def _on_agent_rang(self, ev: AgentRang, out: list[Command]) -> None:
        self._ringing_pair(ev.call_id, ev.agent_id)

    def _on_ring_timed_out(self, ev: RingTimedOut, out: list[Command]) -> None:
        call, agent, consult = self._ringing_pair(ev.call_id, ev.agent_id)
        self._cancel_call_timer(call, "ring", out)
        self._ring_missed(call, agent, consult, out)

    def _ring_missed(
        self, call: Call, agent: Agent, consult: bool, out: list[Command]
    ) -> None:
        """The agent did not answer: not ready, and the call goes on."""
        out.append(StopRinging(call.call_id, agent.agent_id))
        self._move_agent(
            agent, Trigger.RING_MISSED, out, self.config.missed_call_reason
        )
        agent.call_id = None
        agent.consult = False
        if consult:
            self._return_from_consult(call, out)
        else:
            self._requeue_after_miss(call, out)

    def _return_from_consult(self, call: Call, out: list[Command]) -> None:
        assert call.agent_id is not None  # a consulting call has its agent
        call.consult_agent = None
        call.state = next_call_state(call.state, Trigger.CONSULT_FINISHED)
        self._move_agent(self._agents[call.agent_id], Trigger.RETRIEVE, out)
        out.append(Unhold(call.call_id))

    def _on_call_answered(self, ev: CallAnswered, out: list[Command]) -> None:
        call = self._active_call(ev.call_id)
        agent = self._known_agent(ev.agent_id)
        self._require_call(call, Trigger.ANSWER)
        self._require_handler(call, ev.agent_id)
        now = self._now
        self._cancel_call_timer(call, "ring", out)
        call.state = next_call_state(call.state, Trigger.ANSWER)
        self._move_agent(agent, Trigger.ANSWER, out)
        out.append(Bridge(call.call_id, agent.agent_id))
        assert call.queue_id is not None  # only queued calls are offered
        if call.answered_at is None:
            call.answered_at = now
            stats = self._stats[call.queue_id]
            stats["answered"] += 1
            assert call.queued_at is not None  # set on enqueue
            if (
                now - call.queued_at
                <= self.config.queues[call.queue_id].service_level_s
            ):
                stats["answered_in_sl"] += 1
            if call.notice_given:
                out.append(StartRecording(call.call_id))
        call.talk_started = now
        out.append(self._open_contact(call, agent.agent_id))

    def _open_contact(self, call: Call, agent_id: str) -> OpenContact:
        assert call.queue_id is not None  # answered calls came through a queue
        return OpenContact(
            call.call_id,
            agent_id,
            call.caller,
            call.line,
            call.queue_id,
            call.language,
            call.identity_code,
            tuple(call.choices),
            call.transferred_from,
        )

    def _on_call_held(self, ev: CallHeld, out: list[Command]) -> None:
        call = self._active_call(ev.call_id)
        self._require_call(call, Trigger.HOLD)
        self._require_handler(call, ev.agent_id)
        call.state = next_call_state(call.state, Trigger.HOLD)
        self._move_agent(self._agents[ev.agent_id], Trigger.HOLD, out)
        out.append(Hold(call.call_id))

    def _on_call_retrieved(self, ev: CallRetrieved, out: list[Command]) -> None:
        call = self._active_call(ev.call_id)
        self._require_call(call, Trigger.RETRIEVE)
        self._require_handler(call, ev.agent_id)
        call.state = next_call_state(call.state, Trigger.RETRIEVE)
        self._move_agent(self._agents[ev.agent_id], Trigger.RETRIEVE, out)
        out.append(Unhold(call.call_id))

    def _on_transfer_requested(self, ev: TransferRequested, out: list[Command]) -> None:
        call = self._active_call(ev.call_id)
        if call.state not in (CallState.TALKING, CallState.HELD):
            raise AdapterEventError(
                f"call {call.call_id!r} cannot be transferred while {call.state.name}"
            )
        self._require_handler(call, ev.agent_id)
        targets = [
            t for t in (ev.to_agent, ev.to_queue, ev.to_extension) if t is not None
        ]
        if len(targets) != 1:
            raise AdapterEventError("a transfer needs exactly one target")
        agent = self._agents[ev.agent_id]
        if ev.to_queue is not None:
            if ev.consult:
                raise AdapterEventError("a consultation needs an agent, not a queue")
            if ev.to_queue not in self.config.queues:
                raise AdapterEventError(f"unknown queue {ev.to_queue!r}")
            self._end_talk(call)
            call.transferred_from = agent.agent_id
            self._release(agent, call.queue_id, out)
            self._enqueue(call, ev.to_queue, out)
            return
        if ev.to_extension is not None:
            if ev.consult:
                raise AdapterEventError(
                    "a consultation needs an agent, not an extension"
                )
            self._end_talk(call)
            self._release(agent, call.queue_id, out)
            out.append(Redirect(call.call_id, ev.to_extension))
            self._end(call, CallOutcome.ANSWERED, "engine", "redirected", out)
            return
        assert ev.to_agent is not None  # exactly one target
        target = self._known_agent(ev.to_agent)
        if target is agent:
            raise AdapterEventError("an agent cannot transfer a call to themselves")
        if target.state is not _READY:
            raise AdapterEventError(f"agent {target.agent_id!r} is not ready")
        assert call.queue_id is not None  # answered calls came through a queue
        timeout = self.config.queues[call.queue_id].ring_timeout_s
        if ev.consult:
            if call.state is CallState.TALKING:
                out.append(Hold(call.call_id))
            call.state = next_call_state(call.state, Trigger.CONSULT)
            self._move_agent(agent, Trigger.CONSULT, out)
            target.previous_idle_since = target.idle_since
            self._move_agent(target, Trigger.OFFER, out)
            target.call_id = call.call_id
            target.consult = True
            call.consult_agent = target.agent_id
            out.append(RingAgent(call.call_id, target.agent_id, timeout, consult=True))
            call.timers["ring"] = self._start_timer(
                "ring", call.call_id, self._now + timeout, out
            )
            return
        self._end_talk(call)
        call.transferred_from = agent.agent_id
        self._release(agent, call.queue_id, out)
        self._offer(call, target, out)

    def _end_talk(self, call: Call) -> None:
        """Fold the current talk into the handling time (the agent leaves)."""
        # Only answered calls (TALKING or HELD) are transferred.
        assert call.talk_started is not None and call.queue_id is not None
        self._aht[call.queue_id] = update_handle_time(
            self._aht[call.queue_id], self._now - call.talk_started
        )
        call.talk_started = None

    def _on_consult_answered(self, ev: ConsultAnswered, out: list[Command]) -> None:
        call = self._active_call(ev.call_id)
        agent = self._known_agent(ev.agent_id)
        if (
            call.state is not CallState.CONSULTING
            or call.consult_agent != ev.agent_id
            or agent.state is not _RINGING
        ):
            raise AdapterEventError(
                f"agent {ev.agent_id!r} is not being consulted on call {ev.call_id!r}"
            )
        self._cancel_call_timer(call, "ring", out)
        self._move_agent(agent, Trigger.ANSWER, out)
        out.append(Bridge(call.call_id, agent.agent_id, consult=True))

    def _on_transfer_completed(self, ev: TransferCompleted, out: list[Command]) -> None:
        call = self._active_call(ev.call_id)
        self._require_call(call, Trigger.TRANSFER_COMPLETED)
        self._require_handler(call, ev.agent_id)
        assert call.consult_agent is not None  # a consulting call has a colleague
        target = self._agents[call.consult_agent]
        if target.state is not AgentState.TALKING:
            raise AdapterEventError(
                f"agent {target.agent_id!r} has not answered the consultation"
            )
        self._end_talk(call)
        self._release(self._agents[ev.agent_id], call.queue_id, out)
        call.state = next_call_state(call.state, Trigger.TRANSFER_COMPLETED)
        call.transferred_from = ev.agent_id
        call.agent_id = target.agent_id
        call.consult_agent = None
        target.consult = False
        call.talk_started = self._now
        out.append(Bridge(call.call_id, target.agent_id))
        out.append(self._open_contact(call, target.agent_id))

    def _on_consult_cancelled(self, ev: ConsultCancelled, out: list[Command]) -> None:
        call = self._active_call(ev.call_id)
        self._require_call(call, Trigger.CONSULT_FINISHED)
        if ev.agent_id not in (call.agent_id, call.consult_agent):
            raise AdapterEventError(
                f"agent {ev.agent_id!r} is not part of the consultation on {call.call_id!r}"
            )
        assert call.consult_agent is not None  # a consulting call has a colleague
        target = self._agents[call.consult_agent]
        self._return_from_consult(call, out)
        self._finish_consult_leg(call, target, out)

    def _finish_consult_leg(
        self, call: Call, target: Agent, out: list[Command]
    ) -> None:
        """Free the consulted colleague without fault."""
        if target.state is _RINGING:
            self._cancel_call_timer(call, "ring", out)
            out.append(StopRinging(call.call_id, target.agent_id))
            self._make_ready(
                target, Trigger.RING_CANCELLED, target.previous_idle_since, out
            )
        else:
            self._make_ready(target, Trigger.CONSULT_FINISHED, self._now, out)

    def _on_call_ended(self, ev: CallEnded, out: list[Command]) -> None:
        call = self._active_call(ev.call_id)
        by = ev.by.value
        state = call.state
        if state is CallState.IVR or state is CallState.MESSAGE:
            outcome = (
                CallOutcome.ABANDONED
                if state is CallState.IVR
                else CallOutcome.CLOSED_MESSAGE
            )
            self._end(call, outcome, by, ev.reason, out)
        elif state is _QUEUED:
            self._end_waiting(call, ev, out)
        elif state is CallState.RINGING:
            assert call.agent_id is not None  # a ringing call has its agent
            agent = self._agents[call.agent_id]
            out.append(StopRinging(call.call_id, agent.agent_id))
            self._end_waiting(call, ev, out)
            self._make_ready(
                agent, Trigger.RING_CANCELLED, agent.previous_idle_since, out
            )
        else:
            assert call.agent_id is not None  # an answered call has its agent
            agent = self._agents[call.agent_id]
            target = self._agents[call.consult_agent] if call.consult_agent else None
            queue_id = call.queue_id
            self._end(call, CallOutcome.ANSWERED, by, ev.reason, out)
            self._release(agent, queue_id, out)
            if target is not None:
                self._finish_consult_leg(call, target, out)

    def _end_waiting(self, call: Call, ev: CallEnded, out: list[Command]) -> None:
        """A caller left while waiting for an agent (T8: call back if known)."""
        if call.answered_at is not None:
            self._end(call, CallOutcome.ANSWERED, ev.by.value, ev.reason, out)
            return
        if call.caller is not None and ev.by is EndedBy.CALLER:
            self._create_callback(call, "abandoned", out)
        self._end(call, CallOutcome.ABANDONED, ev.by.value, ev.reason, out)

    # --- agent events ---------------------------------------------------------

    def _on_agent_logged_in(self, ev: AgentLoggedIn, out: list[Command]) -> None:
        agent = self._agents.get(ev.agent_id)
        if agent is not None and agent.state is not AgentState.LOGGED_OUT:
            raise AdapterEventError(f"agent {ev.agent_id!r} is already logged in")
        self._check_levels(ev.skills, ev.languages)
        skills, languages = dict(ev.skills), dict(ev.languages)
        if agent is None:
            agent = Agent(ev.agent_id, skills, languages, since=self._now)
            self._agents[agent.agent_id] = agent
        agent.skills, agent.languages = skills, languages
        agent.profiles = self._profiles_of(skills, languages)
        self._move_agent(agent, Trigger.LOG_IN, out, self.config.login_reason)

    def _on_agent_logged_out(self, ev: AgentLoggedOut, out: list[Command]) -> None:
        agent = self._known_agent(ev.agent_id)
        self._require_agent(agent, Trigger.LOG_OUT)
        self._cancel_agent_timer(agent, out)
        self._move_agent(agent, Trigger.LOG_OUT, out)

    def _on_agent_state_changed(
        self, ev: AgentStateChanged, out: list[Command]
    ) -> None:
        agent = self._known_agent(ev.agent_id)
        if ev.ready:
            trigger = (
                Trigger.WRAP_UP_ENDED
                if agent.state is AgentState.AFTER_CALL_WORK
                else Trigger.MAKE_READY
            )
            self._require_agent(agent, trigger)
            self._cancel_agent_timer(agent, out)
            self._make_ready(agent, trigger, self._now, out)
            return
        if not ev.reason:
            raise AdapterEventError("not ready needs a reason")
        self._require_agent(agent, Trigger.MAKE_NOT_READY)
        self._cancel_agent_timer(agent, out)
        self._move_agent(agent, Trigger.MAKE_NOT_READY, out, ev.reason)

    def _on_agent_skills_changed(
        self, ev: AgentSkillsChanged, out: list[Command]
    ) -> None:
        agent = self._known_agent(ev.agent_id)
        self._check_levels(ev.skills, ev.languages)
        skills, languages = dict(ev.skills), dict(ev.languages)
        profiles = self._profiles_of(skills, languages)
        if agent.state in SERVING_STATES:
            for req in agent.profiles:
                self._staffed[req] -= 1
            for req in profiles:
                self._staffed[req] += 1
        if agent.state is _READY:
            for req in agent.profiles:
                self._ready_n[req] -= 1
        agent.skills, agent.languages, agent.profiles = skills, languages, profiles
        if agent.state is _READY:
            self._index_ready(agent)
            call = self._best_call(agent)
            if call is not None:
                self._offer(call, agent, out)

    def _on_wrap_up_ended(self, ev: WrapUpEnded, out: list[Command]) -> None:
        agent = self._known_agent(ev.agent_id)
        self._require_agent(agent, Trigger.WRAP_UP_ENDED)
        self._cancel_agent_timer(agent, out)
        self._make_ready(agent, Trigger.WRAP_UP_ENDED, self._now, out)

    # --- time and supervision ---------------------------------------------------

    def _on_timer_fired(self, ev: TimerFired, out: list[Command]) -> None:
        timer = self._timers.get(ev.timer_id)
        if timer is None:
            raise AdapterEventError(f"unknown or cancelled timer {ev.timer_id!r}")
        kind, subject, at = timer
        if self._now < at:
            raise AdapterEventError(
                f"timer {ev.timer_id!r} fired early ({self._now} < {at})"
            )
        del self._timers[ev.timer_id]
        if kind == "wrapup":
            agent = self._agents[subject]
            agent.timer_id = None
            self._make_ready(agent, Trigger.WRAP_UP_ENDED, self._now, out)
            return
        call = self._calls[subject]
        del call.timers[kind]
        if kind == "ring":
            if call.state is CallState.CONSULTING:
                assert call.consult_agent is not None  # consultation in progress
                self._ring_missed(call, self._agents[call.consult_agent], True, out)
            else:
                assert call.agent_id is not None  # ringing call has its agent
                self._ring_missed(call, self._agents[call.agent_id], False, out)
        elif kind == "announce":
            assert call.queue_id is not None  # announce timers run while queued
            queue = self.config.queues[call.queue_id]
            position = self._position(call)
            req = call.profiles[0]
            wait = expected_wait(
                position, self._aht[queue.queue_id], self._staffed[req]
            )
            out.append(AnnounceWait(call.call_id, position, wait))
            assert queue.announce_every_s is not None  # the timer exists
            call.timers["announce"] = self._start_timer(
                "announce", call.call_id, self._now + queue.announce_every_s, out
            )
        elif kind == "overflow":
            self._overflow(call, out)
        else:
            assert kind == "message"  # the only other kind of call timer
            out.append(Hangup(call.call_id, "message-limit"))
            self._end(call, CallOutcome.CLOSED_MESSAGE, "engine", "message-limit", out)

    def _overflow(self, call: Call, out: list[Command]) -> None:
        """T11: after the wait, the overflow queue's agents may take the call too."""
        assert call.queue_id is not None  # overflow timers run while queued
        queue = self.config.queues[call.queue_id]
        assert queue.overflow_to is not None  # the timer exists only then
        target = self.config.queues[queue.overflow_to]
        req = self._requirement(target, call.language)
        call.overflowed = True
        call.state = next_call_state(call.state, Trigger.OVERFLOW)
        self._stats[call.queue_id]["overflowed"] += 1
        if req in call.profiles:
            return
        call.profiles = (*call.profiles, req)
        insort(self._waiting[req], (-call.priority, call.place, call.call_id))
        agent = self._best_agent((req,))
        if agent is not None:
            self._offer(call, agent, out)

    def _on_emergency_switched(self, ev: EmergencySwitched, out: list[Command]) -> None:
        if ev.line not in self.config.flows:
            raise AdapterEventError(f"unknown line {ev.line!r}")
        if ev.mode is EmergencyMode.OFF:
            self._emergency.pop(ev.line, None)
            return
        if ev.mode is EmergencyMode.CLOSE:
            if not ev.announcement:
                raise AdapterEventError("closing a line needs an announcement")
            self._emergency[ev.line] = (ev.mode, ev.announcement, None)
            freed: list[Agent] = []
            for cid in list(self._line_calls[ev.line]):
                call = self._calls[cid]
                if call.state is CallState.RINGING:
                    assert call.agent_id is not None  # a ringing call has its agent
                    freed.append(self._agents[call.agent_id])
                    out.append(StopRinging(call.call_id, call.agent_id))
                elif call.state not in (CallState.IVR, _QUEUED):
                    continue  # answered calls and messages are left alone
                self._end_by_message(call, ev.announcement, "emergency", out)
            # Only now, with the line's callers gone, may freed agents take calls.
            for agent in freed:
                self._make_ready(
                    agent, Trigger.RING_CANCELLED, agent.previous_idle_since, out
                )
            return
        to_queue = ev.to_queue
        if to_queue is None or to_queue not in self.config.queues:
            raise AdapterEventError(f"unknown queue {to_queue!r}")
        self._emergency[ev.line] = (ev.mode, ev.announcement, to_queue)
        target = self.config.queues[to_queue]
        moved: list[Call] = []
        for cid in self._line_calls[ev.line]:
            call = self._calls[cid]
            if call.state is not _QUEUED or call.queue_id == to_queue:
                continue
            self._leave(call, out)
            call.queue_id = to_queue
            call.profiles = (self._requirement(target, call.language),)
            call.overflowed = True
            self._stats[to_queue]["offered"] += 1
            self._join(call)
            moved.append(call)
        if ev.announcement:
            for call in moved:
                out.append(Play(call.call_id, ev.announcement))
        # Serve the moved callers in queue order, then let them wait.
        for call in sorted(moved, key=lambda c: (-c.priority, c.place)):
            taker = self._best_agent(call.profiles)
            if taker is not None and self._best_call(taker) is call:
                self._offer(call, taker, out)
            else:
                self._wait(call, target, out, announce=False)
