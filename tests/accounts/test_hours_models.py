"""Issue 3 item 7 and "Bad input": opening hours as administrators edit them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from infoline.accounts.hours import Period, is_open
from infoline.accounts.models import (
    ExceptionDay,
    ExceptionPeriod,
    OpeningCalendar,
    User,
    WeeklyPeriod,
)
from tests.conftest import verified_client

T = datetime.time


@pytest.fixture
def calendar(db: None) -> OpeningCalendar:
    calendar = OpeningCalendar.objects.create(
        name="Centre", country="LT", time_zone="Europe/Vilnius"
    )
    WeeklyPeriod.objects.create(calendar=calendar, weekday=0, start=T(8), end=T(12))
    WeeklyPeriod.objects.create(
        calendar=calendar, weekday=0, start=T(12, 45), end=T(17)
    )
    return calendar


def test_models_convert_to_the_pure_calendar(calendar: OpeningCalendar) -> None:
    day = ExceptionDay.objects.create(
        calendar=calendar, date=datetime.date(2026, 11, 30), note="short day"
    )
    ExceptionPeriod.objects.create(day=day, start=T(8), end=T(12))
    ExceptionDay.objects.create(
        calendar=calendar, date=datetime.date(2026, 12, 7), note="closed"
    )
    plain = calendar.as_calendar()
    assert plain.weekly[0] == (Period(T(8), T(12)), Period(T(12, 45), T(17)))
    assert plain.exceptions[datetime.date(2026, 12, 7)] == ()
    vilnius = datetime.timezone(datetime.timedelta(hours=2))
    assert is_open(plain, datetime.datetime(2026, 11, 23, 12, 50, tzinfo=vilnius))
    assert not is_open(
        plain, datetime.datetime(2026, 11, 23, 12, 30, tzinfo=vilnius)
    )  # lunch
    assert not is_open(
        plain, datetime.datetime(2026, 11, 30, 13, 0, tzinfo=vilnius)
    )  # short day
    assert not is_open(
        plain, datetime.datetime(2026, 12, 7, 9, 0, tzinfo=vilnius)
    )  # closed day


def test_overlapping_period_is_refused(calendar: OpeningCalendar) -> None:
    period = WeeklyPeriod(calendar=calendar, weekday=0, start=T(11), end=T(14))
    with pytest.raises(ValidationError, match="08:00–12:00 overlaps 11:00–14:00"):
        period.full_clean()


def test_inverted_period_is_refused(calendar: OpeningCalendar) -> None:
    with pytest.raises(ValidationError, match="ends before it starts"):
        WeeklyPeriod(calendar=calendar, weekday=1, start=T(17), end=T(8)).full_clean()
    # "until 00:00" means until midnight, not an inverted period.
    late = WeeklyPeriod(calendar=calendar, weekday=1, start=T(22), end=T(0))
    late.full_clean()
    assert late.end is None


def test_unknown_zone_and_country_are_refused(db: None) -> None:
    with pytest.raises(ValidationError) as caught:
        OpeningCalendar(
            name="x", time_zone="Europe/Atlantis", country="QQ"
        ).full_clean()
    assert caught.value.message_dict == {
        "time_zone": ["“Europe/Atlantis” is not a known time zone."],
        "country": ["No public holidays are known for “QQ”."],
    }


def test_admin_refuses_overlapping_new_rows_saved_together(administrator: User) -> None:
    client: Client = verified_client(administrator)
    data = {
        "name": "New",
        "time_zone": "Europe/Vilnius",
        "country": "LT",
        "subdivision": "",
        "closed_on_holidays": "on",
        "weekly_periods-TOTAL_FORMS": "2",
        "weekly_periods-INITIAL_FORMS": "0",
        "weekly_periods-MIN_NUM_FORMS": "0",
        "weekly_periods-MAX_NUM_FORMS": "1000",
        "weekly_periods-0-weekday": "2",
        "weekly_periods-0-start": "08:00",
        "weekly_periods-0-end": "12:00",
        "weekly_periods-1-weekday": "2",
        "weekly_periods-1-start": "11:00",
        "weekly_periods-1-end": "13:00",
    }
    response = client.post("/admin/accounts/openingcalendar/add/", data)
    assert response.status_code == 200
    assert "08:00–12:00 overlaps 11:00–13:00" in response.content.decode()
    assert not OpeningCalendar.objects.filter(name="New").exists()


def test_calendar_page_lists_coming_lithuanian_holidays(
    agent_a: User, calendar: OpeningCalendar
) -> None:
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 12, 20, 10, tzinfo=datetime.UTC)):
        page = verified_client(agent_a).get(f"/hours/{calendar.pk}/").content.decode()
    assert "24 Dec 2026" in page  # Christmas Eve is a public holiday in Lithuania
    assert "Monday" in page and "08:00–12:00, 12:45–17:00" in page
