"""Imports uploaded through the application, run as background tasks (issue 4, item 8).

An administrator uploads a file (:func:`start_import`); the file is checked at
once (type, readable text, header: :func:`importer.check_file`) and a
:class:`ImportJob` is queued. The task (:func:`run_import_job`) claims the
job, imports the file with the same code as ``manage.py import_clients``,
writes the progress and then the report on the job row, and deletes the
uploaded file. The page polls the row.

Progress while a real import runs: the import writes every row in one
transaction, and an update of the job row inside it would be invisible to
the page until the commit. On PostgreSQL the progress is therefore written
through a second connection of its own. SQLite allows one writer at a time,
so there the progress of a real import is not written (the page shows a bar
without a figure until the end); a dry run has no transaction and reports
its progress on both databases.
"""

from __future__ import annotations

import csv
import io
import logging
import time
from typing import IO, Any, Literal

from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from infoline.clients import importer
from infoline.clients.importer import Format, ImportReport, RowError
from infoline.clients.models import ImportJob
from infoline.lib.context import Actor, acting_as

__all__ = [
    "access_import_job",
    "error_report_csv",
    "run_import_job",
    "start_import",
]

logger = logging.getLogger(__name__)

#: Seconds between two progress writes; the page polls every second.
PROGRESS_INTERVAL = 0.5
# Cells starting with these run as formulas in spreadsheets (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def access_import_job(user: Any, job_id: int) -> ImportJob:
    """Return the job if ``user`` uploaded it, else raise 404 (no hint it exists)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise Http404
    if job.created_by_id != user.pk:
        raise Http404
    return job


def start_import(
    user: Any,
    upload: UploadedFile[Any],
    *,
    kind: Literal["persons", "employers"],
    fmt: Format,
    dry_run: bool,
    all_or_nothing: bool,
) -> ImportJob:
    """Store the upload as a queued job and enqueue its task.

    The caller has checked the permission and the file (``check_file``).
    With the immediate task backend (tests) the import has finished when
    this returns.
    """
    from infoline.clients.tasks import run_import_task

    job = ImportJob(
        kind=kind,
        file_name=(upload.name or "")[:255],
        file_format=fmt,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        language=translation.get_language() or "",
        created_by=user,
    )
    job.file.save(f"import-{fmt}.{fmt}", upload, save=False)
    job.save()
    run_import_task.enqueue(job.pk)
    job.refresh_from_db()
    return job


def _raw(handle: File[Any]) -> IO[bytes]:
    """Return the binary file inside a storage's ``File`` wrappers.

    ``File`` iterates over lines split at any of CR, LF and CRLF, which
    would break a CSV cell holding a line break; the importer reads lines
    itself.
    """
    inner: Any = handle
    while isinstance(inner, File):
        inner = inner.file
    raw: IO[bytes] = inner
    return raw


class _Progress:
    """Write the rows done to the job row, at most every PROGRESS_INTERVAL s."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.side: BaseDatabaseWrapper | None = None
        self.last = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        if connection.vendor == "postgresql":
            self.write_aside(done, total)
        elif not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(
                rows_done=done, rows_total=total
            )

    def write_aside(self, done: int, total: int | None) -> None:
        """Update the row through a second connection, outside the import's transaction."""
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        table = self.side.ops.quote_name(ImportJob._meta.db_table)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET rows_done = %s, rows_total = %s WHERE id = %s",
                [done, total, self.job_id],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def run_import_job(job_id: int) -> ImportJob | None:
    """Run a queued import and store its report; None if it was not queued.

    The job is claimed with a conditional update, so two workers never run
    it twice. The import runs as the uploader, in the language of the upload
    (the report's messages are stored translated). The uploaded file is
    deleted afterwards, whatever happened.
    """
    claimed = ImportJob.objects.filter(
        pk=job_id, status=ImportJob.Status.QUEUED
    ).update(status=ImportJob.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    progress = _Progress(job.pk)
    run = (
        importer.import_persons if job.kind == "persons" else importer.import_employers
    )
    fmt: Format = "xlsx" if job.file_format == "xlsx" else "csv"
    try:
        with (
            translation.override(job.language or None),
            acting_as(Actor(user=job.created_by, via="task")),
            job.file.open("rb") as handle,
        ):
            report = run(
                _raw(handle),
                fmt=fmt,
                dry_run=job.dry_run,
                all_or_nothing=job.all_or_nothing,
                progress=progress,
                audit_object=job,
                name=job.file_name,
            )
    except Exception:
        logger.exception("import job %s stopped", job.pk)
        job.status = ImportJob.Status.FAILED
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])
        _discard_file(job)
        raise
    finally:
        progress.close()
    _store_report(job, report)
    _discard_file(job)
    return job


def _store_report(job: ImportJob, report: ImportReport) -> None:
    job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.rows_done = report.rows
    job.rows_total = report.rows
    job.rows = report.rows
    job.valid = report.valid
    job.created = report.created
    job.phones = report.phones
    job.error_count = report.error_count
    job.errors = [
        {"row": e.row, "column": e.column, "message": e.message} for e in report.errors
    ]
    job.save(
        update_fields=[
            "status",
            "finished_at",
            "rows_done",
            "rows_total",
            "rows",
            "valid",
            "created",
            "phones",
            "error_count",
            "errors",
        ]
    )


def _discard_file(job: ImportJob) -> None:
    """Delete the uploaded file: it holds personal data and has been read."""
    if job.file:
        job.file.delete(save=False)
        job.save(update_fields=["file"])


def job_errors(job: ImportJob) -> list[RowError]:
    """Return the stored problems of a finished job."""
    return [RowError(e["row"], e["column"], e["message"]) for e in job.errors]


def error_report_csv(job: ImportJob) -> str:
    """Return the job's problems as CSV text: row, column, message.

    Cells that a spreadsheet would run as a formula are prefixed with an
    apostrophe; column names and messages may quote the uploaded file.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext("row"), gettext("column"), gettext("message")])
    for error in job_errors(job):
        writer.writerow([error.row, _safe(error.column), _safe(error.message)])
    hidden = job.error_count - len(job.errors)
    if hidden > 0:
        more = ngettext(
            "%(count)s more problem is not listed.",
            "%(count)s more problems are not listed.",
            hidden,
        ) % {"count": hidden}
        writer.writerow(["", "", more])
    return out.getvalue()


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell
