"""Benchmark of the routing engine alone (issue 6, deliverable 8).

A deterministic discrete-event simulator plays a working day (08:00-18:00)
against ``infoline.routing.Engine``: 5,000 agents with three skills each and
one or two languages, 200 queues (three priorities, overflow to a
neighbour after 90 s, callback offers past 5 min, position announcements
every minute), 20 public numbers whose IVR asks for a language and a menu
choice. Callers arrive as a Poisson process whose rate follows a two-peak
day, keep ~85 % of the agents busy at the peak, abandon after an
exponential patience, sometimes accept a callback; agents miss 2 % of
offers, put 5 % of calls on hold, end half of their wrap-ups early and
take a 15-minute break.

Only ``Engine.handle`` is timed (``perf_counter_ns`` around each call); the
simulator's own work is not counted.

Rows:

``routing_engine_events_per_s``
    Accepted events per second of engine time over the whole day.
``routing_engine_decision_p99``
    99th percentile of the time of one ``handle`` call, in µs.

Peer: there is no library to compare with, so the peer is a naive baseline
in the same run, ``NaiveEngine``: the same engine whose two selection
seams scan every agent / every waiting call per decision instead of using
the heaps. It is too slow for the whole day, so both engines run the same
first ``peer_minutes`` of the day (all agents) and the ratio compares
those; params say so. The two engines must make the same decisions on that
slice (``same_commands`` in params).

``BENCH_QUICK=1``: 200 agents, 20 queues, one hour, a 10-minute slice.
"""

from __future__ import annotations

import heapq
import math
import os
import random
import sys
import time
from array import array
from typing import Any

from infoline.routing import (
    AdapterEventError,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentState,
    AgentStateChanged,
    Bridge,
    CallAnswered,
    CallArrived,
    CallEnded,
    CallHeld,
    CallRetrieved,
    CallState,
    CancelTimer,
    ChooseLanguage,
    CollectDigits,
    Command,
    DigitsPressed,
    EndedBy,
    Engine,
    Event,
    Flow,
    Menu,
    Queue,
    RecordingNotice,
    Requirement,
    RingAgent,
    RoutingConfig,
    Say,
    StartTimer,
    TimerFired,
    ToQueue,
    WrapUpEnded,
)
from infoline.routing.state import Agent, Call

DAY_START = 8 * 3600.0
TALK_MEAN_S = 300.0
WRAP_UP_S = 20.0
PATIENCE_MEAN_S = 240.0
LINES = 20


class NaiveEngine(Engine):
    """The engine with selection by scanning everything (the peer)."""

    def _best_agent(self, reqs: tuple[Requirement, ...]) -> Agent | None:
        best: Agent | None = None
        for agent in self._agents.values():
            if agent.state is not AgentState.READY:
                continue
            if not any(r in agent.profiles for r in reqs):
                continue
            key = (agent.idle_since, agent.ready_seq)
            if best is None or key < (best.idle_since, best.ready_seq):
                best = agent
        return best

    def _best_call(self, agent: Agent) -> Call | None:
        best: Call | None = None
        for call in self._calls.values():
            if call.state is not CallState.QUEUED:
                continue
            if not any(r in agent.profiles for r in call.profiles):
                continue
            if best is None or (-call.priority, call.place) < (
                -best.priority,
                best.place,
            ):
                best = call
        return best


