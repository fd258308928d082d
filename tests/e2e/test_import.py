"""Issue 4 item 8: an administrator imports a file; the progress bar and the report (Chromium)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Page, expect

from infoline.accounts.models import User
from infoline.clients.import_jobs import run_import_job
from infoline.clients.models import ImportJob, Person
from tests.clients.test_importer import good_lines
from tests.conftest import verified_client

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, live_server: Any, user: User) -> None:
    """Reuse a verified session: the administrator's second factor is not the subject here."""
    client = verified_client(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": cookie.value,
                "url": live_server.url,
            }
        ]
    )


def test_administrator_watches_an_import_and_reads_its_report(
    live_server: Any,
    page: Page,
    screenshot_dir: Path,
    administrator: User,
    settings: Any,
) -> None:
    # Jobs stay queued until this test runs them, as a worker would.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    _sign_in(page, live_server, administrator)
    page.goto(f"{live_server.url}/imports/")

    # A file with a wrong header is refused at once.
    page.get_by_label("File (.csv or .xlsx)").set_input_files(
        {
            "name": "people.csv",
            "mimeType": "text/csv",
            "buffer": b"first_name,surname\r\nA,B\r\n",
        }
    )
    page.get_by_label("Import", exact=True).check()
    page.get_by_role("button", name="Upload and run").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Row 1, surname: Unknown column “surname”"
    )
    expect(page.get_by_role("alert")).to_contain_text(
        "Row 1, last_name: The required column “last_name” is missing."
    )
    page.screenshot(path=str(screenshot_dir / "import-bad-header.png"), full_page=True)
    assert not ImportJob.objects.exists()

    # A file with one bad row, all or nothing.
    lines = [*good_lines(), "Jonas,Petrauskas,,,,,,bad"]
    page.get_by_label("File (.csv or .xlsx)").set_input_files(
        {
            "name": "people.csv",
            "mimeType": "text/csv",
            "buffer": ("\r\n".join(lines) + "\r\n").encode(),
        }
    )
    page.get_by_label("Import", exact=True).check()
    page.get_by_role("button", name="Upload and run").click()
    expect(page.get_by_role("heading", name="Import of people.csv")).to_be_visible()
    expect(
        page.get_by_text("The import starts when a background worker is free.")
    ).to_be_visible()
    job = ImportJob.objects.get()

    # A worker has read half of the file: the polling page follows.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, rows_done=2, rows_total=4
    )
    expect(page.get_by_text("2 of about 4 rows (50%)")).to_be_visible()
    expect(page.locator("#import-progress")).to_have_attribute("value", "50")
    page.screenshot(path=str(screenshot_dir / "import-progress.png"), full_page=True)

    # The worker runs the whole import; the page swaps in the report by itself.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    run_import_job(job.pk)
    expect(
        page.get_by_text("Nothing was imported: 1 problem in 4 rows.")
    ).to_be_visible()
    row = page.locator("#import-errors tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("5")
    expect(row).to_contain_text("phone")
    expect(row).to_contain_text("“bad” is not a phone number.")
    expect(page.locator("#import-progress")).to_have_attribute("value", "100")
    page.screenshot(path=str(screenshot_dir / "import-report.png"), full_page=True)
    assert Person.objects.count() == 0

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the problems as CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"import-{job.pk}-problems.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text("utf-8"))))
    assert rows == [
        ["row", "column", "message"],
        ["5", "phone", "“bad” is not a phone number."],
    ]
