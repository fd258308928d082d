"""Independent checker of a solved roster against every labour rule (W3, W4).

Pure module, no I/O, no clock. It reads only the plain data of
``schedule.py`` (the problem and the schedule) and re-derives every rule
from the assignments' minutes with its own arithmetic: it shares no
constraint code with the CP-SAT model, so a modelling slip there shows up
here as a violation.

Rules checked (numbered as in ``schedule.py``'s docstring):

1. Known employee and template, start and end matching the template, at
   most one shift starting per day, none on a day of leave.
2. Daily rest between consecutive shifts (also catches overlaps).
3. Weekly rest: each planning week has a rest of at least the weekly
   minimum that contains one whole calendar day of the week; the time
   before the first and after the last shift counts as unbounded rest.
4. Maximum consecutive days with a shift start.
5. Night shifts per planning week; weekends (Saturday + Sunday) worked.
6. Contract minutes per planning week (leave credit included).
7. Breaks: exactly one per applicable rule, allowed length, inside the
   window and the shift, on the grid, none overlapping.
8. Coverage: the reported staffed agents per interval equal the recount
   from shifts and breaks; per interval, the reported allocation to
   skills never exceeds demand and is realisable by the agents at work
   (Hall's condition over every set of skills); under- and over-coverage
   in the objective equal the recount.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations, pairwise

from infoline.workforce.schedule import (
    Assignment,
    Employee,
    Schedule,
    ScheduleProblem,
)

__all__ = ["Violation", "check_roster"]

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Violation:
    """One broken rule: its family name and a message naming who and when."""

    rule: str
    message: str


def _clock(problem: ScheduleProblem, minute: int) -> str:
    """Format a horizon minute as ``YYYY-MM-DD HH:MM``."""
    day = problem.start + timedelta(days=minute // MINUTES_PER_DAY)
    rest = minute % MINUTES_PER_DAY
    return f"{day.isoformat()} {rest // 60:02d}:{rest % 60:02d}"


def _is_night_shift(problem: ScheduleProblem, a: Assignment) -> bool:
    """Return True if ``a`` overlaps the night window of any calendar day."""
    rules = problem.rules
    first = a.start // MINUTES_PER_DAY - 1
    for day in range(first, a.end // MINUTES_PER_DAY + 1):
        night_from = day * MINUTES_PER_DAY + rules.night_start_minute
        night_to = day * MINUTES_PER_DAY + rules.night_end_minute
        if rules.night_end_minute <= rules.night_start_minute:
            night_to += MINUTES_PER_DAY
        if a.start < night_to and night_from < a.end:
            return True
    return False


def check_roster(problem: ScheduleProblem, schedule: Schedule) -> list[Violation]:
    """Return every rule the schedule breaks (empty when it is lawful)."""
    out: list[Violation] = []
    employees = {e.name: e for e in problem.employees}
    templates = {t.name: t for t in problem.templates}
    mine: dict[str, list[Assignment]] = defaultdict(list)
    for a in schedule.assignments:
        if a.employee not in employees:
            out.append(Violation("template", f"unknown employee {a.employee}"))
            continue
        t = templates.get(a.template)
        if t is None:
            out.append(
                Violation("template", f"{a.employee}: unknown shift {a.template}")
            )
            continue
        expected = a.day * MINUTES_PER_DAY + t.start_minute
        if (a.start, a.end) != (expected, expected + t.length_minutes):
            out.append(
                Violation(
                    "template",
                    f"{a.employee}: shift {a.template} on day {a.day} has the "
                    f"wrong times",
                )
            )
        if not 0 <= a.day < 7 * problem.weeks:
            out.append(Violation("template", f"{a.employee}: day {a.day} outside"))
        mine[a.employee].append(a)
    for name, shifts in mine.items():
        shifts.sort(key=lambda a: a.start)
        out.extend(_employee_rules(problem, employees[name], shifts))
    out.extend(_coverage(problem, schedule, employees))
    return out


def _employee_rules(
    problem: ScheduleProblem, e: Employee, shifts: list[Assignment]
) -> list[Violation]:
    """Check rules 1-7 for one employee's shifts, sorted by start."""
    out: list[Violation] = []
    rules = problem.rules
    day_of = [problem.start + timedelta(days=a.day) for a in shifts]
    seen_days: set[int] = set()
    for a, when in zip(shifts, day_of, strict=True):
        if a.day in seen_days:
            out.append(
                Violation("one shift per day", f"{e.name}: two shifts on {when}")
            )
        seen_days.add(a.day)
        if when in e.leave:
            out.append(Violation("leave", f"{e.name}: works on leave day {when}"))

    for prev, nxt in pairwise(shifts):
        gap = nxt.start - prev.end
        if gap < rules.daily_rest_minutes:
            out.append(
                Violation(
                    "daily rest",
                    f"{e.name}: {gap / 60:g} h rest before the shift at "
                    f"{_clock(problem, nxt.start)}, "
                    f"{rules.daily_rest_minutes / 60:g} h required",
                )
            )

    if rules.weekly_rest_minutes is not None:
        # Rests between shifts, with unbounded rest before and after.
        far = 10**9
        edges = [-far] + [x for a in shifts for x in (a.start, a.end)] + [far]
        rests = [
            (edges[i], edges[i + 1])
            for i in range(0, len(edges), 2)
            if edges[i + 1] - edges[i] >= rules.weekly_rest_minutes
        ]
        for w in range(problem.weeks):
            ok = any(
                lo <= d * MINUTES_PER_DAY and (d + 1) * MINUTES_PER_DAY <= hi
                for d in range(7 * w, 7 * w + 7)
                for lo, hi in rests
            )
            if not ok:
                out.append(
                    Violation(
                        "weekly rest",
                        f"{e.name}: no {rules.weekly_rest_minutes / 60:g} h rest "
                        f"containing a whole day in week {w + 1}",
                    )
                )

    limit = rules.max_consecutive_days
    if limit is not None:
        days = sorted({a.day for a in shifts})
        run = 0
        for i, d in enumerate(days):
            run = run + 1 if i and days[i - 1] == d - 1 else 1
            if run == limit + 1:
                out.append(
                    Violation(
                        "consecutive days",
                        f"{e.name}: more than {limit} consecutive working days "
                        f"up to {problem.start + timedelta(days=d)}",
                    )
                )

    per_week_nights: dict[int, int] = defaultdict(int)
    per_week_minutes: dict[int, int] = defaultdict(int)
    weekends: set[date] = set()
    for a, when in zip(shifts, day_of, strict=True):
        week = a.day // 7
        per_week_minutes[week] += a.end - a.start
        if _is_night_shift(problem, a):
            per_week_nights[week] += 1
        if when.weekday() >= 5:
            weekends.add(when - timedelta(days=when.weekday() - 5))
    if rules.max_nights_per_week is not None:
        for week, count in sorted(per_week_nights.items()):
            if count > rules.max_nights_per_week:
                out.append(
                    Violation(
                        "night shifts",
                        f"{e.name}: {count} night shifts in week {week + 1}, "
                        f"at most {rules.max_nights_per_week}",
                    )
                )
    if rules.max_weekends is not None and len(weekends) > rules.max_weekends:
        out.append(
            Violation(
                "weekends",
                f"{e.name}: works {len(weekends)} weekends, "
                f"at most {rules.max_weekends}",
            )
        )
    for week in range(problem.weeks):
        minutes = per_week_minutes[week]
        leave_days = sum(
            problem.start + timedelta(days=7 * week + i) in e.leave for i in range(7)
        )
        floor = max(0, e.min_minutes_per_week - leave_days * e.leave_credit_minutes)
        if minutes < floor:
            out.append(
                Violation(
                    "contract hours",
                    f"{e.name}: {minutes / 60:g} h in week {week + 1}, "
                    f"contract minimum {floor / 60:g} h",
                )
            )
        if minutes > e.max_minutes_per_week:
            out.append(
                Violation(
                    "contract hours",
                    f"{e.name}: {minutes / 60:g} h in week {week + 1}, "
                    f"contract maximum {e.max_minutes_per_week / 60:g} h",
                )
            )
    for a in shifts:
        out.extend(_breaks(problem, a))
    return out


