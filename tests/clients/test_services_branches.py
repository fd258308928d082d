"""Issue 4: every branch of the authentication and disclosure services, at the function level.

HTTP tests (test_authentication, test_api, test_canary) prove the rules from the
outside; these pin each remaining refusal with its exact message.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from infoline.accounts.models import Department, User
from infoline.clients import services
from infoline.clients.choices import QuestionKind
from infoline.clients.models import (
    AuthPolicy,
    AuthQuestion,
    Person,
    PersonAnswer,
    PersonPhone,
    Representative,
)
from infoline.journal.choices import ContactStatus
from infoline.journal.models import Contact

CODE = "33309240064"


@pytest.fixture
def person(department: Department) -> Person:
    person = Person(
        first_name="Jonas",
        last_name="Jonaitis",
        identity_scheme="LT:asmens_kodas",
        identity_code=CODE,
    )
    person.full_clean()
    person.save()
    return person


def _contact(agent: User, person: Person | None = None, **kw: object) -> Contact:
    return Contact.objects.create(
        agent=agent, person=person, phone="+37069999999", **kw
    )


def test_lookups_refuse_empty_and_invalid_input(person: Person) -> None:
    assert services.find_by_identity(" - ") is None
    assert services.find_by_identity("333 0924 0064") == person
    assert services.find_by_phone("not a phone") == []
    assert services.search_persons("  ").persons == []
    # One-letter words are not taken as surnames when there are others.
    assert services.search_persons("j jonaitis").persons == [person]
    # A typo in the surname with the first name given.
    assert services.search_persons("jonas jonaitsi").persons == [person]


def test_every_question_kind_is_checked(
    agent_a: User, person: Person, department: Department
) -> None:
    birth = AuthQuestion.objects.create(kind=QuestionKind.BIRTH_DATE, text="Born?")
    office = AuthQuestion.objects.create(kind=QuestionKind.LAST_OFFICE, text="Office?")
    custom = AuthQuestion.objects.create(
        kind=QuestionKind.CUSTOM, text="Mother's maiden name?"
    )
    AuthQuestion.objects.create(
        kind=QuestionKind.REGISTERED_ON, text="Registered?"
    )  # no fact on file
    AuthQuestion.objects.create(
        kind=QuestionKind.PHONE_DIGITS, text="Phone?"
    )  # no phone on file
    AuthPolicy.objects.create(questions=3)
    contact = _contact(agent_a, person)
    # Only two questions can be checked for this person.
    with pytest.raises(ValidationError, match="answers to only 1 approved questions"):
        services.start_verification(agent_a, contact, person, CODE)
    person.last_office = department
    person.save()
    PersonAnswer.objects.create(person=person, question=custom, answer_key="petraitė")
    verification = services.start_verification(agent_a, contact, person, CODE)
    assert set(verification.asked) == {birth.pk, office.pk, custom.pk}
    services.answer_question(verification, birth.pk, "24.09.1933")
    services.answer_question(verification, office.pk, str(department.pk))
    done = services.answer_question(verification, custom.pk, "  PETRAITĖ ")
    assert done.status == "passed"
    assert services.authenticated_caller(contact) == person


def test_answer_refusals(agent_a: User, person: Person) -> None:
    person.registered_on = datetime.date(2020, 5, 5)
    person.save()
    question = AuthQuestion.objects.create(
        kind=QuestionKind.REGISTERED_ON, text="Registered?"
    )
    other = AuthQuestion.objects.create(kind=QuestionKind.BIRTH_DATE, text="Born?")
    AuthPolicy.objects.create(questions=1)
    contact = _contact(agent_a, person)
    with pytest.raises(
        ValidationError, match="Type the identity code the caller gives."
    ):
        services.start_verification(agent_a, contact, person, "  ")
    verification = services.start_verification(agent_a, contact, person, CODE)
    asked = verification.asked[0]
    not_asked = other.pk if asked == question.pk else question.pk
    with pytest.raises(
        ValidationError, match="That question was not asked in this attempt."
    ):
        services.answer_question(verification, not_asked, "x")
    with pytest.raises(ValidationError, match="Type what the caller answered."):
        services.answer_question(verification, asked, "   ")
    extra = services.ask_extra_question(verification)
    assert len(extra.asked) == 2
    with pytest.raises(ValidationError, match="No further approved question"):
        services.ask_extra_question(extra)
    right = "2020-05-05" if asked == question.pk else "1933-09-24"
    services.answer_question(extra, asked, right)
    with pytest.raises(
        ValidationError, match="That question has already been answered."
    ):
        services.answer_question(extra, asked, right)
    failed = services.answer_question(extra, extra.asked[1], "1900-01-01")
    assert failed.status == "failed"
    with pytest.raises(
        ValidationError, match="This authentication attempt has already ended."
    ):
        services.answer_question(failed, extra.asked[1], "x")
    with pytest.raises(
        ValidationError, match="This authentication attempt has already ended."
    ):
        services.ask_extra_question(failed)
    contact.status = ContactStatus.CLOSED
    contact.save()
    with pytest.raises(ValidationError, match="This contact is closed"):
        services.start_verification(agent_a, contact, person, CODE)


def test_gate_without_contact_or_grant_masks_everything(
    agent_a: User, person: Person
) -> None:
    card = services.disclose(agent_a, person, None)
    assert not card.authenticated and card.fields["identity_code"] == services.MASK
    # The caller proved to be someone else who holds no authorisation for this person.
    other = Person.objects.create(first_name="Ona", last_name="Kita")
    contact = _contact(agent_a, other)
    from infoline.clients.models import Verification

    Verification.objects.create(
        contact=contact, person=other, agent=agent_a, status="passed"
    )
    assert services.disclose(agent_a, person, contact).masked
    Representative.objects.create(
        person=person,
        agent=other,
        scope=["identity"],
        valid_from=datetime.date(2000, 1, 1),
        valid_until=datetime.date(2001, 1, 1),
    )
    assert (
        "identity_code" in services.disclose(agent_a, person, contact).masked
    )  # the grant has expired


def test_override_refusals(agent_a: User, specialist: User, person: Person) -> None:
    with pytest.raises(
        ValidationError, match="Your role does not allow overriding authentication."
    ):
        services.override_access(
            agent_a, person, _contact(agent_a, person), "A written request on file"
        )
    with pytest.raises(
        ValidationError, match="An override belongs to your own open contact."
    ):
        services.override_access(
            specialist, person, _contact(agent_a, person), "A written request on file"
        )


def test_login_reminder_refusals(agent_a: User, person: Person) -> None:
    contact = _contact(agent_a, person)
    from infoline.clients.models import Verification

    Verification.objects.create(
        contact=contact, person=person, agent=agent_a, status="passed"
    )
    with pytest.raises(
        ValidationError, match="This person has no e-service login on file."
    ):
        services.send_login_reminder(agent_a, contact, "email")
    person.eservice_login = "jj"
    person.save()
    with pytest.raises(ValidationError, match="There is no e-mail address on file"):
        services.send_login_reminder(agent_a, contact, "email")
    with pytest.raises(ValidationError, match="There is no phone number on file"):
        services.send_login_reminder(agent_a, contact, "sms")
    with pytest.raises(ValidationError, match="Choose e-mail or SMS."):
        services.send_login_reminder(agent_a, contact, "pigeon")
    with pytest.raises(
        ValidationError, match="Choose the person the caller says they are first."
    ):
        services.send_login_reminder(agent_a, _contact(agent_a), "email")


def test_register_person_refusals(agent_a: User, person: Person) -> None:
    closed = _contact(agent_a, status=ContactStatus.CLOSED)
    with pytest.raises(ValidationError, match="This contact is closed."):
        services.register_person(agent_a, closed, first_name="A", last_name="B")
    contact = _contact(agent_a)
    registered = services.register_person(
        agent_a, contact, first_name="Ona", last_name="Be Kodo"
    )
    assert (
        registered.identity_code == ""
        and not PersonPhone.objects.filter(person=registered).exists()
    )


def test_remaining_edges(agent_a: User, person: Person) -> None:
    from django.core import mail

    from tests.conftest import verified_client

    # A short word is never stretched into a typo search.
    assert services.search_persons("abc").persons == []
    # An unreadable date answer is simply wrong (compared as typed).
    person.registered_on = datetime.date(2020, 5, 5)
    person.save()
    AuthQuestion.objects.create(kind=QuestionKind.REGISTERED_ON, text="Registered?")
    AuthPolicy.objects.create(questions=1)
    for _ in range(services.FAILED_ATTEMPTS_LIMIT):
        contact = _contact(agent_a, person)
        verification = services.start_verification(agent_a, contact, person, CODE)
        assert (
            services.answer_question(
                verification, verification.asked[0], "yesterday"
            ).status
            == "failed"
        )
    person.refresh_from_db()
    assert person.flagged_at is not None
    assert (
        mail.outbox == []
    )  # no team lead has an e-mail address: flagged, nobody to tell
    # Selecting a person who does not exist: 404, nothing attached.
    contact = _contact(agent_a)
    response = verified_client(agent_a).post(f"/caller/{contact.pk}/person/999999/")
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.person is None


def test_consents_are_given_and_withdrawn_only_for_the_authenticated_caller(
    agent_a: User, person: Person
) -> None:
    from infoline.clients.models import Consent, Verification
    from tests.conftest import verified_client

    contact = _contact(agent_a, person)
    client = verified_client(agent_a)
    refused = client.post(
        f"/caller/{contact.pk}/consent/", {"kind": "sms", "given": "1"}, follow=True
    )
    assert (
        "Consents are recorded only for the authenticated caller"
        in refused.content.decode()
    )
    assert not Consent.objects.exists()
    Verification.objects.create(
        contact=contact, person=person, agent=agent_a, status="passed"
    )
    client.post(f"/caller/{contact.pk}/consent/", {"kind": "sms", "given": "1"})
    client.post(
        f"/caller/{contact.pk}/consent/", {"kind": "sms", "given": "1"}
    )  # idempotent
    assert (
        Consent.objects.filter(
            person=person, kind="sms", withdrawn_at__isnull=True
        ).count()
        == 1
    )
    page = client.get(f"/caller/{contact.pk}/").content.decode()
    assert "Messages by SMS" in page
    client.post(f"/caller/{contact.pk}/consent/", {"kind": "sms", "given": "0"})
    consent = Consent.objects.get()
    assert consent.withdrawn_at is not None  # withdrawn, and the record of it kept
    again = client.post(
        f"/caller/{contact.pk}/consent/", {"kind": "sms", "given": "0"}, follow=True
    )
    assert "There is no such consent to withdraw." in again.content.decode()
    bad = client.post(
        f"/caller/{contact.pk}/consent/",
        {"kind": "telepathy", "given": "1"},
        follow=True,
    )
    assert "Unknown consent." in bad.content.decode()


def test_contact_statuses_match_the_transition_table() -> None:
    from infoline.journal.choices import ContactStatus
    from infoline.journal.transitions import Status

    assert set(ContactStatus.values) == {status.value for status in Status}


def test_the_agents_own_team_lead_is_told(
    agent_a: User, team_lead: User, person: Person
) -> None:
    from django.core import mail

    from infoline.accounts.choices import Role

    other_lead = User.objects.create(
        username="other_lead", role=Role.TEAM_LEAD, email="other@example.lt"
    )
    assert other_lead.email
    team_lead.email = "lead-a@example.lt"
    team_lead.save()
    person.registered_on = datetime.date(2020, 5, 5)
    person.save()
    AuthQuestion.objects.create(kind=QuestionKind.REGISTERED_ON, text="Registered?")
    AuthPolicy.objects.create(questions=1)
    for _ in range(services.FAILED_ATTEMPTS_LIMIT):
        contact = _contact(agent_a, person)
        verification = services.start_verification(agent_a, contact, person, CODE)
        services.answer_question(verification, verification.asked[0], "1999-01-01")
    assert [m.to for m in mail.outbox] == [["lead-a@example.lt"]]


def test_disclose_category_logs_only_what_it_allows(
    agent_a: User, specialist: User, person: Person
) -> None:
    from infoline.clients.choices import DataCategory
    from infoline.clients.models import AccessLog

    contact = Contact.objects.create(agent=specialist, person=person)
    assert not services.disclose_category(
        specialist, person, contact, DataCategory.CASE
    )
    assert not AccessLog.objects.exists()
    services.override_access(specialist, person, contact, "Written request no. 7")
    assert services.disclose_category(specialist, person, contact, DataCategory.CASE)
    row = AccessLog.objects.get()
    assert (row.category, row.contact_id, row.user_id) == (
        DataCategory.CASE,
        contact.pk,
        specialist.pk,
    )
    # Without a contact nothing is allowed (A1).
    assert not services.disclose_category(agent_a, person, None, DataCategory.CASE)
