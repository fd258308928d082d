"""Timers of the journal: reminders and escalations no promise may miss.

* Deadlines (J9, J10, J6): a deferred answer's responsible person is reminded
  ``remind_days`` working days before the due date (the statutory rule's, or
  ``INFOLINE_DEADLINE_REMIND_DAYS``) and the team lead is told once the due
  date has passed. A new due date (an approved extension) re-arms both.
* Callbacks (C3): a scheduled callback whose window has passed is escalated
  to the team lead.
* Messages for colleagues (C6): a message still open after
  ``INFOLINE_MESSAGE_ESCALATE_HOURS`` working hours of the recipient's
  department is escalated to the team lead.

Every item is claimed with a conditional UPDATE checked by its row count
(healthchecks ``sendalerts``), so two workers never take the same item, and
is processed in one transaction that re-reads the row under lock, checks the
claim is still the worker's and the item still due, writes the notification,
the history row and the "done" mark together and releases the claim. A
worker that dies mid-batch leaves its claims to expire after the lease; the
next worker takes them again, and what the dead worker committed is done, so
every item is processed exactly once.
"""

from __future__ import annotations

import datetime
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from infoline.accounts.hours import Calendar
from infoline.journal.choices import CallbackStatus, ContactStatus
from infoline.journal.deadlines import calendar_of, rule_for
from infoline.journal.escalation import leads_for
from infoline.journal.models import (
    Callback,
    ColleagueMessage,
    Contact,
    ContactHistory,
    Notification,
)
from infoline.journal.worktime import working_days_until, working_time_between

__all__ = [
    "LEASE",
    "TimerItem",
    "claim_items",
    "process_item",
    "release_claims",
    "run_batch",
    "worker_name",
]

#: How long a claim protects an item; a worker silent for longer is dead.
LEASE = datetime.timedelta(minutes=5)

DEADLINE_REMINDER = "deadline_reminder"
DEADLINE_OVERDUE = "deadline_overdue"
CALLBACK_OVERDUE = "callback_overdue"
MESSAGE_UNHANDLED = "message_unhandled"


@dataclass(frozen=True)
class TimerItem:
    """One reminder or escalation a worker has claimed: its kind and row id."""

    kind: str
    pk: int


