"""Tests of the independent roster checker on hand-made rosters.

Each roster breaks exactly one rule and the checker must name it with a
specific message; the lawful baseline yields no violation at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

import pytest

from infoline.workforce.roster_check import Violation, check_roster
from infoline.workforce.schedule import (
    Assignment,
    BreakPlacement,
    BreakRule,
    Employee,
    LabourRules,
    ObjectiveParts,
    Schedule,
    ScheduleProblem,
    ShiftTemplate,
)

MONDAY = date(2026, 1, 5)
DAY = 1440
N = 7 * 96
TEMPLATES = (
    ShiftTemplate("day", 9 * 60, 8 * 60),
    ShiftTemplate("late", 16 * 60, 8 * 60),
    ShiftTemplate("early", 6 * 60, 8 * 60),
    ShiftTemplate("night", 22 * 60, 8 * 60),
)
LUNCH = BreakRule("lunch", 6 * 60, (30, 60), 3 * 60, 5 * 60)
RULES = LabourRules(max_consecutive_days=5, max_nights_per_week=1, max_weekends=1)


def shift(
    template: str, day: int, name: str = "ann", lunch_at: int | None = 3 * 60
) -> Assignment:
    """Return an assignment of a template; lunch ``lunch_at`` minutes in."""
    t = next(t for t in TEMPLATES if t.name == template)
    start = day * DAY + t.start_minute
    breaks = ()
    if lunch_at is not None:
        breaks = (BreakPlacement("lunch", start + lunch_at, start + lunch_at + 30),)
    return Assignment(name, day, template, start, start + t.length_minutes, breaks)


def roster(
    shifts: Sequence[Assignment],
    *,
    employee: Employee | None = None,
    demand: Sequence[int] | None = None,
    coverage: Sequence[int] | None = None,
    rules: LabourRules = RULES,
    staffed_delta: int = 0,
    under: int | None = None,
) -> tuple[ScheduleProblem, Schedule]:
    """Return a problem and a schedule whose coverage figures are honest."""
    ann = employee or Employee(
        "ann", frozenset({"gen"}), min_minutes_per_week=0, max_minutes_per_week=48 * 60
    )
    need = list(demand) if demand is not None else [0] * N
    staffed = [0] * N
    for a in shifts:
        away = {i for b in a.breaks for i in range(b.start // 15, b.end // 15)}
        for i in range(a.start // 15, min(a.end // 15, N)):
            staffed[i] += i not in away
    cover = (
        list(coverage)
        if coverage is not None
        else [min(s, d) for s, d in zip(staffed, need, strict=True)]
    )
    staffed[0] += staffed_delta
    problem = ScheduleProblem(
        start=MONDAY,
        weeks=1,
        demand={"gen": need},
        employees=(ann,),
        templates=TEMPLATES,
        breaks=(LUNCH,),
        rules=rules,
    )
    parts = ObjectiveParts(
        under_coverage=(
            under
            if under is not None
            else sum(max(0, d - c) for d, c in zip(need, cover, strict=True))
        ),
        over_coverage=sum(max(0, x - c) for x, c in zip(staffed, cover, strict=True))
        - staffed_delta,
        weekend_spread=0,
        night_spread=0,
        hours_deviation=0,
        preference_penalty=0,
    )
    schedule = Schedule(
        assignments=tuple(shifts),
        coverage={"gen": tuple(cover)},
        staffed=tuple(staffed),
        objective=parts,
        optimal=True,
        stopped=False,
        bound=0.0,
    )
    return problem, schedule


FIVE_DAYS = [shift("day", d) for d in range(5)]


def test_lawful_roster_has_no_violation() -> None:
    assert check_roster(*roster(FIVE_DAYS)) == []


def test_work_on_leave() -> None:
    ann = Employee(
        "ann",
        frozenset({"gen"}),
        max_minutes_per_week=48 * 60,
        leave=frozenset({MONDAY + timedelta(days=2)}),
    )
    assert check_roster(*roster(FIVE_DAYS, employee=ann)) == [
        Violation("leave", "ann: works on leave day 2026-01-07")
    ]


def test_two_shifts_starting_the_same_day() -> None:
    shifts = [shift("early", 0, lunch_at=None), shift("late", 0, lunch_at=None)]
    shifts = [
        replace(a, breaks=(BreakPlacement("lunch", a.start + 180, a.start + 210),))
        for a in shifts
    ]
    found = check_roster(*roster(shifts))
    assert Violation("one shift per day", "ann: two shifts on 2026-01-05") in found


def test_daily_rest_after_a_late_shift() -> None:
    shifts = [shift("late", 0), shift("early", 1)]
    assert check_roster(*roster(shifts)) == [
        Violation(
            "daily rest",
            "ann: 6 h rest before the shift at 2026-01-06 06:00, 11 h required",
        )
    ]


def test_weekly_rest_missing() -> None:
    shifts = [shift("day", d) for d in range(7)]
    rules = replace(RULES, max_consecutive_days=None, max_weekends=None)
    ann = Employee("ann", frozenset({"gen"}), max_minutes_per_week=60 * 60)
    assert check_roster(*roster(shifts, rules=rules, employee=ann)) == [
        Violation("weekly rest", "ann: no 35 h rest containing a whole day in week 1")
    ]


def test_a_day_off_between_late_and_early_is_not_a_weekly_rest() -> None:
    # Late Mon-Wed, Thursday off, early Fri-Sun: 22 h ... 06 h is 32 h.
    late = ShiftTemplate("late", 14 * 60, 8 * 60)
    templates = (late, TEMPLATES[2])
    shifts = [
        Assignment(
            "ann",
            d,
            "late",
            d * DAY + 840,
            d * DAY + 1320,
            (BreakPlacement("lunch", d * DAY + 1020, d * DAY + 1050),),
        )
        for d in range(3)
    ] + [shift("early", d) for d in range(4, 7)]
    rules = replace(RULES, max_consecutive_days=None, max_weekends=None)
    problem, schedule = roster(shifts, rules=rules)
    problem = replace(problem, templates=templates)
    assert check_roster(problem, schedule) == [
        Violation("weekly rest", "ann: no 35 h rest containing a whole day in week 1")
    ]


def test_too_many_consecutive_days() -> None:
    shifts = [shift("day", d) for d in range(6)]
    assert check_roster(*roster(shifts, rules=replace(RULES, max_weekends=None))) == [
        Violation(
            "consecutive days",
            "ann: more than 5 consecutive working days up to 2026-01-10",
        )
    ]


def test_too_many_night_shifts() -> None:
    shifts = [shift("night", 0, lunch_at=None), shift("night", 1, lunch_at=None)]
    shifts = [
        replace(a, breaks=(BreakPlacement("lunch", a.start + 240, a.start + 270),))
        for a in shifts
    ]
    assert check_roster(*roster(shifts)) == [
        Violation("night shifts", "ann: 2 night shifts in week 1, at most 1")
    ]


def test_a_late_shift_reaching_into_the_night_window_is_a_night_shift() -> None:
    shifts = [shift("late", 0), shift("late", 2)]
    assert check_roster(*roster(shifts)) == [
        Violation("night shifts", "ann: 2 night shifts in week 1, at most 1")
    ]


def test_too_many_weekends() -> None:
    shifts = [shift("day", 5)]
    assert check_roster(*roster(shifts, rules=replace(RULES, max_weekends=0))) == [
        Violation("weekends", "ann: works 1 weekends, at most 0")
    ]


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [
        (48, 48, "ann: 40 h in week 1, contract minimum 48 h"),
        (0, 32, "ann: 40 h in week 1, contract maximum 32 h"),
    ],
)
def test_contract_hours(low: int, high: int, message: str) -> None:
    ann = Employee(
        "ann",
        frozenset({"gen"}),
        min_minutes_per_week=low * 60,
        max_minutes_per_week=high * 60,
    )
    assert check_roster(*roster(FIVE_DAYS, employee=ann)) == [
        Violation("contract hours", message)
    ]


@pytest.mark.parametrize(
    ("breaks", "message"),
    [
        ((), "ann: shift at 2026-01-05 09:00: 0 breaks lunch, needs 1"),
        (
            ((12 * 60, 12 * 60 + 45),),
            "ann: shift at 2026-01-05 09:00: lunch lasts 45 min",
        ),
        (
            ((10 * 60, 10 * 60 + 30),),
            "ann: shift at 2026-01-05 09:00: lunch outside its window",
        ),
        (
            ((12 * 60, 12 * 60 + 30), (12 * 60 + 15, 12 * 60 + 45)),
            "ann: shift at 2026-01-05 09:00: 2 breaks lunch, needs 1",
        ),
    ],
)
def test_break_rules(breaks: tuple[tuple[int, int], ...], message: str) -> None:
    a = replace(
        shift("day", 0),
        breaks=tuple(BreakPlacement("lunch", s, e) for s, e in breaks),
    )
    found = check_roster(*roster([a]))
    assert Violation("breaks", message) in found
    assert {v.rule for v in found} == {"breaks"}


def test_overlapping_breaks() -> None:
    a = replace(
        shift("day", 0),
        breaks=(
            BreakPlacement("lunch", 12 * 60, 12 * 60 + 30),
            BreakPlacement("lunch", 12 * 60 + 15, 12 * 60 + 45),
        ),
    )
    found = check_roster(*roster([a]))
    assert (
        Violation("breaks", "ann: shift at 2026-01-05 09:00: lunch and lunch overlap")
        in found
    )


def test_shift_times_must_match_the_template() -> None:
    a = replace(shift("day", 0), end=18 * 60)
    found = check_roster(*roster([a]))
    assert Violation("template", "ann: shift day on day 0 has the wrong times") in found


def test_unknown_template_and_employee() -> None:
    odd = replace(shift("day", 0), template="odd")
    stranger = replace(shift("day", 1), employee="zed")
    problem, schedule = roster(FIVE_DAYS[2:])
    schedule = replace(schedule, assignments=(odd, stranger, *schedule.assignments))
    found = check_roster(problem, schedule)
    assert Violation("template", "ann: unknown shift odd") in found
    assert Violation("template", "unknown employee zed") in found


def test_staffed_count_must_match_the_shifts() -> None:
    found = check_roster(*roster(FIVE_DAYS, staffed_delta=1))
    assert found == [
        Violation("coverage", "2026-01-05 00:00: 0 agents at work, 1 reported")
    ]


def test_allocation_beyond_the_agents_at_work() -> None:
    need = [0] * N
    need[40] = 2  # Monday 10:00, one agent at work
    cover = [0] * N
    cover[40] = 2
    found = check_roster(*roster(FIVE_DAYS, demand=need, coverage=cover))
    assert found == [
        Violation(
            "coverage",
            "2026-01-05 10:00: 2 agents allocated to gen, only 1 at work with them",
        )
    ]


def test_allocation_beyond_demand_and_wrong_under_coverage() -> None:
    cover = [0] * N
    cover[40] = 1
    found = check_roster(*roster(FIVE_DAYS, coverage=cover, under=3))
    assert found == [
        Violation("coverage", "2026-01-05 10:00: 1 agents on gen for 0 required"),
        Violation("coverage", "under-coverage is 0, 3 reported"),
    ]


@pytest.mark.parametrize("name", ["schedule.py", "roster_check.py"])
def test_rostering_modules_are_pure(name: str) -> None:
    # The shared AST check of tests/routing/test_purity.py: no Django,
    # Channels, sockets, asyncio, clock or file I/O.
    from tests.routing.test_purity import ROOT, impurities

    source = (ROOT / "workforce" / name).read_text(encoding="utf-8")
    assert impurities(source, routing=False, allow_file_io=False) == []
