"""Rostering: assign shifts and breaks to named employees with CP-SAT (W3, W4).

Pure module: OR-Tools and plain data only, no I/O, no clock (the solvers'
own time limits, or a clock the caller passes in, are the only notions of
time). Times inside a horizon are
whole minutes from its first midnight (day 0, 00:00); every time and length
lies on the interval grid (``interval_minutes``, 15 by default). Demand is
agents required per interval per skill (a queue or a language), e.g. from
``erlang.agents_for_service_level``.

Rules every solved schedule satisfies (``roster_check`` verifies them
independently, without this module's constraint code):

1. An employee works at most one shift starting on each day, never on a
   day of approved leave, and only from the shift templates given.
2. Daily rest: at least ``daily_rest_minutes`` between the end of one
   shift and the start of the next.
3. Weekly rest: in every planning week (seven days from ``start``) a rest
   of at least ``weekly_rest_minutes`` that contains one whole calendar day
   of that week.
4. At most ``max_consecutive_days`` consecutive days with a shift start.
5. At most ``max_nights_per_week`` night shifts (shifts overlapping the
   night window) per planning week; at most ``max_weekends`` weekends
   (Saturday + Sunday) with a shift start in the horizon.
6. Contract: shift minutes per planning week between the contract minimum
   (less ``leave_credit_minutes`` per leave day) and maximum.
7. Breaks: every shift at least ``min_shift_minutes`` long carries exactly
   one break of each such rule, of an allowed length, inside the rule's
   window; windows of different rules must not overlap (checked on input),
   so breaks never collide.

Objective, lexicographic: under-coverage (agent-intervals missing, over all
skills) first, then over-coverage (staffed agents idle), then fairness
(spread of weekend days and of night shifts between employees, deviation of
weekly hours from the contract midpoint, in intervals) plus preferences
(avoided templates worked, wanted days off worked). It is solved in two
CP-SAT stages: stage 1 minimises under-coverage alone (``STAGE_ONE_SHARE``
of the time limit); stage 2 fixes under-coverage at most at stage 1's
value and minimises over-coverage with a weight exceeding the largest
value fairness and preferences can reach (:func:`_over_weight`), so the
order is exactly lexicographic, starting from stage 1's schedule. A single
weighted run was tried first: its coefficients (about 1e10) made CP-SAT's
search several times slower on under-coverage, the term that matters most.
A stop request in either stage returns the best schedule so far.

Theory of operation. Boolean ``x[e, d, s]`` says employee ``e`` works
template ``s`` starting on day ``d``. Employees with the same demanded
skills form a group; ``y[g, d, s]`` counts the group's employees on that
shift and break-count variables place the group's breaks on it, so the
intraday coverage of a group is a short sum of counts instead of a sum of
per-employee break positions. After solving, each group's break counts are
dealt to its named employees on that shift (they are interchangeable for
coverage). Per interval, the staffed agents of a group are allocated to the
skills they have (``z[g, q, t]``); ``under`` and ``over`` follow. Labour
rules are linear constraints on ``x``; weekly rest uses one witness boolean
per day off (rest around it long enough and containing the whole day).

Large instances (``method="auto"`` beyond ``EXACT_EMPLOYEE_DAYS``): the
whole-roster model stalls far from the bound at 200 agents x 4 weeks
(16.9 % short of the LP after 66 s), so a local search takes over
(:func:`_local_search`). It starts from the greedy roster and repeatedly
gives one employee the best lawful roster against what the others leave
uncovered: a one-employee CP-SAT model with the very rule code of the
whole model (:func:`_employee_rules`), whose shift values count the
missing agent-intervals covered (a min-cut formula over skill groups,
:class:`_Cover`), then the idle ones, then the soft terms, each break
placed where it costs least. Under-coverage never rises; the search stops
at the time limit or at a local optimum; it proves no bound. LP bounds
for judging it (:func:`coverage_lp_bound`): per employee, per class of
alike employees (as tight, far smaller), per skill group (weaker).

Infeasible input is named before solving where a direct check exists
(:func:`check_problem`). If CP-SAT still proves infeasibility, the model
is rebuilt with one assumption literal per rule family and the family set
from ``SufficientAssumptionsForInfeasibility`` is named.

Keep in sync: ``infoline/workforce/roster_check.py`` (the independent
checker of rules 1-7) and ``tests/workforce/test_schedule.py``.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

__all__ = [
    "Assignment",
    "BreakPlacement",
    "BreakRule",
    "Employee",
    "LabourRules",
    "ObjectiveParts",
    "Schedule",
    "ScheduleInfeasible",
    "ScheduleNotFound",
    "ScheduleProblem",
    "ShiftTemplate",
    "SolveProgress",
    "check_problem",
    "coverage_lp_bound",
    "solve_schedule",
]

# A linear expression or a constant (ortools' LinearExprT also admits NumPy
# integers, which its own operators then reject under mypy).
_Expr = cp_model.LinearExpr | int

DAY = 1440
# Shifts longer than this could reach two midnights on; rule 3's witness
# relies on a shift starting two days earlier ending at least 12 h before
# the witness day (23:45 + 12 h = 11:45 the next day).
MAX_SHIFT_MINUTES = 720
MAX_WEEKLY_REST = 2160
# Share of the time limit for stage 1 (under-coverage); stage 2 gets the
# rest, and all of it when stage 1 proves optimality early.
STAGE_ONE_SHARE = 0.75
# Share of the time limit for completing the greedy hint (stage 0).
STAGE_ZERO_SHARE = 0.15
# Above this many employee-days (employees x days) ``method="auto"`` runs
# the local search instead of the whole-roster model, whose search stalls
# far from the LP bound beyond a handful of employees (16.9 % short at 200
# agents x 4 weeks in 66 s; 25 % at 20 agents x 1 week in 10 s, worse than
# the greedy start, where the local search ends about 1.5 % short).
EXACT_EMPLOYEE_DAYS = 60
# Share of the time limit kept for reading the local search's rosters.
READ_SHARE = 0.02
# Templates of each kind (length, night) per day open in a best response.
KEEP_PER_KIND = 3
# Employees re-rostered together at a local optimum (_ruin_and_recreate).
RUIN_SIZE = 8
FAMILIES = (
    "one shift per day",
    "leave",
    "daily rest",
    "weekly rest",
    "consecutive days",
    "night shifts",
    "weekends",
    "contract hours",
    "full coverage",
)


class ScheduleInfeasible(ValueError):
    """No schedule satisfies the rules; ``messages`` name each violated rule."""

    def __init__(self, messages: Sequence[str]) -> None:
        """Keep the messages; the exception text is them joined by '; '."""
        self.messages = tuple(messages)
        super().__init__("; ".join(self.messages))


class ScheduleNotFound(RuntimeError):
    """The search ended (time limit or stop) before any schedule was found."""


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift: start minute of its day (0-1439) and length in minutes.

    A start plus length beyond 1440 crosses midnight into the next day.
    """

    name: str
    start_minute: int
    length_minutes: int


@dataclass(frozen=True)
class BreakRule:
    """One break placed in every shift of at least ``min_shift_minutes``.

    The break (one of ``lengths`` minutes) lies inside
    ``[shift start + earliest_offset, shift start + latest_end_offset]``.
    """

    name: str
    min_shift_minutes: int
    lengths: tuple[int, ...]
    earliest_offset: int
    latest_end_offset: int


@dataclass(frozen=True)
class Employee:
    """A named employee: skills (queues, languages), contract, leave, wishes.

    ``min_minutes_per_week``/``max_minutes_per_week`` bound the shift
    minutes of each planning week (part-time: smaller bounds). Each leave
    day lowers that week's minimum by ``leave_credit_minutes``.
    """

    name: str
    skills: frozenset[str]
    min_minutes_per_week: int = 0
    max_minutes_per_week: int = 40 * 60
    leave: frozenset[date] = frozenset()
    leave_credit_minutes: int = 0
    avoid_shifts: frozenset[str] = frozenset()
    wanted_days_off: frozenset[date] = frozenset()


@dataclass(frozen=True)
class LabourRules:
    """Labour rules (rules 2-5 of the module docstring); None = no limit."""

    daily_rest_minutes: int = 11 * 60
    weekly_rest_minutes: int | None = 35 * 60
    max_consecutive_days: int | None = 6
    night_start_minute: int = 22 * 60
    night_end_minute: int = 6 * 60
    max_nights_per_week: int | None = None
    max_weekends: int | None = None


@dataclass(frozen=True)
class ScheduleProblem:
    """Everything the solver needs.

    ``demand`` maps a skill to required agents per interval over the whole
    horizon (``weeks * 7 * 1440 / interval_minutes`` numbers). With
    ``full_coverage_required`` coverage is a hard rule; otherwise missing
    coverage is only minimised.
    """

    start: date
    weeks: int
    demand: Mapping[str, Sequence[int]]
    employees: Sequence[Employee]
    templates: Sequence[ShiftTemplate]
    breaks: Sequence[BreakRule] = ()
    rules: LabourRules = field(default_factory=LabourRules)
    interval_minutes: int = 15
    full_coverage_required: bool = False

    @property
    def days(self) -> int:
        """Return the number of days in the horizon."""
        return 7 * self.weeks

    @property
    def per_day(self) -> int:
        """Return the number of intervals per day."""
        return DAY // self.interval_minutes

    @property
    def intervals(self) -> int:
        """Return the number of intervals in the horizon."""
        return self.days * self.per_day


@dataclass(frozen=True)
class BreakPlacement:
    """A placed break: rule name and absolute start/end minutes."""

    rule: str
    start: int
    end: int


@dataclass(frozen=True)
class Assignment:
    """One shift of one employee; ``start``/``end`` in horizon minutes."""

    employee: str
    day: int
    template: str
    start: int
    end: int
    breaks: tuple[BreakPlacement, ...] = ()


@dataclass(frozen=True)
class ObjectiveParts:
    """The objective's parts, each in its own unit."""

    under_coverage: int  # agent-intervals missing
    over_coverage: int  # agent-intervals staffed but not needed
    weekend_spread: int  # max - min weekend days worked per employee
    night_spread: int  # max - min night shifts per employee
    hours_deviation: int  # intervals away from the contract midpoint, summed
    preference_penalty: int  # avoided templates + wanted days off worked


@dataclass(frozen=True)
class SolveProgress:
    """One progress report: the solver's seconds, best objective and bound.

    Stage 1 minimises under-coverage (objective = agent-intervals missing);
    stage 2 keeps it and minimises over-coverage, fairness and preferences.
    ``seconds`` counts from the start of the stage.
    """

    stage: int
    solutions: int
    seconds: float
    objective: float
    bound: float
    under_coverage: int | None


@dataclass(frozen=True)
class Schedule:
    """A solved roster.

    ``coverage`` maps each skill to agents allocated to it per interval;
    ``staffed`` counts agents working (not on a break) per interval.
    ``optimal`` is True when CP-SAT proved both stages optimal; ``bound``
    is the proved lower bound on under-coverage (stage 1).
    """

    assignments: tuple[Assignment, ...]
    coverage: Mapping[str, tuple[int, ...]]
    staffed: tuple[int, ...]
    objective: ObjectiveParts
    optimal: bool
    stopped: bool
    bound: float
    warnings: tuple[str, ...] = ()


