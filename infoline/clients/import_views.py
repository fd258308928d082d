"""Pages to import persons and employers from a file (issue 4, item 8).

Upload (with an immediate check of the file's type and header), a job page
whose progress fragment htmx polls every second until the task has ended,
then the per-row report, also downloadable as CSV. Every page needs
``clients.import``; a job is seen only by the person who uploaded it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infoline.accounts.permissions import require_action
from infoline.clients.import_jobs import (
    access_import_job,
    error_report_csv,
    start_import,
)
from infoline.clients.importer import (
    EMPLOYER_COLUMNS,
    PERSON_COLUMNS,
    check_file,
    format_from_name,
)
from infoline.clients.models import ImportJob
from infoline.lib.http import AuthedHttpRequest

#: Largest upload accepted, in bytes (1,000,000 persons are about 150 MB).
MAX_UPLOAD = 512 * 1024 * 1024
#: Problems listed on the page; the CSV download has all that were kept.
ERRORS_ON_PAGE = 200


class ImportForm(forms.Form):
    """What to import, from which file, and how."""

    kind = forms.ChoiceField(
        label=_("Records"),
        choices=ImportJob.Kind.choices,
        initial=ImportJob.Kind.PERSONS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        error_messages={
            "required": _("Choose a file to import."),
            "empty": _("The file is empty."),
        },
    )
    mode = forms.ChoiceField(
        label=_("Run"),
        choices=[
            ("dry_run", _("Check only (dry run): write nothing")),
            ("import", _("Import")),
        ],
        initial="dry_run",
        widget=forms.RadioSelect,
    )
    partial = forms.BooleanField(
        label=_(
            "Import the valid rows even if some rows have errors "
            "(otherwise nothing is imported when any row is wrong)"
        ),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        kind = cleaned.get("kind")
        if upload is None or kind is None:
            return cleaned
        fmt = format_from_name(upload.name or "")
        if fmt is None:
            self.add_error(
                "file",
                gettext("Import files are .csv or .xlsx; “%(file)s” is neither.")
                % {"file": upload.name},
            )
            return cleaned
        if upload.size is not None and upload.size > MAX_UPLOAD:
            self.add_error(
                "file",
                gettext("The file is larger than %(max)s MB; split it.")
                % {"max": MAX_UPLOAD // (1024 * 1024)},
            )
            return cleaned
        problems = check_file(kind, upload.file, fmt)
        for problem in problems:
            if problem.row:
                text = gettext("Row %(row)s, %(column)s: %(message)s") % {
                    "row": problem.row,
                    "column": problem.column,
                    "message": problem.message,
                }
            else:
                text = problem.message
            self.add_error("file", text)
        cleaned["format"] = fmt
        return cleaned


@require_action("clients.import")
def import_start(request: AuthedHttpRequest) -> HttpResponse:
    """Upload a file to import; list the user's recent imports."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = start_import(
            request.user,
            data["file"],
            kind=data["kind"],
            fmt=data["format"],
            dry_run=data["mode"] == "dry_run",
            all_or_nothing=not data["partial"],
        )
        return redirect("clients:import-job", job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user)[:20]
    return render(
        request,
        "clients/import.html",
        {
            "form": form,
            "jobs": jobs,
            "person_columns": PERSON_COLUMNS,
            "employer_columns": EMPLOYER_COLUMNS,
        },
        status=422 if form.is_bound and not form.is_valid() else 200,
    )


@require_action("clients.import")
def import_job(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """One import: progress while it runs, then the report (htmx polls the fragment)."""
    job = access_import_job(request.user, job_id)
    context = {"job": job, "errors": job.errors[:ERRORS_ON_PAGE]}
    if request.headers.get("HX-Request"):
        return render(request, "clients/_import_progress.html", context)
    return render(request, "clients/import_job.html", context)


@require_action("clients.import")
def import_report(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """The job's problems as a CSV file: row, column, message."""
    job = access_import_job(request.user, job_id)
    response = HttpResponse(
        error_report_csv(job), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="import-{job.pk}-problems.csv"'
    )
    return response
