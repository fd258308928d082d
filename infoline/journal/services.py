"""Acts on contacts. Status changes go through the pure table in ``transitions``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from infoline.accounts.choices import Role
from infoline.accounts.models import User
from infoline.accounts.permissions import has_action
from infoline.journal import transitions as t
from infoline.journal.choices import CallbackOutcome, CallbackStatus
from infoline.journal.models import (
    Callback,
    ColleagueMessage,
    Contact,
    ContactHistory,
    Notification,
    Topic,
)

__all__ = [
    "KeptOnTime",
    "MemberLoad",
    "WorkList",
    "callbacks_kept_on_time",
    "claim_callbacks_to_remind",
    "close_message",
    "due_callbacks",
    "journal_page",
    "link_contacts",
    "open_contact",
    "open_messages",
    "perform_act",
    "person_history",
    "previous_handler",
    "read_message",
    "record_callback_attempt",
    "remind_callback",
    "save_journal",
    "schedule_callback",
    "schedule_line_callback",
    "search_topics",
    "state_of",
    "take_message",
    "team_overview",
    "work_list",
]


def state_of(contact: Contact) -> t.ContactState:
    """The lifecycle fields of ``contact`` as the pure table sees them."""
    extension = None
    if contact.extension_due is not None:
        assert contact.extension_requested_by_id is not None, (
            "a pending extension has a requester"
        )
        extension = t.ExtensionRequest(
            new_due=contact.extension_due,
            reason=contact.extension_reason,
            requested_by=contact.extension_requested_by_id,
        )
    return t.ContactState(
        status=t.Status(contact.status),
        assignee_id=contact.assignee_id,
        department_id=contact.department_id,
        due=contact.due,
        extension=extension,
        result=contact.result,
        comment=contact.comment,
    )


def _approvers(contact: Contact) -> list[int]:
    """Who approves results and extensions: team leads, supervisors, administrators."""
    roles = [Role.TEAM_LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR]
    return list(
        User.objects.filter(role__in=roles, is_active=True).values_list("pk", flat=True)
    )


def _department_members(department_id: int) -> list[int]:
    from infoline.accounts.models import Employee

    return list(
        Employee.objects.filter(
            department_id=department_id, user__isnull=False, active=True
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def perform_act(user: User, contact: Contact, act: t.Act) -> Contact:
    """Apply ``act`` to ``contact`` as ``user``: new state, history row and notifications.

    The caller has checked that the user may see the contact. An illegal act
    raises ``ValidationError`` with the table's translated message and
    changes nothing.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    try:
        new, effects = t.apply(
            state_of(contact),
            act,
            actor_role=user.role,
            actor_id=user.pk,
            today=timezone.localdate(),
        )
    except t.IllegalTransition as exc:
        raise ValidationError(gettext(exc.template) % exc.params) from None
    contact.status = new.status.value
    contact.assignee_id = new.assignee_id
    contact.department_id = new.department_id
    contact.due = new.due
    contact.extension_due = new.extension.new_due if new.extension else None
    contact.extension_reason = new.extension.reason if new.extension else ""
    contact.extension_requested_by_id = (
        new.extension.requested_by if new.extension else None
    )
    contact.result = new.result
    contact.comment = new.comment
    if new.status == t.Status.CLOSED and contact.closed_at is None:
        contact.closed_at = timezone.now()
    elif new.status != t.Status.CLOSED:
        contact.closed_at = None
    contact.save()
    recipients: dict[int, str] = {}
    for effect in effects:
        if isinstance(effect, t.RecordHistory):
            ContactHistory.objects.create(
                contact=contact,
                actor=user,
                act=effect.act.value,
                old_status=effect.old.value,
                new_status=effect.new.value,
                reason=effect.reason[:500],
            )
        elif isinstance(effect, t.Notify):
            recipients[effect.user_id] = effect.kind.value
        elif isinstance(effect, t.NotifyDepartment):
            for member in _department_members(effect.department_id):
                recipients.setdefault(member, effect.kind.value)
        elif isinstance(effect, t.NotifyApprovers):
            for approver in _approvers(contact):
                recipients.setdefault(approver, effect.kind.value)
    recipients.pop(user.pk, None)  # nobody is notified of their own act
    Notification.objects.bulk_create(
        [
            Notification(user_id=uid, contact=contact, kind=kind)
            for uid, kind in recipients.items()
        ]
    )
    return contact


