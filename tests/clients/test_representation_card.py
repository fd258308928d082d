"""Issue 4 (A3): the caller card lists representations after authentication, from HTTP."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
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
from infoline.journal.models import Contact
from tests.clients.test_authentication import CODE, MARKERS, REP_CODE, _contact
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(department: Department) -> Person:
    """Šarūnas, with personal data that must stay masked outside the scope."""
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


@pytest.fixture
def representative(person: Person) -> Person:
    """Ona may hear the contact details of Šarūnas (``person``); an older grant expired."""
    rep = Person(
        first_name="Ona",
        last_name="Atstovė",
        identity_scheme="LT:asmens_kodas",
        identity_code=REP_CODE,
        registered_on=datetime.date(2020, 1, 2),
    )
    rep.full_clean()
    rep.save()
    PersonPhone.objects.create(person=rep, number="+37061111222")
    Representative.objects.create(
        person=person,
        agent=rep,
        scope=[DataCategory.CONTACT_DETAILS],
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2099, 12, 31),
    )
    other = Person.objects.create(first_name="Petras", last_name="Senas")
    Representative.objects.create(
        person=other,
        agent=rep,
        scope=[DataCategory.CASE],
        valid_from=datetime.date(2010, 1, 1),
        valid_until=datetime.date(2011, 1, 1),
    )
    return rep


def _page(client: Client, contact: Contact) -> str:
    """The card's HTML with runs of white space made one space."""
    return " ".join(client.get(f"/caller/{contact.pk}/").content.decode().split())


def _authenticate_rep(client: Client, contact: Contact, rep: Person) -> None:
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


def test_representations_are_hidden_until_the_caller_authenticates(
    agent_a: User, person: Person, representative: Person, questions: Any
) -> None:
    client = verified_client(agent_a)
    contact = _contact(agent_a)
    client.post(f"/caller/{contact.pk}/person/{representative.pk}/")

    html = _page(client, contact)

    assert "May act for" not in html
    assert "Šarūnas Kanarėlis" not in html
    assert not AccessLog.objects.exists()


def test_authenticated_representative_sees_whom_they_act_for_and_switches(
    agent_a: User, person: Person, representative: Person, questions: Any
) -> None:
    client = verified_client(agent_a)
    contact = _contact(agent_a)
    _authenticate_rep(client, contact, representative)

    html = _page(client, contact)

    assert "May act for Šarūnas Kanarėlis" in html
    assert "Address, phones and e-mail · valid 2020-01-01 to 2099-12-31" in html
    assert "May act for Petras Senas" in html
    assert "not in force" in html
    # Only the authorisation in force offers the switch.
    assert f'action="/caller/{contact.pk}/person/{person.pk}/"' in html
    assert "Ask about Šarūnas Kanarėlis" in html
    assert "Ask about Petras Senas" not in html
    # The list is case data of the caller, read through the gate and logged.
    assert AccessLog.objects.filter(
        person=representative, category=DataCategory.CASE, contact_id=contact.pk
    ).exists()

    client.post(f"/caller/{contact.pk}/person/{person.pk}/")
    html = _page(client, contact)

    assert "Shown to Ona Atstovė, who represents this person" in html
    assert "Via representative" in html and ">Authenticated<" not in html
    # Acts for the caller alone (the services refuse them too) are not offered.
    assert f"/caller/{contact.pk}/consent/" not in html
    assert f"/caller/{contact.pk}/login-reminder/" not in html
    assert MARKERS["address"] in html and MARKERS["email"] in html
    assert CODE not in html and MARKERS["eservice_login"] not in html
    # Case data (and so the representations of the represented) stay masked.
    assert "Represented by Ona" not in html
    assert f'action="/caller/{contact.pk}/person/{representative.pk}/"' in html


def test_representations_come_through_the_api_gate(
    agent_a: User, person: Person, representative: Person, questions: Any
) -> None:
    client = verified_client(agent_a)
    contact = _contact(agent_a)
    _authenticate_rep(client, contact, representative)

    card = client.get(f"/api/clients/contacts/{contact.pk}/person").json()

    first = card["fields"]["representations"][0]
    assert first == {
        "relation": "represents",
        "person_id": person.pk,
        "name": "Šarūnas Kanarėlis",
        "scope": ["contact_details"],
        "scope_labels": ["Address, phones and e-mail"],
        "valid_from": "2020-01-01",
        "valid_until": "2099-12-31",
        "in_force": True,
    }


def test_the_represented_person_sees_who_represents_them(
    agent_a: User, person: Person, representative: Person, questions: Any
) -> None:
    client = verified_client(agent_a)
    contact = _contact(agent_a)
    client.post(f"/caller/{contact.pk}/person/{person.pk}/")
    client.post(f"/caller/{contact.pk}/verify/", {"identity_code": CODE})
    verification = Verification.objects.filter(contact=contact).latest("pk")
    answers = {
        QuestionKind.REGISTERED_ON: "2024-03-15",
        QuestionKind.PHONE_DIGITS: "4567",
    }
    for qid in verification.asked:
        kind = AuthQuestion.objects.get(pk=qid).kind
        client.post(
            f"/caller/{contact.pk}/verify/{verification.pk}/answer/",
            {"question": qid, "answer": answers[kind]},
        )

    html = _page(client, contact)

    assert "Represented by Ona Atstovė" in html
    assert "Ask about Ona" not in html
