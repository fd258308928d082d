"""The caller card: find the caller, authenticate them, see what the gate allows."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from infoline.accounts.permissions import has_action, require_action
from infoline.clients import services
from infoline.clients.access import access_contact, access_person
from infoline.clients.choices import ConsentKind, VerificationStatus
from infoline.clients.forms import (
    AnswerForm,
    CallerSearchForm,
    OverrideForm,
    StartVerificationForm,
)
from infoline.clients.models import AuthQuestion, Verification
from infoline.journal.models import Contact
from infoline.lib.http import AuthedHttpRequest


def _new_person_form() -> object:
    from infoline.clients.forms import NewPersonForm

    return NewPersonForm(initial={"identity_scheme": "LT:asmens_kodas"})


def _card_context(request: AuthedHttpRequest, contact: Contact) -> dict[str, object]:
    search = CallerSearchForm(request.GET or None)
    result = None
    if search.is_valid() and (search.cleaned_data["q"] or "").strip():
        q = search.cleaned_data["q"].strip()
        by_code = (
            services.find_by_identity(q)
            if any(ch.isdigit() for ch in q) and len(q) >= 6
            else None
        )
        if by_code is not None:
            result = services.SearchResult([by_code], False)
        elif q.startswith("+") or q.replace(" ", "").isdigit():
            found = services.find_by_phone(q)
            result = services.SearchResult(found, False)
        else:
            result = services.search_persons(q, search.cleaned_data["birth_date"])
    elif not request.GET and contact.phone and contact.person_id is None:
        result = services.SearchResult(services.find_by_phone(contact.phone), False)
    person = contact.person
    card = services.disclose(request.user, person, contact) if person else None
    verification = (
        Verification.objects.filter(contact=contact, person_id=contact.person_id)
        .order_by("pk")
        .last()
        if contact.person_id
        else None
    )
    pending = None
    if verification is not None and verification.status == VerificationStatus.PENDING:
        questions = {
            q.pk: q for q in AuthQuestion.objects.filter(pk__in=verification.asked)
        }
        pending = [
            (questions[qid], verification.answers.get(str(qid)))
            for qid in verification.asked
        ]
    return {
        "contact": contact,
        "search": search,
        "result": result,
        "card": card,
        "verification": verification,
        "pending": pending,
        "start_form": StartVerificationForm(),
        "answer_form": AnswerForm(),
        "override_form": OverrideForm(),
        "may_override": has_action(request.user, "clients.override"),
        "consent_kinds": ConsentKind.choices,
        "new_person_form": _new_person_form(),
        "failed_recently": services.failed_attempts(person) if person else 0,
        # Whom the caller proved to be: the card may show a person they represent.
        "caller": services.authenticated_caller(contact),
    }


@require_action("clients.search")
def caller_card(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contact = access_contact(request.user, pk)
    context = _card_context(request, contact)
    if request.headers.get("HX-Request"):
        return render(request, "clients/_results.html", context)
    # The contact workspace of the desk: caller card plus the journal's panels.
    from infoline.journal.views import contact_panels

    context.update(contact_panels(request, contact))
    return render(request, "clients/card.html", context)


@require_POST
@require_action("clients.search")
def select_person(request: AuthedHttpRequest, pk: int, person_id: int) -> HttpResponse:
    contact = access_contact(request.user, pk)
    if not contact.is_open:
        messages.error(request, _("This contact is closed."))
        return redirect("clients:card", contact.pk)
    person = access_person(request.user, person_id)
    contact.person = person
    contact.save(update_fields=["person"])
    return redirect("clients:card", contact.pk)


@require_POST
@require_action("clients.search")
def start_verification(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contact = access_contact(request.user, pk)
    form = StartVerificationForm(request.POST)
    if contact.person is None:
        messages.error(request, _("Choose the person the caller says they are first."))
    elif not form.is_valid():
        messages.error(request, _("Type the identity code the caller gives."))
    else:
        try:
            verification = services.start_verification(
                request.user,
                contact,
                contact.person,
                form.cleaned_data["identity_code"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if verification.status == VerificationStatus.FAILED:
                messages.error(
                    request,
                    _("The identity code the caller gave does not match this person."),
                )
    return redirect("clients:card", contact.pk)


@require_POST
@require_action("clients.search")
def answer(request: AuthedHttpRequest, pk: int, verification_id: int) -> HttpResponse:
    contact = access_contact(request.user, pk)
    verification = Verification.objects.filter(
        pk=verification_id, contact=contact
    ).first()
    form = AnswerForm(request.POST)
    if verification is None or not form.is_valid():
        messages.error(request, _("Type what the caller answered."))
        return redirect("clients:card", contact.pk)
    try:
        verification = services.answer_question(
            verification, form.cleaned_data["question"], form.cleaned_data["answer"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if verification.status == VerificationStatus.FAILED:
            messages.error(
                request,
                _(
                    "The answer is not right. The caller is not authenticated; personal data stays hidden."
                ),
            )
        elif verification.status == VerificationStatus.PASSED:
            messages.success(
                request, _("The caller is authenticated for this contact.")
            )
    return redirect("clients:card", contact.pk)


@require_POST
@require_action("clients.search")
def extra_question(
    request: AuthedHttpRequest, pk: int, verification_id: int
) -> HttpResponse:
    contact = access_contact(request.user, pk)
    verification = Verification.objects.filter(
        pk=verification_id, contact=contact
    ).first()
    if verification is not None:
        try:
            services.ask_extra_question(verification)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("clients:card", contact.pk)


@require_POST
@require_action("clients.override")
def override(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contact = access_contact(request.user, pk)
    form = OverrideForm(request.POST)
    if contact.person is None:
        messages.error(request, _("Choose the person first."))
    else:
        try:
            services.override_access(
                request.user, contact.person, contact, form.data.get("reason", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("clients:card", contact.pk)


@require_action("privacy.audit")
def privacy_overview(request: AuthedHttpRequest) -> HttpResponse:
    """DPO: find a person or an employee, and today's unusual access."""
    from infoline.accounts.models import User
    from infoline.clients.privacy import unusual_access

    query = request.GET.get("q", "").strip()
    persons = services.search_persons(query).persons if query else []
    staff = User.objects.filter(username__icontains=query)[:10] if query else []
    day = timezone.localdate()
    return render(
        request,
        "clients/privacy.html",
        {
            "query": query,
            "persons": persons,
            "staff": staff,
            "unusual": unusual_access(day),
            "day": day,
        },
    )


