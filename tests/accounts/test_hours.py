"""Tests of the pure opening-hours calendar (issue 3, deliverable 7; T12)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import holidays
import pytest
from dateutil.easter import easter as dateutil_easter  # type: ignore[import-untyped]  # no stubs pinned
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infoline.accounts.hours import (
    Calendar,
    Period,
    PeriodError,
    _segments,  # private, to pin the offset bisection
    add_working_days,
    describe_hours,
    format_period,
    is_holiday,
    is_open,
    next_closing,
    next_opening,
    periods_on,
    validate_periods,
)

VILNIUS = "Europe/Vilnius"
COPENHAGEN = "Europe/Copenhagen"


def p(start: str, end: str | None) -> Period:
    """Build a period from "HH:MM" strings; end None or "24:00" = midnight."""
    return Period(
        time.fromisoformat(start),
        None if end in (None, "24:00") else time.fromisoformat(end),
    )


def local(
    tz: str,
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    *,
    fold: int = 0,
) -> datetime:
    """Return an aware local datetime in the zone ``tz``."""
    return datetime(
        year, month, day, hour, minute, second, tzinfo=ZoneInfo(tz), fold=fold
    )


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """Return an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def same_instant(actual: datetime | None, expected: datetime) -> None:
    """Assert ``actual`` is ``expected`` as an instant, in the calendar's zone.

    Datetimes sharing a tzinfo compare by wall time and ignore ``fold``, so
    the comparison goes through UTC.
    """
    assert actual is not None
    assert actual.astimezone(UTC) == expected.astimezone(UTC)
    assert isinstance(actual.tzinfo, ZoneInfo)


