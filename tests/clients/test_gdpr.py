"""Issue 4 item 7: export of everything held, erasure with a second approval, retention."""

from __future__ import annotations

import datetime
import json

import time_machine
from django.core.management import call_command

from infoline.accounts.models import User
from infoline.audit.models import AuditEvent
from infoline.clients.gdpr import apply_retention
from infoline.clients.models import AccessLog, ErasureRequest, Person, PersonPhone
from infoline.journal.models import Contact
from tests.conftest import verified_client


def _person() -> Person:
    person = Person(
        first_name="Eglė",
        last_name="Žukauskienė",
        identity_scheme="LT:asmens_kodas",
        identity_code="48501151230",
        email="egle@example.lt",
        address="Laisvės al. 1",
    )
    person.full_clean()
    person.save()
    PersonPhone.objects.create(person=person, number="+37061234567")
    return person


def test_dpo_exports_everything_as_json_and_pdf(dpo: User, agent_a: User) -> None:
    person = _person()
    Contact.objects.create(agent=agent_a, person=person, summary="asked about benefits")
    client = verified_client(dpo)
    response = client.get(f"/privacy/persons/{person.pk}/export/")
    data = json.loads(response.content)
    assert data["person"]["identity_code"] == "48501151230"
    assert data["phones"] == ["+37061234567"]
    assert data["contacts"][0]["summary"] == "asked about benefits"
    assert AccessLog.objects.filter(person=person, reason="GDPR export").count() == 4
    pdf = client.get(f"/privacy/persons/{person.pk}/export/", {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_erasure_needs_a_second_person(
    dpo: User, administrator: User, agent_a: User
) -> None:
    person = _person()
    contact = Contact.objects.create(
        agent=agent_a, person=person, phone="+37061234567", summary="private"
    )
    client = verified_client(dpo)
    refused = client.post(
        f"/privacy/persons/{person.pk}/erase/", {"reason": "short"}, follow=True
    )
    assert (
        "Write the reason for the erasure (at least 10 characters)"
        in refused.content.decode()
    )
    client.post(
        f"/privacy/persons/{person.pk}/erase/",
        {"reason": "Request 2026/77 received by post"},
    )
    erasure = ErasureRequest.objects.get()
    own = client.post(
        f"/privacy/erasures/{erasure.pk}/", {"decision": "approve"}, follow=True
    )
    assert (
        "A second person must approve the erasure; you requested it."
        in own.content.decode()
    )
    person.refresh_from_db()
    assert person.anonymised_at is None
    verified_client(administrator).post(
        f"/privacy/erasures/{erasure.pk}/", {"decision": "approve"}
    )
    person.refresh_from_db()
    contact.refresh_from_db()
    assert person.anonymised_at is not None
    assert (person.first_name, person.identity_code, person.email, person.address) == (
        "—",
        "",
        "",
        "",
    )
    assert not person.phones.exists()
    assert (contact.phone, contact.summary) == (
        "",
        "",
    )  # the contact stays for statistics
    # The trail says it happened, without the erased values.
    assert "egle@example.lt" not in json.dumps(
        list(AuditEvent.objects.values("changes", "object_repr"))
    )


def test_retention_anonymises_long_inactive_persons(agent_a: User) -> None:
    with time_machine.travel(datetime.datetime(2014, 1, 1, tzinfo=datetime.UTC)):
        old = _person()
        active = Person.objects.create(first_name="Jonas", last_name="Aktyvus")
    with time_machine.travel(datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC)):
        Contact.objects.create(agent=agent_a, person=active)
    with time_machine.travel(datetime.datetime(2026, 11, 23, tzinfo=datetime.UTC)):
        assert apply_retention(10) == 1
        call_command("gdpr_retention", "--years", "10")  # nothing left to do, no error
    old.refresh_from_db()
    active.refresh_from_db()
    assert old.anonymised_at is not None and active.anonymised_at is None


def test_retention_runs_as_a_background_task(agent_a: User) -> None:
    from infoline.clients.tasks import apply_retention_task

    with time_machine.travel(datetime.datetime(2010, 1, 1, tzinfo=datetime.UTC)):
        old = _person()
    result = apply_retention_task.enqueue(10)
    assert result.return_value == 1
    old.refresh_from_db()
    assert old.anonymised_at is not None
