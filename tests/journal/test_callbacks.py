"""Issue 5 item 9 (C1–C3) and "Durability": callbacks agreed, due, kept, never lost or double-sent."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from infoline.accounts.models import OpeningCalendar, PublicLine, User, WeeklyPeriod
from infoline.journal.models import Callback, Contact, Notification
from infoline.journal.services import (
    claim_callbacks_to_remind,
    due_callbacks,
    record_callback_attempt,
    remind_callback,
    schedule_callback,
)

VILNIUS = datetime.timezone(datetime.timedelta(hours=2))
MONDAY_10 = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=VILNIUS)


@pytest.fixture
def contact(agent_a: User) -> Contact:
    calendar = OpeningCalendar.objects.create(
        name="Centre", country="LT", time_zone="Europe/Vilnius"
    )
    for day in range(5):
        WeeklyPeriod.objects.create(
            calendar=calendar,
            weekday=day,
            start=datetime.time(8),
            end=datetime.time(17),
        )
    line = PublicLine.objects.create(
        name="General", number="+37052360780", calendar=calendar
    )
    return Contact.objects.create(agent=agent_a, line=line, phone="+37061234567")


def _schedule(
    agent: User,
    contact: Contact,
    start: datetime.datetime,
    hours: float = 1,
    **kw: object,
) -> Callback:
    return schedule_callback(
        agent,
        contact,
        phone="8 612 34567",
        window_start=start,
        window_end=start + datetime.timedelta(hours=hours),
        **kw,  # type: ignore[arg-type]
    )


def test_bad_windows_are_refused_and_nothing_saved(
    agent_a: User, contact: Contact
) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        with pytest.raises(
            ValidationError, match="The callback window ends before it starts."
        ):
            _schedule(
                agent_a, contact, MONDAY_10 + datetime.timedelta(hours=2), hours=-1
            )
        with pytest.raises(ValidationError, match="The callback time is in the past."):
            _schedule(agent_a, contact, MONDAY_10 - datetime.timedelta(hours=2))
        saturday = datetime.datetime(2026, 11, 28, 10, tzinfo=VILNIUS)
        with pytest.raises(ValidationError, match="outside the line's opening hours"):
            _schedule(agent_a, contact, saturday)
        with pytest.raises(ValidationError, match="is not a phone number"):
            schedule_callback(
                agent_a,
                contact,
                phone="+370 1",
                window_start=MONDAY_10 + datetime.timedelta(hours=1),
                window_end=MONDAY_10 + datetime.timedelta(hours=2),
            )
        assert not Callback.objects.exists()
        # A window that starts before opening but reaches into it is fine.
        early = _schedule(
            agent_a,
            contact,
            datetime.datetime(2026, 11, 24, 7, 0, tzinfo=VILNIUS),
            hours=2,
        )
        assert early.phone == "+37061234567" and early.responsible == agent_a


def test_due_list_and_attempts_until_kept(
    agent_a: User, agent_a2: User, contact: Contact
) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        mine = _schedule(agent_a, contact, MONDAY_10 + datetime.timedelta(minutes=10))
        later = _schedule(agent_a, contact, MONDAY_10 + datetime.timedelta(hours=3))
        team = _schedule(
            agent_a,
            contact,
            MONDAY_10 + datetime.timedelta(minutes=5),
            responsible=None,
            team=agent_a.team,
        )
        assert due_callbacks(agent_a) == [team, mine]  # the later one is not due yet
        assert due_callbacks(agent_a2) == [
            team
        ]  # the team's callback is every member's
        first = record_callback_attempt(agent_a, mine, "no_answer")
        assert (first.status, first.attempts) == ("scheduled", 1)
        kept = record_callback_attempt(agent_a, mine, "reached")
        assert kept.status == "done" and kept.on_time
        with pytest.raises(ValidationError, match="This callback is no longer open."):
            record_callback_attempt(agent_a, mine, "reached")
        for _ in range(3):
            result = record_callback_attempt(agent_a, later, "busy")
        assert result.status == "failed" and result.attempts == 3
        with pytest.raises(ValidationError, match="Choose the outcome of the call."):
            record_callback_attempt(agent_a, team, "telepathy")


def test_a_worker_dying_mid_batch_loses_nothing_and_sends_nothing_twice(
    agent_a: User, contact: Contact
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        callbacks = [
            _schedule(
                agent_a, contact, _next_open(start) + datetime.timedelta(minutes=i)
            )
            for i in range(6)
        ]
        due_at = max(c.window_start for c in callbacks)
        clock.move_to(due_at)
        now = timezone.now()
        a = claim_callbacks_to_remind("worker-a", now)
        assert sorted(a) == sorted(c.pk for c in callbacks)
        # A second worker finds nothing to take while A's claims are fresh.
        assert claim_callbacks_to_remind("worker-b", now) == []
        for pk in a[:2]:
            assert remind_callback("worker-a", pk, now)
        # Worker A dies here. After the lease, B takes exactly the unreminded ones.
        clock.shift(datetime.timedelta(minutes=6))
        later = timezone.now()
        b = claim_callbacks_to_remind("worker-b", later)
        assert sorted(b) == sorted(a[2:])
        # A wakes up late: its claims are gone, it sends nothing.
        assert not any(remind_callback("worker-a", pk, later) for pk in a[2:])
        for pk in b:
            assert remind_callback("worker-b", pk, later)
    sent = Notification.objects.filter(kind="callback_due").values_list(
        "contact_id", flat=True
    )
    assert len(sent) == 6  # exactly once per callback
    assert all(c.reminded_at for c in Callback.objects.all())


def _next_open(now: datetime.datetime) -> datetime.datetime:
    """A weekday 09:00 in Vilnius at least a day after ``now`` (inside the opening hours)."""
    day = timezone.localtime(now, VILNIUS).date() + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=VILNIUS)
