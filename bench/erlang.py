"""Benchmark of Erlang staffing (W2) against pyworkforce 0.5.1.

Rows:

``erlang_staffing_960_intervals``
    Wall time to staff one day of 96 quarter-hours for 10 queues (960
    intervals, loads 10-2,000 Erlangs, AHT 300 s, 80 % answered within
    20 s) with ``agents_for_service_level`` on the whole array (best of
    several runs). Peer: pyworkforce's ``ErlangC(...).required_positions``
    called once per interval, timed in the same run; ratio = peer time /
    our time. ``params`` also counts the intervals where the two disagree.
``erlang_low_load_overstaffed_share``
    Share of 2,000 low-load intervals (0.1-10 Erlangs, mixed targets) where
    a staffing is one agent more than the minimum meeting the target. Ours
    searches from floor(traffic) + 1; pyworkforce starts at
    round(traffic + 1). No ratio (ours is 0).
``erlang_a_1000_erlangs``
    Time of one ``erlang_a`` evaluation at 1,000 Erlangs (patience = AHT,
    staffing at the load and above it, median over runs). Target: under
    10 ms. pyworkforce 0.5.1 has no Erlang A, so no peer.

``BENCH_QUICK=1`` staffs 2 queues x 8 intervals and runs Erlang A a few
times.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from typing import Any

import numpy as np

from infoline.workforce.erlang import agents_for_service_level, erlang_a, service_level

AHT_SECONDS = 300.0
TARGET_LEVEL = 0.8
TARGET_TIME = 20.0
INTERVAL_MINUTES = 15


def _day_of_loads(queues: int, intervals: int) -> np.ndarray:
    """Return a ``queues x intervals`` array of loads from 10 to 2,000 Erlangs.

    Each queue follows a two-peak working-day curve scaled to its own peak;
    peaks are spread geometrically from 10 to 2,000 Erlangs, plus noise.
    """
    rng = np.random.default_rng(20261123)
    hours = np.linspace(0.0, 24.0, intervals, endpoint=False)
    curve = np.exp(-(((hours - 10.5) / 2.5) ** 2)) + 0.8 * np.exp(
        -(((hours - 15) / 2) ** 2)
    )
    curve = curve / curve.max()
    peaks = np.geomspace(60.0, 2000.0, queues)
    loads = peaks[:, None] * (0.15 + 0.85 * curve[None, :])
    loads *= rng.uniform(0.95, 1.05, loads.shape)
    clipped: np.ndarray = np.clip(loads, 10.0, 2000.0)
    return clipped


def _pyworkforce_positions(traffic: float, target: float, wait: float) -> int:
    from pyworkforce.queuing import ErlangC  # type: ignore[import-untyped]  # no stubs

    aht_minutes = AHT_SECONDS / 60.0
    # pyworkforce's intensity is transactions / interval * aht (minutes).
    transactions = traffic * INTERVAL_MINUTES / aht_minutes
    erlang = ErlangC(
        transactions=transactions,
        aht=aht_minutes,
        asa=wait / 60.0,
        interval=INTERVAL_MINUTES,
    )
    return int(erlang.required_positions(service_level=target)["raw_positions"])


def _staffing_rows(quick: bool) -> list[dict[str, Any]]:
    queues, intervals = (2, 8) if quick else (10, 96)
    loads = _day_of_loads(queues, intervals).reshape(-1)
    ours_times = []
    for _ in range(3 if quick else 20):
        start = time.perf_counter()
        ours = agents_for_service_level(loads, AHT_SECONDS, TARGET_LEVEL, TARGET_TIME)
        ours_times.append(time.perf_counter() - start)
    print(f"erlang: pyworkforce on {loads.size} intervals ...", file=sys.stderr)
    _pyworkforce_positions(
        100.0, TARGET_LEVEL, TARGET_TIME
    )  # import outside the timing
    start = time.perf_counter()
    peer = [_pyworkforce_positions(float(a), TARGET_LEVEL, TARGET_TIME) for a in loads]
    peer_time = time.perf_counter() - start
    ours_time = min(ours_times)
    differ = int(np.sum(np.asarray(peer) != ours))
    return [
        {
            "name": "erlang_staffing_960_intervals",
            "value": round(ours_time * 1e3, 3),
            "unit": "ms",
            "peer": "pyworkforce 0.5.1 ErlangC.required_positions loop",
            "peer_value": round(peer_time * 1e3, 3),
            "ratio": round(peer_time / ours_time, 1),
            "params": {
                "intervals": int(loads.size),
                "queues": queues,
                "load_erlangs": [
                    round(float(loads.min()), 1),
                    round(float(loads.max()), 1),
                ],
                "aht_s": AHT_SECONDS,
                "target": f"{TARGET_LEVEL:.0%} in {TARGET_TIME:g} s",
                "total_agents": int(ours.sum()),
                "intervals_where_staffing_differs": differ,
                "our_timing": "best of runs",
            },
        }
    ]


def _low_load_row(quick: bool) -> dict[str, Any]:
    rng = np.random.default_rng(7)
    size = 100 if quick else 2000
    loads = rng.uniform(0.1, 10.0, size)
    levels = rng.choice([0.5, 0.6, 0.7, 0.8, 0.9], size)
    waits = rng.choice([10.0, 20.0, 30.0, 60.0, 120.0], size)
    ours_over = peer_over = 0
    for a, level, wait in zip(loads, levels, waits, strict=True):
        n = agents_for_service_level(float(a), AHT_SECONDS, float(level), float(wait))
        minimal = (
            n - 1 <= a
            or service_level(float(a), n - 1, AHT_SECONDS, float(wait)) < level
        )
        ours_over += not minimal
        peer_n = _pyworkforce_positions(float(a), float(level), float(wait))
        peer_over += peer_n > n
    return {
        "name": "erlang_low_load_overstaffed_share",
        "value": round(100.0 * ours_over / size, 2),
        "unit": "%",
        "peer": "pyworkforce 0.5.1 ErlangC.required_positions",
        "peer_value": round(100.0 * peer_over / size, 2),
        "ratio": None,
        "params": {
            "intervals": size,
            "load_erlangs": [0.1, 10.0],
            "targets": "50-90 % within 10-120 s",
            "peer_intervals_one_agent_too_many": peer_over,
        },
    }


def _erlang_a_row(quick: bool) -> dict[str, Any]:
    mu = 1.0 / AHT_SECONDS
    cases = [(1000 * mu, mu, mu, n) for n in (1000, 1010, 1040)]
    for lam, service, patience, agents in cases:  # SciPy's lazy imports
        erlang_a(lam, service, patience, agents, target_time=TARGET_TIME)
    timings = []
    for _ in range(3 if quick else 100):
        for lam, service, patience, agents in cases:
            start = time.perf_counter()
            erlang_a(lam, service, patience, agents, target_time=TARGET_TIME)
            timings.append(time.perf_counter() - start)
    return {
        "name": "erlang_a_1000_erlangs",
        "value": round(statistics.median(timings) * 1e3, 4),
        "unit": "ms",
        "peer": None,
        "peer_value": None,
        "ratio": None,
        "params": {
            "erlangs": 1000,
            "agents": [case[3] for case in cases],
            "patience_s": AHT_SECONDS,
            "p95_ms": round(float(np.percentile(timings, 95)) * 1e3, 4),
            "max_ms": round(max(timings) * 1e3, 4),
            "target_ms": 10,
        },
    }


def run() -> list[dict[str, Any]]:
    """Return the Erlang benchmark rows."""
    quick = os.environ.get("BENCH_QUICK") == "1"
    rows = _staffing_rows(quick)
    rows.append(_low_load_row(quick))
    rows.append(_erlang_a_row(quick))
    return rows
