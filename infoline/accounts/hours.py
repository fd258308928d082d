"""Opening-hours calendars: is a line open, when does it open or close (T12).

Pure module: no Django, no I/O, no wall clock. Callers pass the instant to
judge; the Django layer converts the opening-hours models of
``infoline.accounts.models`` into a :class:`Calendar` and validates form
input with :func:`validate_periods`.

Rules this module guarantees
============================
1. Opening periods are local wall-clock times in the calendar's IANA zone.
   A period belongs to one local date and never crosses midnight; an
   overnight stretch is two periods (22:00-24:00 and 00:00-06:00 of the next
   day), and :func:`next_closing` joins them into one stretch.
2. The periods of a date are, in order of precedence: the date's own entry in
   ``Calendar.exceptions`` (``()`` = closed all day); nothing when the date is
   a public holiday and ``closed_on_holidays`` is set; otherwise the weekly
   periods of its weekday (a missing weekday = closed).
3. :func:`is_open` converts the instant to the calendar's zone and compares
   the local wall-clock time with the periods of the local date. Periods are
   half-open: a period 09:00-12:00 is open at 09:00 and closed at 12:00.
4. Daylight-saving time follows from rule 3:

   * Spring forward (e.g. Europe/Vilnius, last Sunday of March, 03:00 local
     jumps to 04:00): wall times in the gap never happen. A period
     02:00-04:00 is open for one real hour (02:00-03:00); a period starting
     inside the gap, say 03:30, opens at 04:00, the first existing instant
     after the gap.
   * Fall back (last Sunday of October, 04:00 local goes back to 03:00): the
     wall times 03:00-03:59 happen twice and a period covering them is open
     both times. Consequently a period ending inside the repeated hour, say
     00:00-03:30, closes at the first 03:30 and opens again at the second
     03:00 until the second 03:30 -- exactly what a clock on the wall shows.

5. :func:`next_opening` and :func:`next_closing` return aware datetimes in
   the calendar's zone (``ZoneInfo(calendar.tz)``) with the correct ``fold``,
   so they denote real instants and survive a round trip through UTC. They
   agree with :func:`is_open` instant by instant. Time zone transitions less
   than an hour apart are not detected (no zone has them today).
6. A working day (for statutory deadlines, :func:`add_working_days`) is a day
   that is not a public holiday of the calendar's country and has at least
   one opening period. A special opening on a holiday does not make it a
   working day: the law counts the holiday out whatever the office does.

Keep in sync with: the opening-hours models and their ``clean()`` in
``infoline/accounts/models.py`` (the rules for inverted and overlapping
periods must match :func:`validate_periods`, which :class:`Calendar` applies
again) and the translation catalogues (the messages of :class:`PeriodError` are marked with
``gettext_noop`` so ``makemessages`` collects them).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = [
    "HORIZON_DAYS",
    "Calendar",
    "Period",
    "PeriodError",
    "add_working_days",
    "describe_hours",
    "format_period",
    "is_holiday",
    "is_open",
    "next_closing",
    "next_opening",
    "periods_on",
    "validate_periods",
]

#: How far ahead :func:`next_opening` and :func:`next_closing` look, in days.
HORIZON_DAYS = 400

_HOUR = timedelta(hours=1)
_TICK = timedelta(microseconds=1)


def gettext_noop(message: str) -> str:
    """Return ``message`` unchanged; marks it for ``makemessages``.

    The pure core cannot import Django's translation machinery, so the Django
    layer translates ``PeriodError.template`` and interpolates ``params``.
    """
    return message


@dataclass(frozen=True)
class Period:
    """One opening period within a day, in local wall-clock time.

    ``start`` and ``end`` are naive ``time`` values. ``end`` is exclusive and
    ``None`` means 24:00, the midnight at the end of the day (``time(0)`` as
    an end would come before every start, so it is rejected as inverted).
    The constructor does not check the order; :func:`validate_periods` and
    :class:`Calendar` do.
    """

    start: time
    end: time | None

    def contains(self, moment: time) -> bool:
        """Return whether the wall-clock time ``moment`` lies in the period."""
        return self.start <= moment and (self.end is None or moment < self.end)


class PeriodError(ValueError):
    """A list of opening periods is inverted or overlapping (bad input).

    ``str(error)`` is the English message. ``template`` is the untranslated
    message with ``%(name)s`` placeholders and ``params`` fills them, so the
    Django layer can show ``gettext(error.template) % error.params``.
    """

    def __init__(self, template: str, **params: str) -> None:
        """Build the error from a message template and its parameters."""
        self.template = template
        self.params = params
        super().__init__(template % params)


def _format_time(moment: time | None) -> str:
    if moment is None:
        return "24:00"
    text = f"{moment.hour:02d}:{moment.minute:02d}"
    if moment.second or moment.microsecond:
        text += f":{moment.second:02d}"
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text


def format_period(period: Period) -> str:
    """Return the period as ``"09:00\N{EN DASH}12:00"``; ``None`` ends at 24:00."""
    return f"{_format_time(period.start)}\N{EN DASH}{_format_time(period.end)}"


def validate_periods(periods: Sequence[Period]) -> None:
    """Check one day's periods; raise :class:`PeriodError` naming the culprit.

    Rejected, in this order: a time carrying a ``tzinfo`` (periods are local
    wall-clock times), an inverted or empty period (end not after start), and
    two overlapping periods (the earlier-starting one is named first).
    Periods that only touch (09:00-12:00, 12:00-14:00) do not overlap.
    """
    for period in periods:
        if period.start.tzinfo is not None or (
            period.end is not None and period.end.tzinfo is not None
        ):
            raise PeriodError(
                gettext_noop(
                    "%(period)s has a time zone; opening hours are local "
                    "wall-clock times"
                ),
                period=format_period(period),
            )
    for period in periods:
        if period.end is not None and period.end < period.start:
            raise PeriodError(
                gettext_noop("%(period)s ends before it starts"),
                period=format_period(period),
            )
        if period.end is not None and period.end == period.start:
            raise PeriodError(
                gettext_noop("%(period)s ends when it starts"),
                period=format_period(period),
            )
    ordered = sorted(periods, key=lambda period: period.start)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.end is None or later.start < earlier.end:
            raise PeriodError(
                gettext_noop("%(first)s overlaps %(second)s"),
                first=format_period(earlier),
                second=format_period(later),
            )


def _normalise(periods: Sequence[Period], where: str) -> tuple[Period, ...]:
    try:
        validate_periods(periods)
    except PeriodError as error:
        # Calendars are built from validated models, so this is a programming
        # error rather than input to translate for a user.
        raise ValueError(f"{where}: {error}") from error
    return tuple(sorted(periods, key=lambda period: period.start))


@dataclass(frozen=True)
class Calendar:
    """The opening hours of a department or a public line.

    ``tz`` is an IANA zone name such as ``"Europe/Vilnius"``. ``weekly`` maps
    a weekday (0 = Monday ... 6 = Sunday) to its periods; a missing weekday is
    closed. ``exceptions`` maps a date to its own periods, which replace the
    weekly ones and override a holiday (``()`` = closed all day).
    ``country`` (ISO 3166-1 alpha-2) and ``subdivision`` select the public
    holidays of the ``holidays`` package; ``None`` = no holidays. With
    ``closed_on_holidays`` a holiday without an exception is closed.

    The constructor validates everything (``ValueError`` naming the field)
    and stores read-only copies with each day's periods sorted by start.
    """

    tz: str
    weekly: Mapping[int, tuple[Period, ...]]
    exceptions: Mapping[date, tuple[Period, ...]] = field(default_factory=dict)
    country: str | None = None
    subdivision: str | None = None
    closed_on_holidays: bool = True

    def __post_init__(self) -> None:
        """Validate the fields and freeze the mappings."""
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"Unknown time zone {self.tz!r}.") from error
        weekly: dict[int, tuple[Period, ...]] = {}
        for weekday, periods in self.weekly.items():
            if type(weekday) is not int or not 0 <= weekday <= 6:
                raise ValueError(
                    f"Weekday {weekday!r} is not 0 (Monday) ... 6 (Sunday)."
                )
            weekly[weekday] = _normalise(periods, f"weekday {weekday}")
        exceptions: dict[date, tuple[Period, ...]] = {}
        for day, periods in self.exceptions.items():
            # A datetime is a date too, but would never match a date key.
            if not isinstance(day, date) or isinstance(day, datetime):
                raise ValueError(f"Exception key {day!r} is not a date.")
            exceptions[day] = _normalise(periods, day.isoformat())
        if self.country is None and self.subdivision is not None:
            raise ValueError("A subdivision needs a country.")
        if self.country is not None:
            try:
                holidays.country_holidays(self.country, subdiv=self.subdivision)
            except NotImplementedError as error:
                raise ValueError(
                    f"The holidays package knows no country {self.country!r} "
                    f"with subdivision {self.subdivision!r}."
                ) from error
        object.__setattr__(self, "weekly", MappingProxyType(weekly))
        object.__setattr__(self, "exceptions", MappingProxyType(exceptions))

    @property
    def zone(self) -> ZoneInfo:
        """Return the calendar's time zone."""
        return ZoneInfo(self.tz)


