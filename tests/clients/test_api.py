"""Issue 4 item 9: search, authentication and the gated person detail over the API."""

from __future__ import annotations

import datetime

from django.test import Client

from infoline.accounts.models import User
from infoline.accounts.services import create_api_token
from infoline.clients.choices import QuestionKind
from infoline.clients.models import AccessLog, AuthPolicy, AuthQuestion, Person

CODE = "33309240064"


def test_api_authentication_unmasks_the_person(agent_a: User, agent_b: User) -> None:
    person = Person(
        first_name="Jonas",
        last_name="Jonaitis",
        identity_scheme="LT:asmens_kodas",
        identity_code=CODE,
        address="Vilniaus g. 1",
        registered_on=datetime.date(2022, 2, 2),
    )
    person.full_clean()
    person.save()
    AuthPolicy.objects.create(questions=1)
    AuthQuestion.objects.create(
        kind=QuestionKind.REGISTERED_ON, text="When did you register?"
    )
    _t, raw = create_api_token(agent_a, "desk")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    found = api.get("/api/clients/persons", {"q": "jonaitis"}).json()
    assert found == {
        "persons": [{"id": person.pk, "first_name": "Jonas", "last_name": "Jonaitis"}],
        "more": False,
    }
    contact = api.post(
        "/api/clients/contacts",
        {"phone": "+37069999999"},
        content_type="application/json",
    ).json()
    cid = contact["id"]
    api.post(
        f"/api/clients/contacts/{cid}/select",
        {"person_id": person.pk},
        content_type="application/json",
    )
    masked = api.get(f"/api/clients/contacts/{cid}/person").json()
    assert masked["authenticated"] is False
    assert masked["fields"]["address"] == "•••" and "address" in masked["masked"]
    bad = api.post(
        f"/api/clients/contacts/{cid}/verifications",
        {"identity_code": " "},
        content_type="application/json",
    )
    assert (
        bad.status_code == 422
        and bad.json()["detail"] == "Type the identity code the caller gives."
    )
    started = api.post(
        f"/api/clients/contacts/{cid}/verifications",
        {"identity_code": CODE},
        content_type="application/json",
    )
    assert started.status_code == 201
    verification = started.json()
    assert (
        "2022" not in started.content.decode()
    )  # the expected answer never leaves the server
    qid = verification["questions"][0]["id"]
    done = api.post(
        f"/api/clients/contacts/{cid}/verifications/{verification['id']}/answers",
        {"question_id": qid, "answer": "2022-02-02"},
        content_type="application/json",
    ).json()
    assert done["status"] == "passed"
    shown = api.get(f"/api/clients/contacts/{cid}/person").json()
    assert (
        shown["authenticated"] is True and shown["fields"]["address"] == "Vilniaus g. 1"
    )
    assert AccessLog.objects.filter(person=person, via="api").count() == 4
    # The outsider cannot even see that the contact exists.
    _t, other = create_api_token(agent_b, "desk")
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {other}")
        .get(f"/api/clients/contacts/{cid}/person")
        .status_code
        == 404
    )
