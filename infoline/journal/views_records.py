"""Records of the journal: attachments (J7) and extracts (item 12).

Thin views: a form parses the input, ``access_record_contact`` /
``open_attachment`` check the object, a service acts. The attachment list is
a fragment the agent desk embeds (htmx) on a contact.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from infoline.accounts.permissions import require_action
from infoline.journal.attachments import (
    access_record_contact,
    add_attachment,
    max_attachment_bytes,
    open_attachment,
)
from infoline.journal.choices import ContactStatus
from infoline.journal.exports import export_contacts
from infoline.journal.forms import JournalFilterForm
from infoline.journal.models import Contact
from infoline.lib.http import AuthedHttpRequest


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    document_number = forms.CharField(label=_("Document number"), max_length=100)
    registered_on = forms.DateField(
        label=_("Registration date"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _template(request: AuthedHttpRequest) -> str:
    """The fragment for the desk (htmx), the whole page otherwise."""
    if request.headers.get("HX-Request"):
        return "records/_attachments.html"
    return "records/attachments.html"


def _refused(request: AuthedHttpRequest) -> int:
    """422 for refused input; 200 for htmx, which swaps no 4xx response by default."""
    return 200 if request.headers.get("HX-Request") else 422


def _attachments_context(
    contact: Contact, form: AttachmentForm | None = None, error: str = ""
) -> dict[str, Any]:
    return {
        "contact": contact,
        "attachments": list(
            contact.attachments.select_related("uploaded_by").order_by(
                "uploaded_at", "pk"
            )
        ),
        "form": form or AttachmentForm(initial={"registered_on": timezone.localdate()}),
        "error": error,
        "limit": max_attachment_bytes(),
    }


@require_action("journal.attachments")
@require_GET
def attachments(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The contact's attachments and the upload form (a fragment for the desk)."""
    contact = access_record_contact(request.user, pk)
    return render(request, _template(request), _attachments_context(contact))


@require_action("journal.attachments")
@require_POST
def attachment_upload(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Attach a file; bad input re-renders the fragment with a specific error (422)."""
    contact = access_record_contact(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            _template(request),
            _attachments_context(contact, form),
            status=_refused(request) if request.POST or request.FILES else 200,
        )
    upload = form.cleaned_data["file"]
    try:
        add_attachment(
            request.user,
            contact,
            upload,
            name=upload.name or "",
            size=upload.size,
            document_number=form.cleaned_data["document_number"],
            registered_on=form.cleaned_data["registered_on"],
        )
    except ValidationError as exc:
        return render(
            request,
            _template(request),
            _attachments_context(contact, form, error=" ".join(exc.messages)),
            status=_refused(request),
        )
    return render(request, _template(request), _attachments_context(contact))


@require_action("journal.attachments")
@require_GET
def attachment_download(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Serve one attachment after the access check; the read is logged first."""
    attachment = open_attachment(request.user, pk)
    # Attachments are bounded by the size limit, so one read is fine.
    with attachment.file.open("rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, attachment.original_name
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def _inform_context(
    contact: Contact, error: str = "", sent: bool = False
) -> dict[str, Any]:
    return {
        "contact": contact,
        "informs": list(
            contact.history.filter(
                act__in=["citizen_informed", "citizen_inform_failed"]
            ).select_related("actor")
        ),
        "can_inform": contact.status == ContactStatus.CLOSED
        and contact.person_id is not None,
        "error": error,
        "sent": sent,
    }


@require_action("desk.use")
@require_GET
def result_notice(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Whether and how the citizen was told the result (J9, J10): a desk fragment."""
    contact = access_record_contact(request.user, pk)
    return render(request, "records/_inform.html", _inform_context(contact))


@require_action("desk.use")
@require_POST
def inform(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Send the citizen the result by e-mail or SMS; refusals re-render with the reason."""
    from infoline.journal.deadlines import inform_citizen
    from infoline.notify.models import SentMessage

    contact = access_record_contact(request.user, pk)
    if not request.POST:
        return render(request, "records/_inform.html", _inform_context(contact))
    try:
        record = inform_citizen(
            request.user, contact, channel=request.POST.get("channel", "")
        )
    except ValidationError as exc:
        return render(
            request,
            "records/_inform.html",
            _inform_context(contact, error=" ".join(exc.messages)),
            status=_refused(request),
        )
    assert isinstance(record, SentMessage)
    if record.status != SentMessage.Status.SENT:
        return render(
            request,
            "records/_inform.html",
            _inform_context(
                contact,
                error=gettext("The message could not be sent: %(error)s")
                % {"error": record.error},
            ),
            status=_refused(request),
        )
    return render(request, "records/_inform.html", _inform_context(contact, sent=True))


class ExportForm(JournalFilterForm):
    """The journal's filters and the file format of the extract."""

    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", "XLSX"), ("csv", "CSV")],
        initial="xlsx",
    )


@require_action("journal.export")
@require_GET
def export(request: AuthedHttpRequest) -> HttpResponse:
    """The export form; with its fields filled in, the extract as a download."""
    today = timezone.localdate()
    if "start" not in request.GET:
        form = ExportForm(
            initial={"start": today - datetime.timedelta(days=30), "end": today}
        )
        return render(request, "records/export.html", {"form": form})
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(request, "records/export.html", {"form": form}, status=422)
    data = form.cleaned_data
    filters = form.filters()
    try:
        content, content_type, _count = export_contacts(
            request.user, filters, data["format"]
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, "records/export.html", {"form": form}, status=422)
    response = HttpResponse(content, content_type=content_type)
    name = f"journal-{filters.start.isoformat()}-{filters.end.isoformat()}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{data["format"]}"'
    response["Cache-Control"] = "private, no-store"
    return response