@functools.lru_cache(maxsize=512)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """Return the public holidays of one country, subdivision and year."""
    found = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return frozenset(found.keys())


def is_holiday(calendar: Calendar, day: date) -> bool:
    """Return whether ``day`` is a public holiday in the calendar's country."""
    if calendar.country is None:
        return False
    return day in _holiday_dates(calendar.country, calendar.subdivision, day.year)


def periods_on(calendar: Calendar, day: date) -> tuple[Period, ...]:
    """Return the opening periods of a local date, sorted (rule 2)."""
    if day in calendar.exceptions:
        return calendar.exceptions[day]
    if calendar.closed_on_holidays and is_holiday(calendar, day):
        return ()
    return calendar.weekly.get(day.weekday(), ())


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{at.isoformat()} has no time zone; pass an aware datetime.")


def is_open(calendar: Calendar, at: datetime) -> bool:
    """Return whether the calendar is open at the aware instant ``at``.

    Raises ``ValueError`` for a naive ``at``. See rules 3 and 4 for the
    meaning of wall-clock periods on daylight-saving days.
    """
    _require_aware(at)
    local = at.astimezone(calendar.zone)
    moment = local.time()
    return any(period.contains(moment) for period in periods_on(calendar, local.date()))


# Instants are handled internally as aware UTC datetimes, where arithmetic is
# exact; local wall times as naive datetimes.


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None, "a ZoneInfo always has an offset"
    return offset


