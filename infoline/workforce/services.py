"""Workforce acts: import histories, staffing plans, schedules, swaps, adherence.

The arithmetic is the pure modules' (``history``, ``forecast``, ``erlang``,
``fte``, ``schedule``); this module feeds them from the database and keeps
their results. Callers check the permission (``require_action``); object
access is checked here (``access_*``). Every refusal is a translated
``ValidationError`` raised before anything is written.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from infoline.accounts.choices import Role
from infoline.accounts.models import PublicLine, Team, User
from infoline.workforce import erlang, fte
from infoline.workforce import forecast as fc
from infoline.workforce import history as hist
from infoline.workforce import schedule as sched
from infoline.workforce.models import (
    CallHistory,
    Schedule,
    ShiftAssignment,
    SwapRequest,
    WorkContract,
)

__all__ = [
    "JOURNAL",
    "AdherenceRow",
    "PlanInputs",
    "StaffingPlan",
    "access_history",
    "access_schedule",
    "access_swap",
    "adherence_for_day",
    "compute_staffing_plan",
    "create_schedule",
    "decide_swap",
    "import_call_history",
    "journal_history",
    "publish_schedule",
    "request_swap",
    "run_schedule_job",
    "stop_schedule",
]

logger = logging.getLogger(__name__)

#: The staffing plan's source meaning "the journal's own phone contacts".
JOURNAL = "journal"
#: Days of journal history the forecast trains on.
JOURNAL_DAYS = 28
#: Largest history file accepted, in bytes.
MAX_HISTORY_BYTES = 64 * 1024 * 1024
#: Agent states that count as working for adherence (the routing engine's).
WORKING_STATES = frozenset(
    {"ready", "ringing", "talking", "on_hold", "after_call_work"}
)
#: Seconds between two progress writes of a running solve.
PROGRESS_INTERVAL = 0.5
#: Staff roles that are rostered.
ROSTERED_ROLES = (Role.AGENT, Role.SPECIALIST)


# --- call histories -----------------------------------------------------------


def _patience_rate(records: Sequence[hist.CallRecord]) -> tuple[float | None, int]:
    """Return the exponential patience MLE (abandoned / queue seconds) and abandons.

    Every queued caller contributes its wait (censored for the answered);
    None when no wait is recorded or nobody abandoned after queueing.
    """
    waited = 0.0
    gave_up = 0
    abandoned = 0
    for r in records:
        if r.abandoned:
            abandoned += 1
        if r.wait_seconds is None:
            continue
        waited += r.wait_seconds
        if r.abandoned:
            gave_up += 1
    if waited <= 0 or gave_up == 0:
        return None, abandoned
    return gave_up / waited, abandoned


def _history_error(exc: hist.HistoryFormatError) -> ValidationError:
    if exc.line is None:
        return ValidationError(
            _("The history file cannot be used: %(reason)s") % {"reason": exc.reason}
        )
    return ValidationError(
        _("Line %(line)s of the history file: %(reason)s")
        % {"line": exc.line, "reason": exc.reason}
    )


def parse_history(
    data: bytes, fmt: str, interval_minutes: int
) -> tuple[hist.IntervalHistory, float | None, int]:
    """Parse an uploaded file; return the binned history, patience and abandons.

    Raises a translated ValidationError naming the line of the first fault.
    """
    if fmt not in hist.FORMATS:
        raise ValidationError(_("Unknown history format."))
    if len(data) > MAX_HISTORY_BYTES:
        raise ValidationError(
            _("The history file is larger than %(mb)s MB.")
            % {"mb": MAX_HISTORY_BYTES // (1024 * 1024)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValidationError(
            _("Line %(line)s of the history file: the text is not UTF-8.")
            % {"line": line}
        ) from None
    try:
        lines = hist.split_lines(text)
        if fmt == "counts-csv":
            history = hist.load_history(text, fmt, interval_minutes)
            return history, None, 0
        records = (
            hist.parse_anonymous_bank(lines)
            if fmt == "anonymous-bank"
            else hist.parse_calls_csv(lines)
        )
        history = hist.bin_calls(records, interval_minutes)
    except hist.HistoryFormatError as exc:
        raise _history_error(exc) from None
    except ValueError as exc:
        raise ValidationError(
            _("The history file cannot be used: %(reason)s") % {"reason": exc}
        ) from None
    patience, abandoned = _patience_rate(records)
    return history, patience, abandoned


def import_call_history(
    user: User,
    data: bytes,
    *,
    fmt: str,
    interval_minutes: int,
    name: str,
    line: PublicLine | None,
) -> CallHistory:
    """Validate and store an uploaded call history; nothing is stored on error."""
    history, patience, abandoned = parse_history(data, fmt, interval_minutes)
    return CallHistory.objects.create(
        name=name[:200],
        line=line,
        file_format=fmt,
        interval_minutes=interval_minutes,
        first_day=history.first_day,
        days=history.days,
        calls=history.calls.tolist(),
        served=history.served.tolist(),
        handle_seconds=history.handle_seconds.tolist(),
        total_calls=int(history.calls.sum()),
        abandoned=abandoned,
        patience_rate=patience,
        uploaded_by=user,
    )


def access_history(history_id: int) -> CallHistory:
    """Return a stored history (shared by all planners) or raise 404."""
    found = CallHistory.objects.filter(pk=history_id).first()
    if found is None:
        raise Http404
    return found


def _stored_history(row: CallHistory) -> hist.IntervalHistory:
    return hist.IntervalHistory(
        first_day=row.first_day,
        interval_minutes=row.interval_minutes,
        calls=np.asarray(row.calls, dtype=np.float64),
        served=np.asarray(row.served, dtype=np.float64),
        handle_seconds=np.asarray(row.handle_seconds, dtype=np.float64),
    )


def journal_history(
    line: PublicLine, end: date, days: int, interval_minutes: int
) -> tuple[hist.IntervalHistory | None, float | None]:
    """Bin the line's phone contacts of ``days`` days before ``end`` (local time).

    Handling and queue times come from the telephony call records of the
    same calls, when the routing engine handled them. Returns (None, None)
    when the journal holds no such contact.
    """
    from infoline.telephony.models import CallRecord as EngineCall

    tz = timezone.get_current_timezone()
    since = timezone.make_aware(
        datetime.combine(end - timedelta(days=days), datetime.min.time()), tz
    )
    until = timezone.make_aware(datetime.combine(end, datetime.min.time()), tz)
    contacts = _contacts_of(line, since, until)
    if not contacts:
        return None, None
    call_ids = [c for _s, c in contacts if c]
    engine = {r.call_id: r for r in EngineCall.objects.filter(call_id__in=call_ids)}
    records: list[hist.CallRecord] = []
    for started, call_id in contacts:
        local = timezone.localtime(started, tz).replace(tzinfo=None)
        r = engine.get(call_id) if call_id else None
        handle: float | None = None
        wait: float | None = None
        abandoned = False
        if r is not None:
            if r.answered_at is not None:
                handle = max(0.0, r.ended_at - r.answered_at)
            abandoned = r.outcome == "abandoned"
            if r.queued_at is not None:
                stop = r.answered_at if r.answered_at is not None else r.ended_at
                wait = max(0.0, stop - r.queued_at)
        records.append(hist.CallRecord(local, handle, abandoned, wait))
    binned = hist.bin_calls(records, interval_minutes)
    patience, _abandoned = _patience_rate(records)
    return binned, patience


def _contacts_of(
    line: PublicLine, since: datetime, until: datetime
) -> list[tuple[datetime, str | None]]:
    from infoline.journal.choices import Channel
    from infoline.journal.models import Contact

    return list(
        Contact.objects.filter(
            line=line,
            channel=Channel.PHONE,
            started_at__gte=since,
            started_at__lt=until,
        ).values_list("started_at", "call_id")
    )


# --- staffing plan ------------------------------------------------------------


@dataclass(frozen=True)
class PlanInputs:
    """What a planner chose; percentages are whole-number percent."""

    line: PublicLine
    source: str  # JOURNAL or a CallHistory id as text
    start: date
    days: int
    interval_minutes: int
    volume_percent: float = 100.0
    aht_seconds: float | None = None  # None: the forecast's AHT
    target_level: float = 0.8
    target_seconds: float = 20.0
    patience_seconds: float | None = None  # None: estimated from history
    sickness: float = 0.0
    leave: float = 0.0
    training: float = 0.0
    attrition: float = 0.0
    hours_per_day: float = 8.0


@dataclass
class StaffingPlan:
    """The plan per interval and its totals."""

    inputs: PlanInputs
    starts: list[datetime]
    calls: list[float]
    aht: list[float]
    agents: list[int]
    actual: list[float | None] | None
    patience_rate: float
    patience_source: str
    backtest_wape: float | None
    history_days: int
    workload_hours: float
    scheduled_hours: float
    working_days: float
    fte: float
    shrinkage_total: float
    notes: list[str] = field(default_factory=list)

    @property
    def total_calls(self) -> float:
        """Return the forecast calls of the period (after the volume change)."""
        return float(sum(self.calls))

    @property
    def peak_agents(self) -> int:
        """Return the largest number of agents needed in one interval."""
        return max(self.agents, default=0)

    def rows(self) -> list[tuple[datetime, float, float, int]]:
        """Return (interval start, calls, AHT seconds, agents) per interval."""
        return list(zip(self.starts, self.calls, self.aht, self.agents, strict=True))


@functools.lru_cache(maxsize=100_000)
def _required_agents(
    calls: float,
    aht: float,
    interval_seconds: float,
    patience: float,
    level: float,
    target: float,
    start: int,
) -> int:
    """Return the fewest agents meeting the Erlang A service level.

    ``start`` is Erlang C's answer (computed for all intervals at once):
    abandonment moves the answer by a few agents at most, so stepping from
    it takes two or three Erlang A evaluations instead of the bisection's
    two dozen. Cached: a what-if on shrinkage alone re-staffs nothing.
    """
    if calls <= 0:
        return 0
    lam = calls / interval_seconds
    mu = 1.0 / aht

    def meets(n: int) -> bool:
        if patience <= 0 and n <= lam / mu:
            return False  # Erlang C: an unstable queue never meets a target
        result = erlang.erlang_a(lam, mu, patience, n, target_time=target)
        assert result.service_level is not None  # a target time was given
        return result.service_level >= level

    n = max(start, 1)
    if n > 1 and meets(n - 1):
        n -= 1
        while n > 1 and meets(n - 1):
            n -= 1
        return n
    while not meets(n):
        n += 1
    return n


def _staff(
    calls: npt.NDArray[np.float64],
    aht: npt.NDArray[np.float64],
    interval_seconds: float,
    patience: float,
    level: float,
    target: float,
) -> list[int]:
    """Return required agents per interval (0 where no calls are expected)."""
    busy = calls > 0
    starts = np.zeros(calls.shape, dtype=np.int64)
    if busy.any():
        # Erlang C takes one AHT for the whole array: the median gives a
        # start close to each interval's answer; stepping makes it exact.
        traffic = calls[busy] * aht[busy] / interval_seconds
        starts[busy] = erlang.agents_for_service_level(
            traffic, float(np.median(aht[busy])), level, target
        )
    return [
        _required_agents(
            float(c), float(a), interval_seconds, patience, level, target, int(n)
        )
        for c, a, n in zip(calls, aht, starts, strict=True)
    ]


def _history_for(
    inputs: PlanInputs,
) -> tuple[hist.IntervalHistory | None, float | None]:
    if inputs.source == JOURNAL:
        return journal_history(
            inputs.line, inputs.start, JOURNAL_DAYS, inputs.interval_minutes
        )
    row = access_history(int(inputs.source))
    return _stored_history(row), row.patience_rate


def _backtest(history: hist.IntervalHistory) -> float | None:
    folds = fc.backtest_folds(history.days).get("day-ahead", [])
    if not folds:
        return None
    try:
        return fc.backtest(history, fc.DEFAULT_METHOD, folds)
    except ValueError:
        return None


def _validate_inputs(inputs: PlanInputs) -> fte.Shrinkage:
    if not 0 < inputs.target_level < 1:
        raise ValidationError(
            _("The target service level must lie strictly between 0 and 100%.")
        )
    if inputs.target_seconds < 0:
        raise ValidationError(_("The target answer time cannot be negative."))
    if inputs.aht_seconds is not None and inputs.aht_seconds <= 0:
        raise ValidationError(_("The average handling time must be above zero."))
    if inputs.volume_percent < 0:
        raise ValidationError(_("The volume change cannot go below 0%."))
    if inputs.patience_seconds is not None and inputs.patience_seconds <= 0:
        raise ValidationError(_("The callers' mean patience must be above zero."))
    try:
        return fte.Shrinkage(
            inputs.sickness, inputs.leave, inputs.training, inputs.attrition
        )
    except ValueError:
        raise ValidationError(
            _(
                "Each shrinkage share must be from 0 to below 100%, and together "
                "below 100%."
            )
        ) from None


def _with_announced_peaks(
    result: fc.IntervalForecast, inputs: PlanInputs, notes: list[str]
) -> fc.IntervalForecast:
    """Add the announced peaks (K5) of the line to the forecast.

    An announcement names extra contacts per day; on each day it covers,
    the forecast calls inside its hours are scaled so they grow by that
    many (the day's shape kept). Announcements naming no line hold for
    every line.
    """
    from infoline.knowledge.models import PeakAnnouncement

    tz = timezone.get_current_timezone()
    first = datetime.combine(inputs.start, datetime.min.time())
    last = first + timedelta(days=inputs.days)
    found = (
        PeakAnnouncement.objects.filter(
            Q(lines=inputs.line) | Q(lines__isnull=True),
            expected_extra__gt=0,
            starts_at__lt=timezone.make_aware(last, tz),
            ends_at__gt=timezone.make_aware(first, tz),
        )
        .distinct()
        .order_by("starts_at")
    )
    step = timedelta(minutes=inputs.interval_minutes)
    per_day = result.calls.shape[1]
    peaks: list[fc.AnnouncedPeak] = []
    for announcement in found:
        start = timezone.localtime(announcement.starts_at, tz).replace(tzinfo=None)
        end = timezone.localtime(announcement.ends_at, tz).replace(tzinfo=None)
        extra = float(announcement.expected_extra or 0)
        for d in range(inputs.days):
            day = first + timedelta(days=d)
            lo, hi = max(start, day), min(end, day + timedelta(days=1))
            if lo >= hi:
                continue
            inside = [
                float(result.calls[d, j])
                for j in range(per_day)
                if lo <= day + j * step < hi
            ]
            base = sum(inside)
            if base <= 0:
                notes.append(
                    _(
                        "Announced peak “%(title)s” on %(day)s falls in hours "
                        "without forecast calls; it is not added."
                    )
                    % {"title": announcement.title, "day": day.date().isoformat()}
                )
                continue
            peaks.append(fc.AnnouncedPeak(lo, hi, 1.0 + extra / base))
        notes.append(
            _("Announced peak “%(title)s”: %(extra)s extra calls a day added.")
            % {"title": announcement.title, "extra": announcement.expected_extra}
        )
    return fc.apply_peaks(result, peaks) if peaks else result


def compute_staffing_plan(inputs: PlanInputs) -> StaffingPlan:
    """Forecast the period, staff every interval with Erlang A, sum up to FTE.

    Raises a translated ValidationError for unusable inputs or history.
    """
    shrinkage = _validate_inputs(inputs)
    history, estimated_patience = _history_for(inputs)
    if history is None or history.calls.sum() <= 0:
        raise ValidationError(
            _(
                "There is no call history for this line before %(day)s: import a "
                "history file or choose another source."
            )
            % {"day": inputs.start.isoformat()}
        )
    if history.interval_minutes != inputs.interval_minutes:
        raise ValidationError(
            _("The history is binned in %(n)s-minute intervals; plan with those.")
            % {"n": history.interval_minutes}
        )
    try:
        result = fc.forecast(history, inputs.start, inputs.days)
    except ValueError as exc:
        raise ValidationError(
            _("The forecast cannot be made: %(reason)s") % {"reason": exc}
        ) from None
    notes: list[str] = []
    result = _with_announced_peaks(result, inputs, notes)
    calls = result.calls.reshape(-1) * (inputs.volume_percent / 100.0)
    if inputs.aht_seconds is not None:
        aht: npt.NDArray[np.float64] = np.full(
            calls.shape, float(inputs.aht_seconds), dtype=np.float64
        )
    elif history.served.sum() <= 0:
        raise ValidationError(
            _("The history records no handling times: enter the average handling time.")
        )
    else:
        aht = result.aht_seconds.reshape(-1)
    if inputs.patience_seconds is not None:
        patience = 1.0 / inputs.patience_seconds
        patience_source = "input"
    elif estimated_patience is not None:
        patience = estimated_patience
        patience_source = "history"
    else:
        patience = 0.0
        patience_source = "none"
        notes.append(
            _(
                "The history records no abandonment: staffed with Erlang C (nobody "
                "hangs up), which needs somewhat more agents."
            )
        )
    seconds = inputs.interval_minutes * 60.0
    agents = _staff(
        calls, aht, seconds, patience, inputs.target_level, inputs.target_seconds
    )
    first = datetime.combine(inputs.start, datetime.min.time())
    step = timedelta(minutes=inputs.interval_minutes)
    starts = [first + i * step for i in range(len(agents))]
    # Forecast against actual: the days of the period the history covers
    # (gaps where it does not), None when it covers none.
    actual: list[float | None] | None = None
    offset = (inputs.start - history.first_day).days
    if offset < history.days and offset + inputs.days > 0:
        per_day = history.per_day
        actual = []
        for d in range(offset, offset + inputs.days):
            if 0 <= d < history.days:
                actual.extend(float(c) for c in history.calls[d])
            else:
                actual.extend([None] * per_day)
    working_days = inputs.days * 5 / 7
    workload = float(np.sum(calls * aht)) / 3600.0
    hours = fte.scheduled_hours(agents, inputs.interval_minutes)
    needed = fte.fte(hours, working_days, inputs.hours_per_day, shrinkage)
    return StaffingPlan(
        inputs=inputs,
        starts=starts,
        calls=[float(c) for c in calls],
        aht=[float(a) for a in aht],
        agents=agents,
        actual=actual,
        patience_rate=patience,
        patience_source=patience_source,
        backtest_wape=_backtest(history),
        history_days=history.days,
        workload_hours=workload,
        scheduled_hours=hours,
        working_days=working_days,
        fte=needed,
        shrinkage_total=shrinkage.total,
        notes=notes,
    )


# --- schedules ----------------------------------------------------------------

SHIFT_LENGTH = 8 * 60
#: The coarsest grid of a roster: the lunch break's length.
SCHEDULE_GRID = 30
LUNCH = sched.BreakRule(
    name="lunch",
    min_shift_minutes=6 * 60,
    lengths=(30,),
    earliest_offset=3 * 60,
    latest_end_offset=5 * 60 + 30,
)


def _templates(interval_minutes: int) -> list[sched.ShiftTemplate]:
    """Return eight-hour shifts starting every hour from 06:00 to 14:00."""
    return [
        sched.ShiftTemplate(f"{h:02d}:00", h * 60, SHIFT_LENGTH)
        for h in range(6, 15)
        if (h * 60) % interval_minutes == 0
    ]


def _rostered(team: Team) -> list[User]:
    return list(
        User.objects.filter(team=team, is_active=True, role__in=ROSTERED_ROLES)
        .select_related("work_contract")
        .order_by("last_name", "first_name", "username")
    )


def _roster_name(user: User) -> str:
    """Return the solver's name of an employee: readable in its messages, unique."""
    return f"{user.get_full_name() or user.username} (#{user.pk})"


def _employee(
    user: User, weeks_minutes: tuple[int, int], line: PublicLine
) -> sched.Employee:
    contract: WorkContract | None = getattr(user, "work_contract", None)
    low, high = weeks_minutes
    skills: frozenset[str] = frozenset({line.number})
    if contract is not None:
        low, high = contract.min_hours_per_week * 60, contract.max_hours_per_week * 60
        own = contract.skill_set()
        if own and line.number not in own:
            skills = frozenset()
    return sched.Employee(
        name=_roster_name(user),
        skills=skills,
        min_minutes_per_week=low,
        max_minutes_per_week=high,
    )


def access_schedule(schedule_id: int) -> Schedule:
    """Return a schedule (planners share them) or raise 404."""
    found = (
        Schedule.objects.select_related("line", "team").filter(pk=schedule_id).first()
    )
    if found is None:
        raise Http404
    return found


def create_schedule(
    user: User, inputs: PlanInputs, *, team: Team, weeks: int
) -> Schedule:
    """Compute the demand from the staffing plan and queue the solve.

    The plan covers ``weeks`` whole weeks from ``inputs.start``. With the
    immediate task backend (tests) the solve has ended when this returns.
    """
    from infoline.workforce.tasks import solve_schedule_task

    if not 1 <= weeks <= 4:
        raise ValidationError(_("A schedule covers 1 to 4 weeks."))
    if 1440 % inputs.interval_minutes or inputs.interval_minutes > 60:
        raise ValidationError(_("Schedules use intervals of 15, 30 or 60 minutes."))
    people = _rostered(team)
    if not people:
        raise ValidationError(
            _("Team %(team)s has no active agents or specialists to schedule.")
            % {"team": team.name}
        )
    plan = compute_staffing_plan(PlanInputs(**{**inputs.__dict__, "days": 7 * weeks}))
    # Breaks are 30 minutes long, so the roster's grid is at most 30 minutes;
    # an hourly plan's demand holds for both halves of its hour.
    grid = min(inputs.interval_minutes, SCHEDULE_GRID)
    demand = np.repeat(plan.agents, inputs.interval_minutes // grid).tolist()
    schedule = Schedule.objects.create(
        line=inputs.line,
        team=team,
        start=inputs.start,
        weeks=weeks,
        interval_minutes=grid,
        demand=demand,
        created_by=user,
    )
    solve_schedule_task.enqueue(schedule.pk)
    schedule.refresh_from_db()
    return schedule


class _Reporter:
    """Write solver progress to the schedule row and read its stop flag, throttled."""

    def __init__(self, schedule_id: int) -> None:
        self.schedule_id = schedule_id
        self.last = 0.0
        self.stop = False
        self.checked = 0.0
        self.latest: dict[str, Any] = {}

    def progress(self, p: sched.SolveProgress) -> None:
        self.latest = {
            "stage": p.stage,
            "solutions": p.solutions,
            "seconds": round(p.seconds, 1),
            "under_coverage": p.under_coverage,
            "objective": p.objective,
            "bound": p.bound,
        }
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        Schedule.objects.filter(pk=self.schedule_id).update(progress=self.latest)

    def should_stop(self) -> bool:
        now = time.monotonic()
        if not self.stop and now - self.checked >= PROGRESS_INTERVAL:
            self.checked = now
            self.stop = Schedule.objects.filter(
                pk=self.schedule_id, stop_requested=True
            ).exists()
        return self.stop


def _problem(schedule: Schedule, people: Sequence[User]) -> sched.ScheduleProblem:
    per_week = (0, 40 * 60)
    return sched.ScheduleProblem(
        start=schedule.start,
        weeks=schedule.weeks,
        demand={schedule.line.number: [int(a) for a in schedule.demand]},
        employees=[_employee(u, per_week, schedule.line) for u in people],
        templates=_templates(schedule.interval_minutes),
        breaks=(LUNCH,),
        interval_minutes=schedule.interval_minutes,
    )


def _at(start: date, minute: int) -> datetime:
    """Return the aware local time ``minute`` minutes after ``start``'s midnight.

    Added on the wall clock, so a shift keeps its clock times across a
    daylight-saving change.
    """
    naive = datetime.combine(start, datetime.min.time()) + timedelta(minutes=minute)
    return timezone.make_aware(naive, timezone.get_current_timezone())


def run_schedule_job(
    schedule_id: int, *, time_limit: float, workers: int
) -> Schedule | None:
    """Solve a queued schedule and store its shifts; None if it was not queued."""
    claimed = Schedule.objects.filter(
        pk=schedule_id, solve_status=Schedule.SolveStatus.QUEUED
    ).update(solve_status=Schedule.SolveStatus.RUNNING)
    if not claimed:
        return None
    schedule = access_schedule(schedule_id)
    people = _rostered(schedule.team)
    by_id = {_roster_name(u): u for u in people}
    reporter = _Reporter(schedule.pk)
    try:
        problem = _problem(schedule, people)
        solved = sched.solve_schedule(
            problem,
            time_limit=time_limit,
            num_workers=workers,
            progress=reporter.progress,
            should_stop=reporter.should_stop,
            clock=time.monotonic,  # the limit is wall time, not solver CPU time
        )
    except sched.ScheduleInfeasible as exc:
        schedule.solve_status = Schedule.SolveStatus.INFEASIBLE
        schedule.messages = list(exc.messages)
        schedule.save(update_fields=["solve_status", "messages"])
        return schedule
    except ValueError as exc:
        # Input the solver cannot take (e.g. a contract below zero hours).
        schedule.solve_status = Schedule.SolveStatus.FAILED
        schedule.messages = [str(exc)]
        schedule.save(update_fields=["solve_status", "messages"])
        return schedule
    except sched.ScheduleNotFound:
        schedule.solve_status = Schedule.SolveStatus.FAILED
        schedule.messages = [
            _("No schedule was found within the time limit; try fewer weeks.")
        ]
        schedule.save(update_fields=["solve_status", "messages"])
        return schedule
    except Exception:
        logger.exception("schedule %s: solve failed", schedule.pk)
        schedule.solve_status = Schedule.SolveStatus.FAILED
        schedule.save(update_fields=["solve_status"])
        raise
    with transaction.atomic():
        ShiftAssignment.objects.bulk_create(
            ShiftAssignment(
                schedule=schedule,
                user=by_id[a.employee],
                template=a.template,
                start=_at(schedule.start, a.start),
                end=_at(schedule.start, a.end),
                breaks=[
                    [
                        _at(schedule.start, b.start).isoformat(),
                        _at(schedule.start, b.end).isoformat(),
                    ]
                    for b in a.breaks
                ],
            )
            for a in solved.assignments
        )
        schedule.solve_status = (
            Schedule.SolveStatus.STOPPED
            if solved.stopped
            else Schedule.SolveStatus.DONE
        )
        schedule.under_coverage = solved.objective.under_coverage
        schedule.over_coverage = solved.objective.over_coverage
        schedule.messages = list(solved.warnings)
        schedule.progress = {
            **reporter.latest,
            "staffed": list(solved.staffed),
            "optimal": solved.optimal,
        }
        schedule.save(
            update_fields=[
                "solve_status",
                "under_coverage",
                "over_coverage",
                "messages",
                "progress",
            ]
        )
    return schedule


def stop_schedule(schedule: Schedule) -> None:
    """Ask a running solve to stop with its best schedule so far."""
    if not schedule.solving:
        raise ValidationError(_("This schedule is not being solved."))
    Schedule.objects.filter(pk=schedule.pk).update(stop_requested=True)
    # A solve still waiting for a worker ends here, with no schedule.
    Schedule.objects.filter(
        pk=schedule.pk, solve_status=Schedule.SolveStatus.QUEUED
    ).update(solve_status=Schedule.SolveStatus.STOPPED)


def publish_schedule(user: User, schedule: Schedule) -> None:
    """Publish a solved draft: its agents see their shifts from now on."""
    if schedule.status == Schedule.Status.PUBLISHED:
        raise ValidationError(_("This schedule is already published."))
    if (
        schedule.solve_status
        not in (
            Schedule.SolveStatus.DONE,
            Schedule.SolveStatus.STOPPED,
        )
        or not schedule.shifts.exists()
    ):
        raise ValidationError(_("Only a solved schedule with shifts can be published."))
    schedule.status = Schedule.Status.PUBLISHED
    schedule.published_at = timezone.now()
    schedule.published_by = user
    schedule.save(update_fields=["status", "published_at", "published_by"])


def staffed_per_interval(schedule: Schedule) -> list[int]:
    """Return agents on shift and not on a break, per interval of the horizon."""
    step = schedule.interval_minutes
    count = schedule.weeks * 7 * 1440 // step
    staffed = np.zeros(count, dtype=np.int64)
    origin = _at(schedule.start, 0)

    def index(moment: datetime) -> int:
        local = timezone.localtime(moment).replace(tzinfo=None)
        base = origin.replace(tzinfo=None)
        return int((local - base).total_seconds() // 60) // step

    for shift in schedule.shifts.all():
        a, b = index(shift.start), index(shift.end)
        staffed[max(a, 0) : min(b, count)] += 1
        for start, end in shift.breaks:
            ba = index(datetime.fromisoformat(start))
            bb = index(datetime.fromisoformat(end))
            staffed[max(ba, 0) : min(bb, count)] -= 1
    return [int(x) for x in staffed]


# --- swaps --------------------------------------------------------------------


def _clashes(user_id: int, shift: ShiftAssignment, leaving: Sequence[int]) -> bool:
    """Whether ``shift`` overlaps or leaves under 11 h of rest with the user's others."""
    rest = timedelta(hours=11)
    return (
        ShiftAssignment.objects.filter(
            user_id=user_id, schedule__status=Schedule.Status.PUBLISHED
        )
        .exclude(pk__in=leaving)
        .filter(start__lt=shift.end + rest, end__gt=shift.start - rest)
        .exists()
    )


def request_swap(
    user: User, shift: ShiftAssignment, other: ShiftAssignment, reason: str
) -> SwapRequest:
    """Ask to exchange one's own published shift with a colleague's."""
    if shift.user_id != user.pk:
        raise Http404
    if shift.schedule.status != Schedule.Status.PUBLISHED:
        raise Http404
    if other.schedule_id != shift.schedule_id or other.user_id == user.pk:
        raise ValidationError(
            _("Choose a colleague's shift in the same published schedule.")
        )
    if shift.start <= timezone.now() or other.start <= timezone.now():
        raise ValidationError(_("Shifts that have started cannot be swapped."))
    if SwapRequest.objects.filter(
        Q(shift=shift) | Q(other_shift=shift), status=SwapRequest.Status.PENDING
    ).exists():
        raise ValidationError(
            _("A swap of this shift is already waiting for approval.")
        )
    leaving = [shift.pk, other.pk]
    if _clashes(user.pk, other, leaving) or _clashes(other.user_id, shift, leaving):
        raise ValidationError(
            _(
                "After this swap someone would work overlapping shifts or rest less "
                "than 11 hours between them."
            )
        )
    return SwapRequest.objects.create(
        shift=shift, other_shift=other, requested_by=user, reason=reason[:300]
    )


def access_swap(user: User, swap_id: int) -> SwapRequest:
    """Return a swap the user may decide: own team's (team lead) or any (supervisor)."""
    swap = (
        SwapRequest.objects.select_related("requested_by", "shift", "other_shift")
        .filter(pk=swap_id)
        .first()
    )
    if swap is None:
        raise Http404
    if user.role == Role.SUPERVISOR:
        return swap
    if swap.requested_by.team_id is None:
        raise Http404
    if not Team.objects.filter(pk=swap.requested_by.team_id, lead=user).exists():
        raise Http404
    return swap


def swaps_for(user: User) -> list[SwapRequest]:
    """Return the swaps ``user`` may decide, newest first."""
    found = SwapRequest.objects.select_related(
        "requested_by", "shift__user", "other_shift__user"
    )
    if user.role != Role.SUPERVISOR:
        found = found.filter(requested_by__team__lead=user)
    return list(found[:100])


@transaction.atomic
def decide_swap(user: User, swap: SwapRequest, *, approve: bool) -> None:
    """Approve (the shifts change hands) or reject a pending swap."""
    locked = SwapRequest.objects.select_for_update().get(pk=swap.pk)
    if locked.status != SwapRequest.Status.PENDING:
        raise ValidationError(_("This swap has already been decided."))
    if locked.requested_by_id == user.pk:
        raise ValidationError(_("A swap is approved by someone else than who asked."))
    if approve:
        shift = ShiftAssignment.objects.select_for_update().get(pk=locked.shift_id)
        other = ShiftAssignment.objects.select_for_update().get(
            pk=locked.other_shift_id
        )
        if shift.user_id != locked.requested_by_id:
            raise ValidationError(_("The shifts changed since the request; reject it."))
        leaving = [shift.pk, other.pk]
        if _clashes(shift.user_id, other, leaving) or _clashes(
            other.user_id, shift, leaving
        ):
            raise ValidationError(
                _(
                    "After this swap someone would work overlapping shifts or rest "
                    "less than 11 hours between them."
                )
            )
        shift.user_id, other.user_id = other.user_id, shift.user_id
        shift.save(update_fields=["user"])
        other.save(update_fields=["user"])
    locked.status = (
        SwapRequest.Status.APPROVED if approve else SwapRequest.Status.REJECTED
    )
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])


# --- adherence ----------------------------------------------------------------


@dataclass(frozen=True)
class AdherenceRow:
    """One agent's day: minutes scheduled, worked, in adherence; shares."""

    user: User | None  # None: the team's total
    scheduled: float
    worked: float
    in_adherence: float

    @property
    def adherence(self) -> float | None:
        """Return the share of scheduled work time spent working."""
        return self.in_adherence / self.scheduled if self.scheduled else None

    @property
    def conformance(self) -> float | None:
        """Return worked time over scheduled time (may exceed 1)."""
        return self.worked / self.scheduled if self.scheduled else None


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _overlap(xs: list[tuple[float, float]], ys: list[tuple[float, float]]) -> float:
    total = 0.0
    for a, b in xs:
        for c, d in ys:
            total += max(0.0, min(b, d) - max(a, c))
    return total


def adherence_for_day(team: Team, day: date) -> list[AdherenceRow]:
    """Compare the agents' recorded states with their published shifts on ``day``.

    Work time is a shift minus its breaks; an agent is in adherence while
    in a working state (ready, ringing, talking, on hold, after-call work)
    during work time. Times in seconds inside the day; rows in minutes.
    """
    from infoline.telephony.models import AgentStateInterval

    lo = _at(day, 0)
    hi = _at(day + timedelta(days=1), 0)
    lo_s, hi_s = lo.timestamp(), hi.timestamp()
    shifts = ShiftAssignment.objects.filter(
        schedule__team=team,
        schedule__status=Schedule.Status.PUBLISHED,
        start__lt=hi,
        end__gt=lo,
    ).select_related("user")
    planned: dict[int, list[tuple[float, float]]] = {}
    breaks: dict[int, list[tuple[float, float]]] = {}
    users: dict[int, User] = {}
    for s in shifts:
        users[s.user_id] = s.user
        planned.setdefault(s.user_id, []).append(
            (max(s.start.timestamp(), lo_s), min(s.end.timestamp(), hi_s))
        )
        for a, b in s.breaks:
            breaks.setdefault(s.user_id, []).append(
                (
                    datetime.fromisoformat(a).timestamp(),
                    datetime.fromisoformat(b).timestamp(),
                )
            )
    states = AgentStateInterval.objects.filter(
        agent_id__in=[str(u) for u in users], start__lt=hi_s, end__gt=lo_s
    ).values_list("agent_id", "state", "start", "end")
    working: dict[int, list[tuple[float, float]]] = {}
    for agent_id, state, start, end in states:
        if state in WORKING_STATES:
            working.setdefault(int(agent_id), []).append(
                (max(start, lo_s), min(end, hi_s))
            )
    rows: list[AdherenceRow] = []
    for uid, user in sorted(
        users.items(), key=lambda kv: kv[1].get_full_name() or kv[1].username
    ):
        shift_spans = _merge(planned[uid])
        off = _merge(breaks.get(uid, []))
        work = _merge(working.get(uid, []))
        scheduled = sum(b - a for a, b in shift_spans) - _overlap(shift_spans, off)
        worked = sum(b - a for a, b in work)
        inside = _overlap(work, shift_spans) - _overlap(work, off)
        rows.append(AdherenceRow(user, scheduled / 60, worked / 60, inside / 60))
    if rows:
        rows.append(
            AdherenceRow(
                None,
                sum(r.scheduled for r in rows),
                sum(r.worked for r in rows),
                sum(r.in_adherence for r in rows),
            )
        )
    return rows
