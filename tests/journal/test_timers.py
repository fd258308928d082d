"""Issue 5 items 8-10 and "Durability": reminders and escalations, each exactly once.

Deadlines (J9, J10) are reminded before and escalated after the due date,
overdue callbacks (C3) and unhandled messages (C6, in working hours) go to the
team lead; claims are conditional updates with a lease. The last test kills a
real worker process mid-batch and proves every item is processed exactly once.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from infoline.accounts.hours import Calendar, Period
from infoline.accounts.models import (
    Department,
    Employee,
    OpeningCalendar,
    User,
    WeeklyPeriod,
)
from infoline.journal import timers
from infoline.journal.models import (
    Callback,
    ColleagueMessage,
    Contact,
    ContactHistory,
    DeadlineRule,
    Notification,
)
from infoline.journal.worktime import working_days_until, working_time_between

VILNIUS_TZ = "Europe/Vilnius"
EET = datetime.timezone(datetime.timedelta(hours=2))
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=EET)
ROOT = Path(__file__).resolve().parents[2]


def _weekdays_calendar() -> Calendar:
    day = (Period(datetime.time(8), datetime.time(17)),)
    return Calendar(tz=VILNIUS_TZ, weekly=dict.fromkeys(range(5), day), country="LT")


# --- the pure working-time helpers ------------------------------------------


def test_working_days_until_counts_after_today_up_to_the_due_date() -> None:
    calendar = _weekdays_calendar()
    friday = datetime.date(2026, 11, 27)
    assert working_days_until(calendar, friday, friday) == 0
    assert working_days_until(calendar, friday, datetime.date(2026, 11, 30)) == 1
    assert working_days_until(calendar, friday, datetime.date(2026, 11, 25)) == 0
    # 23 Dec, then 24-26 are holidays, 28 is the second working day.
    tuesday = datetime.date(2026, 12, 22)
    assert working_days_until(calendar, tuesday, datetime.date(2026, 12, 28)) == 2


def test_working_time_counts_only_opening_hours() -> None:
    calendar = _weekdays_calendar()
    friday_16 = datetime.datetime(2026, 11, 27, 16, 0, tzinfo=EET)
    monday_8 = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=EET)
    assert working_time_between(calendar, friday_16, monday_8) == datetime.timedelta(
        hours=1
    )
    assert working_time_between(
        calendar, friday_16, monday_8 + datetime.timedelta(hours=3)
    ) == datetime.timedelta(hours=4)
    assert working_time_between(calendar, monday_8, friday_16) == datetime.timedelta(0)


INSTANTS = st.datetimes(
    min_value=datetime.datetime(2026, 3, 20),
    max_value=datetime.datetime(2026, 11, 10),
    timezones=st.just(datetime.UTC),
)


@hypothesis_settings(deadline=None, max_examples=60)
@given(a=INSTANTS, b=INSTANTS, c=INSTANTS)
def test_working_time_is_additive_and_never_more_than_wall_time(
    a: datetime.datetime, b: datetime.datetime, c: datetime.datetime
) -> None:
    a, b, c = sorted([a, b, c])
    calendar = _weekdays_calendar()
    whole = working_time_between(calendar, a, c)
    assert whole == working_time_between(calendar, a, b) + working_time_between(
        calendar, b, c
    )
    assert datetime.timedelta(0) <= whole <= c - a


@hypothesis_settings(deadline=None, max_examples=60)
@given(
    start=st.dates(datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)),
    days=st.integers(min_value=0, max_value=40),
)
def test_working_days_until_inverts_add_working_days(
    start: datetime.date, days: int
) -> None:
    from infoline.accounts.hours import add_working_days

    calendar = _weekdays_calendar()
    due = add_working_days(calendar, start, days)
    assert working_days_until(calendar, start, due) == days


# --- deadlines ----------------------------------------------------------------


@pytest.fixture
def office(department: Department) -> Department:
    calendar = OpeningCalendar.objects.create(
        name="Office", country="LT", time_zone=VILNIUS_TZ
    )
    for day in range(5):
        WeeklyPeriod.objects.create(
            calendar=calendar,
            weekday=day,
            start=datetime.time(8),
            end=datetime.time(17),
        )
    department.calendar = calendar
    department.save()
    return department


def _deferred(agent: User, assignee: User, due: datetime.date, **kw: Any) -> Contact:
    return Contact.objects.create(
        agent=agent,
        assignee=assignee,
        status="deferred_answer",
        due=due,
        **kw,
    )


def _run(now: datetime.datetime, worker: str = "w1") -> dict[str, int]:
    with time_machine.travel(now, tick=False):
        return timers.run_batch(worker, now=now)


def test_deadline_reminder_comes_n_working_days_before_and_only_once(
    agent_a: User, agent_a2: User, office: Department
) -> None:
    DeadlineRule.objects.create(
        contact_type="complaint", department=office, working_days=20, remind_days=2
    )
    # Monday 23 Nov: Wednesday is 2 working days away, Thursday 3.
    soon = _deferred(
        agent_a,
        agent_a2,
        datetime.date(2026, 11, 25),
        type="complaint",
        department=office,
    )
    later = _deferred(
        agent_a,
        agent_a2,
        datetime.date(2026, 11, 26),
        type="complaint",
        department=office,
    )
    assert _run(MONDAY) == {"deadline_reminder": 1}
    reminder = Notification.objects.get(kind="deadline_reminder")
    assert (reminder.user_id, reminder.contact_id) == (agent_a2.pk, soon.pk)
    history = ContactHistory.objects.get(contact=soon)
    assert (history.act, history.actor_id, history.reason) == (
        "deadline_reminder",
        None,
        "due 2026-11-25",
    )
    assert _run(MONDAY + datetime.timedelta(minutes=1)) == {}
    assert _run(MONDAY + datetime.timedelta(days=1)) == {"deadline_reminder": 1}
    assert Notification.objects.filter(contact=later).count() == 1


def test_passed_deadline_escalates_to_the_team_lead_once_and_a_new_due_rearms(
    agent_a: User, team_lead: User, office: Department
) -> None:
    contact = _deferred(agent_a, agent_a, datetime.date(2026, 11, 20))  # Friday
    assert _run(MONDAY) == {"deadline_overdue": 1}
    escalation = Notification.objects.get(kind="deadline_overdue")
    assert (escalation.user_id, escalation.contact_id) == (team_lead.pk, contact.pk)
    assert _run(MONDAY + datetime.timedelta(hours=1)) == {}
    # An approved extension moves the due date: reminder and escalation re-arm.
    Contact.objects.filter(pk=contact.pk).update(due=datetime.date(2026, 11, 24))
    assert _run(MONDAY + datetime.timedelta(hours=2)) == {"deadline_reminder": 1}
    assert _run(MONDAY + datetime.timedelta(days=2)) == {"deadline_overdue": 1}
    acts = list(
        ContactHistory.objects.filter(contact=contact).values_list("act", flat=True)
    )
    assert acts == ["deadline_overdue", "deadline_reminder", "deadline_overdue"]


def test_closed_or_answered_contacts_get_no_timers(
    agent_a: User, team_lead: User
) -> None:
    past = datetime.date(2026, 11, 20)
    Contact.objects.create(
        agent=agent_a, status="closed", due=past, result="r", comment="c"
    )
    Contact.objects.create(
        agent=agent_a, status="under_review", assignee=agent_a, due=past
    )
    assert _run(MONDAY) == {}
    assert not Notification.objects.exists()


# --- callbacks (C3) -------------------------------------------------------------


def test_overdue_callback_escalates_to_the_team_lead_once(
    agent_a: User, team_lead: User
) -> None:
    contact = Contact.objects.create(agent=agent_a)
    start = MONDAY - datetime.timedelta(hours=3)
    overdue = Callback.objects.create(
        contact=contact,
        phone="+37061234567",
        window_start=start,
        window_end=start + datetime.timedelta(hours=1),
        responsible=agent_a,
    )
    Callback.objects.create(
        contact=contact,
        phone="+37061234567",
        window_start=start,
        window_end=start + datetime.timedelta(hours=1),
        responsible=agent_a,
        status="done",
    )
    Callback.objects.create(
        contact=contact,
        phone="+37061234567",
        window_start=MONDAY,
        window_end=MONDAY + datetime.timedelta(hours=1),
        responsible=agent_a,
    )
    assert _run(MONDAY) == {"callback_overdue": 1}
    overdue.refresh_from_db()
    assert overdue.escalated_at == MONDAY and overdue.claimed_by == ""
    note = Notification.objects.get(kind="callback_overdue")
    assert (note.user_id, note.contact_id) == (team_lead.pk, contact.pk)
    assert ContactHistory.objects.get(contact=contact).act == "callback_overdue"
    assert _run(MONDAY + datetime.timedelta(hours=1)) == {}


# --- messages for colleagues (C6) -----------------------------------------------


def test_unhandled_message_escalates_after_working_hours_of_the_department(
    agent_a: User, agent_a2: User, team_lead: User, office: Department, settings: Any
) -> None:
    settings.INFOLINE_MESSAGE_ESCALATE_HOURS = 4
    colleague = Employee.objects.create(
        first_name="Ona", last_name="Onaitė", department=office, user=agent_a2
    )
    friday_16 = datetime.datetime(2026, 11, 27, 16, 0, tzinfo=EET)
    with time_machine.travel(friday_16, tick=False):
        message = ColleagueMessage.objects.create(
            intended_for=colleague,
            delivered_to=colleague,
            taken_by=agent_a,
            caller_name="Jonas",
            phone="+37061234567",
            reason="Benefit",
        )
    monday_10 = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=EET)
    assert _run(monday_10) == {}  # 1 h on Friday + 2 h on Monday
    assert _run(monday_10 + datetime.timedelta(hours=1)) == {"message_unhandled": 1}
    note = Notification.objects.get(kind="message_unhandled")
    assert (note.user_id, note.message_id, note.contact_id) == (
        team_lead.pk,
        message.pk,
        None,
    )
    message.refresh_from_db()
    assert message.escalated_at is not None
    assert _run(monday_10 + datetime.timedelta(hours=5)) == {}


def test_a_closed_message_is_not_escalated(
    agent_a: User, agent_a2: User, team_lead: User, department: Department
) -> None:
    colleague = Employee.objects.create(
        first_name="O", last_name="O", user=agent_a2, department=department
    )
    with time_machine.travel(MONDAY - datetime.timedelta(days=7), tick=False):
        ColleagueMessage.objects.create(
            intended_for=colleague,
            delivered_to=colleague,
            taken_by=agent_a,
            caller_name="J",
            phone="+37061234567",
            reason="R",
            closed_at=timezone.now(),
            outcome="Called back",
        )
    assert _run(MONDAY) == {}


# --- claims -------------------------------------------------------------------------


def test_two_workers_never_take_the_same_item_and_a_dead_claim_expires(
    agent_a: User, team_lead: User
) -> None:
    contact = _deferred(agent_a, agent_a, datetime.date(2026, 11, 20))
    first = timers.claim_items("A", MONDAY)
    assert first == [timers.TimerItem("deadline_overdue", contact.pk)]
    assert timers.claim_items("B", MONDAY + datetime.timedelta(minutes=1)) == []
    # A dies; after the lease B takes the item again and A's late attempt is void.
    later = MONDAY + timers.LEASE + datetime.timedelta(seconds=1)
    second = timers.claim_items("B", later)
    assert second == first
    assert timers.process_item("A", first[0], later) is False
    assert timers.process_item("B", second[0], later) is True
    assert timers.process_item("B", second[0], later) is False
    assert Notification.objects.filter(kind="deadline_overdue").count() == 1


def test_the_command_prints_progress(agent_a: User, team_lead: User) -> None:
    _deferred(agent_a, agent_a, timezone.localdate() - datetime.timedelta(days=3))
    out = io.StringIO()
    call_command("run_journal_timers", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("[1/1] deadline_overdue #") and lines[0].endswith("sent")
    assert lines[-1] == "Batch done: 1 sent (deadline_overdue: 1)"


def test_the_periodic_task_runs_one_batch(agent_a: User, team_lead: User) -> None:
    contact = _deferred(
        agent_a, agent_a, timezone.localdate() - datetime.timedelta(days=3)
    )
    from infoline.journal.tasks import run_journal_timers_task

    result = run_journal_timers_task.enqueue(limit=10)
    assert result.return_value == {"deadline_overdue": 1}
    assert Notification.objects.get(kind="deadline_overdue").contact_id == contact.pk


# --- durability: a worker killed mid-batch ---------------------------------------

SEED = """
import datetime, django
django.setup()
from django.utils import timezone
from infoline.accounts.models import Department, Employee, Team, User
from infoline.journal.models import Callback, ColleagueMessage, Contact
team = Team.objects.create(name="T")
lead = User.objects.create(username="lead", role="team_lead", team=team)
team.lead = lead
team.save()
agent = User.objects.create(username="agent", role="agent", team=team)
past = timezone.localdate() - datetime.timedelta(days=2)
start = timezone.now() - datetime.timedelta(hours=3)
department = Department.objects.create(name="D", code="d")
colleague = Employee.objects.create(
    first_name="C", last_name="C", department=department, user=agent)