def _day_start(zone: ZoneInfo, day: date) -> datetime:
    """Return the first instant whose local date is ``day``.

    Local midnight may not exist (a spring-forward gap at midnight) or exist
    twice; the two folds bracket the answer either way.
    """
    candidates = sorted(
        datetime.combine(day, time(0, fold=fold), tzinfo=zone).astimezone(UTC)
        for fold in (0, 1)
    )
    for candidate in candidates:
        if candidate.astimezone(zone).date() == day:
            return candidate
    raise AssertionError(f"no instant of {day} found")  # pragma: no cover


def _segments(
    zone: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, timedelta]]:
    """Split ``[start, end)`` into pieces ``(a, b, offset)`` of constant offset.

    The offset is probed hourly and each change is located by bisection, so
    transitions closer than an hour are missed (rule 5).
    """
    segments = []
    seg_start, seg_offset = start, _offset(zone, start)
    probe = start  # invariant: _offset(zone, probe) == seg_offset
    while True:
        following = min(probe + _HOUR, end - _TICK)
        if following <= probe:
            break
        if _offset(zone, following) == seg_offset:
            probe = following
            continue
        low, high = probe, following  # the offset changes in (low, high]
        while high - low > _TICK:
            middle = low + (high - low) // 2
            if _offset(zone, middle) == seg_offset:
                low = middle
            else:
                high = middle
        segments.append((seg_start, high, seg_offset))
        seg_start, seg_offset = high, _offset(zone, high)
        probe = high
    segments.append((seg_start, end, seg_offset))
    return segments


