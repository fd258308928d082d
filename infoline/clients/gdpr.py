"""GDPR: export of everything held on a person, erasure with a second person's
approval, and the retention rule that anonymises long-inactive persons.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from infoline.accounts.models import User
from infoline.accounts.permissions import has_action
from infoline.audit.choices import AuditAction
from infoline.audit.services import record_event
from infoline.clients.choices import DataCategory
from infoline.clients.models import (
    AccessLog,
    AccessOverride,
    ErasureRequest,
    Person,
    PersonAnswer,
    PersonPhone,
    Representative,
    Verification,
)

ANONYMISED = "—"


def export_person(user: User, person: Person) -> dict[str, Any]:
    """Everything held on ``person``, as plain data (the GDPR access-request answer).

    Only the data-protection officer exports; the export itself is logged.
    """
    if not has_action(user, "privacy.audit"):
        raise ValidationError(
            _("Only the data-protection officer exports personal data.")
        )
    from infoline.journal.models import Contact
    from infoline.notify.models import SentMessage

    def iso(value: Any) -> Any:
        return (
            value.isoformat()
            if isinstance(value, datetime.date | datetime.datetime)
            else value
        )

    data: dict[str, Any] = {
        "person": {
            field: iso(getattr(person, field))
            for field in [
                "id",
                "first_name",
                "last_name",
                "identity_scheme",
                "identity_code",
                "birth_date",
                "sex",
                "email",
                "address",
                "postal_code",
                "preferred_language",
                "eservice_login",
                "registered_on",
                "created_at",
                "flagged_at",
                "anonymised_at",
            ]
        },
        "phones": list(
            PersonPhone.objects.filter(person=person).values_list("number", flat=True)
        ),
        "representatives": [
            {
                "representative_id": r.agent_id,
                "scope": r.scope,
                "valid_from": iso(r.valid_from),
                "valid_until": iso(r.valid_until),
                "document": r.document,
            }
            for r in Representative.objects.filter(person=person)
        ],
        "consents": [
            {
                "kind": c.kind,
                "given_at": iso(c.given_at),
                "source": c.source,
                "withdrawn_at": iso(c.withdrawn_at),
            }
            for c in person.consents.all()
        ],
        "represents": [
            r.person_id for r in Representative.objects.filter(agent=person)
        ],
        "contacts": [
            {
                "id": c.pk,
                "started_at": iso(c.started_at),
                "channel": c.channel,
                "phone": c.phone,
                "summary": c.summary,
                "status": c.status,
                "employee": c.agent.get_full_name() or c.agent.username,
            }
            for c in Contact.objects.filter(person=person).select_related("agent")
        ],
        "authentications": [
            {"at": iso(v.started_at), "status": v.status}
            for v in Verification.objects.filter(person=person)
        ],
        "overrides": [
            {"at": iso(o.created_at), "reason": o.reason}
            for o in AccessOverride.objects.filter(person=person)
        ],
        "messages": [
            {
                "at": iso(m.created_at),
                "channel": m.channel,
                "to": m.to,
                "subject": m.subject,
                "status": m.status,
            }
            for m in SentMessage.objects.filter(person=person)
        ],
        "access_log": [
            {
                "at": iso(a.at),
                "employee": a.user_name,
                "category": a.category,
                "reason": a.reason,
            }
            for a in AccessLog.objects.filter(person=person).order_by("at")
        ],
    }
    for category in DataCategory.values:
        AccessLog.objects.create(
            user_id=user.pk,
            user_name=user.get_username(),
            person=person,
            category=category,
            reason="GDPR export",
            via="app",
        )
    return data


def export_pdf(data: dict[str, Any]) -> bytes:
    """Render an export as a PDF (WeasyPrint, DejaVu fonts for Lithuanian and Russian)."""
    from weasyprint import HTML

    html = render_to_string(
        "clients/gdpr_export.html", {"data": data, "now": timezone.now()}
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


@transaction.atomic
def request_erasure(user: User, person: Person, reason: str) -> ErasureRequest:
    if not has_action(user, "privacy.audit"):
        raise ValidationError(_("Only the data-protection officer requests erasure."))
    if person.anonymised_at is not None:
        raise ValidationError(_("This person is already anonymised."))
    if len(reason.strip()) < 10:
        raise ValidationError(
            _(
                "Write the reason for the erasure (at least 10 characters), e.g. the request's number."
            )
        )
    if ErasureRequest.objects.filter(
        person=person, status=ErasureRequest.Status.PENDING
    ).exists():
        raise ValidationError(
            _("An erasure request for this person is already waiting for approval.")
        )
    return ErasureRequest.objects.create(
        person=person, reason=reason.strip(), requested_by=user
    )


@transaction.atomic
def decide_erasure(
    user: User, request: ErasureRequest, approve: bool
) -> ErasureRequest:
    """A second person approves (the person is anonymised) or rejects the request."""
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if not has_action(user, "privacy.approve"):
        raise ValidationError(_("Your role does not allow approving erasure."))
    if request.requested_by_id == user.pk:
        raise ValidationError(
            _("A second person must approve the erasure; you requested it.")
        )
    if request.status != ErasureRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    request.decided_by = user
    request.decided_at = timezone.now()
    request.status = (
        ErasureRequest.Status.DONE if approve else ErasureRequest.Status.REJECTED
    )
    request.save(update_fields=["decided_by", "decided_at", "status"])
    if approve:
        anonymise_person(request.person, reason=f"erasure request #{request.pk}")
    return request


def anonymise_person(person: Person, *, reason: str) -> None:
    """Replace every personal field; contacts stay for statistics, without the person's data."""
    from infoline.journal.models import Contact

    with transaction.atomic():
        PersonPhone.objects.filter(person=person).delete()
        PersonAnswer.objects.filter(person=person).delete()
        person.consents.all().delete()
        Representative.objects.filter(person=person).delete()
        Representative.objects.filter(agent=person).delete()
        Contact.objects.filter(person=person).update(phone="", summary="")
        for field in [
            "email",
            "address",
            "postal_code",
            "eservice_login",
            "identity_code",
            "identity_scheme",
            "preferred_language",
            "sex",
        ]:
            setattr(person, field, "")
        person.first_name = ANONYMISED
        person.last_name = f"#{person.pk}"
        person.birth_date = None
        person.registered_on = None
        person.last_office = None
        person.anonymised_at = timezone.now()
        person.save()
        record_event(
            AuditAction.UPDATE,
            person,
            reason=reason,
            object_repr=f"person #{person.pk} anonymised",
        )


def persons_past_retention(years: int, now: datetime.datetime | None = None) -> Any:
    """Persons not anonymised, created and last contacted more than ``years`` ago."""
    from django.db.models import Max, Q

    if years < 1:
        raise ValidationError(_("The retention period is at least one year."))
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=round(365.25 * years))
    return (
        Person.objects.filter(anonymised_at__isnull=True, created_at__lt=cutoff)
        .annotate(last_contact=Max("contacts__started_at"))
        .filter(Q(last_contact__isnull=True) | Q(last_contact__lt=cutoff))
    )


def apply_retention(years: int, now: datetime.datetime | None = None) -> int:
    """Anonymise every person past the retention period; return how many."""
    count = 0
    for person in persons_past_retention(years, now).iterator():
        anonymise_person(person, reason=f"retention: no contact for {years} years")
        count += 1
    return count