def _breaks(problem: ScheduleProblem, a: Assignment) -> list[Violation]:
    """Check rule 7 for one shift."""
    out: list[Violation] = []
    where = f"{a.employee}: shift at {_clock(problem, a.start)}"
    length = a.end - a.start
    due = {b.name: b for b in problem.breaks if length >= b.min_shift_minutes}
    counts: dict[str, int] = defaultdict(int)
    for p in a.breaks:
        counts[p.rule] += 1
        rule = due.get(p.rule)
        if rule is None:
            out.append(Violation("breaks", f"{where}: unexpected break {p.rule}"))
            continue
        if p.end - p.start not in rule.lengths:
            out.append(
                Violation("breaks", f"{where}: {p.rule} lasts {p.end - p.start} min")
            )
        if (
            p.start < a.start + rule.earliest_offset
            or p.end > a.start + rule.latest_end_offset
        ):
            out.append(Violation("breaks", f"{where}: {p.rule} outside its window"))
        if p.start % problem.interval_minutes:
            out.append(Violation("breaks", f"{where}: {p.rule} off the grid"))
    for name in due:
        if counts[name] != 1:
            out.append(
                Violation("breaks", f"{where}: {counts[name]} breaks {name}, needs 1")
            )
    ordered = sorted(a.breaks, key=lambda p: p.start)
    for p, q in pairwise(ordered):
        if q.start < p.end:
            out.append(Violation("breaks", f"{where}: {p.rule} and {q.rule} overlap"))
    return out


