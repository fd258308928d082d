"""Issue 5 item 8 (J9, J10): statutory deadlines in working days, routing, informing the citizen."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from infoline.accounts.models import (
    Department,
    ExceptionDay,
    OpeningCalendar,
    Team,
    User,
    WeeklyPeriod,
)
from infoline.clients.models import AccessLog, Person, PersonPhone
from infoline.journal import transitions as t
from infoline.journal.deadlines import (
    inform_citizen,
    route_contact,
    rule_for,
    statutory_due,
)
from infoline.journal.models import Contact, ContactHistory, DeadlineRule, Topic
from infoline.journal.services import perform_act
from infoline.notify.models import SentMessage

VILNIUS = datetime.timezone(datetime.timedelta(hours=2))
# Tuesday before Christmas: 24, 25 and 26 December are Lithuanian holidays.
TUESDAY = datetime.datetime(2026, 12, 22, 10, 0, tzinfo=VILNIUS)


@pytest.fixture
def complaints(db: None) -> Department:
    """The department that answers complaints, open Monday to Friday."""
    calendar = OpeningCalendar.objects.create(
        name="Complaints desk", country="LT", time_zone="Europe/Vilnius"
    )
    for day in range(5):
        WeeklyPeriod.objects.create(
            calendar=calendar,
            weekday=day,
            start=datetime.time(8),
            end=datetime.time(17),
        )
    department = Department.objects.create(
        name="Complaints", code="complaints", calendar=calendar
    )
    lead = User.objects.create(username="complaints_lead", role="team_lead")
    Team.objects.create(name="Complaints team", department=department, lead=lead)
    return department


@pytest.fixture
def rule(complaints: Department) -> DeadlineRule:
    return DeadlineRule.objects.create(
        contact_type="complaint", department=complaints, working_days=5
    )


def _complaint(agent: User, **kw: object) -> Contact:
    with time_machine.travel(TUESDAY, tick=False):
        return Contact.objects.create(agent=agent, type="complaint", **kw)  # type: ignore[arg-type]


def test_the_term_is_counted_in_working_days_without_holidays(
    agent_a: User, rule: DeadlineRule
) -> None:
    contact = _complaint(agent_a)
    # 23 Dec (1), 24-26 holidays, 27 Sunday, 28 (2), 29 (3), 30 (4), 31 (5).
    assert statutory_due(contact, rule) == datetime.date(2026, 12, 31)


def test_a_closed_exception_day_is_not_a_working_day(
    agent_a: User, rule: DeadlineRule, complaints: Department
) -> None:
    assert complaints.calendar is not None
    ExceptionDay.objects.create(
        calendar=complaints.calendar, date=datetime.date(2026, 12, 30)
    )
    assert statutory_due(_complaint(agent_a), rule) == datetime.date(2027, 1, 4)


def test_the_most_specific_rule_wins(
    complaints: Department, rule: DeadlineRule, department: Department
) -> None:
    parent = Topic.objects.create(type="complaint", name="Benefits")
    child = Topic.objects.create(type="complaint", name="Late payment", parent=parent)
    other = Topic.objects.create(type="complaint", name="Rudeness")
    topical = DeadlineRule.objects.create(
        contact_type="complaint", topic=parent, department=department, working_days=10
    )
    assert rule_for("complaint", child) == topical
    assert rule_for("complaint", other) == rule
    assert rule_for("complaint", None) == rule
    assert rule_for("consultation", None) is None
    topical.active = False
    topical.save()
    assert rule_for("complaint", child) == rule


def test_rule_validation_is_specific(complaints: Department) -> None:
    topic = Topic.objects.create(type="proposal", name="Website")
    bad = DeadlineRule(
        contact_type="complaint", topic=topic, department=complaints, working_days=0
    )
    with pytest.raises(ValidationError, match="A term is at least one working day."):
        bad.clean()
    bad.working_days = 3
    with pytest.raises(ValidationError, match="another contact type"):
        bad.clean()


def test_routing_sends_the_complaint_to_the_department_with_the_deadline(
    agent_a: User, rule: DeadlineRule, complaints: Department
) -> None:
    contact = _complaint(agent_a)
    with time_machine.travel(TUESDAY, tick=False):
        route_contact(agent_a, contact)
    contact.refresh_from_db()
    lead = User.objects.get(username="complaints_lead")
    assert (contact.status, contact.department_id, contact.assignee_id) == (
        "deferred_answer",
        complaints.pk,
        lead.pk,
    )
    assert contact.due == datetime.date(2026, 12, 31)
    history = ContactHistory.objects.get(contact=contact)
    assert history.act == "escalate"
    assert history.reason == "Complaint: statutory term of 5 working days"


def test_routing_refuses_without_type_or_rule_and_saves_nothing(
    agent_a: User, rule: DeadlineRule
) -> None:
    untyped = Contact.objects.create(agent=agent_a)
    with pytest.raises(ValidationError, match="Choose the contact's type first."):
        route_contact(agent_a, untyped)
    consultation = Contact.objects.create(agent=agent_a, type="consultation")
    with pytest.raises(
        ValidationError, match="No statutory deadline is set for consultation"
    ):
        route_contact(agent_a, consultation)
    assert not ContactHistory.objects.exists()
    assert Contact.objects.filter(status="in_work").count() == 2


def test_an_extension_needs_a_reason_and_nothing_changes_without_one(
    agent_a: User, rule: DeadlineRule
) -> None:
    contact = _complaint(agent_a)
    with time_machine.travel(TUESDAY, tick=False):
        route_contact(agent_a, contact)
        lead = User.objects.get(username="complaints_lead")
        contact.refresh_from_db()
        with pytest.raises(ValidationError, match="Give a reason for the extension"):
            perform_act(
                lead,
                contact,
                t.RequestExtension(new_due=datetime.date(2027, 1, 8), reason=" "),
            )
    contact.refresh_from_db()
    assert contact.extension_due is None and contact.due == datetime.date(2026, 12, 31)
    assert ContactHistory.objects.filter(contact=contact).count() == 1


@pytest.fixture
def person(db: None) -> Person:
    person = Person.objects.create(
        first_name="Ona", last_name="Pilietė", email="ona@example.org"
    )
    PersonPhone.objects.create(person=person, number="+37061234567")
    return person


def _closed(agent: User, person: Person) -> Contact:
    return Contact.objects.create(
        agent=agent,
        person=person,
        type="complaint",
        status="closed",
        result="Your benefit is paid on 5 January.",
        comment="Checked with finance",
    )


def test_the_citizen_is_told_the_result_and_it_is_recorded(
    agent_a: User, person: Person
) -> None:
    contact = _closed(agent_a, person)
    record = inform_citizen(agent_a, contact, channel="email")
    assert isinstance(record, SentMessage)
    assert (record.status, record.purpose, record.to) == (
        "sent",
        "contact_result",
        "ona@example.org",
    )
    assert "Your benefit is paid on 5 January." in mail.outbox[0].body
    history = ContactHistory.objects.get(contact=contact)
    assert (history.act, history.actor_id) == ("citizen_informed", agent_a.pk)
    log = AccessLog.objects.get(person=person)
    assert (log.category, log.contact_id, log.user_id) == (
        "contact_details",
        contact.pk,
        agent_a.pk,
    )
    sms = inform_citizen(agent_a, contact, channel="sms")
    assert isinstance(sms, SentMessage) and sms.to == "+37061234567"


@pytest.mark.parametrize(
    ("setup", "channel", "message"),
    [
        ("open", "email", "Inform the citizen once the contact is closed"),
        ("anonymous", "email", "no person on file"),
        ("no_email", "email", "There is no e-mail address on file"),
        ("no_phone", "sms", "There is no phone number on file"),
        ("closed", "fax", "Choose e-mail or SMS."),
    ],
)
def test_informing_refuses_bad_input_and_saves_nothing(
    agent_a: User, person: Person, setup: str, channel: str, message: str
) -> None:
    contact = _closed(agent_a, person)
    if setup == "open":
        contact.status = "in_work"
    elif setup == "anonymous":
        contact.person = None
    elif setup == "no_email":
        person.email = ""
        person.save()
    elif setup == "no_phone":
        person.phones.all().delete()
    contact.save()
    with pytest.raises(ValidationError, match=message):
        inform_citizen(agent_a, contact, channel=channel)
    assert not SentMessage.objects.exists()
    assert not ContactHistory.objects.exists()
    assert not AccessLog.objects.exists()


def test_the_desk_sends_the_result_over_http_and_outsiders_are_refused(
    agent_a: User,
    agent_b: User,
    evaluator: User,
    person: Person,
    client_for: Any,
) -> None:
    from django.urls import reverse

    contact = Contact.objects.create(agent=agent_a, person=person, type="complaint")
    url = reverse("records:inform", args=[contact.pk])
    notice = reverse("records:result-notice", args=[contact.pk])
    client = client_for(agent_a)
    assert b"once the contact is closed" in client.get(notice).content
    early = client.post(url, {"channel": "email"})
    assert early.status_code == 422
    assert "Inform the citizen once the contact is closed" in early.content.decode()
    assert client_for(agent_b).post(url, {"channel": "email"}).status_code == 404
    assert client_for(agent_b).get(notice).status_code == 404
    assert client_for(evaluator).post(url, {"channel": "email"}).status_code == 403
    assert not SentMessage.objects.exists()
    Contact.objects.filter(pk=contact.pk).update(
        status="closed", result="Paid on 5 January.", comment="ok"
    )
    sent = client.post(url, {"channel": "email"})
    assert sent.status_code == 200 and b"The result was sent." in sent.content
    assert SentMessage.objects.get().to == "ona@example.org"
    assert ContactHistory.objects.get(contact=contact).act == "citizen_informed"
    assert b"ona@example.org" not in client.get(notice).content