def meeus_easter(year: int) -> date:
    """Return Gregorian Easter Sunday (Meeus/Jones/Butcher), as a reference."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def last_sunday(year: int, month: int) -> date:
    """Return the last Sunday of a month (the EU daylight-saving rule)."""
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


# A Lithuanian office: lunch break, shorter Friday, closed at weekends.
LT_OFFICE = Calendar(
    tz=VILNIUS,
    weekly={
        **{weekday: (p("08:00", "12:00"), p("12:45", "17:00")) for weekday in range(4)},
        4: (p("08:00", "12:00"), p("12:45", "15:45")),
    },
    country="LT",
)
# A Danish line open on weekdays.
DK_LINE = Calendar(
    tz=COPENHAGEN,
    weekly={weekday: (p("09:00", "15:00"),) for weekday in range(5)},
    country="DK",
)


# --- holidays ---------------------------------------------------------------


def test_reference_easter_agrees_with_dateutil_and_known_dates() -> None:
    assert meeus_easter(2026) == dateutil_easter(2026) == date(2026, 4, 5)
    assert meeus_easter(2027) == dateutil_easter(2027) == date(2027, 3, 28)
    for year in range(2000, 2061):
        assert meeus_easter(year) == dateutil_easter(year)


@pytest.mark.parametrize(
    ("day", "what"),
    [
        (date(2026, 12, 24), "Christmas Eve (Thursday)"),
        (date(2026, 4, 5), "Easter Sunday 2026"),
        (date(2026, 4, 6), "Easter Monday 2026"),
        (date(2027, 3, 28), "Easter Sunday 2027"),
        (date(2027, 3, 29), "Easter Monday 2027"),
        (date(2026, 6, 24), "Joninės (Wednesday)"),
        (date(2026, 11, 2), "All Souls' Day (Monday)"),
        (date(2026, 7, 6), "Statehood Day (Monday)"),
    ],
)
def test_lithuanian_holidays_are_closed(day: date, what: str) -> None:
    assert is_holiday(LT_OFFICE, day), what
    assert periods_on(LT_OFFICE, day) == ()
    assert not is_open(LT_OFFICE, local(VILNIUS, day.year, day.month, day.day, 10))


def test_lithuanian_weekday_next_to_a_holiday_is_open() -> None:
    # Tuesday after Easter Monday and the day after Joninės.
    assert is_open(LT_OFFICE, local(VILNIUS, 2026, 4, 7, 10))
    assert is_open(LT_OFFICE, local(VILNIUS, 2026, 6, 25, 10))
    assert not is_holiday(LT_OFFICE, date(2026, 4, 7))


@pytest.mark.parametrize("year", range(2020, 2036))
def test_movable_feasts_follow_easter(year: int) -> None:
    easter = meeus_easter(year)
    lithuanian = {easter, easter + timedelta(days=1)}
    assert all(is_holiday(LT_OFFICE, day) for day in lithuanian)
    danish = {
        "Maundy Thursday": easter - timedelta(days=3),
        "Good Friday": easter - timedelta(days=2),
        "Easter Monday": easter + timedelta(days=1),
        "Ascension Day": easter + timedelta(days=39),
        "Whit Monday": easter + timedelta(days=50),
    }
    for name, day in danish.items():
        assert is_holiday(DK_LINE, day), (name, day)
        assert day.weekday() < 5
        assert not is_open(DK_LINE, local(COPENHAGEN, day.year, day.month, day.day, 10))


def test_danish_great_prayer_day_abolished_from_2024() -> None:
    # Store Bededag, the fourth Friday after Easter, is a holiday until 2023
    # and an ordinary working day from 2024 (Lov nr. 170 of 24 February 2023).
    prayer_2023 = meeus_easter(2023) + timedelta(days=26)
    prayer_2024 = meeus_easter(2024) + timedelta(days=26)
    assert prayer_2023 == date(2023, 5, 5)
    assert prayer_2024 == date(2024, 4, 26)
    assert prayer_2023 in holidays.country_holidays("DK", years=2023)
    assert prayer_2024 not in holidays.country_holidays("DK", years=2024)
    assert is_holiday(DK_LINE, prayer_2023)
    assert not is_open(DK_LINE, local(COPENHAGEN, 2023, 5, 5, 10))
    assert not is_holiday(DK_LINE, prayer_2024)
    assert is_open(DK_LINE, local(COPENHAGEN, 2024, 4, 26, 10))


def test_no_country_means_no_holidays() -> None:
    calendar = Calendar(tz=VILNIUS, weekly={3: (p("08:00", "17:00"),)})
    assert not is_holiday(calendar, date(2026, 12, 24))
    assert is_open(calendar, local(VILNIUS, 2026, 12, 24, 10))


def test_holidays_can_be_ignored() -> None:
    calendar = Calendar(
        tz=VILNIUS,
        weekly={3: (p("08:00", "17:00"),)},
        country="LT",
        closed_on_holidays=False,
    )
    assert is_holiday(calendar, date(2026, 12, 24))
    assert is_open(calendar, local(VILNIUS, 2026, 12, 24, 10))


def test_holidays_of_a_subdivision() -> None:
    # Epiphany is a holiday in Bavaria but not in Berlin.
    weekly = {weekday: (p("08:00", "16:00"),) for weekday in range(5)}
    bavaria = Calendar("Europe/Berlin", weekly, country="DE", subdivision="BY")
    berlin = Calendar("Europe/Berlin", weekly, country="DE", subdivision="BE")
    tuesday = local("Europe/Berlin", 2026, 1, 6, 10)
    assert not is_open(bavaria, tuesday)
    assert is_open(berlin, tuesday)


# --- weekly hours, lunch break, exceptions ----------------------------------


def test_lunch_break_splits_the_day() -> None:
    monday = (2026, 11, 23)
    assert not is_open(LT_OFFICE, local(VILNIUS, *monday, 7, 59))
    assert is_open(LT_OFFICE, local(VILNIUS, *monday, 8, 0))
    assert is_open(LT_OFFICE, local(VILNIUS, *monday, 11, 59, 59))
    assert not is_open(LT_OFFICE, local(VILNIUS, *monday, 12, 0))
    assert not is_open(LT_OFFICE, local(VILNIUS, *monday, 12, 44))
    assert is_open(LT_OFFICE, local(VILNIUS, *monday, 12, 45))
    assert not is_open(LT_OFFICE, local(VILNIUS, *monday, 17, 0))
    same_instant(
        next_opening(LT_OFFICE, local(VILNIUS, *monday, 12, 10)),
        local(VILNIUS, *monday, 12, 45),
    )
    same_instant(
        next_closing(LT_OFFICE, local(VILNIUS, *monday, 9, 0)),
        local(VILNIUS, *monday, 12, 0),
    )
    same_instant(
        next_closing(LT_OFFICE, local(VILNIUS, *monday, 13, 0)),
        local(VILNIUS, *monday, 17, 0),
    )


def test_open_instant_is_its_own_next_opening_in_the_calendar_zone() -> None:
    at = utc(2026, 11, 23, 8, 30)  # 10:30 in Vilnius
    opening = next_opening(LT_OFFICE, at)
    same_instant(opening, at)
    assert opening is not None
    assert opening.tzinfo == ZoneInfo(VILNIUS)
    assert opening.hour == 10


def test_closed_instant_is_its_own_next_closing() -> None:
    at = local(VILNIUS, 2026, 11, 23, 12, 30)
    same_instant(next_closing(LT_OFFICE, at), at)


def test_instant_in_another_zone_is_judged_by_the_calendar_zone() -> None:
    # 07:30 in London is 09:30 in Vilnius.
    assert is_open(LT_OFFICE, local("Europe/London", 2026, 11, 23, 7, 30))
    assert not is_open(LT_OFFICE, utc(2026, 11, 23, 5, 30))  # 07:30 in Vilnius


def test_exception_closes_a_weekday() -> None:
    calendar = Calendar(
        tz=VILNIUS,
        weekly=LT_OFFICE.weekly,
        exceptions={date(2026, 11, 25): ()},
        country="LT",
    )
    assert not is_open(calendar, local(VILNIUS, 2026, 11, 25, 10))
    same_instant(
        next_opening(calendar, local(VILNIUS, 2026, 11, 24, 18)),
        local(VILNIUS, 2026, 11, 26, 8),
    )
    assert add_working_days(calendar, date(2026, 11, 24), 1) == date(2026, 11, 26)


def test_exception_gives_shorter_hours_on_a_weekday() -> None:
    calendar = Calendar(
        tz=VILNIUS,
        weekly=LT_OFFICE.weekly,
        exceptions={date(2026, 11, 25): (p("10:00", "13:00"),)},
        country="LT",
    )
    assert not is_open(calendar, local(VILNIUS, 2026, 11, 25, 9))
    assert is_open(calendar, local(VILNIUS, 2026, 11, 25, 12, 30))
    assert not is_open(calendar, local(VILNIUS, 2026, 11, 25, 14))
    same_instant(
        next_opening(calendar, local(VILNIUS, 2026, 11, 25, 8)),
        local(VILNIUS, 2026, 11, 25, 10),
    )
    same_instant(
        next_closing(calendar, local(VILNIUS, 2026, 11, 25, 10)),
        local(VILNIUS, 2026, 11, 25, 13),
    )


def test_exception_opens_a_holiday_but_it_stays_a_non_working_day() -> None:
    calendar = Calendar(
        tz=VILNIUS,
        weekly=LT_OFFICE.weekly,
        exceptions={date(2026, 12, 24): (p("09:00", "13:00"),)},
        country="LT",
    )
    assert is_open(calendar, local(VILNIUS, 2026, 12, 24, 10))
    assert not is_open(calendar, local(VILNIUS, 2026, 12, 24, 14))
    same_instant(
        next_opening(calendar, local(VILNIUS, 2026, 12, 23, 17)),
        local(VILNIUS, 2026, 12, 24, 9),
    )
    # Statutory deadlines still skip the holiday.
    assert add_working_days(calendar, date(2026, 12, 23), 1) == date(2026, 12, 28)


def test_overnight_stretch_closes_the_next_morning() -> None:
    calendar = Calendar(
        tz=VILNIUS,
        weekly={
            weekday: (p("00:00", "06:00"), p("22:00", None)) for weekday in range(7)
        },
    )
    assert is_open(calendar, local(VILNIUS, 2026, 11, 23, 23, 59, 59))
    assert is_open(calendar, local(VILNIUS, 2026, 11, 24, 0, 0))
    same_instant(
        next_closing(calendar, local(VILNIUS, 2026, 11, 23, 22, 30)),
        local(VILNIUS, 2026, 11, 24, 6),
    )


# --- long weekends and Christmas --------------------------------------------


def test_next_opening_over_lithuanian_easter_weekend() -> None:
    # Friday afternoon before Easter; Easter Monday is a holiday.
    same_instant(
        next_opening(LT_OFFICE, local(VILNIUS, 2026, 4, 3, 16)),
        local(VILNIUS, 2026, 4, 7, 8),
    )


def test_next_opening_over_danish_easter() -> None:
    # Wednesday evening before Maundy Thursday, Good Friday and Easter Monday.
    same_instant(
        next_opening(DK_LINE, local(COPENHAGEN, 2026, 4, 1, 15)),
        local(COPENHAGEN, 2026, 4, 7, 9),
    )


def test_next_opening_over_lithuanian_christmas() -> None:
    # 24, 25 and 26 December 2026 are Thursday to Saturday.
    same_instant(
        next_opening(LT_OFFICE, local(VILNIUS, 2026, 12, 23, 17)),
        local(VILNIUS, 2026, 12, 28, 8),
    )


def test_next_opening_over_danish_christmas() -> None:
    # Christmas Eve is no public holiday in Denmark; 25 and 26 December are.
    same_instant(
        next_opening(DK_LINE, local(COPENHAGEN, 2026, 12, 23, 16)),
        local(COPENHAGEN, 2026, 12, 24, 9),
    )
    same_instant(
        next_opening(DK_LINE, local(COPENHAGEN, 2026, 12, 24, 15)),
        local(COPENHAGEN, 2026, 12, 28, 9),
    )


def test_next_opening_over_new_year() -> None:
    same_instant(
        next_opening(LT_OFFICE, local(VILNIUS, 2026, 12, 31, 17)),
        local(VILNIUS, 2027, 1, 4, 8),
    )


def test_never_open_calendar_has_no_next_opening() -> None:
    assert next_opening(Calendar(tz=VILNIUS, weekly={}), utc(2026, 1, 1)) is None


def test_opening_beyond_the_horizon_is_not_found() -> None:
    far = date(2028, 1, 3)
    calendar = Calendar(tz=VILNIUS, weekly={}, exceptions={far: (p("09:00", "10:00"),)})
    assert next_opening(calendar, utc(2026, 11, 23)) is None
    same_instant(next_opening(calendar, utc(2027, 6, 1)), local(VILNIUS, 2028, 1, 3, 9))


def test_always_open_calendar_has_no_next_closing() -> None:
    calendar = Calendar(tz="UTC", weekly={day: (p("00:00", None),) for day in range(7)})
    assert is_open(calendar, utc(2026, 3, 29, 1))
    assert next_closing(calendar, utc(2026, 3, 29, 1)) is None


# --- daylight-saving time ---------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_dst_changes_on_the_last_sundays_of_march_and_october(year: int) -> None:
    for tz in (VILNIUS, COPENHAGEN):
        zone = ZoneInfo(tz)
        for month, change in ((3, timedelta(hours=1)), (10, -timedelta(hours=1))):
            sunday = last_sunday(year, month)
            before = datetime.combine(sunday, time(0), tzinfo=zone).utcoffset()
            after = datetime.combine(sunday, time(12), tzinfo=zone).utcoffset()
            assert before is not None
            assert after is not None
            assert after - before == change


def sunday_calendar(tz: str, *periods: Period) -> Calendar:
    return Calendar(tz=tz, weekly={6: periods})


def test_vilnius_spring_forward_period_loses_the_missing_hour() -> None:
    # 29 March 2026: 03:00 EET (01:00 UTC) becomes 04:00 EEST.
    calendar = sunday_calendar(VILNIUS, p("02:00", "04:00"))
    assert not is_open(calendar, utc(2026, 3, 28, 23, 59))  # 01:59 EET
    assert is_open(calendar, utc(2026, 3, 29, 0, 0))  # 02:00 EET
    assert is_open(calendar, utc(2026, 3, 29, 0, 59, 59))  # 02:59:59 EET
    assert not is_open(calendar, utc(2026, 3, 29, 1, 0))  # 04:00 EEST
    same_instant(next_closing(calendar, utc(2026, 3, 29, 0, 30)), utc(2026, 3, 29, 1))


def test_vilnius_spring_forward_opening_in_the_gap_moves_to_its_end() -> None:
    calendar = sunday_calendar(VILNIUS, p("03:30", "05:00"))
    assert not is_open(calendar, utc(2026, 3, 29, 0, 30))  # 02:30 EET
    opening = next_opening(calendar, utc(2026, 3, 29, 0, 30))
    same_instant(opening, utc(2026, 3, 29, 1, 0))
    assert opening is not None
    assert (opening.hour, opening.minute) == (4, 0)
    assert opening.utcoffset() == timedelta(hours=3)
    same_instant(next_closing(calendar, opening), utc(2026, 3, 29, 2, 0))


def test_vilnius_spring_forward_weekday_hours_shift_to_summer_time() -> None:
    friday = next_opening(LT_OFFICE, local(VILNIUS, 2026, 3, 27, 7))
    monday = next_opening(LT_OFFICE, local(VILNIUS, 2026, 3, 27, 16))
    same_instant(friday, utc(2026, 3, 27, 6, 0))
    same_instant(monday, utc(2026, 3, 30, 5, 0))


def test_vilnius_fall_back_repeated_hour_is_open_twice() -> None:
    # 25 October 2026: 04:00 EEST (01:00 UTC) becomes 03:00 EET.
    calendar = sunday_calendar(VILNIUS, p("03:00", "04:00"))
    assert not is_open(calendar, utc(2026, 10, 24, 23, 59))  # 02:59 EEST
    assert is_open(calendar, utc(2026, 10, 25, 0, 30))  # 03:30 EEST
    assert is_open(calendar, utc(2026, 10, 25, 1, 30))  # 03:30 EET
    assert not is_open(calendar, utc(2026, 10, 25, 2, 0))  # 04:00 EET
    opening = next_opening(calendar, utc(2026, 10, 24, 23, 0))
    same_instant(opening, utc(2026, 10, 25, 0, 0))
    assert opening is not None
    assert opening.fold == 0
    same_instant(next_closing(calendar, opening), utc(2026, 10, 25, 2, 0))


def test_vilnius_fall_back_period_ending_in_repeated_hour_reopens() -> None:
    calendar = sunday_calendar(VILNIUS, p("00:00", "03:30"))
    closing = next_closing(calendar, local(VILNIUS, 2026, 10, 25, 1))
    same_instant(closing, utc(2026, 10, 25, 0, 30))  # first 03:30, EEST
    assert closing is not None
    reopening = next_opening(calendar, closing)
    same_instant(reopening, utc(2026, 10, 25, 1, 0))  # second 03:00, EET
    assert reopening is not None
    assert (reopening.hour, reopening.fold) == (3, 1)
    same_instant(next_closing(calendar, reopening), utc(2026, 10, 25, 1, 30))


def test_copenhagen_spring_forward_opening_in_the_gap_moves_to_its_end() -> None:
    # 29 March 2026: 02:00 CET (01:00 UTC) becomes 03:00 CEST.
    calendar = sunday_calendar(COPENHAGEN, p("02:30", "04:00"))
    assert not is_open(calendar, utc(2026, 3, 29, 0, 59))  # 01:59 CET
    opening = next_opening(calendar, utc(2026, 3, 29, 0, 0))
    same_instant(opening, utc(2026, 3, 29, 1, 0))
    assert opening is not None
    assert (opening.hour, opening.minute) == (3, 0)
    assert is_open(calendar, opening)
    same_instant(next_closing(calendar, opening), utc(2026, 3, 29, 2, 0))


def test_copenhagen_fall_back_repeated_half_hour_is_open_twice() -> None:
    # 25 October 2026: 03:00 CEST (01:00 UTC) becomes 02:00 CET.
    calendar = sunday_calendar(COPENHAGEN, p("02:00", "02:30"))
    assert is_open(calendar, utc(2026, 10, 25, 0, 15))  # 02:15 CEST
    assert not is_open(calendar, utc(2026, 10, 25, 0, 45))  # 02:45 CEST
    assert is_open(calendar, utc(2026, 10, 25, 1, 15))  # 02:15 CET
    assert is_open(calendar, local(COPENHAGEN, 2026, 10, 25, 2, 15, fold=1))
    same_instant(
        next_opening(calendar, utc(2026, 10, 25, 0, 45)), utc(2026, 10, 25, 1, 0)
    )


def test_copenhagen_fall_back_weekday_hours_shift_to_winter_time() -> None:
    same_instant(
        next_opening(DK_LINE, local(COPENHAGEN, 2026, 10, 23, 16)),
        utc(2026, 10, 26, 8, 0),
    )
    same_instant(
        next_closing(DK_LINE, local(COPENHAGEN, 2026, 10, 23, 10)),
        utc(2026, 10, 23, 13, 0),
    )


@pytest.mark.parametrize("tz", [VILNIUS, COPENHAGEN])
@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)])
def test_results_on_dst_days_round_trip_through_utc(tz: str, day: date) -> None:
    calendar = Calendar(
        tz=tz, weekly={6: tuple(p(f"{h:02d}:00", f"{h:02d}:30") for h in range(24))}
    )
    at = datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)
    for _ in range(30):
        opening = next_opening(calendar, at)
        assert opening is not None
        closing = next_closing(calendar, opening)
        assert closing is not None
        for moment in (opening, closing):
            again = moment.astimezone(UTC).astimezone(ZoneInfo(tz))
            assert (again.replace(tzinfo=None), again.fold) == (
                moment.replace(tzinfo=None),
                moment.fold,
            )
            assert again.utcoffset() == moment.utcoffset()
        assert closing.astimezone(UTC) - opening.astimezone(UTC) <= timedelta(
            minutes=30
        )
        at = closing.astimezone(UTC)


def test_offset_change_between_hourly_probes_is_found_exactly() -> None:
    # Probes run hourly from the start; a start 17 minutes past the hour puts
    # the 01:00 UTC change between two probes.
    segments = _segments(
        ZoneInfo(VILNIUS), utc(2026, 3, 29, 0, 17), utc(2026, 3, 29, 3)
    )
    assert segments == [
        (utc(2026, 3, 29, 0, 17), utc(2026, 3, 29, 1), timedelta(hours=2)),
        (utc(2026, 3, 29, 1), utc(2026, 3, 29, 3), timedelta(hours=3)),
    ]


def test_havana_day_starting_after_a_midnight_gap() -> None:
    # 8 March 2026: midnight CST (05:00 UTC) becomes 01:00 CDT, so the day
    # starts at 01:00 and a period 00:00-00:30 never happens.
    tz = "America/Havana"
    calendar = sunday_calendar(tz, p("00:00", "00:30"), p("00:45", "02:00"))
    assert not is_open(calendar, utc(2026, 3, 8, 4, 59))  # 23:59 CST Saturday
    opening = next_opening(calendar, utc(2026, 3, 8, 4, 0))
    same_instant(opening, utc(2026, 3, 8, 5, 0))
    assert opening is not None
    assert (opening.hour, opening.minute) == (1, 0)
    same_instant(next_closing(calendar, opening), utc(2026, 3, 8, 6, 0))


def test_havana_repeated_midnight_hour_is_open_twice() -> None:
    # 1 November 2026: 01:00 CDT (05:00 UTC) goes back to midnight CST.
    tz = "America/Havana"
    calendar = sunday_calendar(tz, p("00:00", "00:30"))
    same_instant(next_opening(calendar, utc(2026, 11, 1, 3)), utc(2026, 11, 1, 4))
    same_instant(next_closing(calendar, utc(2026, 11, 1, 4)), utc(2026, 11, 1, 4, 30))
    reopening = next_opening(calendar, utc(2026, 11, 1, 4, 30))
    same_instant(reopening, utc(2026, 11, 1, 5))
    assert reopening is not None
    assert reopening.fold == 1
    same_instant(next_closing(calendar, reopening), utc(2026, 11, 1, 5, 30))


def test_santiago_repeated_hour_before_midnight_joins_the_next_day() -> None:
    # 4 April 2026, 24:00 -03 (03:00 UTC) goes back to 23:00 -04 on Saturday.
    tz = "America/Santiago"
    calendar = Calendar(
        tz=tz, weekly={5: (p("23:30", None),), 6: (p("00:00", "01:00"),)}
    )
    assert is_open(calendar, utc(2026, 4, 5, 2, 45))  # 23:45 -03
    assert not is_open(calendar, utc(2026, 4, 5, 3, 15))  # second 23:15 -04
    same_instant(next_opening(calendar, utc(2026, 4, 5, 3, 0)), utc(2026, 4, 5, 3, 30))
    same_instant(next_closing(calendar, utc(2026, 4, 5, 2, 45)), utc(2026, 4, 5, 3))
    same_instant(next_closing(calendar, utc(2026, 4, 5, 3, 45)), utc(2026, 4, 5, 5))


# --- bad input --------------------------------------------------------------


@pytest.mark.parametrize("function", [is_open, next_opening, next_closing])
def test_naive_datetime_is_rejected(function: object) -> None:
    with pytest.raises(ValueError, match=r"^2026-11-23T10:00:00 has no time zone"):
        function(LT_OFFICE, datetime(2026, 11, 23, 10))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        (
            [p("09:00", "12:00"), p("11:00", "14:00")],
            "09:00\N{EN DASH}12:00 overlaps 11:00\N{EN DASH}14:00",
        ),
        (
            [p("11:00", "14:00"), p("09:00", "12:00")],
            "09:00\N{EN DASH}12:00 overlaps 11:00\N{EN DASH}14:00",
        ),
        (
            [p("09:00", "12:00"), p("09:00", "12:00")],
            "09:00\N{EN DASH}12:00 overlaps 09:00\N{EN DASH}12:00",
        ),
        (
            [p("22:00", None), p("23:00", "23:30")],
            "22:00\N{EN DASH}24:00 overlaps 23:00\N{EN DASH}23:30",
        ),
        (
            [p("08:00", "10:00"), p("12:00", "09:00")],
            "12:00\N{EN DASH}09:00 ends before it starts",
        ),
        (
            [p("22:00", "00:00")],
            "22:00\N{EN DASH}00:00 ends before it starts",
        ),
        (
            [p("09:00", "09:00")],
            "09:00\N{EN DASH}09:00 ends when it starts",
        ),
        (
            [Period(time(9, tzinfo=UTC), time(10))],
            "09:00\N{EN DASH}10:00 has a time zone; "
            "opening hours are local wall-clock times",
        ),
    ],
)
def test_validate_periods_names_the_bad_periods(
    periods: list[Period], message: str
) -> None:
    with pytest.raises(PeriodError) as raised:
        validate_periods(periods)
    assert str(raised.value) == message
    assert raised.value.template % raised.value.params == message


def test_validate_periods_reports_inverted_before_overlap() -> None:
    with pytest.raises(PeriodError, match=r"^14:00\N{EN DASH}11:00 ends before"):
        validate_periods([p("09:00", "12:00"), p("14:00", "11:00")])


def test_validate_periods_keeps_the_template_for_translation() -> None:
    with pytest.raises(PeriodError) as raised:
        validate_periods([p("09:00", "12:00"), p("11:00", "14:00")])
    assert raised.value.template == "%(first)s overlaps %(second)s"
    assert raised.value.params == {
        "first": "09:00\N{EN DASH}12:00",
        "second": "11:00\N{EN DASH}14:00",
    }


def test_validate_periods_accepts_touching_and_empty() -> None:
    validate_periods([p("12:00", "14:00"), p("09:00", "12:00"), p("14:00", None)])
    validate_periods([])


def test_format_period_shows_seconds_only_when_present() -> None:
    assert format_period(p("09:00", None)) == "09:00\N{EN DASH}24:00"
    assert format_period(Period(time(9, 0, 30), time(10))) == (
        "09:00:30\N{EN DASH}10:00"
    )
    assert format_period(Period(time(9), time(10, 0, 0, 5))) == (
        "09:00\N{EN DASH}10:00:00.000005"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"weekly": {0: (p("09:00", "12:00"), p("11:00", "14:00"))}},
            "^weekday 0: 09:00\N{EN DASH}12:00 overlaps 11:00\N{EN DASH}14:00$",
        ),
        (
            {"weekly": {}, "exceptions": {date(2026, 12, 24): (p("13:00", "09:00"),)}},
            "^2026-12-24: 13:00\N{EN DASH}09:00 ends before it starts$",
        ),
        ({"weekly": {7: ()}}, r"^Weekday 7 is not 0 \(Monday\) ... 6 \(Sunday\)\.$"),
        (
            {"weekly": {}, "exceptions": {datetime(2026, 12, 24): ()}},
            r"^Exception key datetime\.datetime\(2026, 12, 24, 0, 0\) is not a date\.$",
        ),
        (
            {"weekly": {}, "tz": "Europe/Atlantis"},
            "^Unknown time zone 'Europe/Atlantis'",
        ),
        (
            {"weekly": {}, "country": "XX"},
            "^The holidays package knows no country 'XX'",
        ),
        (
            {"weekly": {}, "country": "DE", "subdivision": "ZZ"},
            "^The holidays package knows no country 'DE' with subdivision 'ZZ'",
        ),
        ({"weekly": {}, "subdivision": "BY"}, "^A subdivision needs a country"),
    ],
)
def test_calendar_rejects_bad_data(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"tz": VILNIUS, **kwargs}
    with pytest.raises(ValueError, match=message):
        Calendar(**arguments)  # type: ignore[arg-type]


def test_calendar_sorts_and_freezes_its_periods() -> None:
    weekly = {0: [p("13:00", "17:00"), p("08:00", "12:00")]}
    calendar = Calendar(tz=VILNIUS, weekly=weekly)  # type: ignore[arg-type]
    weekly[1] = [p("08:00", "09:00")]
    assert calendar.weekly == {0: (p("08:00", "12:00"), p("13:00", "17:00"))}
    with pytest.raises(TypeError):
        calendar.weekly[2] = ()  # type: ignore[index]


# --- working days -----------------------------------------------------------


def test_add_working_days_skips_weekends() -> None:
    # Thursday 26 November 2026 + 2 working days = Monday 30 November.
    assert add_working_days(LT_OFFICE, date(2026, 11, 26), 1) == date(2026, 11, 27)
    assert add_working_days(LT_OFFICE, date(2026, 11, 26), 2) == date(2026, 11, 30)
    assert add_working_days(LT_OFFICE, date(2026, 11, 28), 1) == date(2026, 11, 30)


def test_add_working_days_skips_holidays() -> None:
    # Christmas Eve to Boxing Day fall on Thursday to Saturday in 2026.
    assert add_working_days(LT_OFFICE, date(2026, 12, 23), 3) == date(2026, 12, 30)
    assert add_working_days(LT_OFFICE, date(2026, 4, 3), 1) == date(2026, 4, 7)
    # Store Bededag counts out in 2023 and counts in from 2024.
    assert add_working_days(DK_LINE, date(2023, 5, 4), 1) == date(2023, 5, 8)
    assert add_working_days(DK_LINE, date(2024, 4, 25), 1) == date(2024, 4, 26)
    # Ten working days from Tuesday 31 March 2026 over Danish Easter: 1 April,
    # then 7-10 and 13-17 April (2, 3 and 6 April are holidays).
    assert add_working_days(DK_LINE, date(2026, 3, 31), 10) == date(2026, 4, 17)


def test_add_working_days_zero_and_negative() -> None:
    assert add_working_days(LT_OFFICE, date(2026, 12, 25), 0) == date(2026, 12, 25)
    with pytest.raises(ValueError, match=r"^Cannot count -1 working days"):
        add_working_days(LT_OFFICE, date(2026, 12, 25), -1)


def test_add_working_days_on_a_calendar_without_working_days() -> None:
    with pytest.raises(ValueError, match=r"^No working day within 400 days after"):
        add_working_days(Calendar(tz=VILNIUS, weekly={}), date(2026, 1, 1), 1)


# --- describe_hours ---------------------------------------------------------


def test_describe_hours_lists_every_weekday_in_order() -> None:
    assert describe_hours(LT_OFFICE) == [
        (0, (p("08:00", "12:00"), p("12:45", "17:00"))),
        (1, (p("08:00", "12:00"), p("12:45", "17:00"))),
        (2, (p("08:00", "12:00"), p("12:45", "17:00"))),
        (3, (p("08:00", "12:00"), p("12:45", "17:00"))),
        (4, (p("08:00", "12:00"), p("12:45", "15:45"))),
        (5, ()),
        (6, ()),
    ]


# --- properties -------------------------------------------------------------

ZONES = [
    VILNIUS,
    COPENHAGEN,
    "UTC",
    "America/New_York",
    "Australia/Lord_Howe",  # half-hour daylight-saving shift
    "America/Havana",  # changes at midnight
    "America/Santiago",  # falls back from 24:00 to 23:00
]
DST_DAYS = [
    *(
        day
        for year in (2025, 2026, 2027)
        for day in (last_sunday(year, 3), last_sunday(year, 10))
    ),
    date(2026, 3, 8),  # Havana and New York spring forward
    date(2026, 11, 1),  # Havana and New York fall back
    date(2026, 4, 5),  # Santiago falls back, Lord Howe too
    date(2026, 9, 6),  # Santiago springs forward
    date(2026, 10, 4),  # Lord Howe springs forward
]


@st.composite
def day_periods(draw: st.DrawFn) -> tuple[Period, ...]:
    """Draw one day's valid periods on a quarter-hour grid."""
    marks = sorted(draw(st.lists(st.integers(0, 96), unique=True, max_size=6)))
    marks = marks[: len(marks) // 2 * 2]
    periods = []
    for start, end in zip(marks[::2], marks[1::2], strict=True):
        periods.append(
            Period(
                time(*divmod(start * 15, 60)),
                None if end == 96 else time(*divmod(end * 15, 60)),
            )
        )
    return tuple(periods)


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    """Draw a valid calendar with random hours, exceptions and holidays."""
    weekly = draw(st.dictionaries(st.integers(0, 6), day_periods(), max_size=7))
    exception_days = st.one_of(
        st.sampled_from(DST_DAYS), st.dates(date(2025, 1, 1), date(2027, 12, 31))
    )
    exceptions = draw(st.dictionaries(exception_days, day_periods(), max_size=4))
    return Calendar(
        tz=draw(st.sampled_from(ZONES)),
        weekly=weekly,
        exceptions=exceptions,
        country=draw(st.sampled_from([None, "LT", "DK"])),
    )


INPUT_ZONES: list[tzinfo] = [
    UTC,
    timezone(timedelta(hours=-5)),
    ZoneInfo("Asia/Tokyo"),
    ZoneInfo(VILNIUS),
]


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    """Draw an aware instant, often within hours of a DST change."""
    near_change = st.builds(
        lambda day, seconds: (
            datetime.combine(day, time(0), tzinfo=UTC) + timedelta(seconds=seconds)
        ),
        st.sampled_from(DST_DAYS),
        st.integers(-6 * 3600, 30 * 3600),
    )
    anywhere = st.datetimes(
        datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)
    )
    moment = draw(st.one_of(near_change, anywhere))
    return moment.astimezone(draw(st.sampled_from(INPUT_ZONES)))


