"""Complaints and service requests (J9, J10): statutory deadlines, routing, the result.

A :class:`~infoline.journal.models.DeadlineRule` gives a contact type (or one
topic of it) its responsible department and its term in working days.
:func:`route_contact` sends the contact there with the deadline counted on
that department's calendar (holidays included); it is the lifecycle table's
``Escalate`` act, so the contact becomes a deferred answer owed by the
department's responsible person, with its history row and notifications.
The timers (``journal/timers.py``) remind and escalate before and after the
deadline; :func:`inform_citizen` tells the citizen the result through the
sender adapter and records that in the contact's history.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from infoline.accounts.hours import Calendar, Period, add_working_days
from infoline.accounts.models import Department, OpeningCalendar, User
from infoline.journal.choices import ContactStatus
from infoline.journal.models import Contact, ContactHistory, DeadlineRule, Topic

__all__ = [
    "calendar_of",
    "inform_citizen",
    "route_contact",
    "rule_for",
    "statutory_due",
]


def rule_for(contact_type: str, topic: Topic | None) -> DeadlineRule | None:
    """The most specific active rule: the topic's, a parent topic's, the type's."""
    rules = {
        rule.topic_id: rule
        for rule in DeadlineRule.objects.filter(
            contact_type=contact_type, active=True
        ).select_related("department")
    }
    node = topic
    while node is not None:
        if node.pk in rules:
            return rules[node.pk]
        node = node.parent
    return rules.get(None)


def _default_calendar() -> Calendar:
    """Monday to Friday, 08:00-17:00 in the site's zone and country's holidays."""
    day = (Period(datetime.time(8), datetime.time(17)),)
    return Calendar(
        tz=settings.TIME_ZONE,
        weekly=dict.fromkeys(range(5), day),
        country=settings.INFOLINE_COUNTRY or None,
    )


def calendar_of(department: Department | None) -> Calendar:
    """The opening calendar deadlines of ``department`` are counted on.

    A department without a calendar counts Monday to Friday with the
    country's public holidays.
    """
    from infoline.accounts.services import prefetch_calendar

    if department is None or department.calendar_id is None:
        return _default_calendar()
    calendar = prefetch_calendar(
        OpeningCalendar.objects.filter(pk=department.calendar_id)
    ).get()
    return calendar.as_calendar()


def statutory_due(contact: Contact, rule: DeadlineRule) -> datetime.date:
    """The deadline: ``rule.working_days`` working days after the registration day."""
    calendar = calendar_of(rule.department)
    registered = timezone.localtime(contact.started_at, calendar.zone).date()
    return add_working_days(calendar, registered, rule.working_days)


def route_contact(user: User, contact: Contact, *, reason: str = "") -> Contact:
    """Send a complaint or service request to its responsible department (J9, J10).

    The deadline is the statutory term of the contact's type and topic. The
    caller has checked that ``user`` may see the contact. Raises
    ``ValidationError`` (nothing saved) when the contact has no type, no rule
    applies, nobody in the department takes such contacts, or the lifecycle
    refuses (e.g. the contact is no longer in work).
    """
    from infoline.journal.escalation import escalate_contact

    if not contact.type:
        raise ValidationError(gettext("Choose the contact's type first."))
    rule = rule_for(contact.type, contact.topic)
    if rule is None:
        raise ValidationError(
            gettext(
                "No statutory deadline is set for %(type)s; escalate the contact "
                "to a department instead."
            )
            % {"type": contact.get_type_display().lower()}
        )
    due = statutory_due(contact, rule)
    why = reason.strip() or gettext(
        "%(type)s: statutory term of %(days)s working days"
    ) % {"type": contact.get_type_display(), "days": rule.working_days}
    return escalate_contact(
        user, contact, due=due, reason=why, to_department_id=rule.department_id
    )


def inform_citizen(user: User, contact: Contact, *, channel: str) -> object:
    """Tell the citizen the result of a closed contact by e-mail or SMS (J9, J10).

    The address comes from the person on file (a disclosure, so it is
    access-logged); the message goes through the sender adapter, which
    records it, and the contact's history records that the citizen was
    informed (or that sending failed). Returns the ``SentMessage``. Raises
    ``ValidationError`` with nothing saved when the contact is not closed,
    has no person, or the person has no address for the channel.
    """
    from infoline.clients.choices import DataCategory
    from infoline.clients.models import AccessLog
    from infoline.lib.context import current_actor
    from infoline.notify.base import OutboundMessage
    from infoline.notify.models import SentMessage
    from infoline.notify.services import send_message

    if contact.status != ContactStatus.CLOSED:
        raise ValidationError(
            gettext("Inform the citizen once the contact is closed with its result.")
        )
    person = contact.person
    if person is None:
        raise ValidationError(
            gettext("The contact has no person on file to send the result to.")
        )
    if channel == "email":
        to = person.email
        if not to:
            raise ValidationError(
                gettext("There is no e-mail address on file; send the result by SMS.")
            )
    elif channel == "sms":
        phone = person.phones.order_by("pk").first()
        if phone is None:
            raise ValidationError(
                gettext("There is no phone number on file; send the result by e-mail.")
            )
        to = phone.number
    else:
        raise ValidationError(gettext("Choose e-mail or SMS."))
    with translation.override(person.preferred_language or translation.get_language()):
        subject = gettext("The answer to your request #%(number)s") % {
            "number": contact.pk
        }
        body = gettext("The answer to your request #%(number)s:\n\n%(result)s") % {
            "number": contact.pk,
            "result": contact.result,
        }
    with transaction.atomic():
        AccessLog.objects.create(
            user_id=user.pk,
            user_name=user.get_username(),
            person=person,
            category=DataCategory.CONTACT_DETAILS,
            contact_id=contact.pk,
            reason=f"contact #{contact.pk}: result sent by {channel}",
            via=current_actor().via,
        )
        record = send_message(
            OutboundMessage(channel=channel, to=to, subject=subject, body=body),
            purpose="contact_result",
            person=person,
            contact=contact,
            sent_by=user,
        )
        sent = record.status == SentMessage.Status.SENT
        ContactHistory.objects.create(
            contact=contact,
            actor=user,
            act="citizen_informed" if sent else "citizen_inform_failed",
            old_status=contact.status,
            new_status=contact.status,
            reason=f"{channel} #{record.pk}",
        )
    return record