def _note(contact: Contact, user: User | None, act: str, reason: str = "") -> None:
    """A history row for an act that does not change the status (J6: every act is in the history)."""
    ContactHistory.objects.create(
        contact=contact,
        actor=user,
        act=act,
        old_status=contact.status,
        new_status=contact.status,
        reason=reason[:500],
    )


# --- opening contacts (J1, J8) ----------------------------------------------------


def open_contact(
    agent: User,
    *,
    channel: str = "phone",
    phone: str = "",
    line_id: int | None = None,
    ivr_choice: str = "",
    call_id: str | None = None,
    person_id: int | None = None,
) -> Contact:
    """Register a new contact handled by ``agent`` (J1); a phone contact for an answered call (J8).

    ``phone`` must already be E.164 (or empty for an unknown number). With a
    ``call_id`` the act is idempotent: answering the same call twice (a
    telephony retry, a replayed event) returns the contact already opened.
    """
    from infoline.accounts.models import Employee

    if call_id:
        existing = Contact.objects.filter(call_id=call_id).first()
        if existing is not None:
            return existing
    position = (
        Employee.objects.filter(user=agent).values_list("position", flat=True).first()
        or ""
    )
    with transaction.atomic():
        contact = Contact.objects.create(
            agent=agent,
            agent_position=position,
            channel=channel,
            phone=phone,
            line_id=line_id,
            ivr_choice=ivr_choice[:100],
            call_id=call_id or None,
            person_id=person_id,
        )
        ContactHistory.objects.create(
            contact=contact,
            actor=agent,
            act="open",
            old_status=contact.status,
            new_status=contact.status,
        )
    return contact


def previous_handler(
    person_id: int, *, exclude_contact: int | None = None
) -> int | None:
    """The user who last handled a contact of the person (J5), for routing's preference."""
    contacts = Contact.objects.filter(person_id=person_id)
    if exclude_contact is not None:
        contacts = contacts.exclude(pk=exclude_contact)
    return (
        contacts.order_by("-started_at", "-pk")
        .values_list("agent_id", flat=True)
        .first()
    )


def search_topics(contact_type: str, query: str, limit: int = 15) -> list[Topic]:
    """Topics of ``contact_type`` whose name, parents or keywords hold every word (J2).

    Case and diacritics are ignored; an empty query lists the top-level topics.
    """
    from django.db.models import Q

    from infoline.lib.text import search_tokens

    topics = Topic.objects.filter(type=contact_type, active=True).select_related(
        "parent__parent"
    )
    tokens = search_tokens(query)
    if not tokens:
        return list(topics.filter(parent__isnull=True)[:limit])
    condition = Q()
    for token in tokens:
        condition &= Q(search_text__contains=token)
    return list(topics.filter(condition)[:limit])


# --- callbacks (C1–C3, T8) ------------------------------------------------------

REMIND_BEFORE = datetime.timedelta(minutes=15)
CLAIM_LEASE = datetime.timedelta(minutes=5)


def _window_meets_hours(
    contact: Contact, start: datetime.datetime, end: datetime.datetime
) -> bool:
    """Whether the line's (or the contact centre's) hours are open at some time in the window."""
    from infoline.accounts.hours import next_opening

    calendar = (
        contact.line.calendar
        if contact.line is not None and contact.line.calendar_id
        else None
    )
    if calendar is None:
        return True
    from infoline.accounts.services import prefetch_calendar

    plain = (
        prefetch_calendar(type(calendar).objects.filter(pk=calendar.pk))
        .get()
        .as_calendar()
    )
    opening = next_opening(plain, start)
    return opening is not None and opening < end


