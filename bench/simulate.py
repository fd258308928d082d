"""Benchmark of the call-center simulator against Ciw 3.2.7.

Model for every row: M/M/50+M, 48 Erlangs (AHT 180 s), mean patience
180 s, one FIFO queue; each simulator starts empty.

Rows:

``simulate_customers_per_s``
    Customers simulated per second of wall time by ``simulate_erlang_a``
    (the single-queue fast path). Peer: Ciw 3.2.7 on the same model in the
    same run (customers = records of served and reneging individuals);
    ratio = ours / Ciw.
``simulate_general_customers_per_s``
    The same for the general event-driven ``simulate`` (skills, priorities
    and callbacks available, none used here), against the same Ciw figure.

``params`` carries each simulator's abandonment share and the closed-form
Erlang A value, to show the three simulate the same queue.
``BENCH_QUICK=1`` simulates a few thousand customers.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from infoline.workforce.erlang import erlang_a
from infoline.workforce.simulate import (
    AgentGroup,
    QueueSpec,
    simulate,
    simulate_erlang_a,
)

MU = 1 / 180.0
AGENTS = 50
ARRIVAL = 48 * MU
PATIENCE = MU


def _ciw(customers: int) -> tuple[float, float, int]:
    """Return Ciw's customers per second, abandonment share and count."""
    import ciw  # type: ignore[import-untyped]  # no stubs

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVAL)],
        service_distributions=[ciw.dists.Exponential(rate=MU)],
        number_of_servers=[AGENTS],
        reneging_time_distributions=[ciw.dists.Exponential(rate=PATIENCE)],
    )
    ciw.seed(1)
    simulation = ciw.Simulation(network)
    start = time.perf_counter()
    simulation.simulate_until_max_time(customers / ARRIVAL)
    elapsed = time.perf_counter() - start
    records = simulation.get_all_records()
    reneged = sum(r.record_type == "renege" for r in records)
    return len(records) / elapsed, reneged / len(records), len(records)


def run() -> list[dict[str, Any]]:
    """Return the simulator benchmark rows."""
    quick = os.environ.get("BENCH_QUICK") == "1"
    peer_customers = 2_000 if quick else 40_000
    fast_customers = 20_000 if quick else 2_000_000
    general_hours = 4 if quick else 400

    print(f"simulate: Ciw, {peer_customers} customers ...", file=sys.stderr)
    peer_rate, peer_abandon, peer_count = _ciw(peer_customers)

    simulate_erlang_a(ARRIVAL, MU, PATIENCE, AGENTS, 1_000, seed=0)  # warm caches
    start = time.perf_counter()
    fast = simulate_erlang_a(ARRIVAL, MU, PATIENCE, AGENTS, fast_customers, seed=1)
    fast_rate = fast_customers / (time.perf_counter() - start)

    queue = QueueSpec("q", ARRIVAL, MU, patience_rate=PATIENCE)
    group = AgentGroup("agents", AGENTS, frozenset({"q"}))
    start = time.perf_counter()
    general = simulate([queue], [group], general_hours * 3_600.0, seed=1)
    general_elapsed = time.perf_counter() - start
    stats = general.queues["q"]
    general_rate = stats.offered / general_elapsed

    exact = erlang_a(ARRIVAL, MU, PATIENCE, AGENTS).p_abandon
    params = {
        "model": "M/M/50+M, 48 Erlangs, AHT 180 s, mean patience 180 s",
        "erlang_a_p_abandon": round(exact, 5),
        "ciw_customers": peer_count,
        "ciw_p_abandon": round(peer_abandon, 5),
    }
    return [
        {
            "name": "simulate_customers_per_s",
            "value": round(fast_rate),
            "unit": "customers/s",
            "peer": "Ciw 3.2.7",
            "peer_value": round(peer_rate),
            "ratio": round(fast_rate / peer_rate, 1),
            "params": params
            | {"customers": fast_customers, "p_abandon": round(fast.p_abandon, 5)},
        },
        {
            "name": "simulate_general_customers_per_s",
            "value": round(general_rate),
            "unit": "customers/s",
            "peer": "Ciw 3.2.7",
            "peer_value": round(peer_rate),
            "ratio": round(general_rate / peer_rate, 1),
            "params": params
            | {"customers": stats.offered, "p_abandon": round(stats.abandonment, 5)},
        },
    ]