def _coverage(
    problem: ScheduleProblem, schedule: Schedule, employees: dict[str, Employee]
) -> list[Violation]:
    """Check rule 8: recount staffing and test the allocation per interval."""
    out: list[Violation] = []
    g = problem.interval_minutes
    n = problem.intervals
    skills = sorted(problem.demand)
    at_work: list[list[frozenset[str]]] = [[] for _ in range(n)]
    for a in schedule.assignments:
        e = employees.get(a.employee)
        if e is None:
            continue
        away = {i for p in a.breaks for i in range(p.start // g, p.end // g)}
        for i in range(a.start // g, min(a.end // g, n)):
            if i not in away:
                at_work[i].append(e.skills)
    under = over = 0
    for i in range(n):
        if len(at_work[i]) != schedule.staffed[i]:
            out.append(
                Violation(
                    "coverage",
                    f"{_clock(problem, i * g)}: {len(at_work[i])} agents at work, "
                    f"{schedule.staffed[i]} reported",
                )
            )
        allocated = {q: schedule.coverage[q][i] for q in skills}
        for q in skills:
            need = problem.demand[q][i]
            if allocated[q] > need:
                out.append(
                    Violation(
                        "coverage",
                        f"{_clock(problem, i * g)}: {allocated[q]} agents on {q} "
                        f"for {need} required",
                    )
                )
            under += max(0, need - allocated[q])
        for size in range(1, len(skills) + 1):
            for subset in combinations(skills, size):
                able = sum(1 for s in at_work[i] if s.intersection(subset))
                wanted = sum(allocated[q] for q in subset)
                if wanted > able:
                    out.append(
                        Violation(
                            "coverage",
                            f"{_clock(problem, i * g)}: {wanted} agents allocated to "
                            f"{', '.join(subset)}, only {able} at work with them",
                        )
                    )
        over += max(0, len(at_work[i]) - sum(allocated.values()))
    if under != schedule.objective.under_coverage:
        out.append(
            Violation(
                "coverage",
                f"under-coverage is {under}, "
                f"{schedule.objective.under_coverage} reported",
            )
        )
    if over != schedule.objective.over_coverage:
        out.append(
            Violation(
                "coverage",
                f"over-coverage is {over}, {schedule.objective.over_coverage} reported",
            )
        )
    return out