@transaction.atomic
def schedule_callback(
    user: User,
    contact: Contact,
    *,
    phone: str,
    window_start: datetime.datetime,
    window_end: datetime.datetime,
    responsible: User | None = None,
    team: Any = None,
    note: str = "",
) -> Callback:
    """Agree a callback with the citizen (C1): a window, a number, who calls.

    Refused with a specific message when the window is inverted, in the past,
    or entirely outside the line's opening hours; nothing is saved then.
    """
    from infoline.accounts.validators import normalize_phone

    now = timezone.now()
    if window_end <= window_start:
        raise ValidationError(gettext("The callback window ends before it starts."))
    if window_start < now - datetime.timedelta(minutes=1):
        raise ValidationError(gettext("The callback time is in the past."))
    if not _window_meets_hours(contact, window_start, window_end):
        raise ValidationError(
            gettext("The callback window is outside the line's opening hours.")
        )
    number = normalize_phone(phone)
    if not number:
        raise ValidationError(gettext("Give the number to call back."))
    callback = Callback.objects.create(
        contact=contact,
        phone=number,
        window_start=window_start,
        window_end=window_end,
        responsible=responsible
        if responsible is not None or team is not None
        else user,
        team=team,
        note=note.strip(),
    )
    _note(
        contact,
        user,
        "callback",
        f"{timezone.localtime(window_start):%Y-%m-%d %H:%M}"
        f"–{timezone.localtime(window_end):%H:%M}",
    )
    return callback


def due_callbacks(user: User, now: datetime.datetime | None = None) -> list[Callback]:
    """The user's callbacks to make now or within the reminder lead, oldest first (work list)."""
    from django.db.models import Q

    now = now or timezone.now()
    mine = Q(responsible=user)
    if user.team_id is not None:
        mine |= Q(responsible__isnull=True, team_id=user.team_id)
    if has_action(user, "desk.use"):
        # The line's own callbacks (T6, T8) are for whoever takes them first.
        mine |= Q(responsible__isnull=True, team__isnull=True, contact__isnull=True)
    return list(
        Callback.objects.filter(
            mine, status=CallbackStatus.SCHEDULED, window_start__lte=now + REMIND_BEFORE
        )
        .select_related("contact")
        .order_by("window_start")
    )


@transaction.atomic
def record_callback_attempt(user: User, callback: Callback, outcome: str) -> Callback:
    """Record one call attempt (C2, C3); reached → kept, else retried until attempts run out."""
    callback = Callback.objects.select_for_update().get(pk=callback.pk)
    if callback.status != CallbackStatus.SCHEDULED:
        raise ValidationError(gettext("This callback is no longer open."))
    if outcome not in CallbackOutcome.values:
        raise ValidationError(gettext("Choose the outcome of the call."))
    callback.attempts += 1
    callback.outcome = outcome
    if outcome in {CallbackOutcome.REACHED, CallbackOutcome.REACHED_PARTIAL}:
        callback.status = CallbackStatus.DONE
        callback.kept_at = timezone.now()
    elif callback.attempts >= callback.max_attempts:
        callback.status = CallbackStatus.FAILED
    if callback.responsible_id is None:
        callback.responsible = user  # whoever calls takes it on
    callback.save(
        update_fields=["attempts", "outcome", "status", "kept_at", "responsible"]
    )
    if callback.contact is not None:
        _note(callback.contact, user, "callback_attempt", outcome)
    return callback


def schedule_line_callback(
    *,
    phone: str,
    line_number: str,
    origin: str,
    call_id: str,
    at: datetime.datetime | None = None,
    window: datetime.timedelta = datetime.timedelta(hours=2),
) -> Callback | None:
    """A callback the line promised itself: a caller in the queue asked for one (T8),
    or a known number's call dropped (T6). Idempotent per call; an anonymous
    number gets none (there is nobody to call back)."""
    from infoline.accounts.models import PublicLine
    from infoline.accounts.validators import normalize_phone

    try:
        number = normalize_phone(phone) if phone else ""
    except ValidationError:
        number = ""
    if not number:
        return None
    start = at or timezone.now()
    callback, _created = Callback.objects.get_or_create(
        call_id=call_id,
        defaults={
            "phone": number,
            "line": PublicLine.objects.filter(number=line_number).first(),
            "origin": origin,
            "window_start": start,
            "window_end": start + window,
            "max_attempts": 3,
        },
    )
    return callback