def _open_intervals(
    calendar: Calendar, zone: ZoneInfo, day: date
) -> tuple[datetime, list[tuple[datetime, datetime]]]:
    """Return the day's first instant and its open intervals ``[a, b)`` in UTC.

    Each period of the day covers the instants whose local wall time lies in
    it: within a segment of constant offset ``o`` those are
    ``[start - o, end - o)`` (rules 3 and 4).
    """
    day_start = _day_start(zone, day)
    periods = periods_on(calendar, day)
    if not periods:
        return day_start, []
    day_end = _day_start(zone, day + timedelta(days=1))
    intervals = []
    for seg_start, seg_end, offset in _segments(zone, day_start, day_end):
        for period in periods:
            wall_start = datetime.combine(day, period.start, tzinfo=UTC)
            wall_end = (
                datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)
                if period.end is None
                else datetime.combine(day, period.end, tzinfo=UTC)
            )
            low = max(seg_start, wall_start - offset)
            high = min(seg_end, wall_end - offset)
            if low < high:
                intervals.append((low, high))
    intervals.sort()
    return day_start, intervals


def _days_from(day: date) -> Iterator[date]:
    # One day back, because a fall-back transition across midnight lets an
    # earlier local date follow a later one.
    for index in range(-1, HORIZON_DAYS + 1):
        yield day + timedelta(days=index)


def next_opening(calendar: Calendar, at: datetime) -> datetime | None:
    """Return the first instant at or after ``at`` when the calendar is open.

    That is ``at`` itself (in the calendar's zone) when open now, and ``None``
    when the calendar stays closed for :data:`HORIZON_DAYS` days. Raises
    ``ValueError`` for a naive ``at``. The result is aware, in
    ``ZoneInfo(calendar.tz)``; an opening inside a spring-forward gap is
    reported as the first instant after the gap (rule 4).
    """
    _require_aware(at)
    zone = calendar.zone
    if is_open(calendar, at):
        return at.astimezone(zone)
    now = at.astimezone(UTC)
    best: datetime | None = None
    for day in _days_from(now.astimezone(zone).date()):
        day_start, intervals = _open_intervals(calendar, zone, day)
        if best is not None and best <= day_start:
            break
        for low, high in intervals:
            if high > now:
                candidate = max(low, now)
                best = candidate if best is None else min(best, candidate)
    return None if best is None else best.astimezone(zone)


def next_closing(calendar: Calendar, at: datetime) -> datetime | None:
    """Return the first instant at or after ``at`` when the calendar is closed.

    When open, that is the end of the current open stretch, joining periods
    that meet (also across midnight); when closed, ``at`` itself in the
    calendar's zone. ``None`` when it stays open for :data:`HORIZON_DAYS`
    days. Raises ``ValueError`` for a naive ``at``. Aware result in
    ``ZoneInfo(calendar.tz)``.
    """
    _require_aware(at)
    zone = calendar.zone
    if not is_open(calendar, at):
        return at.astimezone(zone)
    end = at.astimezone(UTC)
    pool: list[tuple[datetime, datetime]] = []
    for day in _days_from(end.astimezone(zone).date()):
        day_start, intervals = _open_intervals(calendar, zone, day)
        if day_start > end:
            return end.astimezone(zone)
        pool.extend(intervals)
        pool.sort()
        for low, high in pool:
            if low <= end < high:
                end = high
    return None


def add_working_days(calendar: Calendar, start: date, days: int) -> date:
    """Return the date ``days`` working days after ``start`` (rule 6).

    ``start`` itself is not counted, as a statutory period starts on the day
    after the event; ``days == 0`` returns ``start``. Raises ``ValueError``
    for a negative ``days`` or when a run of :data:`HORIZON_DAYS` days without
    a working day shows the calendar has none.
    """
    if days < 0:
        raise ValueError(f"Cannot count {days} working days; the count must be >= 0.")
    day, remaining, idle = start, days, 0
    while remaining:
        day += timedelta(days=1)
        if periods_on(calendar, day) and not is_holiday(calendar, day):
            remaining -= 1
            idle = 0
        else:
            idle += 1
            if idle > HORIZON_DAYS:
                raise ValueError(
                    f"No working day within {HORIZON_DAYS} days after "
                    f"{(day - timedelta(days=idle)).isoformat()}."
                )
    return day


def describe_hours(calendar: Calendar) -> list[tuple[int, tuple[Period, ...]]]:
    """Return the weekly hours as ``[(weekday, periods), ...]`` for announcements.

    All seven weekdays in order, 0 = Monday ... 6 = Sunday, with ``()`` for a
    closed day, each day's periods sorted by start. Exceptions and holidays
    are left out: this is the regular schedule ("our hours are ...").
    """
    return [(weekday, calendar.weekly.get(weekday, ())) for weekday in range(7)]