for i in range({n}):
    Contact.objects.create(agent=agent, assignee=agent, status="deferred_answer", due=past)
    Callback.objects.create(
        contact=Contact.objects.create(agent=agent), phone="+37061234567",
        window_start=start, window_end=start + datetime.timedelta(hours=1),
        responsible=agent,
    )
    message = ColleagueMessage.objects.create(
        contact=Contact.objects.create(agent=agent), intended_for=colleague,
        delivered_to=colleague, taken_by=agent, caller_name="J",
        phone="+37061234567", reason="R")
    # Ten days old: past the working hours whatever today is.
    ColleagueMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=10))
"""

REPORT = """
import json, django
django.setup()
from django.db.models import Count
from infoline.journal.models import (
    Callback, ColleagueMessage, Contact, ContactHistory, Notification)
print(json.dumps({
    "history": list(ContactHistory.objects.values("contact_id", "act")
        .annotate(n=Count("id")).values_list("contact_id", "act", "n")),
    "notes": list(Notification.objects.values("contact_id", "kind", "user_id")
        .annotate(n=Count("id")).values_list("contact_id", "kind", "n")),
    "claimed": Contact.objects.exclude(timer_claimed_by="").count()
        + Callback.objects.exclude(claimed_by="").count()
        + ColleagueMessage.objects.exclude(claimed_by="").count(),
    "deadlines_open": Contact.objects.filter(
        status="deferred_answer", due_escalated_for__isnull=True).count(),
    "callbacks_open": Callback.objects.filter(escalated_at__isnull=True).count(),
    "messages_open": ColleagueMessage.objects.filter(escalated_at__isnull=True).count(),
}))
"""


@pytest.fixture
def worker_database() -> Any:
    """A database of its own that worker processes share (file SQLite or PostgreSQL)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = f"infoline_timers_{uuid.uuid4().hex[:10]}"
        base = url.rsplit("/", 1)[0]
        # The maintenance database: the configured one may not exist in tests.
        admin = f"{base}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{base}/{name}"
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/timers.sqlite3"


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="infoline.settings_test",
        PYTHONUNBUFFERED="1",
    )
    return env