def build_config(queues: int) -> RoutingConfig:
    """Return ``queues`` queues over 20 lines of ten menu choices each."""
    qs = {}
    for i in range(queues):
        qs[f"q{i:03d}"] = Queue(
            f"q{i:03d}",
            f"s{i:03d}",
            priority=i % 3,
            languages=("et", "ru"),
            overflow_after_s=90.0,
            overflow_to=f"q{(i + 1) % queues:03d}",
            callback_offer_s=300.0,
            announce_every_s=60.0,
            wrap_up_s=WRAP_UP_S,
            ring_timeout_s=15.0,
            default_handle_s=TALK_MEAN_S,
        )
    flows = {}
    per_line = max(1, queues // LINES)
    for line_no in range(LINES):
        line = f"+3726{line_no:06d}"
        options = {str(k): f"to{k}" for k in range(min(10, per_line))}
        nodes: dict[str, Any] = {
            "greeting": Say("greeting", "notice"),
            "notice": RecordingNotice("recording-notice", "language"),
            "language": ChooseLanguage(
                "choose-language", {"1": "et", "2": "ru"}, "menu"
            ),
            "menu": Menu("menu", options, default="to0"),
        }
        for k in range(min(10, per_line)):
            nodes[f"to{k}"] = ToQueue(f"q{(line_no * per_line + k) % queues:03d}")
        flows[line] = Flow(line, "greeting", nodes, "et")
    return RoutingConfig(
        queues=qs,
        flows=flows,
        skills=frozenset(q.skill for q in qs.values()),
        languages=frozenset({"et", "ru"}),
    )


def day_rate(t: float, peak_rate: float) -> float:
    """Arrivals per second at time ``t``: two peaks (10:30 and 14:30)."""
    hour = t / 3600.0
    shape = 0.35 + 0.65 * max(
        math.exp(-(((hour - 10.5) / 1.6) ** 2)),
        0.9 * math.exp(-(((hour - 14.5) / 1.8) ** 2)),
    )
    return peak_rate * shape


class Simulator:
    """Callers, agents and a timer service reacting to the engine's commands."""

    def __init__(
        self, engine: Engine, agents: int, queues: int, seconds: float, seed: int = 6
    ) -> None:
        self.engine = engine
        self.rng = random.Random(seed)
        self.agents = agents
        self.queues = queues
        self.end = DAY_START + seconds
        self.pending: list[tuple[float, int, Any]] = []
        self.seq = 0
        self.event_no = 0
        self.timers: set[str] = set()
        self.script: dict[str, list[str]] = {}
        self.times: array[int] = array("q")
        self.accepted = 0
        self.rejected = 0
        self.digest = 0
        # Peak load ~85 % of the agents at the mean handling time.
        self.peak_rate = 0.85 * agents / (TALK_MEAN_S + 0.5 * WRAP_UP_S + 5.0)

    def at(self, when: float, item: Any) -> None:
        """Schedule ``item`` at ``when`` (ties in scheduling order)."""
        self.seq += 1
        heapq.heappush(self.pending, (when, self.seq, item))

    def eid(self) -> str:
        """Return a fresh event id."""
        self.event_no += 1
        return f"e{self.event_no}"

    def send(self, event: Event, now: float) -> None:
        """Time one ``Engine.handle`` call and react to its commands."""
        handle = self.engine.handle
        t0 = time.perf_counter_ns()
        try:
            out = handle(event, now)
        except AdapterEventError:
            self.times.append(time.perf_counter_ns() - t0)
            self.rejected += 1
            return
        self.times.append(time.perf_counter_ns() - t0)
        self.accepted += 1
        self.react(out, now)

    def react(self, out: list[Command], now: float) -> None:
        """Play the adapter, the timer service, the callers and the agents."""
        rng = self.rng
        for cmd in out:
            if self.record_digest:
                self.digest = hash((self.digest, repr(cmd)))
            if isinstance(cmd, StartTimer):
                self.timers.add(cmd.timer_id)
                self.at(cmd.at, ("timer", cmd.timer_id))
                if cmd.timer_id.startswith("wrapup") and rng.random() < 0.5:
                    agent = cmd.timer_id.split(":")[1]
                    self.at(now + rng.uniform(3.0, WRAP_UP_S - 1), ("wrapup", agent))
            elif isinstance(cmd, CancelTimer):
                self.timers.discard(cmd.timer_id)
            elif isinstance(cmd, CollectDigits):
                script = self.script.get(cmd.call_id)
                if script:
                    key = script.pop(0)
                    self.at(now + rng.uniform(1.0, 4.0), ("digits", cmd.call_id, key))
                else:  # the callback offer: a third accept
                    key = "1" if rng.random() < 0.3 else ""
                    self.at(now + 3.0, ("digits", cmd.call_id, key))
            elif isinstance(cmd, RingAgent):
                if rng.random() < 0.98:
                    answer = ("answer", cmd.call_id, cmd.agent_id)
                    self.at(now + rng.uniform(1.0, 6.0), answer)
                else:  # missed: the engine makes the agent not ready; back later
                    self.at(now + cmd.timeout_s + 30.0, ("back", cmd.agent_id))
            elif isinstance(cmd, Bridge):
                talk = rng.expovariate(1.0 / TALK_MEAN_S)
                if rng.random() < 0.05:
                    self.at(now + talk / 2, ("hold", cmd.call_id, cmd.agent_id))
                self.at(now + talk, ("end", cmd.call_id, EndedBy.AGENT))

    def run(self) -> None:
        """Log everyone in, generate the day's arrivals and play it out."""
        rng = self.rng
        engine = self.engine
        for i in range(self.agents):
            skills = tuple(
                (f"s{(i * k + k) % self.queues:03d}", 1 + (i + k) % 3)
                for k in (1, 7, 13)
            )
            skills = tuple(dict(skills).items())
            languages = (("et", 2), ("ru", 1)) if i % 2 else (("et", 3),)
            aid = f"a{i:05d}"
            self.send(AgentLoggedIn(self.eid(), aid, skills, languages), DAY_START)
            self.send(AgentStateChanged(self.eid(), aid, True), DAY_START)
            pause = DAY_START + rng.uniform(3600.0, 8 * 3600.0)
            if pause < self.end:
                self.at(pause, ("break", aid))
        # Poisson arrivals by thinning against the peak rate.
        t = DAY_START
        calls = 0
        while True:
            t += rng.expovariate(self.peak_rate)
            if t >= self.end:
                break
            if rng.random() < day_rate(t, self.peak_rate) / self.peak_rate:
                calls += 1
                self.at(t, ("arrive", f"c{calls}"))
        self.calls = calls
        while self.pending:
            now, _, item = heapq.heappop(self.pending)
            kind = item[0]
            if kind == "arrive":
                cid = item[1]
                self.script[cid] = [
                    "1" if rng.random() < 0.7 else "2",
                    str(rng.randrange(10)),
                ]
                caller = (
                    None if rng.random() < 0.1 else f"+3725{rng.randrange(10**7):07d}"
                )
                line = f"+3726{rng.randrange(LINES):06d}"
                self.send(CallArrived(self.eid(), cid, line, caller), now)
                self.at(
                    now + 8.0 + rng.expovariate(1.0 / PATIENCE_MEAN_S), ("abandon", cid)
                )
            elif kind == "timer":
                if item[1] in self.timers:
                    self.timers.discard(item[1])
                    self.send(TimerFired(self.eid(), item[1]), now)
            elif kind == "digits":
                if engine.call_state(item[1]) in (CallState.IVR, CallState.QUEUED):
                    self.send(DigitsPressed(self.eid(), item[1], item[2]), now)
            elif kind == "answer":
                state = engine.call_state(item[1])
                if state is CallState.RINGING:
                    self.send(CallAnswered(self.eid(), item[1], item[2]), now)
            elif kind == "end":
                if engine.call_state(item[1]) is not None:
                    self.send(CallEnded(self.eid(), item[1], item[2]), now)
            elif kind == "abandon":
                if engine.call_state(item[1]) in (CallState.QUEUED, CallState.RINGING):
                    self.send(CallEnded(self.eid(), item[1], EndedBy.CALLER), now)
            elif kind == "hold":
                if engine.call_state(item[1]) is CallState.TALKING:
                    self.send(CallHeld(self.eid(), item[1], item[2]), now)
                    self.at(now + 20.0, ("retrieve", item[1], item[2]))
            elif kind == "retrieve":
                if engine.call_state(item[1]) is CallState.HELD:
                    self.send(CallRetrieved(self.eid(), item[1], item[2]), now)
            elif kind == "wrapup":
                if engine.agent_state(item[1]) is AgentState.AFTER_CALL_WORK:
                    self.send(WrapUpEnded(self.eid(), item[1]), now)
            elif kind == "break":
                mood = engine.agent_state(item[1])
                if mood in (AgentState.READY, AgentState.AFTER_CALL_WORK):
                    self.send(
                        AgentStateChanged(self.eid(), item[1], False, "break"), now
                    )
                    self.at(now + 900.0, ("back", item[1]))
                elif now < self.end:
                    self.at(now + 60.0, ("break", item[1]))  # busy: try again soon
            elif kind == "back" and engine.agent_state(item[1]) is AgentState.NOT_READY:
                self.send(AgentStateChanged(self.eid(), item[1], True), now)
        # At the end of the day everyone who can logs out.
        final = max(self.end, now)
        for i in range(self.agents):
            aid = f"a{i:05d}"
            if engine.agent_state(aid) in (
                AgentState.READY,
                AgentState.NOT_READY,
                AgentState.AFTER_CALL_WORK,
            ):
                self.send(AgentLoggedOut(self.eid(), aid), final)

    record_digest = False  # fold every command into ``digest`` (slice runs)


def _p99_us(times: array[int]) -> float:
    """Return the 99th percentile of nanosecond timings, in µs."""
    ordered = sorted(times)
    return float(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]) / 1000.0


