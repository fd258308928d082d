"""Issue 4 item 6 (A4): the e-service login reminder goes only to the address on file."""

from __future__ import annotations

import datetime

from django.core import mail

from infoline.accounts.models import User
from infoline.clients.choices import QuestionKind
from infoline.clients.models import (
    AccessLog,
    AuthPolicy,
    AuthQuestion,
    Person,
    PersonPhone,
    Verification,
)
from infoline.journal.models import Contact
from infoline.notify.models import SentMessage
from tests.conftest import verified_client

CODE = "33309240064"


def _setup(agent: User) -> tuple[Person, Contact]:
    person = Person(
        first_name="Jonas",
        last_name="Jonaitis",
        identity_scheme="LT:asmens_kodas",
        identity_code=CODE,
        email="jonas@example.lt",
        eservice_login="jjonaitis",
        registered_on=datetime.date(2022, 2, 2),
        preferred_language="lt",
    )
    person.full_clean()
    person.save()
    PersonPhone.objects.create(person=person, number="+37061234567")
    AuthPolicy.objects.create(questions=1)
    AuthQuestion.objects.create(kind=QuestionKind.REGISTERED_ON, text="When?")
    return person, Contact.objects.create(
        agent=agent, person=person, phone="+37069999999"
    )


def test_reminder_refused_before_authentication(agent_a: User) -> None:
    _person, contact = _setup(agent_a)
    response = verified_client(agent_a).post(
        f"/caller/{contact.pk}/login-reminder/", {"channel": "email"}, follow=True
    )
    assert "sent only after the caller is authenticated" in response.content.decode()
    assert not SentMessage.objects.exists() and not mail.outbox


def test_reminder_goes_to_the_address_on_file_and_is_recorded(agent_a: User) -> None:
    person, contact = _setup(agent_a)
    client = verified_client(agent_a)
    client.post(f"/caller/{contact.pk}/verify/", {"identity_code": CODE})
    verification = Verification.objects.get()
    client.post(
        f"/caller/{contact.pk}/verify/{verification.pk}/answer/",
        {"question": verification.asked[0], "answer": "2022-02-02"},
    )
    # Whatever the caller dictates, the form has no address field: the one on file is used.
    response = client.post(
        f"/caller/{contact.pk}/login-reminder/",
        {"channel": "email", "to": "thief@example.com"},
        follow=True,
    )
    assert (
        "The login reminder was sent to the address on file."
        in response.content.decode()
    )
    assert [m.to for m in mail.outbox] == [["jonas@example.lt"]]
    assert "jjonaitis" in mail.outbox[0].body
    record = SentMessage.objects.get()
    assert (record.channel, record.to, record.purpose, record.status) == (
        "email",
        "jonas@example.lt",
        "login_reminder",
        "sent",
    )
    assert AccessLog.objects.filter(
        person=person, reason__contains="login reminder"
    ).exists()
    client.post(f"/caller/{contact.pk}/login-reminder/", {"channel": "sms"})
    sms = SentMessage.objects.filter(channel="sms").get()
    assert sms.to == "+37061234567" and sms.status == "sent"