def claim_callbacks_to_remind(
    worker: str, now: datetime.datetime, limit: int = 100
) -> list[int]:
    """Claim due, unreminded callbacks for ``worker``; return the ids it now owns.

    Each claim is a conditional UPDATE checked by its row count, so two workers
    never take the same callback; a claim older than ``CLAIM_LEASE`` (a worker
    that died mid-batch) may be taken again.
    """
    from django.db.models import Q

    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE)
    due = Q(
        status=CallbackStatus.SCHEDULED,
        reminded_at__isnull=True,
        window_start__lte=now + REMIND_BEFORE,
    )
    candidates = list(
        Callback.objects.filter(due & free)
        .order_by("window_start")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for pk in candidates:
        if (
            Callback.objects.filter(due & free, pk=pk).update(
                claimed_at=now, claimed_by=worker
            )
            == 1
        ):
            claimed.append(pk)
    return claimed


@transaction.atomic
def remind_callback(worker: str, callback_id: int, now: datetime.datetime) -> bool:
    """Send the reminder of a callback ``worker`` claimed; False if the claim was lost."""
    callback = Callback.objects.select_for_update().get(pk=callback_id)
    if callback.claimed_by != worker or callback.reminded_at is not None:
        return False
    recipients: list[int] = []
    if callback.responsible_id is not None:
        recipients = [callback.responsible_id]
    elif callback.team_id is not None:
        members = User.objects.filter(team_id=callback.team_id, is_active=True)
        recipients = list(members.values_list("pk", flat=True))
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=uid, contact_id=callback.contact_id, kind="callback_due"
            )
            for uid in recipients
            if uid
        ]
    )
    callback.reminded_at = now
    callback.claimed_at = None
    callback.claimed_by = ""
    callback.save(update_fields=["reminded_at", "claimed_at", "claimed_by"])
    return True


# --- messages for colleagues (C4–C6) ---------------------------------------------


@transaction.atomic
def take_message(
    user: User,
    intended_for: Any,
    *,
    caller_name: str,
    phone: str,
    reason: str,
    contact: Contact | None = None,
) -> ColleagueMessage:
    """Take a message for a colleague; it reaches them, or their substitute while they are away.

    Refused with a specific message when the caller's name, phone or reason is
    missing or the colleague is unknown or inactive; nothing is saved then.
    """
    from infoline.accounts.models import Employee
    from infoline.accounts.services import get_availability
    from infoline.accounts.validators import normalize_phone

    if (
        intended_for is None
        or not isinstance(intended_for, Employee)
        or not intended_for.active
    ):
        raise ValidationError(gettext("Choose the colleague the message is for."))
    if not caller_name.strip():
        raise ValidationError(gettext("Write the caller's name."))
    if not reason.strip():
        raise ValidationError(gettext("Write what the caller wants."))
    number = normalize_phone(phone)
    if not number:
        raise ValidationError(gettext("Give the number to call back."))
    availability = get_availability(intended_for)
    recipient = (
        availability.substitute
        if availability.away and availability.substitute
        else intended_for
    )
    message = ColleagueMessage.objects.create(
        contact=contact,
        intended_for=intended_for,
        delivered_to=recipient,
        taken_by=user,
        caller_name=caller_name.strip(),
        phone=number,
        reason=reason.strip(),
    )
    if contact is not None:
        _note(contact, user, "message", f"for employee #{intended_for.pk}")
    if recipient.user_id is not None and contact is not None:
        Notification.objects.create(
            user_id=recipient.user_id, contact=contact, kind="message_taken"
        )
    return message