def assert_constant(
    calendar: Calendar, start: datetime, end: datetime, expected: bool
) -> None:
    """Assert is_open is ``expected`` on a coarse sample of ``[start, end)``."""
    step = max((end - start) / 100, timedelta(minutes=7))
    moment = start
    while moment < end:
        assert is_open(calendar, moment) is expected, moment
        moment += step
    assert is_open(calendar, end - timedelta(microseconds=1)) is expected


@settings(
    max_examples=int(os.environ.get("HOURS_EXAMPLES", "250")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(calendar=calendars(), at=instants())
def test_next_opening_is_the_first_open_instant(
    calendar: Calendar, at: datetime
) -> None:
    zone = ZoneInfo(calendar.tz)
    start = at.astimezone(UTC)
    opening = next_opening(calendar, at)
    if opening is None:
        assert_constant(calendar, start, start + timedelta(days=30), expected=False)
        return
    assert opening.tzinfo == zone
    assert opening.astimezone(UTC).astimezone(zone).fold == opening.fold
    # Aware datetimes sharing a tzinfo compare by wall time, ignoring fold,
    # so instants are compared in UTC.
    assert opening.astimezone(UTC) >= start
    assert is_open(calendar, opening)
    if opening.astimezone(UTC) > start:
        assert_constant(calendar, start, opening.astimezone(UTC), expected=False)
    closing = next_closing(calendar, opening)
    if closing is None:
        return
    assert closing.tzinfo == zone
    assert closing.astimezone(UTC) > opening.astimezone(UTC)
    assert not is_open(calendar, closing)
    assert_constant(
        calendar, opening.astimezone(UTC), closing.astimezone(UTC), expected=True
    )
