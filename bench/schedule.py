"""Benchmark of the CP-SAT rostering core (issue 7 item 5, W3 W4).

Workload: 4 weeks x 200 agents x 15-minute intervals (``BENCH_QUICK=1``:
1 week x 20 agents). Demand comes from the Erlang C module: a synthetic
double-peak daily call curve (quieter weekends, a thin night) turned into
agents per interval with ``agents_for_service_level`` (80 % in 20 s, AHT
300 s), scaled so demand is about 95 % of the contracted capacity. Two
skills: ``general`` (everyone) and ``Russian`` (a fifth of the agents,
who also take ``general``). Full-time (36-40 h) and part-time (16-24 h)
contracts, a week of leave for every tenth agent, 8 h day shifts with a
lunch and a short break, 4 h part-time shifts, an 8 h night shift across
midnight, daily and weekly rest, at most 6 consecutive days, 2 nights a
week and 2 weekends in 4.

Rows:

``schedule_coverage_gap_vs_lp``
    How far our covered agent-intervals fall short of the LP upper bound
    on coverage, in % of that bound. The bound is the class-level LP
    relaxation (``coverage_lp_bound(level="class")``: alike employees
    counted together, every per-employee rule summed, as tight as the
    per-employee relaxation, which runs for many minutes in GLOP at this
    size); ``params`` also give the weaker skill-group LP used before
    (``level="skill"``). Peer: a greedy heuristic written here (each
    employee in turn takes, day by day, the lawful template covering the
    most remaining requirement); ratio = greedy under-coverage / ours.
``schedule_solve_seconds``
    Wall time of ``solve_schedule`` (limit 60 s; 10 s quick) with at most
    two workers (``method="auto"``: at both sizes the local search of
    per-employee best responses), wall clock passed in; checks and reading
    back included.
    Peer: none.

The machine is shared: ``params`` give the load average before and after
the solve and the CPU seconds the solve got (all threads), since the
figures move with them. Every solved roster is also
verified by ``roster_check``; the count of violations is in ``params``.
"""

from __future__ import annotations

import math
import os
import random
import sys
import time
from datetime import date, timedelta
from typing import Any

from infoline.workforce.erlang import agents_for_service_level
from infoline.workforce.roster_check import check_roster
from infoline.workforce.schedule import (
    BreakRule,
    Employee,
    LabourRules,
    ScheduleProblem,
    ShiftTemplate,
    SolveProgress,
    coverage_lp_bound,
    solve_schedule,
)

START = date(2026, 1, 5)  # a Monday
GRID = 15
PER_DAY = 1440 // GRID
AHT = 300.0


def _calls_shape(day: int, slot: int) -> float:
    """Return the relative call volume of a quarter-hour: two daily peaks."""
    hour = slot * GRID / 60 + GRID / 120
    peaks = math.exp(-(((hour - 10.5) / 1.8) ** 2)) + 0.8 * math.exp(
        -(((hour - 15.5) / 2.0) ** 2)
    )
    base = 0.12 if 7 <= hour < 21 else 0.03
    weekend = 0.55 if (START + timedelta(days=day)).weekday() >= 5 else 1.0
    return weekend * (base + peaks)


def _demand(weeks: int, peak_calls: float, share: float) -> list[int]:
    """Return agents required per interval for ``peak_calls`` per quarter-hour."""
    traffic = [
        share * peak_calls * _calls_shape(d, s) * AHT / (GRID * 60)
        for d in range(7 * weeks)
        for s in range(PER_DAY)
    ]
    return [int(a) for a in agents_for_service_level(traffic, AHT, 0.8, 20.0)]