def open_messages(user: User) -> list[ColleagueMessage]:
    """Messages delivered to the user (as employee) and not closed yet, oldest first."""
    return list(
        ColleagueMessage.objects.filter(delivered_to__user=user, closed_at__isnull=True)
        .select_related("intended_for")
        .order_by("created_at")
    )


@transaction.atomic
def read_message(user: User, message: ColleagueMessage) -> ColleagueMessage:
    """Read receipt: the first time the recipient opens it."""
    message = ColleagueMessage.objects.select_for_update().get(pk=message.pk)
    if message.delivered_to.user_id != user.pk:
        raise ValidationError(gettext("This message was delivered to someone else."))
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


@transaction.atomic
def close_message(
    user: User, message: ColleagueMessage, outcome: str
) -> ColleagueMessage:
    """The recipient called back: close with the outcome (C4)."""
    message = ColleagueMessage.objects.select_for_update().get(pk=message.pk)
    if message.delivered_to.user_id != user.pk:
        raise ValidationError(gettext("This message was delivered to someone else."))
    if message.closed_at is not None:
        raise ValidationError(gettext("This message is already closed."))
    if not outcome.strip():
        raise ValidationError(gettext("Write the outcome of the call back."))
    now = timezone.now()
    message.read_at = message.read_at or now
    message.closed_at = now
    message.outcome = outcome.strip()
    message.save(update_fields=["read_at", "closed_at", "outcome"])
    return message


# --- the agent desk: journal form, history, work list (J1, J2, J5) -------------


@transaction.atomic
def save_journal(
    user: User,
    contact: Contact,
    *,
    contact_type: str,
    topic_id: int | None,
    summary: str,
    notes: str,
    employer_code: str | None = None,
) -> Contact:
    """Record what the contact was about (J1, J2); refused with a specific message, nothing saved.

    ``employer_code`` names the employer the contact is about by its registry
    code ("" for none, ``None`` to leave it as it is).
    """
    from infoline.journal.choices import ContactType

    if not contact.is_open:
        raise ValidationError(gettext("This contact is closed."))
    if contact_type and contact_type not in ContactType.values:
        raise ValidationError(gettext("Choose the type of the contact."))
    topic = None
    if topic_id is not None:
        topic = Topic.objects.filter(pk=topic_id, active=True).first()
        if topic is None:
            raise ValidationError(gettext("The topic does not exist any more."))
        if contact_type and topic.type != contact_type:
            raise ValidationError(
                gettext("The topic belongs to another type of contact.")
            )
        contact_type = topic.type
    summary = summary.strip()
    if len(summary) > 500:
        raise ValidationError(
            gettext("The short content is too long (at most 500 characters).")
        )
    employer_id = contact.employer_id
    if employer_code is not None:
        from infoline.clients.models import Employer

        code = "".join(employer_code.split())
        employer_id = None
        if code:
            employer_id = (
                Employer.objects.filter(code=code).values_list("pk", flat=True).first()
            )
            if employer_id is None:
                raise ValidationError(
                    gettext("No employer in the registry has the code %(code)s.")
                    % {"code": code}
                )
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    contact.type = contact_type
    contact.topic = topic
    contact.summary = summary
    contact.notes = notes.strip()
    contact.employer_id = employer_id
    contact.save(update_fields=["type", "topic", "summary", "notes", "employer"])
    _note(contact, user, "journal", f"topic #{topic.pk}" if topic else "")
    return contact


def person_history(
    user: User, person: Any, contact: Contact | None, limit: int = 20
) -> tuple[int, list[Contact] | None]:
    """The person's earlier contacts (J5): how many, and the list when the gate allows.

    Their contents are case data (A3): the list is returned, and the look
    logged, only when ``user`` may see that category; otherwise ``None``.
    """
    from infoline.clients.choices import DataCategory
    from infoline.clients.services import disclose_category

    earlier = Contact.objects.filter(person=person)
    if contact is not None:
        earlier = earlier.exclude(pk=contact.pk)
    count = earlier.count()
    if count == 0 or not disclose_category(user, person, contact, DataCategory.CASE):
        return count, None
    # The topic shows with its parents (Topic.__str__): loaded in the same query.
    rows = list(
        earlier.select_related("topic__parent__parent", "agent", "assignee").order_by(
            "-started_at", "-pk"
        )[:limit]
    )
    return count, rows