def _measure(
    engine_class: type[Engine], agents: int, queues: int, seconds: float, digest: bool
) -> Simulator:
    """Run ``seconds`` of the day on a fresh engine of ``engine_class``."""
    sim = Simulator(engine_class(build_config(queues)), agents, queues, seconds)
    sim.record_digest = digest
    sim.run()
    return sim


def run() -> list[dict[str, Any]]:
    """Return the two rows described in the module docstring."""
    quick = os.environ.get("BENCH_QUICK") == "1"
    agents, queues = (200, 20) if quick else (5000, 200)
    day_s = 3600.0 if quick else 10 * 3600.0
    peer_minutes = 10.0 if quick else 5.0

    print(
        f"routing: naive and heap engines on the first {peer_minutes:g} min ...",
        file=sys.stderr,
    )
    naive = _measure(NaiveEngine, agents, queues, peer_minutes * 60.0, digest=True)
    ours_slice = _measure(Engine, agents, queues, peer_minutes * 60.0, digest=True)
    same = naive.digest == ours_slice.digest and naive.accepted == ours_slice.accepted

    print(
        f"routing: heap engine, {agents} agents, {queues} queues, {day_s / 3600:g} h ...",
        file=sys.stderr,
    )
    day = _measure(Engine, agents, queues, day_s, digest=False)
    total_s = sum(day.times) / 1e9
    events = len(day.times)
    eps = events / total_s
    p99 = _p99_us(day.times)

    naive_eps = len(naive.times) / (sum(naive.times) / 1e9)
    slice_eps = len(ours_slice.times) / (sum(ours_slice.times) / 1e9)
    naive_p99 = _p99_us(naive.times)
    slice_p99 = _p99_us(ours_slice.times)
    params = {
        "agents": agents,
        "queues": queues,
        "events": events,
        "calls": day.calls,
        "rejected_events": day.rejected,
        "hours": day_s / 3600.0,
        "timed": "Engine.handle only",
        "peer_slice": f"first {peer_minutes:g} min of the day, all agents",
        "peer_slice_events": len(naive.times),
        "ours_on_peer_slice": round(slice_eps),
        "ours_p99_on_peer_slice_us": round(slice_p99, 2),
        "same_commands": same,
    }
    return [
        {
            "name": "routing_engine_events_per_s",
            "value": round(eps),
            "unit": "events/s",
            "peer": "naive scan-all-agents engine (same slice)",
            "peer_value": round(naive_eps),
            "ratio": round(slice_eps / naive_eps, 2),
            "params": params,
        },
        {
            "name": "routing_engine_decision_p99",
            "value": round(p99, 2),
            "unit": "µs",
            "peer": "naive scan-all-agents engine (same slice)",
            "peer_value": round(naive_p99, 2),
            "ratio": round(naive_p99 / slice_p99, 2),
            "params": params,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
