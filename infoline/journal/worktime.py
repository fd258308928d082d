"""Working days and working hours on an opening calendar (J9, J10, C6).

Pure module: no Django, no I/O, no wall clock; callers pass the calendar
(``infoline.accounts.hours.Calendar``) and the instants to judge.

Rules this module guarantees
============================
1. A working day is what ``hours.add_working_days`` counts (its rule 6): not
   a public holiday of the calendar's country and at least one opening
   period. :func:`working_days_until` counts them in ``(today, due]``, so a
   deadline tomorrow is 1 working day away and a deadline today 0.
2. Working time between two instants is the time the calendar is open
   between them (half-open periods, daylight-saving days as ``hours``
   defines them), so a message left on Friday evening has used no working
   time by Monday 08:00.

Keep in sync with: ``infoline/accounts/hours.py`` (the calendar rules) and
``infoline/journal/timers.py`` (the only caller).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from infoline.accounts.hours import (
    HORIZON_DAYS,
    Calendar,
    is_holiday,
    next_closing,
    next_opening,
    periods_on,
)

__all__ = ["is_working_day", "working_days_until", "working_time_between"]


def is_working_day(calendar: Calendar, day: date) -> bool:
    """Return whether ``day`` counts towards a statutory term (rule 1)."""
    return bool(periods_on(calendar, day)) and not is_holiday(calendar, day)


def working_days_until(calendar: Calendar, today: date, due: date) -> int:
    """Return the working days after ``today`` up to and including ``due``.

    0 when ``due`` is today or past. Counts at most :data:`HORIZON_DAYS`
    calendar days ahead (a deadline further away is "many days").
    """
    count = 0
    day = today
    limit = min(due, today + timedelta(days=HORIZON_DAYS))
    while day < limit:
        day += timedelta(days=1)
        if is_working_day(calendar, day):
            count += 1
    return count


def working_time_between(
    calendar: Calendar, start: datetime, end: datetime
) -> timedelta:
    """Return how long the calendar is open between the aware instants (rule 2).

    ``timedelta(0)`` when ``end`` is not after ``start``. Raises
    ``ValueError`` for naive instants (as ``hours`` does).
    """
    total = timedelta(0)
    at = start
    while at < end:
        opening = next_opening(calendar, at)
        if opening is None or opening >= end:
            break
        closing = next_closing(calendar, opening)
        stop = end if closing is None or closing > end else closing
        total += stop - opening
        at = stop
    return total