@transaction.atomic
def link_contacts(user: User, contact: Contact, other_id: int) -> Contact:
    """Link two contacts about the same matter (J5); both must be of the same person."""
    other = Contact.objects.filter(pk=other_id).first()
    if other is None or other.pk == contact.pk:
        raise ValidationError(gettext("There is no other contact with that number."))
    if contact.person_id is None or other.person_id != contact.person_id:
        raise ValidationError(
            gettext("Only contacts of the same person can be linked.")
        )
    contact.related.add(other)
    ContactHistory.objects.create(
        contact=contact,
        actor=user,
        act="link",
        old_status=contact.status,
        new_status=contact.status,
        reason=f"#{other.pk}",
    )
    return contact


@dataclass
class WorkList:
    """What the user must do now (the desk's work list)."""

    callbacks: list[Callback]
    messages: list[ColleagueMessage]
    deferred: list[Contact]
    to_approve: list[Contact]
    unread: int
    today: datetime.date

    @property
    def outcome_choices(self) -> list[tuple[str, Any]]:
        return list(CallbackOutcome.choices)

    @property
    def total(self) -> int:
        return (
            len(self.callbacks)
            + len(self.messages)
            + len(self.deferred)
            + len(self.to_approve)
        )


def work_list(user: User, now: datetime.datetime | None = None) -> WorkList:
    """Callbacks due, messages delivered, deferred answers owed and results to approve."""
    from infoline.journal.choices import ContactStatus

    now = now or timezone.now()
    deferred = list(
        Contact.objects.filter(assignee=user, status=ContactStatus.DEFERRED_ANSWER)
        .select_related("topic__parent__parent")
        .order_by("due", "pk")[:50]
    )
    to_approve: list[Contact] = []
    if user.role in {Role.TEAM_LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR}:
        pending = Contact.objects.filter(status=ContactStatus.UNDER_REVIEW)
        if user.role == Role.TEAM_LEAD:
            pending = (
                pending.filter(agent__team_id=user.team_id)
                if user.team_id is not None
                else pending.none()
            )
        to_approve = list(pending.select_related("agent").order_by("pk")[:50])
    return WorkList(
        callbacks=due_callbacks(user, now)[:50],
        messages=open_messages(user)[:50],
        deferred=deferred,
        to_approve=to_approve,
        unread=Notification.objects.filter(user=user, read_at__isnull=True).count(),
        today=timezone.localdate(now),
    )


@dataclass
class MemberLoad:
    """One team member's open, due and overdue items (the team lead's view)."""

    user: User
    open_contacts: int = 0
    deferred: int = 0
    deferred_overdue: int = 0
    callbacks_due: int = 0
    callbacks_overdue: int = 0
    messages_open: int = 0
    messages_old: int = 0


