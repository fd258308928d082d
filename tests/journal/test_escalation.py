"""Issue 5 item 4 (J4): escalation to a tier-2 specialist or a department with a deadline."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from infoline.accounts.models import Department, Employee, Team, User
from infoline.journal.escalation import escalate_contact, leads_for
from infoline.journal.models import Contact, ContactHistory, Notification
from infoline.notify.models import SentMessage

DUE = datetime.timedelta(days=5)


@pytest.fixture
def benefits(db: None) -> Department:
    """A tier-2 department with its own team and lead."""
    return Department.objects.create(name="Benefits", code="benefits")


def _nothing_saved(contact: Contact) -> None:
    contact.refresh_from_db()
    assert contact.status == "in_work"
    assert contact.due is None
    assert not ContactHistory.objects.filter(contact=contact).exists()
    assert not Notification.objects.filter(contact=contact).exists()
    assert not SentMessage.objects.exists()


def test_escalation_to_a_specialist_assigns_notifies_and_mails(
    agent_a: User,
    specialist: User,
    benefits: Department,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    specialist.email = "specialist@example.org"
    specialist.save()
    contact = Contact.objects.create(agent=agent_a, assignee=agent_a)
    due = timezone.localdate() + DUE
    with django_capture_on_commit_callbacks(execute=True):
        escalate_contact(
            agent_a,
            contact,
            to_user_id=specialist.pk,
            to_department_id=benefits.pk,
            due=due,
            reason="Pension law, tier 2",
        )
    contact.refresh_from_db()
    assert (contact.status, contact.assignee_id, contact.department_id) == (
        "deferred_answer",
        specialist.pk,
        benefits.pk,
    )
    assert contact.due == due
    history = ContactHistory.objects.get(contact=contact)
    assert (history.act, history.actor_id, history.reason) == (
        "escalate",
        agent_a.pk,
        "Pension law, tier 2",
    )
    assert Notification.objects.filter(
        user=specialist, contact=contact, kind="escalated"
    ).exists()
    sent = SentMessage.objects.get(purpose="escalation")
    assert sent.to == "specialist@example.org" and sent.status == "sent"
    assert [m.to for m in mail.outbox] == [["specialist@example.org"]]
    assert f"#{contact.pk}" in mail.outbox[0].subject
    assert due.isoformat() in mail.outbox[0].body


def test_escalation_to_a_department_goes_to_its_lead_and_tells_its_members(
    agent_a: User, specialist: User, benefits: Department
) -> None:
    lead = User.objects.create(username="benefits_lead", role="team_lead")
    Team.objects.create(name="Benefits team", department=benefits, lead=lead)
    Employee.objects.create(
        first_name="Ona", last_name="Onaitė", department=benefits, user=specialist
    )
    contact = Contact.objects.create(agent=agent_a)
    escalate_contact(
        agent_a,
        contact,
        to_department_id=benefits.pk,
        due=timezone.localdate() + DUE,
        reason="Their area",
    )
    contact.refresh_from_db()
    assert (contact.assignee_id, contact.department_id) == (lead.pk, benefits.pk)
    notified = set(
        Notification.objects.filter(contact=contact, kind="escalated").values_list(
            "user_id", flat=True
        )
    )
    assert notified == {lead.pk, specialist.pk}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "Choose a specialist or a department to escalate the contact to."),
        (
            {"to_user_id": 987654},
            "There is no active colleague to escalate the contact to.",
        ),
        ({"to_department_id": 987654}, "There is no such department."),
        (
            {"to_user_id": "specialist", "due": None},
            "Give the deadline for the answer.",
        ),
        (
            {"to_user_id": "specialist", "due": -1},
            "The due date .* is in the past",
        ),
        (
            {"to_user_id": "specialist", "reason": "  "},
            "Say why the contact is escalated",
        ),
        (
            {"to_user_id": "agent_a"},
            "Escalate to another colleague; to answer it yourself, defer the answer",
        ),
        ({"to_user_id": "evaluator"}, "There is no active colleague"),
        (
            {"to_department_id": "benefits"},
            "Nobody in Benefits is set to take escalated contacts; choose a specialist.",
        ),
    ],
)
def test_bad_input_gives_a_specific_error_and_saves_nothing(
    agent_a: User,
    specialist: User,
    evaluator: User,
    benefits: Department,
    kwargs: dict[str, Any],
    message: str,
) -> None:
    contact = Contact.objects.create(agent=agent_a)
    names = {
        "specialist": specialist.pk,
        "agent_a": agent_a.pk,
        "evaluator": evaluator.pk,
        "benefits": benefits.pk,
    }
    args: dict[str, Any] = {"due": timezone.localdate() + DUE, "reason": "Tier 2"}
    for key, value in kwargs.items():
        if key == "due" and value is not None:
            args[key] = timezone.localdate() + datetime.timedelta(days=value)
        else:
            args[key] = names.get(value, value) if isinstance(value, str) else value
    with pytest.raises(ValidationError, match=message):
        escalate_contact(agent_a, contact, **args)
    _nothing_saved(contact)


def test_an_inactive_colleague_cannot_receive_an_escalation(
    agent_a: User, specialist: User
) -> None:
    specialist.is_active = False
    specialist.save()
    contact = Contact.objects.create(agent=agent_a)
    with pytest.raises(ValidationError, match="There is no active colleague"):
        escalate_contact(
            agent_a,
            contact,
            to_user_id=specialist.pk,
            due=timezone.localdate() + DUE,
            reason="x",
        )
    _nothing_saved(contact)


def test_a_deferred_answer_is_not_escalated_again(
    agent_a: User, specialist: User, agent_a2: User
) -> None:
    contact = Contact.objects.create(agent=agent_a)
    due = timezone.localdate() + DUE
    escalate_contact(agent_a, contact, to_user_id=specialist.pk, due=due, reason="x")
    with pytest.raises(
        ValidationError, match="The answer is already deferred to a responsible person"
    ):
        escalate_contact(
            specialist, contact, to_user_id=agent_a2.pk, due=due, reason="y"
        )
    assert ContactHistory.objects.filter(contact=contact).count() == 1


def test_an_agent_cannot_escalate_a_colleagues_contact(
    agent_a: User, agent_b: User, specialist: User
) -> None:
    contact = Contact.objects.create(agent=agent_a, assignee=agent_a)
    with pytest.raises(ValidationError, match="assigned to another colleague"):
        escalate_contact(
            agent_b,
            contact,
            to_user_id=specialist.pk,
            due=timezone.localdate() + DUE,
            reason="x",
        )
    _nothing_saved(contact)


def test_leads_for_prefers_the_users_team_then_the_department_then_supervisors(
    agent_a: User,
    team_lead: User,
    supervisor: User,
    specialist: User,
    benefits: Department,
) -> None:
    assert leads_for(user_id=agent_a.pk) == [team_lead.pk]
    assert leads_for(user_id=team_lead.pk) == [supervisor.pk]  # not themselves
    assert leads_for(user_id=specialist.pk) == [supervisor.pk]  # no team
    other = User.objects.create(username="b_lead", role="team_lead")
    Team.objects.create(name="Benefits team", department=benefits, lead=other)
    assert leads_for(user_id=specialist.pk, department_id=benefits.pk) == [other.pk]


def test_a_department_escalation_follows_its_case_split_then_its_secretary(
    agent_a: User, specialist: User, agent_a2: User, benefits: Department
) -> None:
    from infoline.accounts.models import CaseSplit
    from infoline.clients.models import Person
    from infoline.journal.escalation import resolve_responsible

    handler = Employee.objects.create(
        first_name="Ona", last_name="Onaitė", department=benefits, user=specialist
    )
    secretary = Employee.objects.create(
        first_name="Rūta", last_name="Rūtaitė", department=benefits, user=agent_a2
    )
    benefits.split_rule = "surname_letters"
    benefits.secretary = secretary
    benefits.save()
    CaseSplit.objects.create(
        department=benefits, employee=handler, range_from="a", range_to="k"
    )
    jonaitis = Person.objects.create(first_name="Jonas", last_name="Jonaitis")
    petraitis = Person.objects.create(first_name="Petras", last_name="Petraitis")
    mine = Contact.objects.create(agent=agent_a, person=jonaitis)
    other = Contact.objects.create(agent=agent_a, person=petraitis)
    anonymous = Contact.objects.create(agent=agent_a)
    assert resolve_responsible(benefits, mine) == specialist
    assert resolve_responsible(benefits, other) == agent_a2  # outside every range
    assert resolve_responsible(benefits, anonymous) == agent_a2
    specialist.is_active = False
    specialist.save()
    assert resolve_responsible(benefits, mine) == agent_a2