def _access_csv(rows: object, filename: str) -> HttpResponse:
    import csv

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(
        ["time", "employee", "person", "category", "contact", "reason", "via"]
    )
    for row in rows:  # type: ignore[attr-defined]  # a QuerySet of AccessLog
        writer.writerow(
            [
                row.at.isoformat(),
                row.user_name,
                row.person_id,
                row.category,
                row.contact_id or "",
                row.reason,
                row.via,
            ]
        )
    return response


@require_action("privacy.audit")
def person_access(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Who looked at this person (the answer to a GDPR access request)."""
    from infoline.clients.privacy import who_looked_at

    person = access_person(request.user, person_id)
    rows = who_looked_at(person.pk)
    if request.GET.get("format") == "csv":
        return _access_csv(rows, f"access-person-{person.pk}.csv")
    return render(
        request,
        "clients/access_log.html",
        {"subject": person, "rows": rows[:500], "kind": "person"},
    )


@require_action("privacy.audit")
def employee_access(request: AuthedHttpRequest, user_id: int) -> HttpResponse:
    """What this employee looked at."""
    from django.shortcuts import get_object_or_404

    from infoline.accounts.models import User
    from infoline.clients.privacy import what_employee_looked_at

    employee = get_object_or_404(User, pk=user_id)
    rows = what_employee_looked_at(employee.pk)
    if request.GET.get("format") == "csv":
        return _access_csv(rows, f"access-employee-{employee.pk}.csv")
    return render(
        request,
        "clients/access_log.html",
        {"subject": employee, "rows": rows[:500], "kind": "employee"},
    )


@require_POST
@require_action("clients.search")
def login_reminder(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A4: send the e-service login name to the e-mail or phone on file."""
    contact = access_contact(request.user, pk)
    try:
        sent = services.send_login_reminder(
            request.user, contact, request.POST.get("channel", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if sent.status == "sent":
            messages.success(
                request, _("The login reminder was sent to the address on file.")
            )
        else:
            messages.error(
                request,
                _("The login reminder could not be sent: %(error)s")
                % {"error": sent.error},
            )
    return redirect("clients:card", contact.pk)


@require_action("privacy.audit")
def person_export(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """GDPR export of everything held on a person, as JSON or PDF."""
    import json

    from infoline.clients import gdpr

    person = access_person(request.user, person_id)
    data = gdpr.export_person(request.user, person)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(gdpr.export_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="person-{person.pk}.pdf"'
        )
        return response
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    return response


@require_POST
@require_action("privacy.audit")
def erasure_request(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    from infoline.clients import gdpr

    person = access_person(request.user, person_id)
    try:
        gdpr.request_erasure(request.user, person, request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The erasure request waits for a second person's approval.")
        )
    return redirect("clients:person-access", person.pk)


@require_POST
@require_action("privacy.approve")
def erasure_decide(request: AuthedHttpRequest, request_id: int) -> HttpResponse:
    from django.shortcuts import get_object_or_404

    from infoline.clients import gdpr
    from infoline.clients.models import ErasureRequest

    erasure = get_object_or_404(ErasureRequest, pk=request_id)
    try:
        gdpr.decide_erasure(
            request.user, erasure, approve=request.POST.get("decision") == "approve"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The decision is recorded."))
    return redirect("clients:erasures")


@require_action("privacy.approve")
def erasures(request: AuthedHttpRequest) -> HttpResponse:
    from infoline.clients.models import ErasureRequest

    pending = ErasureRequest.objects.filter(
        status=ErasureRequest.Status.PENDING
    ).select_related("requested_by")
    decided = ErasureRequest.objects.exclude(
        status=ErasureRequest.Status.PENDING
    ).select_related("requested_by", "decided_by")[:50]
    return render(
        request, "clients/erasures.html", {"pending": pending, "decided": decided}
    )


@require_POST
@require_action("clients.search")
def register_person(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Enter a caller who is not in the registry yet (PL 16)."""
    from infoline.clients.forms import NewPersonForm

    contact = access_contact(request.user, pk)
    form = NewPersonForm(request.POST)
    if form.is_valid():
        try:
            services.register_person(request.user, contact, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The caller is entered into the registry."))
    else:
        messages.error(request, _("Give at least the first and last name."))
    return redirect("clients:card", contact.pk)


@require_POST
@require_action("clients.search")
def consent(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contact = access_contact(request.user, pk)
    try:
        services.set_consent(
            request.user,
            contact,
            request.POST.get("kind", ""),
            given=request.POST.get("given") == "1",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("clients:card", contact.pk)
