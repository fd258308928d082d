"""Tests of the CP-SAT rostering core (issue 7 item 5, W3 W4).

Every labour rule is exercised by a case where breaking it would be the
only way to cover more: the same input solved without the rule covers
more, and with it the independent ``roster_check`` finds the roster
lawful. Horizons are one week from Monday 2026-01-05 unless stated.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

import pytest

from infoline.workforce.roster_check import check_roster
from infoline.workforce.schedule import (
    BreakRule,
    Employee,
    LabourRules,
    Schedule,
    ScheduleInfeasible,
    ScheduleProblem,
    ShiftTemplate,
    SolveProgress,
    check_problem,
    coverage_lp_bound,
    solve_schedule,
)

MONDAY = date(2026, 1, 5)
PER_DAY = 96
NO_RULES = LabourRules(
    daily_rest_minutes=0, weekly_rest_minutes=None, max_consecutive_days=None
)
DAY_SHIFT = ShiftTemplate("day", 9 * 60, 8 * 60)


def hhmm(text: str) -> int:
    """Return the quarter-hour index of ``HH:MM`` within a day."""
    hours, minutes = text.split(":")
    return (int(hours) * 60 + int(minutes)) // 15


def demand(windows: Sequence[tuple[int, str, str, int]], weeks: int = 1) -> list[int]:
    """Return per-interval demand from (day, from, to, agents) windows.

    ``to`` before ``from`` runs past midnight into the next day.
    """
    out = [0] * (7 * weeks * PER_DAY)
    for day, start, end, agents in windows:
        first = day * PER_DAY + hhmm(start)
        last = day * PER_DAY + hhmm(end)
        if last <= first:
            last += PER_DAY
        for i in range(first, min(last, len(out))):
            out[i] += agents
    return out


def every_day(start: str, end: str, agents: int = 1, days: int = 7) -> list[int]:
    """Return demand of ``agents`` from ``start`` to ``end`` on each day."""
    return demand([(d, start, end, agents) for d in range(days)])


def person(name: str, *skills: str, **kwargs: object) -> Employee:
    """Return an employee with skills (default ``gen``), 0-60 h a week."""
    defaults: dict[str, object] = {
        "min_minutes_per_week": 0,
        "max_minutes_per_week": 60 * 60,
    }
    defaults.update(kwargs)
    return Employee(name, frozenset(skills or ("gen",)), **defaults)  # type: ignore[arg-type]  # test helper


def problem(
    need: dict[str, list[int]],
    employees: Sequence[Employee],
    templates: Sequence[ShiftTemplate] = (DAY_SHIFT,),
    rules: LabourRules = NO_RULES,
    **kwargs: object,
) -> ScheduleProblem:
    """Return a problem starting on MONDAY."""
    weeks = len(next(iter(need.values()))) // (7 * PER_DAY)
    return ScheduleProblem(
        start=MONDAY,
        weeks=weeks,
        demand=need,
        employees=employees,
        templates=templates,
        rules=rules,
        **kwargs,  # type: ignore[arg-type]  # test helper
    )


def solve(p: ScheduleProblem, **kwargs: object) -> Schedule:
    """Solve quickly and deterministically; assert the checker finds it lawful."""
    options: dict[str, object] = {"time_limit": 20.0, "num_workers": 2}
    options.update(kwargs)
    schedule = solve_schedule(p, random_seed=3, **options)  # type: ignore[arg-type]  # test helper
    assert check_roster(p, schedule) == []
    return schedule


def test_exact_cover_has_zero_under_and_over_coverage() -> None:
    p = problem(
        {"gen": every_day("09:00", "17:00", days=5)},
        [person("ann", max_minutes_per_week=24 * 60), person("bob")],
    )
    s = solve(p)
    assert s.optimal
    assert s.objective.under_coverage == 0
    assert s.objective.over_coverage == 0
    assert len(s.assignments) == 5
    assert sum(a.employee == "ann" for a in s.assignments) <= 3
    assert coverage_lp_bound(p) == pytest.approx(0.0)


def test_daily_rest_forbids_early_after_late() -> None:
    late = ShiftTemplate("late", 16 * 60, 8 * 60)
    early = ShiftTemplate("early", 6 * 60, 8 * 60)
    need = {"gen": demand([(0, "16:00", "00:00", 1), (1, "06:00", "14:00", 1)])}
    free = solve(problem(need, [person("ann")], [late, early]))
    assert free.objective.under_coverage == 0
    rested = solve(
        problem(
            need,
            [person("ann")],
            [late, early],
            LabourRules(weekly_rest_minutes=None, max_consecutive_days=None),
        )
    )
    assert rested.objective.under_coverage == 32
    assert len(rested.assignments) == 1


def test_weekly_rest_needs_a_day_off() -> None:
    need = {"gen": every_day("09:00", "17:00")}
    assert solve(problem(need, [person("ann")])).objective.under_coverage == 0
    rules = replace(NO_RULES, weekly_rest_minutes=35 * 60)
    s = solve(problem(need, [person("ann")], rules=rules))
    assert s.objective.under_coverage == 32
    assert len(s.assignments) == 6


def test_one_day_off_between_late_and_early_is_not_a_weekly_rest() -> None:
    # Late shifts Mon-Wed, nothing Thu, early shifts Fri-Sun: Thursday off
    # gives 22:00 Wed -> 06:00 Fri = 32 h, short of 35 h, so one shift goes.
    late = ShiftTemplate("late", 14 * 60, 8 * 60)
    early = ShiftTemplate("early", 6 * 60, 8 * 60)
    need = {
        "gen": demand(
            [(d, "14:00", "22:00", 1) for d in range(3)]
            + [(d, "06:00", "14:00", 1) for d in range(4, 7)]
        )
    }
    free = solve(problem(need, [person("ann")], [late, early]))
    assert free.objective.under_coverage == 0
    rules = replace(NO_RULES, weekly_rest_minutes=35 * 60)
    s = solve(problem(need, [person("ann")], [late, early], rules))
    assert s.objective.under_coverage == 32


def test_max_consecutive_days() -> None:
    need = {"gen": every_day("09:00", "17:00")}
    rules = replace(NO_RULES, max_consecutive_days=2)
    s = solve(problem(need, [person("ann")], rules=rules))
    assert s.objective.under_coverage == 2 * 32
    assert len(s.assignments) == 5


def test_night_shifts_cross_midnight_and_are_limited_per_week() -> None:
    night = ShiftTemplate("night", 22 * 60, 8 * 60)
    need = {"gen": demand([(d, "22:00", "06:00", 1) for d in range(7)])}
    free = solve(problem(need, [person("ann")], [night]))
    assert free.objective.under_coverage == 0
    limited = solve(
        problem(
            need, [person("ann")], [night], replace(NO_RULES, max_nights_per_week=3)
        )
    )
    # Seven nights wanted (the last one cut at the horizon's end: 8).
    assert limited.objective.under_coverage == 3 * 32 + 8
    assert all(
        a.end - a.start == 480 and a.end % 1440 == 360 for a in limited.assignments
    )


def test_weekends_are_limited() -> None:
    need = {"gen": demand([(5, "09:00", "17:00", 1), (6, "09:00", "17:00", 1)])}
    assert solve(problem(need, [person("ann")])).objective.under_coverage == 0
    s = solve(problem(need, [person("ann")], rules=replace(NO_RULES, max_weekends=0)))
    assert s.objective.under_coverage == 64
    assert s.assignments == ()


def test_part_time_contract_maximum() -> None:
    need = {"gen": every_day("09:00", "17:00", days=5)}
    s = solve(problem(need, [person("pat", max_minutes_per_week=16 * 60)]))
    assert s.objective.under_coverage == 3 * 32
    assert len(s.assignments) == 2


def test_contract_minimum_forces_over_coverage() -> None:
    need = {"gen": demand([(0, "09:00", "17:00", 1)])}
    s = solve(problem(need, [person("ann", min_minutes_per_week=40 * 60)]))
    assert s.objective.under_coverage == 0
    assert s.objective.over_coverage == 4 * 32


def test_leave_is_respected() -> None:
    leave = frozenset(MONDAY + timedelta(days=d) for d in range(3))
    need = {"gen": every_day("09:00", "17:00", days=5)}
    s = solve(problem(need, [person("ann", leave=leave)]))
    assert s.objective.under_coverage == 3 * 32
    assert [a.day for a in s.assignments] == [3, 4]


def test_leave_credit_lowers_the_weekly_minimum() -> None:
    leave = frozenset(MONDAY + timedelta(days=d) for d in range(5))
    need = {"gen": every_day("09:00", "17:00", days=5)}
    ann = person(
        "ann", min_minutes_per_week=40 * 60, leave=leave, leave_credit_minutes=8 * 60
    )
    s = solve(problem(need, [ann]))
    assert s.assignments == ()


def test_lunch_breaks_are_staggered_to_keep_coverage() -> None:
    need = {
        "gen": demand(
            [
                (0, "09:00", "17:00", 1),
                (0, "09:00", "10:00", 1),
                (0, "16:00", "17:00", 1),
            ]
        )
    }
    lunch = BreakRule("lunch", 6 * 60, (30, 60), 3 * 60, 5 * 60)
    s = solve(problem(need, [person("ann"), person("bob")], breaks=(lunch,)))
    assert s.objective.under_coverage == 0
    (a, b) = s.assignments
    assert len(a.breaks) == len(b.breaks) == 1
    assert a.breaks[0].end <= b.breaks[0].start or b.breaks[0].end <= a.breaks[0].start


def test_short_shift_gets_no_lunch() -> None:
    need = {"gen": demand([(0, "09:00", "13:00", 1)])}
    short = ShiftTemplate("short", 9 * 60, 4 * 60)
    lunch = BreakRule("lunch", 6 * 60, (30,), 2 * 60, 4 * 60)
    s = solve(problem(need, [person("ann")], [short], breaks=(lunch,)))
    assert s.objective.under_coverage == 0
    assert s.assignments[0].breaks == ()


def test_a_bilingual_agent_serves_one_skill_at_a_time() -> None:
    need = {
        "gen": demand([(0, "09:00", "17:00", 1)]),
        "ru": demand([(0, "09:00", "17:00", 1)]),
    }
    alone = solve(problem(need, [person("ivan", "gen", "ru")]))
    assert alone.objective.under_coverage == 32
    pair = solve(problem(need, [person("ivan", "gen", "ru"), person("ann", "gen")]))
    assert pair.objective.under_coverage == 0
    assert pair.coverage["ru"][hhmm("09:00")] == 1
    assert pair.coverage["gen"][hhmm("09:00")] == 1


def test_preferences_break_ties() -> None:
    same = ShiftTemplate("other", 9 * 60, 8 * 60)
    need = {"gen": demand([(0, "09:00", "17:00", 1)])}
    ann = person("ann", avoid_shifts=frozenset({"day"}))
    s = solve(problem(need, [ann], [DAY_SHIFT, same]))
    assert [a.template for a in s.assignments] == ["other"]
    assert s.objective.preference_penalty == 0
    off = person("bob", wanted_days_off=frozenset({MONDAY}))
    s = solve(problem(need, [off, person("cid")]))
    assert [a.employee for a in s.assignments] == ["cid"]


def test_weekend_days_are_shared_fairly() -> None:
    need = {"gen": demand([(5, "09:00", "17:00", 1), (6, "09:00", "17:00", 1)])}
    s = solve(problem(need, [person("ann"), person("bob")]))
    assert s.objective.weekend_spread == 0
    assert sorted(a.employee for a in s.assignments) == ["ann", "bob"]


def test_russian_shortfall_is_named_before_solving() -> None:
    need = {"Russian": demand([(8, "09:00", "10:00", 5)], weeks=2)}
    staff = [person(f"r{i}", "Russian") for i in range(3)]
    p = problem(need, staff, full_coverage_required=True)
    message = "week 2: 3 agents with Russian for 5 required (2026-01-13 09:00)"
    assert check_problem(p) == [message]
    with pytest.raises(ScheduleInfeasible, match=r"^week 2: 3 agents with Russian"):
        solve_schedule(p, num_workers=2)


def test_shortfall_is_a_warning_when_coverage_is_soft() -> None:
    need = {"Russian": demand([(8, "09:00", "10:00", 5)], weeks=2)}
    staff = [person(f"r{i}", "Russian") for i in range(3)]
    s = solve(problem(need, staff))
    assert s.warnings == (
        "week 2: 3 agents with Russian for 5 required (2026-01-13 09:00)",
    )
    assert s.objective.under_coverage == 2 * 4


def test_contract_minimum_beyond_templates_and_leave_is_named() -> None:
    leave = frozenset({MONDAY + timedelta(days=7), MONDAY + timedelta(days=8)})
    seven = ShiftTemplate("seven", 9 * 60, 7 * 60)
    x = person("X", min_minutes_per_week=40 * 60, leave=leave)
    p = problem(
        {"gen": demand([], weeks=2)},
        [x],
        [seven],
        LabourRules(max_consecutive_days=5),
    )
    with pytest.raises(ScheduleInfeasible) as caught:
        solve_schedule(p, num_workers=2)
    assert caught.value.messages == (
        "employee X: contract minimum 40 h/week exceeds the 35 h that the shift "
        "templates and leave allow in week 2",
    )


def test_conflict_found_by_the_solver_names_the_rule_families() -> None:
    # Only night shifts exist, at most two a week, yet 24 h are owed.
    night = ShiftTemplate("night", 22 * 60, 8 * 60)
    p = problem(
        {"gen": every_day("22:00", "06:00")},
        [person("ann", min_minutes_per_week=24 * 60)],
        [night],
        replace(NO_RULES, max_nights_per_week=2),
    )
    assert check_problem(p) == []
    with pytest.raises(ScheduleInfeasible) as caught:
        solve_schedule(p, num_workers=2, random_seed=1)
    assert caught.value.messages == (
        "the rules night shifts, contract hours cannot all hold together",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"interval_minutes": 7}, "interval_minutes 7 must divide a day"),
        ({"weeks": 5}, "weeks must be 1 to 4, not 5"),
        (
            {"templates": (ShiftTemplate("odd", 9 * 60 + 5, 480),)},
            "shift odd: start not on the 15-minute grid",
        ),
        (
            {"templates": (ShiftTemplate("long", 9 * 60, 13 * 60),)},
            "shift long: length must be a multiple of 15 min, at most 12 h",
        ),
    ],
)
def test_malformed_input_is_rejected(change: dict[str, object], message: str) -> None:
    p = replace(
        problem({"gen": every_day("09:00", "17:00")}, [person("ann")]), **change
    )
    with pytest.raises(ValueError, match=f"^{message}$"):
        check_problem(p)


def test_demand_of_the_wrong_length_is_rejected() -> None:
    p = problem({"gen": every_day("09:00", "17:00")}, [person("ann")])
    p = replace(p, demand={"gen": [0] * 10})
    with pytest.raises(
        ValueError, match="^demand for gen: 10 intervals, expected 672$"
    ):
        check_problem(p)


def _random_problem(seed: int) -> ScheduleProblem:
    """Return a small random problem with every rule switched on."""
    rng = random.Random(seed)
    windows = []
    for d in range(7):
        for h in range(6, 23):
            if rng.random() < 0.5:
                windows.append((d, f"{h:02d}:00", f"{h + 1:02d}:00", rng.randint(1, 3)))
    ru = [(rng.randrange(7), "10:00", "12:00", 1)]
    need = {"gen": demand(windows), "ru": demand(ru)}
    staff = [
        person(
            f"e{i}",
            *(["gen", "ru"] if i == 0 else ["gen"]),
            min_minutes_per_week=16 * 60,
            max_minutes_per_week=40 * 60,
            leave=frozenset({MONDAY + timedelta(days=rng.randrange(7))}),
            avoid_shifts=frozenset({"night"}) if i % 2 else frozenset(),
        )
        for i in range(4)
    ]
    templates = [
        ShiftTemplate("early", 6 * 60, 8 * 60),
        ShiftTemplate("mid", 10 * 60, 8 * 60),
        ShiftTemplate("late", 14 * 60, 8 * 60),
        ShiftTemplate("night", 22 * 60, 8 * 60),
        ShiftTemplate("part", 11 * 60, 4 * 60),
    ]
    breaks = (
        BreakRule("short", 4 * 60, (15,), 60, 2 * 60),
        BreakRule("lunch", 6 * 60, (30, 45), 3 * 60, 5 * 60),
    )
    rules = LabourRules(max_consecutive_days=5, max_nights_per_week=2, max_weekends=1)
    return problem(need, staff, templates, rules, breaks=breaks)


@pytest.mark.parametrize(("seed", "hint"), [(1, True), (2, True), (2, False)])
def test_random_rosters_are_lawful_and_above_the_lp_bound(
    seed: int, hint: bool
) -> None:
    p = _random_problem(seed)
    s = solve(p, time_limit=5.0, greedy_hint=hint)
    full = coverage_lp_bound(p)
    assert coverage_lp_bound(p, level="skill") <= full + 1e-6
    assert full <= s.objective.under_coverage + 1e-6


def test_progress_reports_and_stop_returns_the_best_so_far() -> None:
    p = _random_problem(3)
    seen: list[SolveProgress] = []
    s = solve(p, progress=seen.append, should_stop=lambda: len(seen) >= 1)
    assert s.stopped
    assert not s.optimal
    assert len(seen) == 1
    assert seen[0].under_coverage == s.objective.under_coverage
    assert seen[0].objective >= seen[0].bound


def test_progress_objective_never_gets_worse_within_a_stage() -> None:
    seen: list[SolveProgress] = []
    s = solve(_random_problem(1), time_limit=10.0, progress=seen.append)
    assert {x.stage for x in seen} == {1, 2}
    for stage in (1, 2):
        values = [x.objective for x in seen if x.stage == stage]
        assert values == sorted(values, reverse=True)
    first = [x for x in seen if x.stage == 1]
    assert first[-1].objective == s.objective.under_coverage
    assert all(
        x.under_coverage == s.objective.under_coverage for x in seen if x.stage == 2
    )
    assert s.bound <= s.objective.under_coverage
    assert not s.stopped


# ------------------------------------------------------- local search


def _office(agents: int, seed: int) -> ScheduleProblem:
    """Return a week of a small office: two peaks, a thin night, two skills.

    Full-time (36-40 h) and part-time (16-24 h) contracts, day, part-time
    and night templates, lunch and a short break, every rule switched on:
    the bench workload (bench/schedule.py) in miniature.
    """
    rng = random.Random(seed)
    windows = []
    for d in range(7):
        scale = 1 if d < 5 else 0.5
        for h in range(24):
            base = 0.15 if 7 <= h < 21 else 0.05
            peak = 1.0 if h in (9, 10, 11, 15, 16) else 0.5 if 8 <= h <= 17 else 0
            need = round(agents * scale * (base + peak) * 0.45 + rng.random())
            if need:
                windows.append((d, f"{h:02d}:00", f"{(h + 1) % 24:02d}:00", need))
    need_ru = demand([(d, "09:00", "17:00", 1) for d in range(5)])
    staff = []
    for i in range(agents):
        part = i % 4 == 3
        staff.append(
            person(
                f"a{i:02d}",
                *(["gen", "ru"] if i % 5 == 0 else ["gen"]),
                min_minutes_per_week=(16 if part else 36) * 60,
                max_minutes_per_week=(24 if part else 40) * 60,
                leave=frozenset({MONDAY + timedelta(days=i % 7)})
                if i % 6 == 1
                else frozenset(),
                avoid_shifts=frozenset({"night"}) if i % 3 == 0 else frozenset(),
            )
        )
    templates = [ShiftTemplate(f"day{h:02d}", h * 60, 8 * 60) for h in range(6, 15, 2)]
    templates += [ShiftTemplate(f"part{h:02d}", h * 60, 4 * 60) for h in (8, 14, 17)]
    templates.append(ShiftTemplate("night", 22 * 60, 8 * 60))
    breaks = (
        BreakRule("short", 4 * 60, (15,), 60, 150),
        BreakRule("lunch", 6 * 60, (30,), 180, 330),
    )
    rules = LabourRules(max_nights_per_week=2, max_weekends=1)
    return problem(
        {"gen": demand(windows), "ru": need_ru},
        staff,
        templates,
        rules,
        breaks=breaks,
    )


def test_local_search_is_lawful_and_within_two_percent_of_the_lp_bound() -> None:
    # A correctness property, not a timing: the search stops at a local
    # optimum long before the limit, and must then be close to the bound.
    p = _office(24, seed=5)
    s = solve(p, method="local", num_workers=1, time_limit=300.0)
    assert not s.optimal
    assert s.bound == 0.0
    lp = coverage_lp_bound(p, level="class")
    required = sum(sum(v) for v in p.demand.values())
    assert lp <= s.objective.under_coverage + 1e-6
    assert s.objective.under_coverage - lp <= 0.02 * (required - lp)


def test_local_search_never_beats_the_proved_bound() -> None:
    for seed in (1, 2):
        p = _random_problem(seed)
        exact = solve(p, method="exact", time_limit=20.0)
        local = solve(p, method="local", num_workers=1, time_limit=20.0)
        assert local.objective.under_coverage >= exact.bound - 1e-6
        assert coverage_lp_bound(p, level="class") <= (
            exact.objective.under_coverage + 1e-6
        )
        assert coverage_lp_bound(p, level="class") <= (
            local.objective.under_coverage + 1e-6
        )


def test_two_threads_keep_the_rosters_lawful() -> None:
    p = _office(16, seed=2)
    s = solve(p, method="local", num_workers=2, time_limit=300.0)
    assert s.objective.under_coverage >= coverage_lp_bound(p, level="class") - 1e-6


def test_local_search_reports_progress_and_stops_on_request() -> None:
    p = _office(12, seed=3)
    seen: list[SolveProgress] = []
    s = solve(
        p,
        method="local",
        num_workers=1,
        progress=seen.append,
        should_stop=lambda: len(seen) >= 3,
    )
    assert s.stopped
    assert len(seen) == 3
    assert [x.stage for x in seen] == [1, 1, 1]
    values = [x.under_coverage for x in seen]
    assert values == sorted(values, reverse=True)
    assert seen[-1].under_coverage == s.objective.under_coverage
    assert all(x.bound == 0.0 for x in seen)


def test_local_search_with_an_injected_clock_keeps_the_limit() -> None:
    p = _office(12, seed=4)
    free: list[SolveProgress] = []
    solve(p, method="local", num_workers=1, time_limit=300.0, progress=free.append)
    # Every reading advances the fake clock by a second: the search stops
    # after a few best responses, with a lawful roster.
    ticks = iter(range(10**6))
    short: list[SolveProgress] = []
    s = solve(
        p,
        method="local",
        num_workers=1,
        time_limit=5.0,
        progress=short.append,
        clock=lambda: float(next(ticks)),
    )
    assert not s.stopped
    assert len(short) <= 5 < len(free)
    assert all(x.seconds <= 6.0 for x in short)


def test_local_search_hands_a_conflict_to_the_exact_model() -> None:
    night = ShiftTemplate("night", 22 * 60, 8 * 60)
    p = problem(
        {"gen": every_day("22:00", "06:00")},
        [person("ann", min_minutes_per_week=24 * 60), person("bob")],
        [night],
        replace(NO_RULES, max_nights_per_week=2),
    )
    with pytest.raises(ScheduleInfeasible) as caught:
        solve_schedule(p, method="local", num_workers=1, random_seed=1)
    assert caught.value.messages == (
        "the rules night shifts, contract hours cannot all hold together",
    )


def test_unknown_method_and_lp_level_are_rejected() -> None:
    p = _random_problem(1)
    with pytest.raises(ValueError, match="^unknown method 'fast'$"):
        solve_schedule(p, method="fast")
    with pytest.raises(ValueError, match="^unknown LP level 'team'$"):
        coverage_lp_bound(p, level="team")


def test_class_lp_bound_equals_the_per_employee_relaxation_for_twins() -> None:
    # Identical employees: the class LP is their relaxation summed, so it
    # gives the per-employee bound (plus the six-days row, slack here).
    need = {"gen": every_day("07:00", "23:00", agents=2)}
    staff = [person(f"t{i}", min_minutes_per_week=0) for i in range(3)]
    templates = [ShiftTemplate("early", 7 * 60, 8 * 60), DAY_SHIFT]
    rules = replace(NO_RULES, daily_rest_minutes=11 * 60, max_consecutive_days=5)
    p = problem(need, staff, templates, rules)
    full = coverage_lp_bound(p)
    assert coverage_lp_bound(p, level="class") == pytest.approx(full, abs=1e-6)
    assert coverage_lp_bound(p, level="skill") <= full + 1e-6


@pytest.mark.parametrize("seed", range(20))
def test_allocation_is_a_maximum_flow(seed: int) -> None:
    from itertools import product

    from infoline.workforce.schedule import _allocate

    rng = random.Random(seed)
    skills = ["a", "b", "c"]
    groups = [
        frozenset(s for s in skills if rng.random() < 0.5) or frozenset({"a"})
        for _ in range(3)
    ]
    at_work = [rng.randint(0, 3) for _ in groups]
    need = {q: rng.randint(0, 3) for q in skills}
    served = _allocate(groups, at_work, need)
    # Brute force: every split of each group's agents over its skills.
    best = 0
    options = [
        [
            split
            for split in product(range(at_work[g] + 1), repeat=len(skills))
            if sum(split) <= at_work[g]
            and all(n == 0 or skills[k] in groups[g] for k, n in enumerate(split))
        ]
        for g in range(len(groups))
    ]
    for choice in product(*options):
        totals = [sum(c[k] for c in choice) for k in range(len(skills))]
        best = max(
            best, sum(min(t, need[q]) for t, q in zip(totals, skills, strict=True))
        )
    assert sum(served.values()) == best
    assert all(served[q] <= need[q] for q in skills)