# ---------------------------------------------------------------- checks


def _hours(minutes: float) -> str:
    """Format minutes as hours without a needless decimal."""
    value = minutes / 60
    return f"{value:g}"


def _validate_shape(problem: ScheduleProblem) -> None:
    """Raise ValueError for malformed input (not a rule conflict)."""
    grid = problem.interval_minutes
    if grid <= 0 or DAY % grid:
        raise ValueError(f"interval_minutes {grid} must divide a day")
    if not 1 <= problem.weeks <= 4:
        raise ValueError(f"weeks must be 1 to 4, not {problem.weeks}")
    if not problem.templates:
        raise ValueError("no shift templates")
    names = [e.name for e in problem.employees]
    if len(set(names)) != len(names):
        raise ValueError("employee names must be unique")
    for skill, values in problem.demand.items():
        if len(values) != problem.intervals:
            raise ValueError(
                f"demand for {skill}: {len(values)} intervals, "
                f"expected {problem.intervals}"
            )
        if any(v < 0 for v in values):
            raise ValueError(f"demand for {skill}: negative requirement")
    for t in problem.templates:
        if not 0 <= t.start_minute < DAY or t.start_minute % grid:
            raise ValueError(f"shift {t.name}: start not on the {grid}-minute grid")
        if t.length_minutes % grid or not 0 < t.length_minutes <= MAX_SHIFT_MINUTES:
            raise ValueError(
                f"shift {t.name}: length must be a multiple of {grid} min, "
                f"at most {MAX_SHIFT_MINUTES // 60} h"
            )
    for b in problem.breaks:
        if any(x % grid for x in (b.earliest_offset, b.latest_end_offset, *b.lengths)):
            raise ValueError(f"break {b.name}: times not on the {grid}-minute grid")
        if not b.lengths or min(b.lengths) <= 0:
            raise ValueError(f"break {b.name}: no positive length")
        for t in problem.templates:
            if t.length_minutes >= b.min_shift_minutes and (
                b.latest_end_offset > t.length_minutes
                or b.earliest_offset + min(b.lengths) > b.latest_end_offset
            ):
                raise ValueError(f"break {b.name}: window does not fit shift {t.name}")
    ordered = sorted(problem.breaks, key=lambda b: b.earliest_offset)
    for a, b in itertools.pairwise(ordered):
        if b.earliest_offset < a.latest_end_offset:
            raise ValueError(f"break windows {a.name} and {b.name} overlap")
    rules = problem.rules
    if rules.weekly_rest_minutes is not None and not (
        DAY <= rules.weekly_rest_minutes <= MAX_WEEKLY_REST
    ):
        raise ValueError("weekly_rest_minutes must be 24 to 36 hours")
    if rules.max_consecutive_days is not None and rules.max_consecutive_days < 1:
        raise ValueError("max_consecutive_days must be at least 1")