def _problem(weeks: int, agents: int) -> ScheduleProblem:
    """Build the benchmark problem (deterministic)."""
    rng = random.Random(7)
    employees = []
    capacity = 0
    for i in range(agents):
        skills = {"general"} | ({"Russian"} if i % 5 == 0 else set())
        part_time = i % 5 == 4
        low, high = (16 * 60, 24 * 60) if part_time else (36 * 60, 40 * 60)
        capacity += high
        leave: frozenset[date] = frozenset()
        if i % 10 == 3:
            week = rng.randrange(weeks)
            leave = frozenset(START + timedelta(days=7 * week + k) for k in range(5))
        wanted = frozenset({START + timedelta(days=rng.randrange(7 * weeks))})
        employees.append(
            Employee(
                name=f"agent{i:03d}",
                skills=frozenset(skills),
                min_minutes_per_week=low,
                max_minutes_per_week=high,
                leave=leave,
                leave_credit_minutes=low // 5,
                avoid_shifts=frozenset({"night"}) if i % 3 == 0 else frozenset(),
                wanted_days_off=wanted,
            )
        )
    templates = [ShiftTemplate(f"day{h:02d}", h * 60, 8 * 60) for h in range(6, 15)]
    templates += [
        ShiftTemplate(f"part{h:02d}", h * 60, 4 * 60) for h in range(8, 19, 2)
    ]
    templates.append(ShiftTemplate("night", 22 * 60, 8 * 60))
    breaks = (
        BreakRule("short", 4 * 60, (15,), 60, 150),
        BreakRule("lunch", 6 * 60, (30,), 180, 330),
    )
    # Scale the call volume so demand is about 95 % of contracted capacity
    # (in agent-intervals, lunch and breaks left aside).
    target = 0.95 * capacity * weeks / GRID
    lo, hi = 1.0, 5000.0
    for _ in range(30):
        mid = (lo + hi) / 2
        total = sum(_demand(weeks, mid, 0.85)) + sum(_demand(weeks, mid, 0.15))
        lo, hi = (mid, hi) if total < target else (lo, mid)
    demand = {"general": _demand(weeks, lo, 0.85), "Russian": _demand(weeks, lo, 0.15)}
    return ScheduleProblem(
        start=START,
        weeks=weeks,
        demand=demand,
        employees=employees,
        templates=templates,
        breaks=breaks,
        rules=LabourRules(max_nights_per_week=2, max_weekends=2 * weeks // 4 or 1),
    )


def _greedy_under(problem: ScheduleProblem) -> int:
    """Return the under-coverage of the greedy peer (breaks at window start)."""
    remaining = {q: list(v) for q, v in problem.demand.items()}
    rules = problem.rules
    for e in problem.employees:
        last_end = -(10**9)
        run = 0
        weekends: set[int] = set()
        for w in range(problem.weeks):
            minutes = days_worked = nights = 0
            for d in range(7 * w, 7 * w + 7):
                when = problem.start + timedelta(days=d)
                best: tuple[int, Any] | None = None
                if (
                    when in e.leave
                    or days_worked >= 6
                    or run >= (rules.max_consecutive_days or 99)
                    or (
                        when.weekday() >= 5
                        and d // 7 not in weekends
                        and len(weekends) >= (rules.max_weekends or 99)
                    )
                ):
                    run = 0
                    continue
                for t in problem.templates:
                    start = d * 1440 + t.start_minute
                    if start - last_end < rules.daily_rest_minutes:
                        continue
                    if minutes + t.length_minutes > e.max_minutes_per_week:
                        continue
                    night = t.name == "night"
                    if night and nights >= (rules.max_nights_per_week or 99):
                        continue
                    gain = sum(
                        1
                        for i in _worked(problem, start, t)
                        if any(
                            remaining[q][i] > 0
                            for q in sorted(e.skills)
                            if q in remaining
                        )
                    )
                    if gain > 0 and (best is None or gain > best[0]):
                        best = (gain, t)
                if best is None:
                    run = 0
                    continue
                t = best[1]
                start = d * 1440 + t.start_minute
                for i in _worked(problem, start, t):
                    options = sorted(q for q in e.skills if q in remaining)
                    q = max(options, key=lambda q: remaining[q][i])
                    remaining[q][i] = max(0, remaining[q][i] - 1)
                last_end = start + t.length_minutes
                minutes += t.length_minutes
                days_worked += 1
                run += 1
                nights += t.name == "night"
                if when.weekday() >= 5:
                    weekends.add(d // 7)
    return sum(sum(v) for v in remaining.values())


def _worked(problem: ScheduleProblem, start: int, t: ShiftTemplate) -> list[int]:
    """Return the intervals a shift works, with its breaks at window start."""
    away: set[int] = set()
    for b in problem.breaks:
        if t.length_minutes >= b.min_shift_minutes:
            first = (start + b.earliest_offset) // GRID
            away.update(range(first, first + min(b.lengths) // GRID))
    return [
        i
        for i in range(
            start // GRID, min((start + t.length_minutes) // GRID, problem.intervals)
        )
        if i not in away
    ]


def run() -> list[dict[str, Any]]:
    """Return the scheduling benchmark rows."""
    quick = os.environ.get("BENCH_QUICK") == "1"
    weeks, agents = (1, 20) if quick else (4, 200)
    problem = _problem(weeks, agents)
    required = sum(sum(v) for v in problem.demand.values())
    print(
        f"schedule: {weeks} weeks x {agents} agents, {required} agent-intervals",
        file=sys.stderr,
    )

    shown = [-10.0]

    def report(p: SolveProgress) -> None:
        if p.seconds - shown[0] < 5.0:  # one line every 5 s at most
            return
        shown[0] = p.seconds
        print(
            f"schedule: {p.seconds:6.1f} s  under {p.under_coverage}  "
            f"objective {p.objective:.4g}  bound {p.bound:.4g}",
            file=sys.stderr,
        )

    workers = min(2, os.cpu_count() or 1)
    load_before = os.getloadavg()
    cpu_started = time.process_time()
    started = time.perf_counter()
    schedule = solve_schedule(
        problem,
        time_limit=10.0 if quick else 60.0,
        num_workers=workers,
        random_seed=1,
        progress=report,
        clock=time.monotonic,
    )
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    load_after = os.getloadavg()
    violations = check_roster(problem, schedule)
    started = time.perf_counter()
    lp_under = coverage_lp_bound(problem, level="class")
    lp_seconds = time.perf_counter() - started
    lp_skill = coverage_lp_bound(problem, level="skill")
    greedy = _greedy_under(problem)
    ours = schedule.objective.under_coverage
    lp_covered = required - lp_under
    gap = 100.0 * (ours - lp_under) / lp_covered if lp_covered else 0.0
    params = {
        "agents": agents,
        "weeks": weeks,
        "intervals": problem.intervals,
        "required_agent_intervals": required,
        "under_coverage": ours,
        "lp_under_coverage": round(lp_under, 2),
        "lp_under_coverage_skill_groups": round(lp_skill, 2),
        "greedy_under_coverage": greedy,
        "over_coverage": schedule.objective.over_coverage,
        "optimal": schedule.optimal,
        "roster_check_violations": len(violations),
        "lp_seconds": round(lp_seconds, 2),
        "workers": workers,
        "solve_cpu_seconds": round(cpu_seconds, 2),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
    }
    return [
        {
            "name": "schedule_coverage_gap_vs_lp",
            "value": round(gap, 3),
            "unit": "%",
            "peer": "greedy heuristic (most remaining requirement first)",
            "peer_value": greedy,
            "ratio": round(greedy / ours, 2) if ours else None,
            "params": params,
        },
        {
            "name": "schedule_solve_seconds",
            "value": round(seconds, 2),
            "unit": "s",
            "peer": None,
            "peer_value": None,
            "ratio": None,
            "params": params,
        },
    ]
