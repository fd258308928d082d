"""Client registry endpoints: search, authentication and the gated person detail.

The same services and gate as the caller card: names are general information;
everything else comes through ``disclose`` and is access-logged.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from infoline.clients import services
from infoline.clients.access import access_contact, access_person
from infoline.clients.models import AuthQuestion, Verification
from infoline.journal.models import Contact
from infoline.lib.api import require

router = Router(tags=["clients"])


class PersonNameOut(Schema):
    id: int
    first_name: str
    last_name: str


class SearchOut(Schema):
    persons: list[PersonNameOut]
    more: bool


class ContactIn(Schema):
    phone: str = ""


class ContactOut(Schema):
    id: int
    person_id: int | None
    status: str


class SelectIn(Schema):
    person_id: int


class VerificationIn(Schema):
    identity_code: str


class QuestionOut(Schema):
    id: int
    text: str


class VerificationOut(Schema):
    id: int
    status: str
    questions: list[QuestionOut]
    answered: list[int]


class AnswerIn(Schema):
    question_id: int
    answer: str


class PersonCardOut(Schema):
    id: int
    first_name: str
    last_name: str
    authenticated: bool
    flagged: bool
    fields: dict[str, Any]
    masked: list[str]


def _verification_out(verification: Verification) -> dict[str, Any]:
    texts = dict(
        AuthQuestion.objects.filter(pk__in=verification.asked).values_list("pk", "text")
    )
    return {
        "id": verification.pk,
        "status": verification.status,
        "questions": [{"id": q, "text": texts[q]} for q in verification.asked],
        "answered": [int(k) for k in verification.answers if k.isdigit()],
    }


def _validation(exc: ValidationError) -> HttpError:
    return HttpError(422, " ".join(exc.messages))


@router.get("/clients/persons", response=SearchOut)
def search_persons(
    request: HttpRequest, q: str, birth_date: datetime.date | None = None
) -> dict[str, Any]:
    """Find persons by name (and birth date), identity code or phone: names only."""
    require(request, "clients.search")
    if any(ch.isdigit() for ch in q) and len(q.strip()) >= 6:
        found = services.find_by_identity(q)
        persons = [found] if found else services.find_by_phone(q)
        return {"persons": persons, "more": False}
    result = services.search_persons(q, birth_date)
    return {"persons": result.persons, "more": result.more}


@router.post("/clients/contacts", response={201: ContactOut})
def open_contact(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    """Register a contact the caller is authenticated for (until it closes)."""
    user = require(request, "clients.search")
    from infoline.accounts.validators import normalize_phone

    try:
        phone = normalize_phone(payload.phone) if payload.phone else ""
    except ValidationError as exc:
        raise _validation(exc) from None
    return Status(201, Contact.objects.create(agent=user, phone=phone))


@router.post("/clients/contacts/{contact_id}/select", response=ContactOut)
def select_person(request: HttpRequest, contact_id: int, payload: SelectIn) -> Contact:
    user = require(request, "clients.search")
    contact = access_contact(user, contact_id)
    if not contact.is_open:
        raise HttpError(422, "This contact is closed.")
    contact.person = access_person(user, payload.person_id)
    contact.save(update_fields=["person"])
    return contact


@router.post(
    "/clients/contacts/{contact_id}/verifications", response={201: VerificationOut}
)
def start_verification(
    request: HttpRequest, contact_id: int, payload: VerificationIn
) -> Status[dict[str, Any]]:
    user = require(request, "clients.search")
    contact = access_contact(user, contact_id)
    if contact.person is None:
        raise HttpError(422, "Choose the person the caller says they are first.")
    try:
        verification = services.start_verification(
            user, contact, contact.person, payload.identity_code
        )
    except ValidationError as exc:
        raise _validation(exc) from None
    return Status(201, _verification_out(verification))


@router.post(
    "/clients/contacts/{contact_id}/verifications/{verification_id}/answers",
    response=VerificationOut,
)
def answer(
    request: HttpRequest, contact_id: int, verification_id: int, payload: AnswerIn
) -> dict[str, Any]:
    user = require(request, "clients.search")
    contact = access_contact(user, contact_id)
    verification = Verification.objects.filter(
        pk=verification_id, contact=contact
    ).first()
    if verification is None:
        raise HttpError(404, "Not found.")
    try:
        verification = services.answer_question(
            verification, payload.question_id, payload.answer
        )
    except ValidationError as exc:
        raise _validation(exc) from None
    return _verification_out(verification)


@router.get("/clients/contacts/{contact_id}/person", response=PersonCardOut)
def contact_person(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    """The contact's person through the disclosure gate (masked until authenticated)."""
    user = require(request, "clients.search")
    contact = access_contact(user, contact_id)
    if contact.person is None:
        raise HttpError(404, "No person is attached to this contact.")
    card = services.disclose(user, contact.person, contact)
    return {
        "id": card.person_id,
        "first_name": card.first_name,
        "last_name": card.last_name,
        "authenticated": card.authenticated,
        "flagged": card.flagged,
        "fields": card.fields,
        "masked": sorted(card.masked),
    }
