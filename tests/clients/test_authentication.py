"""Issue 4: finding the caller (A5), authentication (A1, A2) and the disclosure gate, from HTTP."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from infoline.accounts.models import Department, User
from infoline.clients.choices import DataCategory, QuestionKind
from infoline.clients.models import (
    AccessLog,
    AuthPolicy,
    AuthQuestion,
    Person,
    PersonPhone,
    Representative,
    Verification,
)
from infoline.clients.services import search_persons
from infoline.journal.models import Contact
from tests.conftest import verified_client

CODE = "33309240064"  # a valid Lithuanian asmens kodas: man born 24 September 1933
REP_CODE = "38703181745"  # valid: man born 18 March 1987
MARKERS = {
    "address": "Kanarėlių g. 7-MARKER1",
    "email": "marker2@example.lt",
    "eservice_login": "marker3login",
}


@pytest.fixture
def person(department: Department) -> Person:
    person = Person(
        first_name="Šarūnas",
        last_name="Kanarėlis",
        identity_scheme="LT:asmens_kodas",
        identity_code=CODE,
        registered_on=datetime.date(2024, 3, 15),
        last_office=department,
        **MARKERS,
    )
    person.full_clean()
    person.save()
    PersonPhone.objects.create(person=person, number="+37061234567")
    return person


@pytest.fixture
def questions(db: None) -> list[AuthQuestion]:
    AuthPolicy.objects.create(line=None, questions=2)
    return [
        AuthQuestion.objects.create(
            kind=QuestionKind.REGISTERED_ON, text="When did you register with us?"
        ),
        AuthQuestion.objects.create(
            kind=QuestionKind.PHONE_DIGITS, text="Last four digits of your phone?"
        ),
    ]


def _contact(agent: User) -> Contact:
    """A call from a number other than the one on file (so every question counts)."""
    return Contact.objects.create(agent=agent, phone="+37069999999")


def _answers(person: Person) -> dict[str, str]:
    return {QuestionKind.REGISTERED_ON: "2024-03-15", QuestionKind.PHONE_DIGITS: "4567"}


def _authenticate(
    client: Client, contact: Contact, person: Person, wrong: str | None = None
) -> Verification:
    client.post(f"/caller/{contact.pk}/person/{person.pk}/")
    client.post(f"/caller/{contact.pk}/verify/", {"identity_code": CODE})
    verification = Verification.objects.filter(contact=contact).latest("pk")
    answers = _answers(person)
    for qid in verification.asked:
        question = AuthQuestion.objects.get(pk=qid)
        answer = wrong if wrong is not None else answers[question.kind]
        client.post(
            f"/caller/{contact.pk}/verify/{verification.pk}/answer/",
            {"question": qid, "answer": answer},
        )
        if wrong is not None:
            break
    verification.refresh_from_db()
    return verification


def _page(client: Client, contact: Contact) -> str:
    return client.get(f"/caller/{contact.pk}/").content.decode()


def test_search_ignores_diacritics_and_limits_to_ten(person: Person) -> None:
    assert search_persons("sarunas kanarelis").persons == [person]
    assert search_persons("KANARĖLIS").persons == [person]
    for n in range(11):
        Person.objects.create(first_name=f"Jonas{n}", last_name="Jonaitis")
    result = search_persons("jonaitis")
    assert len(result.persons) == 10 and result.more
    assert search_persons("jonaitis", datetime.date(1950, 1, 1)).persons == []


def test_caller_id_finds_the_person_and_names_only_are_shown(
    agent_a: User, person: Person, questions: Any
) -> None:
    client = verified_client(agent_a)
    contact = Contact.objects.create(agent=agent_a, phone="+37061234567")
    html = _page(client, contact)
    assert "Šarūnas Kanarėlis" in html  # the name is general information
    assert CODE not in html
    for marker in MARKERS.values():
        assert marker not in html


def test_authentication_with_right_answers_unmasks_and_logs(
    agent_a: User, person: Person, questions: Any
) -> None:
    client = verified_client(agent_a)
    contact = _contact(agent_a)
    client.post(f"/caller/{contact.pk}/person/{person.pk}/")
    masked = _page(client, contact)
    assert "Not authenticated" in masked and MARKERS["address"] not in masked
    assert not AccessLog.objects.exists()
    verification = _authenticate(client, contact, person)
    assert verification.status == "passed"
    html = _page(client, contact)
    assert "Authenticated" in html
    for marker in MARKERS.values():
        assert marker in html
    assert CODE in html
    logged = set(
        AccessLog.objects.filter(person=person, user_id=agent_a.pk).values_list(
            "category", flat=True
        )
    )
    assert logged == set(DataCategory.values)
    assert (
        AccessLog.objects.filter(contact_id=contact.pk)
        .first()
        .reason.startswith(f"contact #{contact.pk}")
    )


def test_expected_answer_is_never_shown(
    agent_a: User, person: Person, questions: Any
) -> None:
    client = verified_client(agent_a)
    contact = Contact.objects.create(agent=agent_a, phone="+37069999999")
    client.post(f"/caller/{contact.pk}/person/{person.pk}/")
    client.post(f"/caller/{contact.pk}/verify/", {"identity_code": CODE})
    html = _page(client, contact)
    assert "When did you register with us?" in html or "Last four digits" in html
    assert "2024-03-15" not in html and "4567" not in html


def test_one_wrong_answer_fails_and_a_new_attempt_can_succeed(
    agent_a: User, person: Person, questions: Any
) -> None:
    client = verified_client(agent_a)
    contact = _contact(agent_a)
    failed = _authenticate(client, contact, person, wrong="1999-01-01")
    assert failed.status == "failed"
    response = client.get(f"/caller/{contact.pk}/")
    assert MARKERS["address"] not in response.content.decode()
    passed = _authenticate(client, contact, person)
    assert passed.status == "passed"
    assert MARKERS["address"] in _page(client, contact)


def test_wrong_identity_code_is_refused(
    agent_a: User, person: Person, questions: Any
) -> None:
    client = verified_client(agent_a)
    contact = _contact(agent_a)
    client.post(f"/caller/{contact.pk}/person/{person.pk}/")
    response = client.post(
        f"/caller/{contact.pk}/verify/", {"identity_code": "49001011234"}, follow=True
    )
    assert (
        "The identity code the caller gave does not match this person."
        in response.content.decode()
    )
    assert Verification.objects.get().status == "failed"


def test_authentication_expires_with_the_contact(
    agent_a: User, person: Person, questions: Any
) -> None:
    client = verified_client(agent_a)
    contact = _contact(agent_a)
    _authenticate(client, contact, person)
    close = f"/desk/contacts/{contact.pk}/act/"
    refused = client.post(close, {"act": "close"}, follow=True)
    assert "result" in refused.content.decode().lower()
    contact.refresh_from_db()
    assert contact.is_open  # a contact closes only with its result and comment (J6)
    client.post(
        close,
        {
            "act": "close",
            "result": "Explained the benefit rules",
            "comment": "No follow-up needed",
        },
    )
    assert MARKERS["address"] not in _page(client, contact)
    # A new contact needs a new authentication.
    other = _contact(agent_a)
    client.post(f"/caller/{other.pk}/person/{person.pk}/")
    assert MARKERS["address"] not in _page(client, other)


def test_three_failures_in_a_day_flag_the_person_and_notify_team_leads(
    agent_a: User, team_lead: User, person: Person, questions: Any
) -> None:
    team_lead.email = "lead@example.lt"
    team_lead.save()
    client = verified_client(agent_a)
    for _ in range(3):
        _authenticate(client, _contact(agent_a), person, wrong="0000")
    person.refresh_from_db()
    assert person.flagged_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lead@example.lt"]
    assert "Flagged: repeated failed authentication" in _page(
        client, Contact.objects.latest("pk")
    )


def test_outsider_cannot_open_someone_elses_contact(
    agent_a: User, agent_b: User, person: Person, questions: Any
) -> None:
    contact = _contact(agent_a)
    _authenticate(verified_client(agent_a), contact, person)
    outsider = verified_client(agent_b)
    assert outsider.get(f"/caller/{contact.pk}/").status_code == 404
    assert (
        outsider.post(
            f"/caller/{contact.pk}/verify/", {"identity_code": CODE}
        ).status_code
        == 404
    )
    assert outsider.get("/caller/999999/").status_code == 404


def test_override_needs_a_reason_and_a_role(
    agent_a: User, specialist: User, person: Person
) -> None:
    contact = _contact(specialist)
    client = verified_client(specialist)
    client.post(f"/caller/{contact.pk}/person/{person.pk}/")
    refused = client.post(
        f"/caller/{contact.pk}/override/", {"reason": "  "}, follow=True
    )
    assert (
        "Write the reason for the override (at least 10 characters)"
        in refused.content.decode()
    )
    assert MARKERS["address"] not in _page(client, contact)
    client.post(
        f"/caller/{contact.pk}/override/",
        {"reason": "Written request no. 2026/114 on file"},
    )
    html = _page(client, contact)
    assert MARKERS["address"] in html
    assert AccessLog.objects.filter(
        reason="override: Written request no. 2026/114 on file"
    ).exists()
    # Agents may not override at all.
    agent_contact = _contact(agent_a)
    assert (
        verified_client(agent_a)
        .post(f"/caller/{agent_contact.pk}/override/", {"reason": "x" * 20})
        .status_code
        == 403
    )


def test_representative_sees_only_their_scope(
    agent_a: User, person: Person, questions: Any
) -> None:
    rep = Person(
        first_name="Ona",
        last_name="Atstovas",
        identity_scheme="LT:asmens_kodas",
        identity_code=REP_CODE,
    )
    rep.full_clean()
    rep.save()
    PersonPhone.objects.create(person=rep, number="+37061111222")
    rep.registered_on = datetime.date(2020, 1, 2)
    rep.save()
    Representative.objects.create(
        person=person,
        agent=rep,
        scope=[DataCategory.CONTACT_DETAILS],
        valid_from=datetime.date(2020, 1, 1),
    )
    client = verified_client(agent_a)
    contact = _contact(agent_a)
    client.post(f"/caller/{contact.pk}/person/{rep.pk}/")
    client.post(f"/caller/{contact.pk}/verify/", {"identity_code": REP_CODE})
    verification = Verification.objects.filter(contact=contact).latest("pk")
    answers = {
        QuestionKind.REGISTERED_ON: "2020-01-02",
        QuestionKind.PHONE_DIGITS: "1222",
    }
    for qid in verification.asked:
        kind = AuthQuestion.objects.get(pk=qid).kind
        client.post(
            f"/caller/{contact.pk}/verify/{verification.pk}/answer/",
            {"question": qid, "answer": answers[kind]},
        )
    # The caller (the representative) is authenticated; now they ask about the person they represent.
    client.post(f"/caller/{contact.pk}/person/{person.pk}/")
    html = _page(client, contact)
    assert (
        MARKERS["address"] in html and MARKERS["email"] in html
    )  # contact details: in scope
    assert MARKERS["eservice_login"] not in html and CODE not in html  # out of scope


def test_search_takes_either_word_order_and_tolerates_a_typo(db: None) -> None:
    jonas = Person.objects.create(first_name="Jonas", last_name="Petraitis")
    Person.objects.create(first_name="Petras", last_name="Jonaitis")
    assert search_persons("Jonas Petraitis").persons == [jonas]
    assert search_persons("petraitis jonas").persons == [jonas]
    assert search_persons("Petriatis").persons == [jonas]  # two letters swapped
    assert search_persons("Petraitys").persons == [jonas]  # one letter wrong
    assert search_persons("Zzzzzzz").persons == []


def test_new_caller_is_entered_during_the_call(agent_a: User) -> None:
    client = verified_client(agent_a)
    contact = _contact(agent_a)
    bad = client.post(
        f"/caller/{contact.pk}/new-person/",
        {
            "first_name": "Rasa",
            "last_name": "Naujokė",
            "identity_scheme": "LT:asmens_kodas",
            "identity_code": "48501151231",
        },
        follow=True,
    )
    assert "The check digit is wrong." in bad.content.decode()
    assert not Person.objects.filter(last_name="Naujokė").exists()
    client.post(
        f"/caller/{contact.pk}/new-person/",
        {
            "first_name": "Rasa",
            "last_name": "Naujokė",
            "identity_scheme": "LT:asmens_kodas",
            "identity_code": "48501151230",
            "phone": "8 612 34599",
        },
    )
    person = Person.objects.get(last_name="Naujokė")
    contact.refresh_from_db()
    assert contact.person == person
    assert person.birth_date == datetime.date(1985, 1, 15) and person.sex == "F"
    assert list(person.phones.values_list("number", flat=True)) == ["+37061234599"]
    # Registering is not authenticating.
    assert "Not authenticated" in _page(client, contact)
    again = client.post(
        f"/caller/{contact.pk}/new-person/",
        {
            "first_name": "Rasa",
            "last_name": "Naujokė",
            "identity_scheme": "LT:asmens_kodas",
            "identity_code": "48501151230",
        },
        follow=True,
    )
    assert "already in the registry" in again.content.decode()