def worker_name() -> str:
    """A name unique to this process: host, pid and a random suffix."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _free(now: datetime.datetime, lease: datetime.timedelta, field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now - lease})


def _remind_days_default() -> int:
    return int(getattr(settings, "INFOLINE_DEADLINE_REMIND_DAYS", 2))


def _message_hours() -> float:
    return float(getattr(settings, "INFOLINE_MESSAGE_ESCALATE_HOURS", 4))


class _Calendars:
    """Department calendars and statutory rules, loaded once per batch."""

    def __init__(self) -> None:
        self._calendars: dict[int | None, Calendar] = {}
        self._remind: dict[tuple[str, int | None], int] = {}

    def of(self, department: Any) -> Calendar:
        key = department.pk if department is not None else None
        if key not in self._calendars:
            self._calendars[key] = calendar_of(department)
        return self._calendars[key]

    def remind_days(self, contact: Contact) -> int:
        key = (contact.type, contact.topic_id)
        if key not in self._remind:
            rule = rule_for(contact.type, contact.topic) if contact.type else None
            self._remind[key] = (
                rule.remind_days if rule is not None else _remind_days_default()
            )
        return self._remind[key]


# --- deadlines ------------------------------------------------------------


def _deadline_need(
    contact: Contact, now: datetime.datetime, cache: _Calendars
) -> str | None:
    """Which deadline timer ``contact`` needs now: overdue, reminder or none."""
    due = contact.due
    if contact.status != ContactStatus.DEFERRED_ANSWER or due is None:
        return None
    calendar = cache.of(contact.department)
    today = now.astimezone(calendar.zone).date()
    if due < today and contact.due_escalated_for != due:
        return DEADLINE_OVERDUE
    if (
        contact.due_reminded_for != due
        and contact.due_escalated_for != due
        and working_days_until(calendar, today, due) <= cache.remind_days(contact)
    ):
        return DEADLINE_REMINDER
    return None


def _claim_deadlines(
    worker: str,
    now: datetime.datetime,
    lease: datetime.timedelta,
    limit: int,
    cache: _Calendars,
) -> list[TimerItem]:
    today = timezone.localdate(now)
    # A reminder is due at most remind_days working days ahead; the window
    # below is generous in calendar days and the exact test is per contact.
    horizon = today + datetime.timedelta(days=3 * _remind_days_default() + 30)
    not_reminded = Q(due_reminded_for__isnull=True) | ~Q(due_reminded_for=F("due"))
    not_escalated = Q(due_escalated_for__isnull=True) | ~Q(due_escalated_for=F("due"))
    candidates = (
        Contact.objects.filter(
            status=ContactStatus.DEFERRED_ANSWER, due__isnull=False, due__lte=horizon
        )
        .filter(not_reminded | (Q(due__lte=today) & not_escalated))
        .filter(_free(now, lease, "timer_claimed_at"))
        .select_related("department", "topic__parent__parent")
        .order_by("due", "pk")[: limit * 5]
    )
    claimed: list[TimerItem] = []
    for contact in candidates:
        if len(claimed) >= limit:
            break
        need = _deadline_need(contact, now, cache)
        if need is None:
            continue
        won = (
            Contact.objects.filter(
                pk=contact.pk,
                status=ContactStatus.DEFERRED_ANSWER,
                due=contact.due,
            )
            .filter(_free(now, lease, "timer_claimed_at"))
            .update(timer_claimed_at=now, timer_claimed_by=worker)
        )
        if won == 1:
            claimed.append(TimerItem(need, contact.pk))
    return claimed


def _notify(
    user_ids: list[int],
    kind: str,
    *,
    contact_id: int | None = None,
    message_id: int | None = None,
) -> int:
    rows = [
        Notification(
            user_id=uid, contact_id=contact_id, message_id=message_id, kind=kind
        )
        for uid in dict.fromkeys(user_ids)
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def _process_deadline(
    worker: str, pk: int, now: datetime.datetime, cache: _Calendars
) -> bool:
    contact = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("department", "topic__parent__parent")
        .get(pk=pk)
    )
    if contact.timer_claimed_by != worker:
        return False  # the claim expired and another worker took it
    need = _deadline_need(contact, now, cache)
    assert contact.due is not None or need is None, "a need implies a due date"
    fields = ["timer_claimed_at", "timer_claimed_by"]
    if need == DEADLINE_REMINDER:
        recipients = [contact.assignee_id] if contact.assignee_id else []
        if not recipients:
            recipients = leads_for(department_id=contact.department_id)
        _notify(recipients, DEADLINE_REMINDER, contact_id=contact.pk)
        contact.due_reminded_for = contact.due
        fields.append("due_reminded_for")
    elif need == DEADLINE_OVERDUE:
        recipients = leads_for(
            user_id=contact.assignee_id, department_id=contact.department_id
        )
        _notify(recipients, DEADLINE_OVERDUE, contact_id=contact.pk)
        contact.due_escalated_for = contact.due
        contact.due_reminded_for = contact.due
        fields += ["due_escalated_for", "due_reminded_for"]
    if need is not None:
        assert contact.due is not None
        ContactHistory.objects.create(
            contact=contact,
            actor=None,
            act=need,
            old_status=contact.status,
            new_status=contact.status,
            reason=f"due {contact.due.isoformat()}",
        )
    contact.timer_claimed_at = None
    contact.timer_claimed_by = ""
    contact.save(update_fields=fields)
    return need is not None


# --- callbacks (C3) -------------------------------------------------------


def _overdue_callbacks(now: datetime.datetime, lease: datetime.timedelta) -> Q:
    return Q(
        status=CallbackStatus.SCHEDULED,
        escalated_at__isnull=True,
        window_end__lt=now,
    ) & _free(now, lease, "claimed_at")


def _claim_callbacks(
    worker: str, now: datetime.datetime, lease: datetime.timedelta, limit: int
) -> list[TimerItem]:
    condition = _overdue_callbacks(now, lease)
    candidates = list(
        Callback.objects.filter(condition)
        .order_by("window_end", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return [
        TimerItem(CALLBACK_OVERDUE, pk)
        for pk in candidates
        if Callback.objects.filter(condition, pk=pk).update(
            claimed_at=now, claimed_by=worker
        )
        == 1
    ]


def _process_callback(worker: str, pk: int, now: datetime.datetime) -> bool:
    callback = (
        Callback.objects.select_for_update(of=("self",))
        .select_related("contact")
        .get(pk=pk)
    )
    if callback.claimed_by != worker:
        return False
    due = (
        callback.status == CallbackStatus.SCHEDULED
        and callback.escalated_at is None
        and callback.window_end < now
    )
    fields = ["claimed_at", "claimed_by"]
    if due:
        contact = callback.contact  # None for the line's own callbacks (T6, T8)
        recipients = leads_for(
            user_id=callback.responsible_id,
            team_id=callback.team_id,
            department_id=contact.department_id if contact else None,
        )
        _notify(
            recipients, CALLBACK_OVERDUE, contact_id=contact.pk if contact else None
        )
        if contact is not None:
            ContactHistory.objects.create(
                contact=contact,
                actor=None,
                act=CALLBACK_OVERDUE,
                old_status=contact.status,
                new_status=contact.status,
                reason=f"callback #{callback.pk}",
            )
        callback.escalated_at = now
        fields.append("escalated_at")
    callback.claimed_at = None
    callback.claimed_by = ""
    callback.save(update_fields=fields)
    return due


# --- messages for colleagues (C6) ------------------------------------------


def _message_due(
    message: ColleagueMessage, now: datetime.datetime, cache: _Calendars
) -> bool:
    if message.closed_at is not None or message.escalated_at is not None:
        return False
    calendar = cache.of(message.delivered_to.department)
    worked = working_time_between(calendar, message.created_at, now)
    return worked >= datetime.timedelta(hours=_message_hours())


def _claim_messages(
    worker: str,
    now: datetime.datetime,
    lease: datetime.timedelta,
    limit: int,
    cache: _Calendars,
) -> list[TimerItem]:
    # Working time never exceeds wall-clock time, so younger messages wait.
    oldest = now - datetime.timedelta(hours=_message_hours())
    condition = Q(
        closed_at__isnull=True, escalated_at__isnull=True, created_at__lte=oldest
    ) & _free(now, lease, "claimed_at")
    candidates = (
        ColleagueMessage.objects.filter(condition)
        .select_related("delivered_to__department")
        .order_by("created_at", "pk")[: limit * 5]
    )
    claimed: list[TimerItem] = []
    for message in candidates:
        if len(claimed) >= limit:
            break
        if not _message_due(message, now, cache):
            continue
        won = ColleagueMessage.objects.filter(condition, pk=message.pk).update(
            claimed_at=now, claimed_by=worker
        )
        if won == 1:
            claimed.append(TimerItem(MESSAGE_UNHANDLED, message.pk))
    return claimed


def _process_message(
    worker: str, pk: int, now: datetime.datetime, cache: _Calendars
) -> bool:
    message = (
        ColleagueMessage.objects.select_for_update(of=("self",))
        .select_related("delivered_to__department", "contact")
        .get(pk=pk)
    )
    if message.claimed_by != worker:
        return False
    due = _message_due(message, now, cache)
    fields = ["claimed_at", "claimed_by"]
    if due:
        recipient = message.delivered_to
        recipients = leads_for(
            user_id=recipient.user_id, department_id=recipient.department_id
        )
        _notify(
            recipients,
            MESSAGE_UNHANDLED,
            contact_id=message.contact_id,
            message_id=message.pk,
        )
        if message.contact is not None:
            ContactHistory.objects.create(
                contact=message.contact,
                actor=None,
                act=MESSAGE_UNHANDLED,
                old_status=message.contact.status,
                new_status=message.contact.status,
                reason=f"message #{message.pk}",
            )
        message.escalated_at = now
        fields.append("escalated_at")
    message.claimed_at = None
    message.claimed_by = ""
    message.save(update_fields=fields)
    return due


# --- the batch --------------------------------------------------------------


def claim_items(
    worker: str,
    now: datetime.datetime,
    *,
    limit: int = 100,
    lease: datetime.timedelta = LEASE,
    cache: _Calendars | None = None,
) -> list[TimerItem]:
    """Claim up to ``limit`` due items of each kind for ``worker``."""
    cache = cache or _Calendars()
    return [
        *_claim_deadlines(worker, now, lease, limit, cache),
        *_claim_callbacks(worker, now, lease, limit),
        *_claim_messages(worker, now, lease, limit, cache),
    ]


def process_item(
    worker: str,
    item: TimerItem,
    now: datetime.datetime,
    cache: _Calendars | None = None,
) -> bool:
    """Send one claimed item in one transaction; False if nothing was due any more."""
    cache = cache or _Calendars()
    with transaction.atomic():
        if item.kind in (DEADLINE_REMINDER, DEADLINE_OVERDUE):
            return _process_deadline(worker, item.pk, now, cache)
        if item.kind == CALLBACK_OVERDUE:
            return _process_callback(worker, item.pk, now)
        assert item.kind == MESSAGE_UNHANDLED, f"unknown timer kind {item.kind}"
        return _process_message(worker, item.pk, now, cache)


def run_batch(
    worker: str,
    *,
    now: datetime.datetime | None = None,
    limit: int = 100,
    lease: datetime.timedelta = LEASE,
    on_item: Callable[[int, int, TimerItem, bool], None] | None = None,
) -> dict[str, int]:
    """Claim and process one batch; return how many of each kind were sent.

    ``on_item(index, total, item, sent)`` is called after each item (progress
    output, throttling).
    """
    now = now or timezone.now()
    cache = _Calendars()
    items = claim_items(worker, now, limit=limit, lease=lease, cache=cache)
    sent: dict[str, int] = {}
    for index, item in enumerate(items, start=1):
        done = process_item(worker, item, now, cache)
        if done:
            sent[item.kind] = sent.get(item.kind, 0) + 1
        if on_item is not None:
            on_item(index, len(items), item, done)
    return sent


def release_claims(worker: str) -> int:
    """Give back every claim ``worker`` still holds (a clean stop); return how many."""
    free = {"claimed_at": None, "claimed_by": ""}
    return (
        Contact.objects.filter(timer_claimed_by=worker).update(
            timer_claimed_at=None, timer_claimed_by=""
        )
        + Callback.objects.filter(claimed_by=worker).update(**free)
        + ColleagueMessage.objects.filter(claimed_by=worker).update(**free)
    )
