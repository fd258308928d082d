"""The routing bench's traffic through the runner, with persistence (issue 6, item 8).

``bench/routing.py`` times ``Engine.handle`` alone. Here the same simulator
(callers, agents, timers) feeds ``infoline.telephony.runner.Runner.feed``
instead: every event is inserted into the event log and committed before
the engine applies it (group commit: up to 100 events per transaction,
the runner's default), and the commands' results are written (call
outcomes, agent-state intervals, callbacks), as in production. The
simulator plays the network, so the runner's adapter does nothing.

Rows (one set per database; ``make bench`` runs this module again on
PostgreSQL when ``BENCH_POSTGRES_URL`` is set):

``routing_runner_events_per_s_<vendor>``
    Events per second through the runner (log + apply + results).
``routing_runner_decision_p99_<vendor>``
    99th percentile of one event through the runner, in ms.

Peer: the engine alone on the same traffic in the same run (what
persistence costs; a ratio below 1 is that cost, not a defeat).

Workload: 500 agents, 50 queues, two hours of the day (``BENCH_QUICK=1``:
100 agents, 10 queues, 20 minutes), on a throw-away database.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from bench import _django
from bench.routing import DAY_START, Simulator, _p99_us, build_config


def run() -> list[dict[str, Any]]:
    """Return the rows described in the module docstring."""
    vendor = _django.setup()
    from django.db import connection

    from infoline.routing import AdapterEventError, Command, Engine, Event
    from infoline.telephony.base import TelephonyAdapter, TimedEvent
    from infoline.telephony.clock import VirtualClock
    from infoline.telephony.models import (
        AgentStateInterval,
        CallRecord,
        QueueCallback,
        RoutingEvent,
    )
    from infoline.telephony.runner import Runner

    class NetworkIsTheSimulator(TelephonyAdapter):
        """The bench's simulator plays callers and agents; nothing to do here."""

        name = "bench"
        acts_on_network = False

        def start(self, clock: Any) -> None:
            """Nothing to start."""

        def restore(self, command: Command, now: float) -> None:
            """Nothing to rebuild."""

        def execute(self, command: Command, now: float) -> None:
            """The simulator reacts to the commands itself."""

        def next_due(self) -> float | None:
            """Never anything due."""
            return None

        def due(self, now: float) -> list[TimedEvent]:
            """Never anything due."""
            return []

    class ThroughRunner(Engine):
        """What the simulator sees: ``handle`` goes through the runner."""

        def __init__(self, runner: Runner) -> None:
            self.runner = runner

        def handle(self, event: Event, now: float) -> list[Command]:
            before = self.runner.rejected
            out = self.runner.feed(event, now)
            if self.runner.rejected != before:
                raise AdapterEventError("rejected")
            return out

        def call_state(self, call_id: str) -> Any:
            return self.runner.engine.call_state(call_id)

        def agent_state(self, agent_id: str) -> Any:
            return self.runner.engine.agent_state(agent_id)

    quick = os.environ.get("BENCH_QUICK") == "1"
    agents, queues = (100, 10) if quick else (500, 50)
    seconds = 1200.0 if quick else 7200.0
    print(
        f"routing_runner: engine alone, {agents} agents, {seconds / 60:g} min ...",
        file=sys.stderr,
    )
    alone = Simulator(Engine(build_config(queues)), agents, queues, seconds)
    alone.run()
    alone_eps = len(alone.times) / (sum(alone.times) / 1e9)

    def through_runner(synchronous_commit: bool) -> tuple[Simulator, float]:
        with connection.cursor() as cursor:  # no per-row deletion signals
            for model in (RoutingEvent, CallRecord, AgentStateInterval, QueueCallback):
                cursor.execute(f"DELETE FROM {model._meta.db_table}")
        Runner.clear("bench")
        runner = Runner(
            build_config(queues),
            NetworkIsTheSimulator(),
            VirtualClock(DAY_START),
            name="bench",
            publish=False,
            synchronous_commit=synchronous_commit,
        )
        runner.boot()
        sim = Simulator(ThroughRunner(runner), agents, queues, seconds)
        started = time.perf_counter()
        sim.run()
        runner._checkpoint()
        return sim, time.perf_counter() - started

    print(f"routing_runner: through the runner on {vendor} ...", file=sys.stderr)
    sim, wall = through_runner(synchronous_commit=True)
    async_eps = None
    if vendor == "postgresql":
        print("routing_runner: PostgreSQL, synchronous_commit off ...", file=sys.stderr)
        fast, _wall = through_runner(synchronous_commit=False)
        async_eps = round(len(fast.times) / (sum(fast.times) / 1e9))
    events = len(sim.times)
    eps = events / (sum(sim.times) / 1e9)
    logged = RoutingEvent.objects.count()
    params = {
        "database": vendor,
        "agents": agents,
        "queues": queues,
        "minutes": seconds / 60,
        "events": events,
        "logged_events": logged,
        "calls": sim.calls,
        "outcomes_written": CallRecord.objects.count(),
        "intervals_written": AgentStateInterval.objects.count(),
        "wall_s": round(wall, 1),
        "timed": "Runner.feed: insert + commit, Engine.handle, result rows",
        "same_decisions_as_engine_alone": sim.accepted == alone.accepted
        and sim.rejected == alone.rejected,
        "ratio_note": "below 1 = the cost of persistence",
        "commit": "group commit: one transaction per 100 events (batch_max)",
        "events_per_s_with_synchronous_commit_off": async_eps,
    }
    return [
        {
            "name": f"routing_runner_events_per_s_{vendor}",
            "value": round(eps),
            "unit": "events/s",
            "peer": "engine alone, same traffic (no persistence)",
            "peer_value": round(alone_eps),
            "ratio": round(eps / alone_eps, 4),
            "params": params,
        },
        {
            "name": f"routing_runner_decision_p99_{vendor}",
            "value": round(_p99_us(sim.times) / 1000.0, 3),
            "unit": "ms",
            "peer": "engine alone, same traffic (no persistence)",
            "peer_value": round(_p99_us(alone.times) / 1000.0, 3),
            "ratio": round(_p99_us(alone.times) / _p99_us(sim.times), 4),
            "params": params,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