def _python(env: dict[str, str], code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    worker_database: str,
) -> None:
    items = 8  # of each kind: overdue deadlines, overdue callbacks, old messages
    kinds = 3
    env = _env(worker_database)
    migrated = _manage(env, "migrate", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    _python(env, SEED.format(n=items))
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_journal_timers",
            "--lease-seconds",
            "2",
            "--pause-between-items",
            "0.3",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    sent_before_kill = 0
    for line in worker.stdout:
        if line.rstrip().endswith("sent"):
            sent_before_kill += 1
        if sent_before_kill == 5:
            worker.send_signal(signal.SIGKILL)
            break
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    middle = json.loads(_python(env, REPORT))
    # The dead worker committed some items and left the rest claimed.
    open_items = (
        middle["deadlines_open"] + middle["callbacks_open"] + middle["messages_open"]
    )
    done_first = kinds * items - open_items
    assert 5 <= done_first < kinds * items
    assert middle["claimed"] == open_items
    # Before the lease runs out a second worker takes nothing that is claimed.
    early = _manage(env, "run_journal_timers", "--lease-seconds", "60")
    assert early.returncode == 0, early.stderr
    assert early.stdout.strip().endswith("Batch done: 0 sent (nothing due)")
    time.sleep(2.5)
    second = _manage(env, "run_journal_timers", "--lease-seconds", "2")
    assert second.returncode == 0, second.stderr
    assert f"Batch done: {open_items} sent" in second.stdout
    final = json.loads(_python(env, REPORT))
    assert final["deadlines_open"] == final["callbacks_open"] == 0
    assert final["messages_open"] == final["claimed"] == 0
    history = {(contact, act): n for contact, act, n in final["history"]}
    notes = {(contact, kind): n for contact, kind, n in final["notes"]}
    assert len(history) == kinds * items and set(history.values()) == {1}
    assert sorted(act for _c, act in history) == sorted(
        ["deadline_overdue"] * items
        + ["callback_overdue"] * items
        + ["message_unhandled"] * items
    )
    assert set(notes) == set(history) and set(notes.values()) == {1}


def test_sigterm_finishes_the_current_item_and_gives_back_the_rest(
    worker_database: str,
) -> None:
    items = 4
    env = _env(worker_database)
    migrated = _manage(env, "migrate", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    _python(env, SEED.format(n=items))
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_journal_timers",
            "--pause-between-items",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    first = worker.stdout.readline()
    assert first.rstrip().endswith("sent"), first
    worker.send_signal(signal.SIGTERM)
    rest, errors = worker.communicate(timeout=60)
    assert worker.returncode == 0, errors
    released = 3 * items - 1
    assert rest.strip() == (
        f"Stopped by SIGTERM after the current item; {released} claimed items released."
    )
    middle = json.loads(_python(env, REPORT))
    assert middle["claimed"] == 0
    # Nothing waits for a lease: the next worker sends the rest at once.
    second = _manage(env, "run_journal_timers")
    assert second.returncode == 0, second.stderr
    assert f"Batch done: {released} sent" in second.stdout