def team_overview(
    lead: User, team_id: int | None, now: datetime.datetime | None = None
) -> list[MemberLoad]:
    """Open, due and overdue items per member of ``team_id`` (a team lead: their own team).

    A fixed number of grouped queries whatever the team's size.
    """
    from django.db.models import Count

    from infoline.journal.choices import ContactStatus

    now = now or timezone.now()
    today = timezone.localdate(now)
    if lead.role == Role.TEAM_LEAD:
        team_id = lead.team_id
    members = list(
        User.objects.filter(team_id=team_id, is_active=True).order_by(
            "last_name", "first_name", "username"
        )
        if team_id is not None
        else []
    )
    loads = {m.pk: MemberLoad(user=m) for m in members}
    ids = list(loads)

    def grouped(queryset: Any, key: str) -> dict[int, int]:
        return {
            row[key]: row["n"]
            for row in queryset.values(key).annotate(n=Count("pk")).order_by()
        }

    for uid, n in grouped(
        Contact.objects.filter(agent_id__in=ids, status=ContactStatus.IN_WORK),
        "agent_id",
    ).items():
        loads[uid].open_contacts = n
    deferred = Contact.objects.filter(
        assignee_id__in=ids, status=ContactStatus.DEFERRED_ANSWER
    )
    for uid, n in grouped(deferred, "assignee_id").items():
        loads[uid].deferred = n
    for uid, n in grouped(deferred.filter(due__lt=today), "assignee_id").items():
        loads[uid].deferred_overdue = n
    callbacks = Callback.objects.filter(
        responsible_id__in=ids, status=CallbackStatus.SCHEDULED
    )
    for uid, n in grouped(
        callbacks.filter(window_start__lte=now), "responsible_id"
    ).items():
        loads[uid].callbacks_due = n
    for uid, n in grouped(
        callbacks.filter(window_end__lt=now), "responsible_id"
    ).items():
        loads[uid].callbacks_overdue = n
    messages = ColleagueMessage.objects.filter(
        delivered_to__user_id__in=ids, closed_at__isnull=True
    )
    for uid, n in grouped(messages, "delivered_to__user_id").items():
        loads[uid].messages_open = n
    for uid, n in grouped(
        messages.filter(created_at__lt=now - datetime.timedelta(hours=24)),
        "delivered_to__user_id",
    ).items():
        loads[uid].messages_old = n
    return list(loads.values())


def journal_page(
    user: User,
    filters: Any,
    *,
    before: tuple[datetime.datetime, int] | None = None,
    limit: int = 50,
) -> tuple[list[Contact], tuple[datetime.datetime, int] | None]:
    """One page of the filtered journal the user may open, newest first (J1).

    Keyset-paginated on (started, id): the next page starts ``before`` the
    last row shown, so a page costs the same on the first day and the
    ten-millionth contact, and no total is counted.
    """
    from django.db.models import Q

    from infoline.journal.access import visible_contacts
    from infoline.journal.exports import filtered_contacts

    contacts = (
        filtered_contacts(filters)
        .filter(visible_contacts(user))
        .select_related(None)
        .select_related("topic__parent__parent", "agent", "assignee", "line")
        .order_by("-started_at", "-pk")
    )
    if before is not None:
        at, pk = before
        contacts = contacts.filter(Q(started_at__lt=at) | Q(started_at=at, pk__lt=pk))
    rows = list(contacts[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, ((rows[-1].started_at, rows[-1].pk) if more and rows else None)


@dataclass
class KeptOnTime:
    """Callbacks that came due in a period: how many kept within their window (C1)."""

    due: int
    kept_on_time: int
    kept_late: int
    failed: int

    @property
    def rate(self) -> float | None:
        return self.kept_on_time / self.due if self.due else None


def callbacks_kept_on_time(
    *,
    since: datetime.datetime,
    until: datetime.datetime | None = None,
    team_id: int | None = None,
) -> KeptOnTime:
    """ "Callbacks kept on time": of the callbacks whose window closed in the period,
    the share done within the window; still open past the window counts as not kept."""
    from django.db.models import Count, F, Q

    until = until or timezone.now()
    callbacks = Callback.objects.filter(
        window_end__gte=since, window_end__lt=until
    ).exclude(status=CallbackStatus.CANCELLED)
    if team_id is not None:
        callbacks = callbacks.filter(
            Q(team_id=team_id) | Q(responsible__team_id=team_id)
        )
    done = Q(status=CallbackStatus.DONE)
    figures = callbacks.aggregate(
        due=Count("pk"),
        on_time=Count("pk", filter=done & Q(kept_at__lte=F("window_end"))),
        late=Count("pk", filter=done & Q(kept_at__gt=F("window_end"))),
        failed=Count("pk", filter=Q(status=CallbackStatus.FAILED)),
    )
    return KeptOnTime(
        due=figures["due"],
        kept_on_time=figures["on_time"],
        kept_late=figures["late"],
        failed=figures["failed"],
    )
