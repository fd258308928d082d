"""Issue 4: the canary. A person with unique marker values; every page and API
endpoint requested as every role, before and after authentication. No marker
may appear before authentication (or an override); each appearance afterwards
has its access-log row. URLs come from the URL configuration through the
permission walk's table, which fails on any URL it does not know.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.urls import reverse

from infoline.accounts.models import Department, Employee, OpeningCalendar, User
from infoline.clients.choices import QuestionKind
from infoline.clients.models import (
    AccessLog,
    AuthPolicy,
    AuthQuestion,
    Person,
    PersonPhone,
    Verification,
)
from infoline.journal.models import Contact, Topic
from tests.accounts.test_permission_matrix import API, PAGES, _kwargs
from tests.conftest import verified_client

CODE = "33309240064"
# Pages whose purpose is to disclose, to one role, with a log row: the DPO's
# GDPR export (the answer to the person's own access request).
DISCLOSING = {"clients:person-export": "dpo"}
MARKERS = ["CANARY-ADDRESS-7f3", "canary-7f3@example.lt", "canary7f3login", CODE]


def _seed(department: Department) -> Person:
    person = Person(
        first_name="Canary",
        last_name="Person",
        identity_scheme="LT:asmens_kodas",
        identity_code=CODE,
        address=MARKERS[0],
        email=MARKERS[1],
        eservice_login=MARKERS[2],
        registered_on=datetime.date(2023, 5, 6),
    )
    person.full_clean()
    person.save()
    PersonPhone.objects.create(person=person, number="+37061234567")
    AuthPolicy.objects.create(questions=1)
    AuthQuestion.objects.create(
        kind=QuestionKind.REGISTERED_ON, text="When did you register?"
    )
    return person


def _sweep(
    users: dict[str, User], objects: dict[str, Any], person: Person
) -> dict[tuple[str, str], str]:
    """GET every page and API path as every user; return bodies by (url name, user)."""
    bodies: dict[tuple[str, str], str] = {}
    for username, user in users.items():
        client = verified_client(user)
        for name, (method, _action, key) in PAGES.items():
            if method != "GET":
                continue
            kwargs = _kwargs(key, objects, user)
            if name == "clients:card":
                contact = Contact.objects.get(pk=kwargs["pk"])
                contact.person = person
                contact.save()
            bodies[(name, username)] = client.get(
                reverse(name, kwargs=kwargs), {"q": "Canary Person"}
            ).content.decode()
        contact = Contact.objects.create(agent=user, person=person)
        samples = {
            "employee_id": objects["employee"].pk,
            "department_id": objects["department"].pk,
            "calendar_id": objects["calendar"].pk,
            "contact_id": contact.pk,
            "topic_id": Topic.objects.create(type="consultation", name="Canary").pk,
        }
        for path, (method, _action) in API.items():
            if method != "GET":
                continue
            url = re.sub(r"\{(\w+)\}", lambda m, s=samples: str(s[m.group(1)]), path)
            bodies[(path, username)] = client.get(url, {"q": "Canary"}).content.decode()
    return bodies


def test_no_marker_leaks_before_authentication_and_every_disclosure_is_logged(
    personas: dict[str, User], agent_b: User, department: Department
) -> None:
    person = _seed(department)
    objects = {
        "department": department,
        "employee": Employee.objects.create(
            first_name="Ona", last_name="Onaitė", department=department
        ),
        "calendar": OpeningCalendar.objects.create(name="Centre"),
        "person": person,
    }
    users = {user.username: user for user in [*personas.values(), agent_b]}
    for (url, username), body in _sweep(users, objects, person).items():
        if DISCLOSING.get(url) == username:
            assert MARKERS[0] in body
            continue
        for marker in MARKERS:
            assert marker not in body, (
                f"{marker} leaked at {url} to {username} before authentication"
            )
    # The only disclosures so far are the DPO's logged exports.
    assert set(AccessLog.objects.values_list("reason", flat=True)) == {"GDPR export"}
    assert set(AccessLog.objects.values_list("user_name", flat=True)) == {"dpo"}

    # Agent A authenticates the caller in an open contact.
    agent = personas["agent"]
    client = verified_client(agent)
    contact = Contact.objects.create(agent=agent, person=person, phone="+37069999999")
    client.post(f"/caller/{contact.pk}/verify/", {"identity_code": CODE})
    verification = Verification.objects.get(contact=contact)
    for qid in verification.asked:
        client.post(
            f"/caller/{contact.pk}/verify/{verification.pk}/answer/",
            {"question": qid, "answer": "2023-05-06"},
        )
    body = client.get(f"/caller/{contact.pk}/").content.decode()
    for marker in MARKERS:
        assert marker in body
    rows = AccessLog.objects.filter(
        person=person, user_id=agent.pk, contact_id=contact.pk
    ).count()
    # One per category shown on the card, and one for the earlier contacts (J5).
    assert rows == 5

    # Everybody else, and every other page, still sees no marker.
    last_before = (
        AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    )
    for (url, username), body in _sweep(users, objects, person).items():
        if DISCLOSING.get(url) == username:
            continue
        for marker in MARKERS:
            assert marker not in body, f"{marker} leaked at {url} to {username}"
    assert (
        not AccessLog.objects.filter(id__gt=last_before)
        .exclude(reason="GDPR export")
        .exists()
    )