def _max_days_in_week(available: int, rules: LabourRules) -> int:
    """Return the most working days a week with ``available`` free days allows."""
    days = available
    if rules.weekly_rest_minutes is not None:
        days = min(days, 6)
    k = rules.max_consecutive_days
    if k is not None:
        days = min(days, 7 - 7 // (k + 1))
    return days


def _week_minimum(problem: ScheduleProblem, e: Employee, week: int) -> int:
    """Return the contract minimum of ``week`` after leave credit."""
    leave = sum(
        problem.start + timedelta(days=7 * week + i) in e.leave for i in range(7)
    )
    return max(0, e.min_minutes_per_week - leave * e.leave_credit_minutes)


def _covers(problem: ScheduleProblem, day: int, t: ShiftTemplate) -> range:
    """Return the horizon intervals a shift instance spans (before breaks)."""
    g = problem.interval_minutes
    first = (day * DAY + t.start_minute) // g
    return range(first, min(first + t.length_minutes // g, problem.intervals))


def check_problem(problem: ScheduleProblem) -> list[str]:
    """Return the rule conflicts provable without solving (empty if none).

    Checks contracts against what templates, leave and rest allow per week,
    and, when full coverage is required, each skill's demand per interval
    against the employees with that skill who could be at work then.
    Raises ValueError for malformed input.
    """
    _validate_shape(problem)
    messages: list[str] = []
    longest = max(t.length_minutes for t in problem.templates)
    for e in problem.employees:
        if e.min_minutes_per_week > e.max_minutes_per_week:
            messages.append(
                f"employee {e.name}: contract minimum "
                f"{_hours(e.min_minutes_per_week)} h/week exceeds the maximum "
                f"{_hours(e.max_minutes_per_week)} h"
            )
            continue
        for w in range(problem.weeks):
            free = sum(
                problem.start + timedelta(days=7 * w + i) not in e.leave
                for i in range(7)
            )
            most = min(
                _max_days_in_week(free, problem.rules) * longest,
                e.max_minutes_per_week,
            )
            need = _week_minimum(problem, e, w)
            if need > most:
                messages.append(
                    f"employee {e.name}: contract minimum {_hours(need)} h/week "
                    f"exceeds the {_hours(most)} h that the shift templates and "
                    f"leave allow in week {w + 1}"
                )
    if problem.full_coverage_required:
        messages.extend(_coverage_shortfalls(problem))
    return messages


def _coverage_shortfalls(problem: ScheduleProblem) -> list[str]:
    """Name, per week and skill, the worst interval no staffing can cover."""
    n = problem.intervals
    reachable: dict[str, list[bool]] = {}
    for e in problem.employees:
        mask = [False] * n
        for d in range(problem.days):
            if problem.start + timedelta(days=d) in e.leave:
                continue
            for t in problem.templates:
                for i in _covers(problem, d, t):
                    mask[i] = True
        reachable[e.name] = mask
    messages = []
    for skill in sorted(problem.demand):
        able = [e.name for e in problem.employees if skill in e.skills]
        req = problem.demand[skill]
        for w in range(problem.weeks):
            worst: tuple[int, int, int] | None = None
            for i in range(w * 7 * problem.per_day, (w + 1) * 7 * problem.per_day):
                have = sum(reachable[name][i] for name in able)
                if req[i] > have and (worst is None or req[i] - have > worst[0]):
                    worst = (req[i] - have, have, i)
            if worst is not None:
                _, have, i = worst
                minute = i * problem.interval_minutes
                when = problem.start + timedelta(days=minute // DAY)
                clock = f"{minute % DAY // 60:02d}:{minute % 60:02d}"
                messages.append(
                    f"week {w + 1}: {have} agents with {skill} for {req[i]} "
                    f"required ({when.isoformat()} {clock})"
                )
    return messages


# ----------------------------------------------------------------- model


def _is_night(t: ShiftTemplate, rules: LabourRules) -> bool:
    """Return True if the shift overlaps the night window on any day."""
    a, b = t.start_minute, t.start_minute + t.length_minutes
    start, end = rules.night_start_minute, rules.night_end_minute
    if end <= start:
        end += DAY
    return any(a < end + k * DAY and start + k * DAY < b for k in (-1, 0, 1))


@dataclass
class _Model:
    """The CP-SAT model and the handles needed to read a solution."""

    model: cp_model.CpModel
    x: dict[tuple[int, int, int], cp_model.IntVar]
    groups: list[tuple[frozenset[str], list[int]]]
    breaks: dict[tuple[int, int, int], list[list[tuple[int, int, cp_model.IntVar]]]]
    z: dict[tuple[int, str, int], cp_model.IntVar]
    staffed: list[_Expr]
    under: list[cp_model.IntVar]
    over: list[cp_model.IntVar]
    parts: dict[str, _Expr]
    assumptions: dict[str, cp_model.IntVar]


@dataclass
class _EmployeeTerms:
    """One employee's share of the fairness and preference terms."""

    weekend_days: cp_model.IntVar
    nights: cp_model.IntVar
    deviations: list[cp_model.IntVar]
    preferences: list[cp_model.IntVar]


def _employee_rules(
    m: cp_model.CpModel,
    problem: ScheduleProblem,
    ei: int,
    shifts: Callable[[int], list[tuple[int, cp_model.IntVar]]],
    family: Callable[[cp_model.Constraint, str], None],
) -> _EmployeeTerms:
    """Add rules 1-6 for employee ``ei``, whose shifts on day d are ``shifts(d)``.

    Shared by the whole-roster model and the one-employee models of the
    local search, so both enforce the very same rules.
    """
    rules = problem.rules
    grid = problem.interval_minutes
    templates = list(problem.templates)
    days = problem.days
    e = problem.employees[ei]
    dates = [problem.start + timedelta(days=d) for d in range(days)]
    night = [_is_night(t, rules) for t in templates]
    weekend_days = [d for d in range(days) if dates[d].weekday() >= 5]
    deviations: list[cp_model.IntVar] = []
    preference_terms: list[cp_model.IntVar] = []

    def working(d: int) -> _Expr:
        return sum(v for _, v in shifts(d))

    for d in range(days):
        if shifts(d):
            family(m.add(working(d) <= 1), "one shift per day")
    # Rule 2: a shift and any next shift starting too soon exclude
    # each other; with one shift a day, a single row per shift does it.
    for d in range(days):
        for si, v in shifts(d):
            end = d * DAY + templates[si].start_minute + templates[si].length_minutes
            clash = [
                w
                for d2 in (d + 1, d + 2)
                if d2 < days
                for s2, w in shifts(d2)
                if d2 * DAY + templates[s2].start_minute - end
                < rules.daily_rest_minutes
            ]
            if clash:
                family(m.add(v + sum(clash) <= 1), "daily rest")
    k = rules.max_consecutive_days
    if k is not None:
        for d in range(days - k):
            family(
                m.add(sum(working(d + i) for i in range(k + 1)) <= k),
                "consecutive days",
            )
    if rules.weekly_rest_minutes is not None:
        need = rules.weekly_rest_minutes - DAY
        for w in range(problem.weeks):
            witnesses = []
            for d in range(7 * w, 7 * w + 7):
                r = m.new_bool_var(f"rest_{ei}_{d}")
                witnesses.append(r)
                m.add(working(d) == 0).only_enforce_if(r)
                # tail: minutes from the previous day's shift end to this
                # midnight (a full day if none starts then: a shift from
                # two days back ends by 11:45 yesterday, >= 12 h before).
                tail = DAY - sum(
                    (templates[si].start_minute + templates[si].length_minutes) * v
                    for si, v in (shifts(d - 1) if d > 0 else [])
                )
                nxt = shifts(d + 1) if d + 1 < days else []
                head = sum(templates[si].start_minute * v for si, v in nxt) + DAY * (
                    1 - sum(v for _, v in nxt)
                )
                m.add(tail >= 0).only_enforce_if(r)
                m.add(tail + head >= need).only_enforce_if(r)
            family(m.add_bool_or(witnesses), "weekly rest")
    nights_total = []
    for w in range(problem.weeks):
        week_nights = [
            v for d in range(7 * w, 7 * w + 7) for si, v in shifts(d) if night[si]
        ]
        nights_total.extend(week_nights)
        if rules.max_nights_per_week is not None and week_nights:
            family(
                m.add(sum(week_nights) <= rules.max_nights_per_week),
                "night shifts",
            )
    if rules.max_weekends is not None:
        saturdays: dict[date, list[int]] = defaultdict(list)
        for d in weekend_days:
            sat = dates[d] - timedelta(days=dates[d].weekday() - 5)
            saturdays[sat].append(d)
        flags = []
        for sat, ds in saturdays.items():
            f = m.new_bool_var(f"weekend_{ei}_{sat}")
            for d in ds:
                m.add(working(d) <= f)
            flags.append(f)
        family(m.add(sum(flags) <= rules.max_weekends), "weekends")
    # Rule 6 and the hours-fairness term.
    mid = (e.min_minutes_per_week + e.max_minutes_per_week) // 2 // grid
    for w in range(problem.weeks):
        minutes = sum(
            templates[si].length_minutes * v
            for d in range(7 * w, 7 * w + 7)
            for si, v in shifts(d)
        )
        family(m.add(minutes >= _week_minimum(problem, e, w)), "contract hours")
        family(m.add(minutes <= e.max_minutes_per_week), "contract hours")
        dev = m.new_int_var(0, 7 * DAY // grid, f"dev_{ei}_{w}")
        diff = m.new_int_var(-7 * DAY // grid, 7 * DAY // grid, f"diff_{ei}_{w}")
        m.add(diff * grid == minutes - mid * grid)
        m.add_abs_equality(dev, diff)
        deviations.append(dev)
    wk = m.new_int_var(0, len(weekend_days), f"wkd_{ei}")
    m.add(wk == sum(working(d) for d in weekend_days))
    nc = m.new_int_var(0, days, f"nights_{ei}")
    m.add(nc == sum(nights_total))
    for d in range(days):
        for si, v in shifts(d):
            if templates[si].name in e.avoid_shifts or dates[d] in e.wanted_days_off:
                preference_terms.append(v)
    return _EmployeeTerms(wk, nc, deviations, preference_terms)


def _over_weight(problem: ScheduleProblem) -> int:
    """Return the stage-2 weight of over-coverage that makes it dominate.

    It exceeds the largest value fairness and preferences together can
    reach: spreads are at most a day count each, hours deviation at most a
    week's intervals per employee-week, preferences at most two per
    employee-day.
    """
    e = len(problem.employees)
    d = problem.days
    week_intervals = 7 * DAY // problem.interval_minutes
    return 2 * d + e * problem.weeks * week_intervals + 2 * e * d + 1


def _build(problem: ScheduleProblem, diagnose: bool) -> _Model:
    """Build the CP-SAT model; with ``diagnose`` each family gets a literal."""
    m = cp_model.CpModel()
    grid = problem.interval_minutes
    templates = list(problem.templates)
    employees = list(problem.employees)
    days = problem.days
    lits = {f: m.new_bool_var(f) for f in FAMILIES} if diagnose else {}

    def family(ct: cp_model.Constraint, name: str) -> None:
        if diagnose:
            ct.only_enforce_if(lits[name])

    dates = [problem.start + timedelta(days=d) for d in range(days)]
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    for ei, e in enumerate(employees):
        for d in range(days):
            on_leave = dates[d] in e.leave
            if on_leave and not diagnose:
                continue
            for si in range(len(templates)):
                v = m.new_bool_var(f"x_{ei}_{d}_{si}")
                x[ei, d, si] = v
                if on_leave:
                    family(m.add(v == 0), "leave")

    def shifts(ei: int, d: int) -> list[tuple[int, cp_model.IntVar]]:
        return [(si, x[ei, d, si]) for si in range(len(templates)) if (ei, d, si) in x]

    weekend_count: list[cp_model.IntVar] = []
    night_count: list[cp_model.IntVar] = []
    deviations: list[cp_model.IntVar] = []
    preference_terms: list[_Expr] = []
    for ei in range(len(employees)):

        def of_employee(d: int, ei: int = ei) -> list[tuple[int, cp_model.IntVar]]:
            return shifts(ei, d)

        own = _employee_rules(m, problem, ei, of_employee, family)
        weekend_count.append(own.weekend_days)
        night_count.append(own.nights)
        deviations.extend(own.deviations)
        preference_terms.extend(own.preferences)

    # Groups of employees with the same demanded skills.
    demanded = set(problem.demand)
    by_skills: dict[frozenset[str], list[int]] = defaultdict(list)
    for ei, e in enumerate(employees):
        by_skills[frozenset(e.skills & demanded)].append(ei)
    groups = sorted(by_skills.items(), key=lambda kv: sorted(kv[0]))
    n = problem.intervals
    staffed_terms: list[list[tuple[int, cp_model.IntVar]]] = [[] for _ in range(n)]
    group_terms: list[list[list[tuple[int, cp_model.IntVar]]]] = []
    break_vars: dict[
        tuple[int, int, int], list[list[tuple[int, int, cp_model.IntVar]]]
    ] = {}
    for gi, (_, members) in enumerate(groups):
        terms: list[list[tuple[int, cp_model.IntVar]]] = [[] for _ in range(n)]
        for d in range(days):
            for si, t in enumerate(templates):
                vs = [x[ei, d, si] for ei in members if (ei, d, si) in x]
                if not vs:
                    continue
                y = m.new_int_var(0, len(vs), f"y_{gi}_{d}_{si}")
                m.add(y == sum(vs))
                for i in _covers(problem, d, t):
                    terms[i].append((1, y))
                per_rule = []
                for b in problem.breaks:
                    if t.length_minutes < b.min_shift_minutes:
                        continue
                    options = []
                    for length in sorted(set(b.lengths)):
                        for off in range(
                            b.earliest_offset, b.latest_end_offset - length + 1, grid
                        ):
                            c = m.new_int_var(0, len(vs), f"b_{gi}_{d}_{si}_{off}")
                            options.append((off, length, c))
                            first = (d * DAY + t.start_minute + off) // grid
                            for i in range(first, min(first + length // grid, n)):
                                terms[i].append((-1, c))
                    m.add(sum(c for _, _, c in options) == y)
                    per_rule.append(options)
                break_vars[gi, d, si] = per_rule
        group_terms.append(terms)
        for i in range(n):
            staffed_terms[i].extend(terms[i])

    z: dict[tuple[int, str, int], cp_model.IntVar] = {}
    under: list[cp_model.IntVar] = []
    over: list[cp_model.IntVar] = []
    staffed: list[_Expr] = []
    skills = sorted(demanded)
    for i in range(n):
        covered: list[_Expr] = []
        allocated: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for q in skills:
            req = int(problem.demand[q][i])
            if req == 0:
                continue
            zs = []
            for gi, (gs, members) in enumerate(groups):
                if q in gs and group_terms[gi][i]:
                    v = m.new_int_var(0, min(req, len(members)), f"z_{gi}_{q}_{i}")
                    z[gi, q, i] = v
                    zs.append(v)
                    allocated[gi].append(v)
            u = m.new_int_var(0, req, f"under_{q}_{i}")
            m.add(sum(zs) + u == req)
            if problem.full_coverage_required:
                family(m.add(u == 0), "full coverage")
            under.append(u)
            covered.append(req - u)
        for gi, zs in allocated.items():
            m.add(sum(zs) <= sum(c * v for c, v in group_terms[gi][i]))
        total = sum(c * v for c, v in staffed_terms[i])
        staffed.append(total)
        if staffed_terms[i]:
            o = m.new_int_var(0, len(employees), f"over_{i}")
            # Equality, not >=: an interrupted search reports exact parts.
            m.add(o == total - sum(covered))
            over.append(o)

    def spread(values: list[cp_model.IntVar], name: str) -> _Expr:
        if not values:
            return 0
        hi = m.new_int_var(0, days, f"{name}_max")
        lo = m.new_int_var(0, days, f"{name}_min")
        m.add_max_equality(hi, values)
        m.add_min_equality(lo, values)
        return hi - lo

    parts: dict[str, _Expr] = {
        "under_coverage": sum(under),
        "over_coverage": sum(over),
        "weekend_spread": spread(weekend_count, "weekend"),
        "night_spread": spread(night_count, "night"),
        "hours_deviation": sum(deviations),
        "preference_penalty": sum(preference_terms),
    }
    if diagnose:
        m.add_assumptions(list(lits.values()))
    return _Model(m, x, groups, break_vars, z, staffed, under, over, parts, lits)


# ------------------------------------------------------------------ hint


def _hint(problem: ScheduleProblem) -> set[tuple[int, int, int]]:
    """Return a quick greedy roster (employee, day, template) to start from.

    Employee by employee and day by day it takes the template covering the
    most remaining demand, keeping daily rest, consecutive days, contract
    maximum, nights, weekends and two consecutive days off a week (a 35 h
    rest with whole day inside, given shifts of at most 12 h); it keeps
    working on days without gain while the contract minimum is not met.
    The result is only a hint: CP-SAT repairs whatever it misses.
    """
    rules = problem.rules
    remaining = {q: list(v) for q, v in problem.demand.items()}
    templates = list(problem.templates)
    chosen: set[tuple[int, int, int]] = set()
    for ei, e in enumerate(problem.employees):
        skills = [q for q in remaining if q in e.skills]
        last_end = -(10**9)
        run = 0
        weekends: set[date] = set()
        for w in range(problem.weeks):
            minutes = nights = 0
            rested = rules.weekly_rest_minutes is None
            off_before = False
            need = _week_minimum(problem, e, w)
            for d in range(7 * w, 7 * w + 7):
                when = problem.start + timedelta(days=d)
                saturday = when - timedelta(days=when.weekday() - 5)
                left = 7 * w + 7 - d
                force_off = not rested and left <= (1 if off_before else 2)
                blocked = (
                    force_off
                    or when in e.leave
                    or run >= (rules.max_consecutive_days or 10**6)
                    or (
                        when.weekday() >= 5
                        and saturday not in weekends
                        and len(weekends)
                        >= (
                            rules.max_weekends
                            if rules.max_weekends is not None
                            else 10**6
                        )
                    )
                )
                best: tuple[int, int] | None = None
                for si, t in enumerate(templates if not blocked else []):
                    start = d * DAY + t.start_minute
                    if start - last_end < rules.daily_rest_minutes:
                        continue
                    if minutes + t.length_minutes > e.max_minutes_per_week:
                        continue
                    if _is_night(t, rules) and nights >= (
                        rules.max_nights_per_week
                        if rules.max_nights_per_week is not None
                        else 10**6
                    ):
                        continue
                    gain = sum(
                        1
                        for i in _covers(problem, d, t)
                        if any(remaining[q][i] > 0 for q in skills)
                    )
                    if best is None or gain > best[0]:
                        best = (gain, si)
                if best is None or (best[0] == 0 and minutes >= need):
                    if off_before:
                        rested = True
                    off_before = True
                    run = 0
                    continue
                t = templates[best[1]]
                chosen.add((ei, d, best[1]))
                for i in _covers(problem, d, t):
                    open_skills = [q for q in skills if remaining[q][i] > 0]
                    if open_skills:
                        q = max(open_skills, key=lambda q: remaining[q][i])
                        remaining[q][i] -= 1
                last_end = d * DAY + t.start_minute + t.length_minutes
                minutes += t.length_minutes
                nights += _is_night(t, rules)
                run += 1
                off_before = False
                if when.weekday() >= 5:
                    weekends.add(saturday)
    return chosen


# ---------------------------------------------------------- local search


@dataclass
class _Shifts:
    """Every shift instance of the horizon as arrays (one row per day x template).

    ``first``/``last`` bound the intervals a shift spans (clipped to the
    horizon); per break rule, ``break_first``/``break_last`` give each
    option's intervals (one column per option) and ``applies`` says which
    shifts carry that break.
    """

    day: NDArray[np.int64]
    template: NDArray[np.int64]
    first: NDArray[np.int64]
    last: NDArray[np.int64]
    break_first: list[NDArray[np.int64]]
    break_last: list[NDArray[np.int64]]
    break_options: list[list[tuple[int, int]]]
    applies: list[NDArray[np.bool_]]


def _shift_table(problem: ScheduleProblem) -> _Shifts:
    """Return the shift instances of ``problem`` with their break options."""
    grid = problem.interval_minutes
    n = problem.intervals
    templates = list(problem.templates)
    rows = [(d, si) for d in range(problem.days) for si in range(len(templates))]
    day = np.array([d for d, _ in rows], dtype=np.int64)
    template = np.array([si for _, si in rows], dtype=np.int64)
    start = np.array(
        [d * DAY + templates[si].start_minute for d, si in rows], dtype=np.int64
    )
    length = np.array([templates[si].length_minutes for _, si in rows], dtype=np.int64)
    first = start // grid
    last = np.minimum((start + length) // grid, n)
    break_first = []
    break_last = []
    break_options = []
    applies = []
    for b in problem.breaks:
        options = [
            (off, size)
            for size in sorted(set(b.lengths))
            for off in range(b.earliest_offset, b.latest_end_offset - size + 1, grid)
        ]
        offs = np.array([off for off, _ in options], dtype=np.int64)
        sizes = np.array([size for _, size in options], dtype=np.int64)
        lo = (start[:, None] + offs[None, :]) // grid
        hi = lo + sizes[None, :] // grid
        break_first.append(np.minimum(lo, n))
        break_last.append(np.minimum(hi, n))
        break_options.append(options)
        applies.append(length >= b.min_shift_minutes)
    return _Shifts(
        day, template, first, last, break_first, break_last, break_options, applies
    )


class _Cover:
    """Agents at work per skill group and interval, and what they can cover.

    Covered agent-intervals per interval are the maximum flow from groups
    (capacity: agents at work) to skills (capacity: demand). By max-flow
    min-cut it is the minimum, over unions ``U`` of group skill sets, of the
    demand of ``U`` plus the agents of groups not inside ``U``; only such
    unions can be minimal cuts, and there are few of them.
    """

    def __init__(self, problem: ScheduleProblem, groups: list[frozenset[str]]) -> None:
        """Start with nobody at work."""
        n = problem.intervals
        unions: set[frozenset[str]] = {frozenset()}
        for skills in groups:
            unions |= {u | skills for u in unions}
        ordered = sorted(unions, key=lambda u: (len(u), sorted(u)))
        demand = {
            q: np.asarray(problem.demand[q], dtype=np.int64) for q in problem.demand
        }
        self.base = np.array(
            [sum((demand[q] for q in u), np.zeros(n, dtype=np.int64)) for u in ordered]
        )
        self.hit = np.array(
            [[0 if skills <= u else 1 for skills in groups] for u in ordered],
            dtype=np.int64,
        )
        self.count = np.zeros((len(groups), n), dtype=np.int64)
        self.demand_total = self.base[-1]

    def cut(self) -> NDArray[np.int64]:
        """Return the capacity of every candidate cut per interval."""
        result: NDArray[np.int64] = self.base + self.hit @ self.count
        return result

    def covered(self) -> NDArray[np.int64]:
        """Return the agent-intervals covered per interval."""
        result: NDArray[np.int64] = self.cut().min(axis=0)
        return result

    def gain(self, group: int) -> NDArray[np.int64]:
        """Return per interval 1 where one more agent of ``group`` covers more."""
        cut = self.cut()
        result: NDArray[np.int64] = (cut + self.hit[:, group : group + 1]).min(
            axis=0
        ) - cut.min(axis=0)
        return result


# A roster of one employee: shift row (index into _Shifts) -> break option
# chosen per applicable break rule (-1 where the rule does not apply).
_Roster = dict[int, tuple[int, ...]]


class _EmployeeModel:
    """One employee's rules as a small CP-SAT model with a variable objective.

    The objective is set before each solve from the value of every shift
    against what the others leave uncovered (a best response).
    """

    def __init__(self, problem: ScheduleProblem, ei: int, random_seed: int) -> None:
        """Build the model of employee ``ei`` (rules 1-6, fairness terms)."""
        self.model = cp_model.CpModel()
        e = problem.employees[ei]
        per_day = len(problem.templates)
        self.x: dict[int, cp_model.IntVar] = {}
        for d in range(problem.days):
            if problem.start + timedelta(days=d) in e.leave:
                continue
            for si in range(per_day):
                self.x[d * per_day + si] = self.model.new_bool_var(f"x_{d}_{si}")

        def shifts(d: int) -> list[tuple[int, cp_model.IntVar]]:
            return [
                (si, self.x[d * per_day + si])
                for si in range(per_day)
                if d * per_day + si in self.x
            ]

        def family(ct: cp_model.Constraint, name: str) -> None:
            del ct, name  # rules are hard here

        terms = _employee_rules(self.model, problem, ei, shifts, family)
        self.soft: list[cp_model.IntVar] = terms.deviations + terms.preferences
        # Templates alike for the contract and the night rule compete for a
        # day's few places in the model (see ``solve``).
        kinds: dict[tuple[int, bool], list[int]] = defaultdict(list)
        for si, t in enumerate(problem.templates):
            kinds[t.length_minutes, _is_night(t, problem.rules)].append(si)
        self.kinds = [np.array(v, dtype=np.int64) for v in kinds.values()]
        self.per_day = per_day
        self.days = problem.days
        self.solver = cp_model.CpSolver()
        self.solver.parameters.num_workers = 1
        self.solver.parameters.random_seed = random_seed

    def solve(
        self,
        value: NDArray[np.int64],
        current: set[int],
        time_limit: float,
    ) -> set[int] | None:
        """Return the shift rows maximising ``value`` less the soft terms.

        ``current`` (a lawful roster) is the hint; None if no roster was
        found (the employee's rules cannot hold, or no time).
        """
        rows = list(self.x)
        # Only the KEEP_PER_KIND best templates of each kind per day (and
        # the current roster) stay open: a smaller search (a third faster)
        # that rarely loses anything, since templates of a kind differ only
        # in their hours, which only the rest rules see. The response is
        # exact among the open templates.
        table = value.reshape(self.days, self.per_day)
        open_rows = set(current)
        for members in self.kinds:
            best = np.argsort(-table[:, members], axis=1, kind="stable")
            for d in range(self.days):
                for j in best[d, :KEEP_PER_KIND]:
                    open_rows.add(d * self.per_day + int(members[j]))
        proto = self.model.proto
        for k in rows:
            domain = proto.variables[self.x[k].index].domain
            domain[1] = 1 if k in open_rows else 0
        self.model.maximize(
            cp_model.LinearExpr.weighted_sum(
                [self.x[k] for k in rows] + self.soft,
                [int(value[k]) for k in rows] + [-1] * len(self.soft),
            )
        )
        self.model.clear_hints()  # type: ignore[no-untyped-call]  # ortools leaves it unannotated
        for k in rows:
            self.model.add_hint(self.x[k], k in current)
        self.solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
        status = self.solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return {k for k in rows if self.solver.boolean_value(self.x[k])}


def _shift_values(
    table: _Shifts,
    gain: NDArray[np.int64],
    surplus: NDArray[np.int64],
    weights: tuple[int, int],
) -> tuple[NDArray[np.int64], list[NDArray[np.int64]]]:
    """Return every shift's value and its best break option per rule.

    A shift is worth ``covered * high - (worked - covered) * low``: the
    agent-intervals it covers that are missing (``gain``), then the ones it
    works without covering (over-coverage). Each break goes where it costs
    least coverage, then where it is longest (less idle time), then where
    the others' staffing has the most to spare (``surplus``).
    """
    high, low = weights
    prefix = np.concatenate(([0], np.cumsum(gain)))
    spare = np.concatenate(([0], np.cumsum(np.clip(surplus, -100, 100))))
    covered = prefix[table.last] - prefix[table.first]
    worked = table.last - table.first
    choices = []
    for lo, hi, applies in zip(
        table.break_first, table.break_last, table.applies, strict=True
    ):
        lost = prefix[hi] - prefix[lo]
        size = hi - lo
        room = (spare[hi] - spare[lo]) / (101.0 * np.maximum(size, 1))
        score = lost * 1e6 - size * 1e3 - room
        choice = np.argmin(score, axis=1)
        rows = np.arange(len(choice))
        covered = covered - applies * lost[rows, choice]
        worked = worked - applies * size[rows, choice]
        choices.append(np.where(applies, choice, -1))
    value: NDArray[np.int64] = covered * high - (worked - covered) * low
    return value, choices


def _weights(problem: ScheduleProblem, e: Employee) -> tuple[int, int]:
    """Return (per covered interval, per idle interval) shift-value weights.

    One idle interval outweighs every soft term of the employee (hours
    deviation, preferences), one covered interval outweighs all idle ones:
    the employee's best response is lexicographic like the objective.
    """
    grid = problem.interval_minutes
    mid = (e.min_minutes_per_week + e.max_minutes_per_week) // 2 // grid
    deviation = problem.weeks * max(mid, e.max_minutes_per_week // grid - mid)
    low = deviation + problem.days + 1
    worked = problem.weeks * e.max_minutes_per_week // grid
    return low * (worked + 1), low


@dataclass
class _Search:
    """State of the local search: each employee's roster and the coverage."""

    problem: ScheduleProblem
    table: _Shifts
    groups: list[frozenset[str]]
    group_of: list[int]
    cover: _Cover
    rosters: list[_Roster]

    def apply(self, ei: int, roster: _Roster, sign: int) -> None:
        """Add (``sign`` 1) or remove (-1) an employee's roster from the counts."""
        count = self.cover.count[self.group_of[ei]]
        table = self.table
        for row, options in roster.items():
            count[table.first[row] : table.last[row]] += sign
            for r, o in enumerate(options):
                if o >= 0:
                    lo = table.break_first[r][row, o]
                    hi = table.break_last[r][row, o]
                    count[lo:hi] -= sign

    def totals(self) -> tuple[int, int]:
        """Return (under-coverage, over-coverage) of the current rosters."""
        covered = int(self.cover.covered().sum())
        staffed = int(self.cover.count.sum())
        return int(self.cover.demand_total.sum()) - covered, staffed - covered


def _search_state(problem: ScheduleProblem) -> _Search:
    """Return an empty local-search state (nobody rostered)."""
    demanded = set(problem.demand)
    groups = sorted(
        {frozenset(e.skills & demanded) for e in problem.employees}, key=sorted
    )
    group_of = [groups.index(frozenset(e.skills & demanded)) for e in problem.employees]
    return _Search(
        problem,
        _shift_table(problem),
        groups,
        group_of,
        _Cover(problem, groups),
        [{} for _ in problem.employees],
    )


class _Budget:
    """Time spent by the local search, against its limit.

    With a ``clock`` (seconds, e.g. the adapter's ``time.monotonic``) the
    limit is wall time. Without one this pure module reads no clock: the
    time spent is the sum of the employee solvers' own wall times, so the
    work between solves (valuing shifts, reading rosters) is not counted.
    """

    def __init__(self, seconds: float, clock: Callable[[], float] | None) -> None:
        """Start counting."""
        self.seconds = seconds
        self.clock = clock
        self.started = clock() if clock is not None else 0.0
        self.solved = 0.0

    def spent(self) -> float:
        """Return the seconds spent so far."""
        if self.clock is not None:
            return self.clock() - self.started
        return self.solved

    def left(self) -> float:
        """Return the seconds left (negative when over)."""
        return self.seconds - self.spent()


def _local_search(
    problem: ScheduleProblem,
    seconds: float,
    random_seed: int,
    report: Callable[[int, int, float], bool],
    threads: int = 1,
    clock: Callable[[], float] | None = None,
) -> _Search | None:
    """Improve rosters one employee at a time (best responses) for ``seconds``.

    Starts from :func:`_hint`'s greedy roster where it is lawful (the other
    employees are solved first, whatever the time). Then, sweep after
    sweep, each employee gets the lawful roster (a small CP-SAT model of
    rules 1-6, :class:`_EmployeeModel`) that covers most of what the others
    leave missing, then idles least, then keeps the soft terms low; the
    employees who idle most go first, and one whose values and roster are
    unchanged since its last response is skipped. Sweeps end at the time
    limit or when a whole sweep brings nothing (a local optimum); then
    small related sets of employees are re-rostered together
    (:func:`_ruin_and_recreate`) until the time is up or many tries in a
    row bring nothing.

    With two ``threads`` two employees are solved at once; each result is
    judged again against the coverage at the time it arrives, and the
    employee keeps the better of old and new roster, so under-coverage
    never rises: one more agent of a group covers at most one more
    agent-interval, which is what each shift's value counts.
    ``report(under, over, seconds)`` is called after each improvement once
    every roster is lawful and stops the search when it returns True.
    ``clock`` bounds wall time (:class:`_Budget`). Returns None if some
    employee has no lawful roster at all (the whole-roster model then names
    the conflict).
    """
    budget = _Budget(seconds, clock)
    rng = random.Random(random_seed)
    state = _search_state(problem)
    laws = [_Rules(problem, ei) for ei in range(len(problem.employees))]
    weights = [_weights(problem, e) for e in problem.employees]
    models: dict[int, _EmployeeModel] = {}
    per_day = len(problem.templates)

    def values(ei: int) -> tuple[NDArray[np.int64], list[NDArray[np.int64]]]:
        # The employee's own roster is not in the counts while valued.
        surplus = state.cover.count.sum(axis=0) - state.cover.demand_total
        gain = state.cover.gain(state.group_of[ei])
        return _shift_values(state.table, gain, surplus, weights[ei])

    seen: dict[int, tuple[bytes, frozenset[int]]] = {}

    def submit(
        pool: ThreadPoolExecutor, ei: int, first: bool
    ) -> Future[set[int] | None] | None:
        """Start employee ``ei``'s best response; None if it cannot change."""
        old = state.rosters[ei]
        state.apply(ei, old, -1)
        value, _ = values(ei)
        state.apply(ei, old, 1)
        # Same values and roster as at the last solve: same answer.
        key = (value.tobytes(), frozenset(old))
        if seen.get(ei) == key:
            return None
        seen[ei] = key
        model = models.get(ei)
        if model is None:
            model = models[ei] = _EmployeeModel(problem, ei, random_seed)
        left = max(budget.left(), 1.0) if first else budget.left()
        return pool.submit(model.solve, value, set(old), left)

    def idle(ei: int, over: NDArray[np.int64]) -> int:
        """Return the intervals ``ei`` works while some agent there idles."""
        table = state.table
        total = 0
        for row, options in state.rosters[ei].items():
            total += int(over[table.last[row]] - over[table.first[row]])
            for r, o in enumerate(options):
                if o >= 0:
                    hi = table.break_last[r][row, o]
                    lo = table.break_first[r][row, o]
                    total -= int(over[hi] - over[lo])
        return total

    def settle(ei: int, rows: set[int] | None) -> None:
        old = state.rosters[ei]
        state.apply(ei, old, -1)
        value, choices = values(ei)
        candidates = [set(old)] if old or rows is None else []
        if rows is not None:
            candidates.append(rows)

        def worth(r: set[int]) -> int:
            days = {row // per_day: row % per_day for row in r}
            return int(sum(int(value[row]) for row in r)) - laws[ei].soft(days)

        best = max(candidates, key=worth)
        new = {row: tuple(int(c[row]) for c in choices) for row in sorted(best)}
        state.rosters[ei] = new
        state.apply(ei, new, 1)

    # Start from the greedy roster where it is lawful; the others start
    # empty and are solved first, whatever the time (no lawful roster
    # otherwise).
    greedy: list[dict[int, int]] = [{} for _ in problem.employees]
    for ei, d, si in _hint(problem):
        greedy[ei][d] = si
    must = set()
    for ei, days in enumerate(greedy):
        if laws[ei].lawful(days):
            rows = {d * per_day + s for d, s in days.items()}
            state.rosters[ei] = {
                row: tuple(0 if a[row] else -1 for a in state.table.applies)
                for row in sorted(rows)
            }
            state.apply(ei, state.rosters[ei], 1)
        else:
            must.add(ei)
    # Employees without a lawful roster first, then those who idle most
    # (they have the most to gain), ties in random order.
    idling = (state.cover.count.sum(axis=0) > state.cover.covered()).astype(np.int64)
    prefix = np.concatenate(([0], np.cumsum(idling)))
    rank = {
        ei: (ei not in must, -idle(ei, prefix), rng.random())
        for ei in range(len(problem.employees))
    }
    order = sorted(rank, key=rank.__getitem__)
    best = (10**18, 10**18)
    stop = False

    def finish(ei: int, rows: set[int] | None) -> bool:
        """Settle one result; False if a must-solve employee has no roster."""
        nonlocal best, stop
        if rows is None and ei in must:
            return False
        # Concurrent solves overlap: their wall times add up to about
        # ``threads`` times the time that passed.
        budget.solved += models[ei].solver.wall_time / max(1, threads)
        settle(ei, rows)
        must.discard(ei)
        if not must:
            totals = state.totals()
            if totals < best:
                best = totals
                stop = stop or report(*totals, budget.spent())
        return True

    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        while not stop and (must or budget.left() > 0):
            before = best
            pending: list[tuple[int, Future[set[int] | None]]] = []
            for ei in order:
                if stop or (ei not in must and budget.left() <= 0):
                    break
                future = submit(pool, ei, ei in must)
                if future is None:
                    continue
                pending.append((ei, future))
                while len(pending) >= max(1, threads):
                    other, future = pending.pop(0)
                    if not finish(other, future.result()):
                        return None
            for other, future in pending:
                if not finish(other, future.result()):
                    return None
            if best >= before:
                break  # a whole sweep without improvement: a local optimum
            # Next, the employees who idle most first (they have the most
            # to gain), ties in random order.
            idling = (state.cover.count.sum(axis=0) > state.cover.covered()).astype(
                np.int64
            )
            prefix = np.concatenate(([0], np.cumsum(idling)))
            rank = {ei: (False, -idle(ei, prefix), rng.random()) for ei in order}
            order.sort(key=rank.__getitem__)
    # At the local optimum: re-roster small related sets, until the time
    # is up or many tries in a row bring nothing.
    patience = max(10, len(problem.employees) // 2)
    tries = 0
    while not stop and budget.left() > 0 and tries < patience:
        kept = _ruin_and_recreate(state, models, values, budget, rng, random_seed)
        if kept is None:
            break
        tries += 1
        if kept < best:
            best = kept
            tries = 0
            stop = report(*kept, budget.spent())
    return state


def _works_at(state: _Search, ei: int, i: int) -> bool:
    """Return True if employee ``ei`` is at work (not on a break) in interval i."""
    table = state.table
    for row, options in state.rosters[ei].items():
        if table.first[row] <= i < table.last[row]:
            return not any(
                o >= 0
                and table.break_first[r][row, o] <= i < table.break_last[r][row, o]
                for r, o in enumerate(options)
            )
    return False


def _ruin_and_recreate(
    state: _Search,
    models: dict[int, _EmployeeModel],
    values: Callable[[int], tuple[NDArray[np.int64], list[NDArray[np.int64]]]],
    budget: _Budget,
    rng: random.Random,
    random_seed: int,
) -> tuple[int, int] | None:
    """Re-roster a few related employees together; keep it unless worse.

    At a local optimum no single employee can do better alone. Take an
    interval where someone idles, a few of the employees at work there and
    as many others of their skill group, clear all their rosters, then give
    each in turn its best response. The new rosters stay when under- and
    over-coverage are no worse (sideways moves let the search drift across
    plateaus), else the old ones come back. Returns the (under, over) kept,
    None when nobody idles or no time is left for a response.
    """
    problem = state.problem
    idling = np.nonzero(state.cover.count.sum(axis=0) > state.cover.covered())[0]
    if len(idling) == 0:
        return None
    anchor = int(idling[rng.randrange(len(idling))])
    staff = range(len(problem.employees))
    there = [ei for ei in staff if _works_at(state, ei, anchor)]
    idle_ones = rng.sample(there, min(RUIN_SIZE // 2, len(there)))
    groups = {state.group_of[ei] for ei in idle_ones}
    others = [
        ei for ei in staff if state.group_of[ei] in groups and ei not in idle_ones
    ]
    victims = idle_ones + rng.sample(
        others, min(RUIN_SIZE - len(idle_ones), len(others))
    )
    before = state.totals()
    saved = {ei: state.rosters[ei] for ei in victims}
    for ei in victims:
        state.apply(ei, saved[ei], -1)
        state.rosters[ei] = {}
    rng.shuffle(victims)
    failed = False
    for ei in victims:
        value, choices = values(ei)
        model = models.get(ei)
        if model is None:
            model = models[ei] = _EmployeeModel(problem, ei, random_seed)
        rows = model.solve(value, set(saved[ei]), max(budget.left(), 0.5))
        budget.solved += model.solver.wall_time
        if rows is None:
            failed = True
            break
        new = {row: tuple(int(c[row]) for c in choices) for row in sorted(rows)}
        state.rosters[ei] = new
        state.apply(ei, new, 1)
    after = state.totals()
    if failed or after > before:
        for ei in victims:
            state.apply(ei, state.rosters[ei], -1)
            state.rosters[ei] = saved[ei]
            state.apply(ei, saved[ei], 1)
        return None if failed else before
    return after


def _allocate(
    groups: list[frozenset[str]], at_work: list[int], demand: dict[str, int]
) -> dict[str, int]:
    """Return agents per skill in one interval: a maximum flow, groups -> skills.

    Edmonds-Karp on the small network source -> group (agents at work) ->
    skill (the group has it) -> sink (demand).
    """
    skills = sorted(demand)
    g_count = len(groups)
    size = g_count + len(skills) + 2
    source, sink = 0, size - 1
    cap = [[0] * size for _ in range(size)]
    for g, skills_of in enumerate(groups):
        cap[source][1 + g] = at_work[g]
        for k, q in enumerate(skills):
            if q in skills_of:
                cap[1 + g][1 + g_count + k] = at_work[g]
    for k, q in enumerate(skills):
        cap[1 + g_count + k][sink] = demand[q]
    while True:
        parent = [-1] * size
        parent[source] = source
        queue = [source]
        for node in queue:
            for nxt in range(size):
                if parent[nxt] < 0 and cap[node][nxt] > 0:
                    parent[nxt] = node
                    queue.append(nxt)
        if parent[sink] < 0:
            break
        push = min(cap[parent[v]][v] for v in _path(parent, source, sink))
        for v in _path(parent, source, sink):
            cap[parent[v]][v] -= push
            cap[v][parent[v]] += push
    return {q: cap[sink][1 + g_count + k] for k, q in enumerate(skills)}


def _path(parent: list[int], source: int, sink: int) -> list[int]:
    """Return the nodes after ``source`` on the BFS path to ``sink``."""
    nodes = []
    v = sink
    while v != source:
        nodes.append(v)
        v = parent[v]
    return nodes


def _read_search(
    problem: ScheduleProblem,
    state: _Search,
    stopped: bool,
    warnings: tuple[str, ...],
) -> Schedule:
    """Turn the local search's rosters into a :class:`Schedule`."""
    templates = list(problem.templates)
    per_day = len(templates)
    grid = problem.interval_minutes
    rules = problem.rules
    dates = [problem.start + timedelta(days=d) for d in range(problem.days)]
    assignments = []
    weekend_days = []
    nights = []
    deviation = preference = 0
    for ei, e in enumerate(problem.employees):
        minutes = [0] * problem.weeks
        weekend = night = 0
        for row, options in sorted(state.rosters[ei].items()):
            d, si = divmod(row, per_day)
            t = templates[si]
            start = d * DAY + t.start_minute
            placed = []
            for rule, choice, offered in zip(
                problem.breaks, options, state.table.break_options, strict=True
            ):
                if choice >= 0:
                    off, size = offered[choice]
                    placed.append(
                        BreakPlacement(rule.name, start + off, start + off + size)
                    )
            assignments.append(
                Assignment(
                    employee=e.name,
                    day=d,
                    template=t.name,
                    start=start,
                    end=start + t.length_minutes,
                    breaks=tuple(sorted(placed, key=lambda b: b.start)),
                )
            )
            minutes[d // 7] += t.length_minutes
            weekend += dates[d].weekday() >= 5
            night += _is_night(t, rules)
            preference += t.name in e.avoid_shifts or dates[d] in e.wanted_days_off
        mid = (e.min_minutes_per_week + e.max_minutes_per_week) // 2 // grid
        deviation += sum(abs(m // grid - mid) for m in minutes)
        weekend_days.append(weekend)
        nights.append(night)
    assignments.sort(key=lambda a: (a.employee, a.start))
    count = state.cover.count
    coverage: dict[str, list[int]] = {q: [] for q in problem.demand}
    for i in range(problem.intervals):
        served = _allocate(
            state.groups,
            [int(count[g, i]) for g in range(len(state.groups))],
            {q: int(v[i]) for q, v in problem.demand.items()},
        )
        for q, value in served.items():
            coverage[q].append(value)
    staffed = count.sum(axis=0)
    allocated = np.sum([np.array(v) for v in coverage.values()], axis=0)
    # Skills nobody has are never allocated; their demand is missing too.
    total_demand = sum(int(sum(v)) for v in problem.demand.values())
    return Schedule(
        assignments=tuple(assignments),
        coverage={q: tuple(v) for q, v in coverage.items()},
        staffed=tuple(int(s) for s in staffed),
        objective=ObjectiveParts(
            under_coverage=total_demand - int(allocated.sum()),
            over_coverage=int((staffed - allocated).sum()),
            weekend_spread=max(weekend_days) - min(weekend_days) if weekend_days else 0,
            night_spread=max(nights) - min(nights) if nights else 0,
            hours_deviation=deviation,
            preference_penalty=preference,
        ),
        optimal=False,
        stopped=stopped,
        bound=0.0,
        warnings=warnings,
    )


class _Rules:
    """Fast lawfulness of one employee's roster, the rules of the CP-SAT model.

    The same rules 1-6 as :func:`_employee_rules`, in plain arithmetic over
    a roster ``{day: template}``, for the move-based local search.
    """

    def __init__(self, problem: ScheduleProblem, ei: int) -> None:
        """Precompute the employee's limits and the templates' clock times."""
        rules = problem.rules
        e = problem.employees[ei]
        templates = list(problem.templates)
        self.days = problem.days
        self.weeks = problem.weeks
        self.rest = rules.daily_rest_minutes
        self.weekly_need = (
            None
            if rules.weekly_rest_minutes is None
            else rules.weekly_rest_minutes - DAY
        )
        self.max_run = rules.max_consecutive_days
        self.max_nights = rules.max_nights_per_week
        self.max_weekends = rules.max_weekends
        self.start = [t.start_minute for t in templates]
        self.end = [t.start_minute + t.length_minutes for t in templates]
        self.length = [t.length_minutes for t in templates]
        self.night = [_is_night(t, rules) for t in templates]
        dates = [problem.start + timedelta(days=d) for d in range(self.days)]
        self.leave = {d for d in range(self.days) if dates[d] in e.leave}
        self.saturday = {
            d: dates[d] - timedelta(days=dates[d].weekday() - 5)
            for d in range(self.days)
            if dates[d].weekday() >= 5
        }
        self.floor = [_week_minimum(problem, e, w) for w in range(self.weeks)]
        self.ceiling = e.max_minutes_per_week
        grid = problem.interval_minutes
        self.grid = grid
        self.mid = (e.min_minutes_per_week + e.max_minutes_per_week) // 2 // grid
        self.avoid = [t.name in e.avoid_shifts for t in templates]
        self.wanted_off = {d for d in range(self.days) if dates[d] in e.wanted_days_off}

    def lawful(self, roster: dict[int, int]) -> bool:
        """Return True if ``roster`` keeps rules 1-6."""
        days = self.days
        start, end = self.start, self.end
        for d, s in roster.items():
            if d in self.leave:
                return False
            for d2 in (d + 1, d + 2):
                s2 = roster.get(d2)
                if s2 is not None and (d2 - d) * DAY + start[s2] - end[s] < self.rest:
                    return False
        if self.max_run is not None:
            run = 0
            for d in range(days):
                run = run + 1 if d in roster else 0
                if run > self.max_run:
                    return False
        for w in range(self.weeks):
            week = range(7 * w, 7 * w + 7)
            minutes = sum(self.length[roster[d]] for d in week if d in roster)
            if not self.floor[w] <= minutes <= self.ceiling:
                return False
            if self.max_nights is not None and (
                sum(self.night[roster[d]] for d in week if d in roster)
                > self.max_nights
            ):
                return False
            need = self.weekly_need
            if need is not None and not any(
                self._witness(roster, d, need) for d in week
            ):
                return False
        if self.max_weekends is not None:
            worked = {self.saturday[d] for d in roster if d in self.saturday}
            if len(worked) > self.max_weekends:
                return False
        return True

    def _witness(self, roster: dict[int, int], d: int, need: int) -> bool:
        """Return True if day ``d`` off is the whole day of a weekly rest."""
        if d in roster:
            return False
        before = roster.get(d - 1)
        after = roster.get(d + 1)
        tail = DAY if before is None else DAY - self.end[before]
        head = DAY if after is None else self.start[after]
        return tail >= 0 and tail + head >= need

    def soft(self, roster: dict[int, int]) -> int:
        """Return hours deviation (intervals) plus preferences of ``roster``."""
        total = 0
        for w in range(self.weeks):
            minutes = sum(
                self.length[roster[d]] for d in range(7 * w, 7 * w + 7) if d in roster
            )
            total += abs(minutes // self.grid - self.mid)
        total += sum(self.avoid[s] or d in self.wanted_off for d, s in roster.items())
        return total


# ----------------------------------------------------------------- solve


class _Callback(cp_model.CpSolverSolutionCallback):
    """Report progress and stop on request, keeping the best solution."""

    def __init__(
        self,
        stage: int,
        under: list[cp_model.IntVar],
        progress: Callable[[SolveProgress], None] | None,
        should_stop: Callable[[], bool] | None,
    ) -> None:
        super().__init__()
        self._stage = stage
        self._under = under
        self._progress = progress
        self._should_stop = should_stop
        self.solutions = 0
        self.stopped = False

    def on_solution_callback(self) -> None:
        """Called by CP-SAT on each improving solution."""
        self.solutions += 1
        if self._progress is not None:
            self._progress(
                SolveProgress(
                    stage=self._stage,
                    solutions=self.solutions,
                    seconds=self.wall_time,
                    objective=self.objective_value,
                    bound=self.best_objective_bound,
                    under_coverage=sum(self.value(u) for u in self._under),
                )
            )
        if self._should_stop is not None and self._should_stop():
            self.stopped = True
            self.stop_search()


def _hint_all(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Replace the model's hints by the solver's whole last solution."""
    model.clear_hints()  # type: ignore[no-untyped-call]  # ortools leaves it unannotated
    for i in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(i)
        model.add_hint(var, solver.value(var))


def _solver(time_limit: float, num_workers: int, random_seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = num_workers
    solver.parameters.random_seed = random_seed
    return solver


def _diagnose(
    problem: ScheduleProblem, time_limit: float, random_seed: int
) -> ScheduleInfeasible:
    """Name a minimal set of rule families that cannot hold together.

    CP-SAT's ``SufficientAssumptionsForInfeasibility`` gives a core that
    presolve may leave as large as all families; each family is then
    dropped in turn and kept out if the rest stays infeasible, which
    leaves an irreducible set (deletion filter).
    """
    built = _build(problem, diagnose=True)
    # Cores over assumptions come from the sequential search.
    solver = _solver(time_limit, 1, random_seed)

    def infeasible(families: list[str]) -> bool:
        built.model.clear_assumptions()
        built.model.add_assumptions([built.assumptions[f] for f in families])
        return solver.solve(built.model) == cp_model.INFEASIBLE

    if not infeasible(list(FAMILIES)):
        return ScheduleInfeasible(["no schedule found; rule conflict not isolated"])
    core = set(solver.sufficient_assumptions_for_infeasibility())
    names = [f for f, lit in built.assumptions.items() if lit.index in core]
    for name in list(names):
        rest = [f for f in names if f != name]
        if infeasible(rest):
            names = rest
    return ScheduleInfeasible(
        [f"the rules {', '.join(names)} cannot all hold together"]
        if names
        else ["the input is infeasible"]
    )


def _solve_local(
    problem: ScheduleProblem,
    time_limit: float,
    num_workers: int,
    random_seed: int,
    progress: Callable[[SolveProgress], None] | None,
    should_stop: Callable[[], bool] | None,
    clock: Callable[[], float] | None,
) -> Schedule | None:
    """Run the local search; None if some employee has no lawful roster."""
    solutions = 0
    stopped = False

    def report(under: int, over: int, seconds: float) -> bool:
        nonlocal solutions, stopped
        del over
        solutions += 1
        if progress is not None:
            progress(
                SolveProgress(
                    stage=1,
                    solutions=solutions,
                    seconds=seconds,
                    objective=float(under),
                    bound=0.0,
                    under_coverage=under,
                )
            )
        if should_stop is not None and should_stop():
            stopped = True
        return stopped

    # Reading the rosters back takes a moment: keep it inside the limit.
    seconds = time_limit * (1 - READ_SHARE)
    threads = max(1, min(num_workers, 4))
    state = _local_search(problem, seconds, random_seed, report, threads, clock)
    if state is None:
        return None
    return _read_search(problem, state, stopped, ())


def solve_schedule(
    problem: ScheduleProblem,
    *,
    time_limit: float = 30.0,
    num_workers: int = 8,
    random_seed: int = 0,
    progress: Callable[[SolveProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    greedy_hint: bool = True,
    method: str = "auto",
    clock: Callable[[], float] | None = None,
) -> Schedule:
    """Solve the roster; return the best schedule found.

    ``progress`` receives a :class:`SolveProgress` on every improving
    solution; ``should_stop`` is asked after each and, when it returns
    True, the search stops with that schedule (``Schedule.stopped``).
    ``greedy_hint`` starts the exact search from :func:`_hint`'s roster.

    ``method``: ``"exact"`` solves the whole-roster CP-SAT model in two
    lexicographic stages (optimal given the time, with a proved bound);
    ``"local"`` runs the local search of best responses
    (:func:`_local_search`, ``num_workers`` employees at once, at most 4),
    which scales to hundreds of employees but proves nothing (``bound`` 0,
    never ``optimal``); ``"auto"`` takes the exact model up to
    ``EXACT_EMPLOYEE_DAYS`` employee-days or when coverage is a hard rule,
    the local search beyond. If some employee has no lawful roster at all,
    the local search gives way to the exact model, which names the rules.
    ``clock`` (seconds, e.g. ``time.monotonic``; this module reads none)
    makes the local search keep ``time_limit`` in wall time; without it the
    limit counts the employee solvers' own time (see :class:`_Budget`).
    Raises :class:`ScheduleInfeasible` naming the violated rules (before
    solving where a direct check exists), :class:`ScheduleNotFound` if no
    schedule was found within ``time_limit`` seconds, ValueError for
    malformed input.
    """
    messages = check_problem(problem)
    warnings: tuple[str, ...] = ()
    if messages:
        raise ScheduleInfeasible(messages)
    if not problem.full_coverage_required:
        shortfall = ScheduleProblem(
            problem.start,
            problem.weeks,
            problem.demand,
            problem.employees,
            problem.templates,
            problem.breaks,
            problem.rules,
            problem.interval_minutes,
            full_coverage_required=True,
        )
        warnings = tuple(_coverage_shortfalls(shortfall))
    if method not in ("auto", "exact", "local"):
        raise ValueError(f"unknown method {method!r}")
    size = len(problem.employees) * problem.days
    if not problem.full_coverage_required and (
        method == "local" or (method == "auto" and size > EXACT_EMPLOYEE_DAYS)
    ):
        solved = _solve_local(
            problem, time_limit, num_workers, random_seed, progress, should_stop, clock
        )
        if solved is not None:
            return replace(solved, warnings=warnings)
    built = _build(problem, diagnose=False)
    model = built.model
    model.minimize(built.parts["under_coverage"])
    spent = 0.0
    if greedy_hint:
        # Stage 0: complete the greedy shifts (breaks, allocation, every
        # auxiliary variable) with the shifts fixed, so that stage 1 starts
        # from a whole feasible schedule; a partial hint leaves CP-SAT
        # without any solution on large inputs.
        start = _hint(problem)
        for key, v in built.x.items():
            model.add_hint(v, key in start)
        zero = _solver(time_limit * STAGE_ZERO_SHARE, num_workers, random_seed)
        zero.parameters.fix_variables_to_their_hinted_value = True
        if zero.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            _hint_all(model, zero)
        spent = zero.wall_time
    # Stage 1: under-coverage alone.
    first = _solver(time_limit * STAGE_ONE_SHARE - spent, num_workers, random_seed)
    callback = _Callback(1, built.under, progress, should_stop)
    status = first.solve(model, callback)
    if status == cp_model.INFEASIBLE:
        raise _diagnose(problem, time_limit, random_seed)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ScheduleNotFound(
            f"no schedule found within {time_limit:g} s ({first.status_name(status)})"
        )
    bound = first.best_objective_bound
    left = time_limit - spent - first.wall_time
    if callback.stopped or left <= 0:
        return _read(problem, built, first, False, callback.stopped, bound, warnings)
    # Stage 2: keep that under-coverage, minimise the rest, starting from
    # the stage-1 schedule (a complete feasible hint).
    _hint_all(model, first)
    under = int(first.objective_value)
    model.add(built.parts["under_coverage"] <= under)
    parts = built.parts
    model.minimize(
        _over_weight(problem) * parts["over_coverage"]
        + parts["weekend_spread"]
        + parts["night_spread"]
        + parts["hours_deviation"]
        + parts["preference_penalty"]
    )
    second = _solver(left, num_workers, random_seed)
    callback = _Callback(2, built.under, progress, should_stop)
    status2 = second.solve(model, callback)
    if status2 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # No time left to reach even the hint: stage 1 stands.
        return _read(problem, built, first, False, False, bound, warnings)
    optimal = status == status2 == cp_model.OPTIMAL
    return _read(problem, built, second, optimal, callback.stopped, bound, warnings)


def _read(
    problem: ScheduleProblem,
    built: _Model,
    solver: cp_model.CpSolver,
    optimal: bool,
    stopped: bool,
    bound: float,
    warnings: tuple[str, ...],
) -> Schedule:
    """Turn solver values into named assignments, coverage and parts."""
    templates = list(problem.templates)
    chosen: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (ei, d, si), v in built.x.items():
        if solver.boolean_value(v):
            chosen[d, si].append(ei)
    breaks_of: dict[int, dict[tuple[int, int], list[BreakPlacement]]] = defaultdict(
        lambda: defaultdict(list)
    )
    employees = list(problem.employees)
    for gi, (_, members) in enumerate(built.groups):
        member_set = set(members)
        for (g, d, si), per_rule in built.breaks.items():
            if g != gi:
                continue
            on = [ei for ei in chosen.get((d, si), []) if ei in member_set]
            start = d * DAY + templates[si].start_minute
            for rule, options in zip(
                [
                    b
                    for b in problem.breaks
                    if templates[si].length_minutes >= b.min_shift_minutes
                ],
                per_rule,
                strict=True,
            ):
                queue = list(on)
                for off, length, c in options:
                    for _ in range(solver.value(c)):
                        ei = queue.pop()
                        breaks_of[ei][d, si].append(
                            BreakPlacement(rule.name, start + off, start + off + length)
                        )
                assert not queue, "break counts sum to the shift's head count"
    assignments = []
    for (d, si), eis in sorted(chosen.items()):
        t = templates[si]
        for ei in eis:
            start = d * DAY + t.start_minute
            assignments.append(
                Assignment(
                    employee=employees[ei].name,
                    day=d,
                    template=t.name,
                    start=start,
                    end=start + t.length_minutes,
                    breaks=tuple(sorted(breaks_of[ei][d, si], key=lambda b: b.start)),
                )
            )
    assignments.sort(key=lambda a: (a.employee, a.start))
    coverage: dict[str, list[int]] = {
        q: [0] * problem.intervals for q in problem.demand
    }
    for (_, q, i), v in built.z.items():
        coverage[q][i] += solver.value(v)
    parts = {k: int(solver.value(v)) for k, v in built.parts.items()}
    return Schedule(
        assignments=tuple(assignments),
        coverage={q: tuple(v) for q, v in coverage.items()},
        staffed=tuple(int(solver.value(s)) for s in built.staffed),
        objective=ObjectiveParts(**parts),
        optimal=optimal,
        stopped=stopped,
        bound=bound,
        warnings=warnings,
    )


# -------------------------------------------------------------- LP bound


def coverage_lp_bound(problem: ScheduleProblem, *, level: str = "employee") -> float:
    """Return an LP lower bound on under-coverage (agent-intervals).

    ``level="employee"``: the linear relaxation of the CP-SAT model
    (integrality dropped, and with it the enforced weekly-rest and max/min
    rows, which only tighten), minimising under-coverage alone, solved with
    GLOP; it runs for many minutes at 200 agents x 4 weeks.
    ``level="class"`` (:func:`_class_lp_bound`): employees alike in skills,
    contract and leave counted together with every per-employee rule
    summed; as tight as the per-employee relaxation of those rules plus
    "at most six days a week", and solved in about half a minute there.
    ``level="skill"`` (:func:`_aggregate_lp_bound`): whole skill groups,
    some rules left out; seconds, but weaker. No schedule can miss fewer
    agent-intervals than any of them.
    """
    _validate_shape(problem)
    if level == "class":
        return _class_lp_bound(problem)
    if level == "skill":
        return _aggregate_lp_bound(problem)
    if level != "employee":
        raise ValueError(f"unknown LP level {level!r}")
    built = _build(problem, diagnose=False)
    proto = built.model.proto
    lp = pywraplp.Solver.CreateSolver("GLOP")
    assert lp is not None, "GLOP ships with OR-Tools"
    # The proto's repeated fields do not index from the end: copy first.
    domains = [list(v.domain) for v in proto.variables]
    lp_vars = [lp.NumVar(float(d[0]), float(d[-1]), "") for d in domains]

    def term(ref: int, coef: int) -> tuple[pywraplp.Variable, float, float]:
        # A negative reference is the negation 1 - x of variable -ref - 1.
        if ref >= 0:
            return lp_vars[ref], float(coef), 0.0
        return lp_vars[-ref - 1], -float(coef), float(coef)

    inf = lp.infinity()
    for ct in proto.constraints:
        if ct.enforcement_literal:
            continue
        if ct.has_linear():
            domain = list(ct.linear.domain)
            lo, hi = domain[0], domain[-1]
            row = lp.RowConstraint(-inf, inf, "")
            shift = 0.0
            for ref, coef in zip(ct.linear.vars, ct.linear.coeffs, strict=True):
                var, c, k = term(ref, coef)
                row.SetCoefficient(var, row.GetCoefficient(var) + c)
                shift += k
            row.SetBounds(
                -inf if lo <= cp_model.INT_MIN else lo - shift,
                inf if hi >= cp_model.INT_MAX else hi - shift,
            )
        for kind in ("at_most_one", "exactly_one", "bool_or"):
            if not getattr(ct, f"has_{kind}")():
                continue
            lits = getattr(ct, kind).literals
            row = lp.RowConstraint(-inf, inf, "")
            shift = 0.0
            for ref in lits:
                var, c, k = term(ref, 1)
                row.SetCoefficient(var, row.GetCoefficient(var) + c)
                shift += k
            lo_b = 1.0 - shift if kind != "at_most_one" else -inf
            hi_b = 1.0 - shift if kind != "bool_or" else inf
            row.SetBounds(lo_b, hi_b)
    objective = lp.Objective()
    for u in built.under:
        objective.SetCoefficient(lp_vars[u.index], 1.0)
    objective.SetMinimization()
    status = lp.Solve()
    assert status == pywraplp.Solver.OPTIMAL, "the relaxation is feasible and bounded"
    return float(objective.Value())


def _aggregate_lp_bound(problem: ScheduleProblem) -> float:
    """Return the group-level LP lower bound on under-coverage.

    Variables are agents of a skill group on a shift (``y``), their breaks,
    their allocation to skills and the missing agents, all continuous. Each
    row sums a rule every employee obeys over the group, so every lawful
    roster, counted per group, satisfies them all: at most one shift a day
    per present employee, weekly contract maxima, at most ``k`` days in any
    ``k + 1`` (consecutive days) and 6 a week (weekly rest), night and
    weekend limits. Daily rest and contract minima are left out.
    """
    lp = pywraplp.Solver.CreateSolver("GLOP")
    assert lp is not None, "GLOP ships with OR-Tools"
    rules = problem.rules
    grid = problem.interval_minutes
    n = problem.intervals
    days = problem.days
    templates = list(problem.templates)
    dates = [problem.start + timedelta(days=d) for d in range(days)]
    demanded = set(problem.demand)
    by_skills: dict[frozenset[str], list[Employee]] = defaultdict(list)
    for e in problem.employees:
        by_skills[frozenset(e.skills & demanded)].append(e)
    night = [_is_night(t, rules) for t in templates]
    at_work: list[dict[int, list[tuple[float, pywraplp.Variable]]]] = []
    for members in by_skills.values():
        size = len(members)
        terms: dict[int, list[tuple[float, pywraplp.Variable]]] = defaultdict(list)
        y: dict[tuple[int, int], pywraplp.Variable] = {}
        for d in range(days):
            present = sum(dates[d] not in e.leave for e in members)
            row = []
            for si, t in enumerate(templates):
                v = lp.NumVar(0.0, float(present), "")
                y[d, si] = v
                row.append(v)
                for i in _covers(problem, d, t):
                    terms[i].append((1.0, v))
                for b in problem.breaks:
                    if t.length_minutes < b.min_shift_minutes:
                        continue
                    options = []
                    for length in sorted(set(b.lengths)):
                        for off in range(
                            b.earliest_offset, b.latest_end_offset - length + 1, grid
                        ):
                            c = lp.NumVar(0.0, float(present), "")
                            options.append(c)
                            first = (d * DAY + t.start_minute + off) // grid
                            for i in range(first, min(first + length // grid, n)):
                                terms[i].append((-1.0, c))
                    lp.Add(lp.Sum(options) == v)
            lp.Add(lp.Sum(row) <= present)
        for w in range(problem.weeks):
            week = [
                (d, si) for d in range(7 * w, 7 * w + 7) for si in range(len(templates))
            ]
            cap = sum(e.max_minutes_per_week for e in members)
            lp.Add(
                lp.Sum(
                    [
                        templates[si].length_minutes * y[k]
                        for k, si in ((k, k[1]) for k in week)
                    ]
                )
                <= cap
            )
            if rules.weekly_rest_minutes is not None:
                lp.Add(lp.Sum([y[k] for k in week]) <= 6 * size)
            if rules.max_nights_per_week is not None:
                lp.Add(
                    lp.Sum([y[k] for k in week if night[k[1]]])
                    <= rules.max_nights_per_week * size
                )
        k = rules.max_consecutive_days
        if k is not None:
            for d in range(days - k):
                lp.Add(
                    lp.Sum(
                        [
                            y[d + j, si]
                            for j in range(k + 1)
                            for si in range(len(templates))
                        ]
                    )
                    <= k * size
                )
        if rules.max_weekends is not None:
            weekend = [
                (d, si)
                for d in range(days)
                if dates[d].weekday() >= 5
                for si in range(len(templates))
            ]
            lp.Add(lp.Sum([y[x] for x in weekend]) <= 2 * rules.max_weekends * size)
        at_work.append(terms)
    groups = list(by_skills)
    under = []
    for i in range(n):
        alloc: dict[int, list[pywraplp.Variable]] = defaultdict(list)
        for q in sorted(demanded):
            req = float(problem.demand[q][i])
            if req == 0:
                continue
            zs = []
            for gi, skills in enumerate(groups):
                if q in skills and at_work[gi][i]:
                    v = lp.NumVar(0.0, req, "")
                    zs.append(v)
                    alloc[gi].append(v)
            u = lp.NumVar(0.0, req, "")
            lp.Add(lp.Sum(zs) + u == req)
            under.append(u)
        for gi, zs in alloc.items():
            lp.Add(lp.Sum(zs) <= lp.Sum([c * v for c, v in at_work[gi][i]]))
    lp.Minimize(lp.Sum(under))
    status = lp.Solve()
    assert status == pywraplp.Solver.OPTIMAL, "the relaxation is feasible and bounded"
    return float(lp.Objective().Value())


def _class_lp_bound(problem: ScheduleProblem) -> float:
    """Return the LP lower bound on under-coverage, by classes of employees.

    Employees alike in every coverage-relevant respect (demanded skills,
    contract bounds, leave and leave credit) form a class; variables count
    a class's employees on each shift, their breaks, the weekends they
    work, and each skill group's allocation to skills and the missing
    agents, all continuous. Every per-employee rule of the model appears
    summed over the class: one shift a day, daily rest, consecutive days,
    night and weekend limits, contract minimum and maximum per week, and
    (implied by the weekly rest) at most six days a week. Splitting a class
    solution evenly between its members satisfies each member's rows, so
    this is as tight as the per-employee relaxation of those rules, yet its
    size grows with the classes, not the employees.
    """
    lp = pywraplp.Solver.CreateSolver("GLOP")
    assert lp is not None, "GLOP ships with OR-Tools"
    rules = problem.rules
    grid = problem.interval_minutes
    n = problem.intervals
    days = problem.days
    templates = list(problem.templates)
    dates = [problem.start + timedelta(days=d) for d in range(days)]
    demanded = set(problem.demand)
    classes: dict[tuple[object, ...], list[Employee]] = defaultdict(list)
    for e in problem.employees:
        key = (
            frozenset(e.skills & demanded),
            e.min_minutes_per_week,
            e.max_minutes_per_week,
            frozenset(e.leave),
            e.leave_credit_minutes,
        )
        classes[key].append(e)
    night = [_is_night(t, rules) for t in templates]
    starts = [t.start_minute for t in templates]
    ends = [t.start_minute + t.length_minutes for t in templates]
    at_work: dict[frozenset[str], dict[int, list[tuple[float, pywraplp.Variable]]]]
    at_work = defaultdict(lambda: defaultdict(list))
    for members in classes.values():
        size = float(len(members))
        e = members[0]
        terms = at_work[frozenset(e.skills & demanded)]
        y: dict[tuple[int, int], pywraplp.Variable] = {}
        for d in range(days):
            if dates[d] in e.leave:
                continue
            for si, t in enumerate(templates):
                v = lp.NumVar(0.0, size, "")
                y[d, si] = v
                for i in _covers(problem, d, t):
                    terms[i].append((1.0, v))
                for b in problem.breaks:
                    if t.length_minutes < b.min_shift_minutes:
                        continue
                    options = []
                    for length in sorted(set(b.lengths)):
                        for off in range(
                            b.earliest_offset, b.latest_end_offset - length + 1, grid
                        ):
                            c = lp.NumVar(0.0, size, "")
                            options.append(c)
                            first = (d * DAY + t.start_minute + off) // grid
                            for i in range(first, min(first + length // grid, n)):
                                terms[i].append((-1.0, c))
                    lp.Add(lp.Sum(options) == v)

        def on(
            d: int, y: dict[tuple[int, int], pywraplp.Variable] = y
        ) -> list[pywraplp.Variable]:
            return [y[d, si] for si in range(len(templates)) if (d, si) in y]

        for d in range(days):
            if on(d):
                lp.Add(lp.Sum(on(d)) <= size)
            for si in range(len(templates)):
                if (d, si) not in y:
                    continue
                clash = [
                    y[d2, s2]
                    for d2 in (d + 1, d + 2)
                    for s2 in range(len(templates))
                    if (d2, s2) in y
                    and (d2 - d) * DAY + starts[s2] - ends[si]
                    < rules.daily_rest_minutes
                ]
                if clash:
                    lp.Add(y[d, si] + lp.Sum(clash) <= size)
        k = rules.max_consecutive_days
        if k is not None:
            for d in range(days - k):
                window = [v for j in range(k + 1) for v in on(d + j)]
                if window:
                    lp.Add(lp.Sum(window) <= k * size)
        for w in range(problem.weeks):
            week = [
                (d, si)
                for d in range(7 * w, 7 * w + 7)
                for si in range(len(templates))
                if (d, si) in y
            ]
            minutes = lp.Sum(
                [
                    templates[si].length_minutes * y[key]
                    for key in week
                    for si in (key[1],)
                ]
            )
            lp.Add(minutes <= size * e.max_minutes_per_week)
            lp.Add(minutes >= size * _week_minimum(problem, e, w))
            if rules.weekly_rest_minutes is not None and week:
                lp.Add(lp.Sum([y[key] for key in week]) <= 6 * size)
            if rules.max_nights_per_week is not None:
                nights = [y[key] for key in week if night[key[1]]]
                if nights:
                    lp.Add(lp.Sum(nights) <= rules.max_nights_per_week * size)
        if rules.max_weekends is not None:
            saturdays: dict[date, list[int]] = defaultdict(list)
            for d in range(days):
                if dates[d].weekday() >= 5:
                    saturdays[dates[d] - timedelta(days=dates[d].weekday() - 5)].append(
                        d
                    )
            flags = []
            for ds in saturdays.values():
                f = lp.NumVar(0.0, size, "")
                flags.append(f)
                for d in ds:
                    if on(d):
                        lp.Add(lp.Sum(on(d)) <= f)
            lp.Add(lp.Sum(flags) <= rules.max_weekends * size)
    groups = list(at_work)
    under = []
    for i in range(n):
        alloc: dict[int, list[pywraplp.Variable]] = defaultdict(list)
        for q in sorted(demanded):
            req = float(problem.demand[q][i])
            if req == 0:
                continue
            zs = []
            for gi, skills in enumerate(groups):
                if q in skills and at_work[skills][i]:
                    v = lp.NumVar(0.0, req, "")
                    zs.append(v)
                    alloc[gi].append(v)
            u = lp.NumVar(0.0, req, "")
            lp.Add(lp.Sum(zs) + u == req)
            under.append(u)
        for gi, zs in alloc.items():
            lp.Add(lp.Sum(zs) <= lp.Sum([c * v for c, v in at_work[groups[gi]][i]]))
    lp.Minimize(lp.Sum(under))
    status = lp.Solve()
    assert status == pywraplp.Solver.OPTIMAL, "the relaxation is feasible and bounded"
    return float(lp.Objective().Value())
