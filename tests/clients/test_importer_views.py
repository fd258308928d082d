"""Import pages (issue 4, item 8): upload, progress, report, from HTTP."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from infoline.accounts.models import User
from infoline.audit.choices import AuditAction
from infoline.audit.models import AuditEvent
from infoline.clients import import_jobs, import_views
from infoline.clients.import_jobs import error_report_csv, run_import_job
from infoline.clients.models import Employer, ImportJob, Person, PersonPhone
from tests.clients.test_importer import CODE_TOMAS, HEADER, good_lines, imones_kodas
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

IMPORT = "/imports/"


def csv_upload(lines: list[str], name: str = "people.csv") -> SimpleUploadedFile:
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    return SimpleUploadedFile(name, data, content_type="text/csv")


def upload(
    client: Client,
    file: SimpleUploadedFile,
    *,
    kind: str = "persons",
    mode: str = "import",
    partial: bool = False,
) -> Any:
    data: dict[str, Any] = {"kind": kind, "file": file, "mode": mode}
    if partial:
        data["partial"] = "on"
    return client.post(IMPORT, data)


@pytest.fixture
def admin_client(administrator: User) -> Client:
    return verified_client(administrator)


def bad_row_lines() -> list[str]:
    return [*good_lines(), "Jonas,Petrauskas,,,,,,bad"]


# Permissions -----------------------------------------------------------------


def test_only_administrators_may_import(
    personas: dict[str, User], agent_b: User
) -> None:
    for role, user in [*personas.items(), ("agent_b", agent_b)]:
        client = verified_client(user)
        page = client.get(IMPORT)
        post = upload(client, csv_upload(good_lines()))
        expected = 200 if role == "administrator" else 403
        assert page.status_code == expected, role
        assert post.status_code == (302 if role == "administrator" else 403), role
    # Only the administrator's upload ran.
    assert ImportJob.objects.count() == 1
    assert Person.objects.count() == 3


def test_anonymous_is_sent_to_sign_in() -> None:
    response = Client().get(IMPORT)

    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_another_administrators_job_is_404(
    admin_client: Client, administrator: User
) -> None:
    response = upload(admin_client, csv_upload(good_lines()), mode="dry_run")
    job = ImportJob.objects.get()
    other = User.objects.create(username="admin2", role="administrator")
    client = verified_client(other)

    for url in (
        reverse("clients:import-job", args=[job.pk]),
        reverse("clients:import-report", args=[job.pk]),
    ):
        assert client.get(url).status_code == 404
    assert admin_client.get(response["Location"]).status_code == 200
    # Nor is it listed on the other administrator's page.
    assert "people.csv" not in client.get(IMPORT).content.decode()


# Bad files: refused at upload, nothing queued or written -----------------------

BAD_FILES = [
    pytest.param(
        SimpleUploadedFile("people.txt", b"first_name,last_name\r\nA,B\r\n"),
        "Import files are .csv or .xlsx; “people.txt” is neither.",
        id="wrong-type",
    ),
    pytest.param(
        SimpleUploadedFile("people.xlsx", b"first_name,last_name\r\nA,B\r\n"),
        "The file is not an Excel workbook (.xlsx) that can be read.",
        id="csv-named-xlsx",
    ),
    pytest.param(
        SimpleUploadedFile(
            "people.csv", "first_name,last_name\r\nŠ,B\r\n".encode("cp1257")
        ),
        "Line 2 is not UTF-8 text. Save the file as “CSV UTF-8” and import it again.",
        id="not-utf8",
    ),
    pytest.param(
        SimpleUploadedFile("people.csv", b""),
        "The file is empty.",
        id="empty",
    ),
    pytest.param(
        SimpleUploadedFile("people.csv", b"\r\n\r\n"),
        "The file has no rows.",
        id="blank",
    ),
    pytest.param(
        SimpleUploadedFile("people.csv", HEADER.encode() + b"\r\n"),
        "The file has no rows below the header.",
        id="header-only",
    ),
    pytest.param(
        SimpleUploadedFile("people.csv", b"first_name,last_name,surname\r\nA,B,C\r\n"),
        "Row 1, surname: Unknown column “surname”; the columns are first_name, "
        "last_name, identity_scheme, identity_code, birth_date, sex, email, phone, "
        "address, postal_code, preferred_language, eservice_login, registered_on.",
        id="unknown-column",
    ),
    pytest.param(
        SimpleUploadedFile("people.csv", b"first_name,email\r\nA,a@example.lt\r\n"),
        "Row 1, last_name: The required column “last_name” is missing.",
        id="missing-column",
    ),
]


@pytest.mark.parametrize(("file", "message"), BAD_FILES)
def test_bad_file_is_refused_with_a_specific_message(
    admin_client: Client, file: SimpleUploadedFile, message: str
) -> None:
    response = upload(admin_client, file)

    assert response.status_code == 422
    assert response.context["form"].errors["file"] == [message]
    assert ImportJob.objects.count() == 0
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()


def test_employer_header_is_checked_against_employer_columns(
    admin_client: Client,
) -> None:
    response = upload(admin_client, csv_upload(good_lines()), kind="employers")

    assert response.status_code == 422
    errors = response.context["form"].errors["file"]
    assert errors[0].startswith("Row 1, first_name: Unknown column “first_name”")
    assert "Row 1, name: The required column “name” is missing." in errors
    assert ImportJob.objects.count() == 0


def test_missing_file_and_unknown_kind_are_refused(admin_client: Client) -> None:
    response = admin_client.post(IMPORT, {"kind": "cats", "mode": "import"})

    assert response.status_code == 422
    assert response.context["form"].errors["file"] == ["Choose a file to import."]
    assert response.context["form"].errors["kind"] == [
        "Select a valid choice. cats is not one of the available choices."
    ]


# Runs -----------------------------------------------------------------------


def test_dry_run_changes_nothing_and_reports(admin_client: Client) -> None:
    response = upload(admin_client, csv_upload(bad_row_lines()), mode="dry_run")

    job = ImportJob.objects.get()
    assert response["Location"] == reverse("clients:import-job", args=[job.pk])
    assert (job.status, job.dry_run, job.all_or_nothing) == ("done", True, True)
    assert (job.rows, job.valid, job.created, job.error_count) == (4, 3, 0, 1)
    assert job.errors == [
        {"row": 5, "column": "phone", "message": "“bad” is not a phone number."}
    ]
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()
    page = admin_client.get(response["Location"]).content.decode()
    assert "Dry run: 3 of 4 rows are valid; nothing was written." in page
    assert "“bad” is not a phone number." in page


def test_real_import_writes_every_row_and_one_audit_event(
    admin_client: Client, administrator: User
) -> None:
    response = upload(admin_client, csv_upload(good_lines()))

    job = ImportJob.objects.get()
    assert (job.status, job.rows, job.created, job.phones) == ("done", 3, 3, 2)
    assert Person.objects.count() == 3
    assert PersonPhone.objects.count() == 2
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert (event.actor_id, event.via) == (administrator.pk, "task")
    assert (event.object_type, event.object_id) == ("clients.importjob", str(job.pk))
    assert event.object_repr == "import of 3 persons from people.csv"
    assert event.changes["created"] == 3
    page = admin_client.get(response["Location"]).content.decode()
    assert "Imported 3 persons with 2 phones." in page
    assert 'value="100"' in page
    assert "hx-trigger" not in page  # finished: the page stops polling


def test_one_bad_row_imports_nothing_and_lists_the_problem(
    admin_client: Client,
) -> None:
    response = upload(admin_client, csv_upload(bad_row_lines()))

    job = ImportJob.objects.get()
    assert (job.rows, job.valid, job.created, job.error_count) == (4, 3, 0, 1)
    assert Person.objects.count() == 0
    assert PersonPhone.objects.count() == 0
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.object_repr == "import of persons from people.csv: nothing written"
    page = admin_client.get(response["Location"]).content.decode()
    assert "Nothing was imported: 1 problem in 4 rows." in page
    assert (
        '<td class="num">5</td><td class="mono">phone</td>'
        "<td>“bad” is not a phone number.</td>"
    ) in page


def test_partial_import_writes_the_valid_rows(admin_client: Client) -> None:
    upload(admin_client, csv_upload(bad_row_lines()), partial=True)

    job = ImportJob.objects.get()
    assert (job.all_or_nothing, job.created, job.error_count) == (False, 3, 1)
    assert Person.objects.count() == 3


def test_duplicate_of_the_registry_is_reported_and_imports_nothing(
    admin_client: Client,
) -> None:
    upload(admin_client, csv_upload(good_lines()))
    upload(admin_client, csv_upload([HEADER, f"T,J,LT:asmens_kodas,{CODE_TOMAS},,,,"]))

    job = ImportJob.objects.order_by("pk").last()
    assert job is not None
    assert job.errors == [
        {
            "row": 2,
            "column": "identity_code",
            "message": "This code is already in the registry.",
        }
    ]
    assert Person.objects.count() == 3


def test_xlsx_employers_are_imported(admin_client: Client) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["name", "code_scheme", "code"])
    sheet.append(["UAB Pavyzdys", "LT:imones_kodas", imones_kodas("30400103")])
    data = io.BytesIO()
    workbook.save(data)
    file = SimpleUploadedFile("firms.xlsx", data.getvalue())

    response = upload(admin_client, file, kind="employers")

    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.kind, job.file_format, job.created) == ("employers", "xlsx", 1)
    assert Employer.objects.get().name == "UAB Pavyzdys"


def test_uploaded_file_is_deleted_after_the_run(admin_client: Client) -> None:
    upload(admin_client, csv_upload(good_lines()), mode="dry_run")

    job = ImportJob.objects.get()
    assert not job.file
    assert default_storage.listdir("imports") == ([], [])


def test_a_job_runs_once(admin_client: Client) -> None:
    upload(admin_client, csv_upload(good_lines()))
    job = ImportJob.objects.get()

    assert run_import_job(job.pk) is None
    assert Person.objects.count() == 3


def test_job_whose_file_is_gone_fails_and_says_so(
    admin_client: Client, administrator: User
) -> None:
    job = ImportJob.objects.create(
        kind="persons",
        file="imports/missing.csv",
        file_name="people.csv",
        file_format="csv",
        created_by=administrator,
    )

    with pytest.raises(FileNotFoundError):
        run_import_job(job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    page = admin_client.get(reverse("clients:import-job", args=[job.pk]))
    assert "The import stopped because of an internal error" in page.content.decode()


# Progress --------------------------------------------------------------------


def test_progress_fragment_polls_until_the_job_ends(
    admin_client: Client, administrator: User
) -> None:
    job = ImportJob.objects.create(
        kind="persons",
        file_name="people.csv",
        file_format="csv",
        created_by=administrator,
        dry_run=False,
        status=ImportJob.Status.RUNNING,
        rows_done=2500,
        rows_total=10000,
    )
    url = reverse("clients:import-job", args=[job.pk])

    fragment = admin_client.get(url, HTTP_HX_REQUEST="true")

    body = fragment.content.decode()
    assert body.startswith('<section id="import-job"')
    assert f'hx-get="{url}" hx-trigger="every 1s"' in body
    assert 'value="25"' in body
    assert "2,500 of about 10,000 rows (25%)" in body

    job.status = ImportJob.Status.QUEUED
    job.rows_total = None
    job.save()
    body = admin_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "The import starts when a background worker is free." in body
    assert "hx-trigger" in body

    job.status = ImportJob.Status.DONE
    job.rows = job.valid = job.created = 10000
    job.save()
    body = admin_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in body
    assert "Imported 10,000 persons with 0 phones." in body


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_where_the_page_can_read_it(administrator: User) -> None:
    job = ImportJob.objects.create(
        kind="persons", file_name="p.csv", file_format="csv", created_by=administrator
    )
    progress = import_jobs._Progress(job.pk)
    try:
        progress(5, 10)
        job.refresh_from_db()
        assert (job.rows_done, job.rows_total) == (5, 10)
        progress.last = 0.0
        with transaction.atomic():
            # As inside a real import's transaction.
            progress(7, 10)
            job.refresh_from_db()
        # PostgreSQL: written aside and committed at once. SQLite allows one
        # writer, so inside the import's transaction progress is not written.
        expected = 7 if connection.vendor == "postgresql" else 5
        assert job.rows_done == expected
    finally:
        progress.close()


# Error report ------------------------------------------------------------------


def test_error_report_downloads_as_csv(admin_client: Client) -> None:
    lines = [
        "first_name,last_name,email",
        "A,B,=cmd|calc",
        "C,D,ok@example.lt",
    ]
    upload(admin_client, csv_upload(lines), mode="dry_run")
    job = ImportJob.objects.get()

    response = admin_client.get(reverse("clients:import-report", args=[job.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="import-{job.pk}-problems.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["row", "column", "message"],
        ["2", "email", "“=cmd|calc” is not an e-mail address."],
    ]


def test_error_report_neutralises_formulas_and_counts_the_unlisted(
    administrator: User,
) -> None:
    job = ImportJob(
        kind="persons",
        file_name="p.csv",
        file_format="csv",
        created_by=administrator,
        error_count=3,
        errors=[{"row": 1, "column": "=HYPERLINK()", "message": "Unknown column"}],
    )

    rows = list(csv.reader(io.StringIO(error_report_csv(job))))

    assert rows[1] == ["1", "'=HYPERLINK()", "Unknown column"]
    assert rows[2] == ["", "", "2 more problems are not listed."]


def test_recent_imports_are_listed(admin_client: Client) -> None:
    upload(admin_client, csv_upload(good_lines()), mode="dry_run")

    page = admin_client.get(IMPORT).content.decode()

    assert "people.csv" in page
    assert "Dry run" in page


def test_file_over_the_size_limit_is_refused(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_views, "MAX_UPLOAD", 1024 * 1024)
    big = csv_upload(good_lines() + ["A,B,,,,,,"] * 150_000)

    response = upload(admin_client, big)

    assert response.status_code == 422
    assert response.context["form"].errors["file"] == [
        "The file is larger than 1 MB; split it."
    ]
    assert ImportJob.objects.count() == 0


def test_unknown_job_is_404(admin_client: Client) -> None:
    assert admin_client.get("/imports/999999/").status_code == 404
    assert admin_client.get("/imports/999999/problems.csv").status_code == 404
