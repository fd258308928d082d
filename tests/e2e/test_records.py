"""Issue 5 items 7 and 12 in Chromium: attaching a document (and a disguised one), a journal extract."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Page, expect

from infoline.accounts.models import User
from infoline.clients.models import AccessLog, Person
from infoline.journal.models import Contact, ContactAttachment
from tests.conftest import verified_client

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _sign_in(page: Page, live_server: Any, user: User) -> None:
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


def test_agent_attaches_a_document_and_a_disguised_program_is_refused(
    live_server: Any, page: Page, screenshot_dir: Path, agent_a: User
) -> None:
    person = Person.objects.create(first_name="Ona", last_name="Pilietė")
    contact = Contact.objects.create(agent=agent_a, person=person)
    _sign_in(page, live_server, agent_a)
    page.goto(f"{live_server.url}/journal/contacts/{contact.pk}/attachments/")
    expect(page.get_by_text("No attachments yet.")).to_be_visible()

    page.get_by_label("File").set_input_files(
        {"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": EXE}
    )
    page.get_by_label("Document number").fill("S-2026-117")
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The file's content is not an allowed type"
    )
    page.screenshot(
        path=str(screenshot_dir / "records-attachment-refused.png"), full_page=True
    )
    assert not ContactAttachment.objects.exists()

    page.get_by_label("File").set_input_files(
        {"name": "complaint.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Document number").fill("S-2026-117")
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("link", name="complaint.pdf")).to_be_visible()
    page.screenshot(
        path=str(screenshot_dir / "records-attachments.png"), full_page=True
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="complaint.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF
    assert AccessLog.objects.filter(person=person, user_id=agent_a.pk).count() == 1


def test_team_lead_downloads_a_journal_extract(
    live_server: Any, page: Page, screenshot_dir: Path, team_lead: User, agent_a: User
) -> None:
    person = Person.objects.create(first_name="Jonas", last_name="Jonaitis")
    Contact.objects.create(agent=agent_a, person=person, summary="Benefit question")
    _sign_in(page, live_server, team_lead)
    page.goto(f"{live_server.url}/journal/export/")
    expect(page.get_by_role("heading", name="Journal extract")).to_be_visible()
    page.get_by_label("Format").select_option("csv")
    page.screenshot(path=str(screenshot_dir / "records-export.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][12:15] == ["Jonas Jonaitis", "", "Benefit question"]
    assert AccessLog.objects.filter(person=person, user_id=team_lead.pk).exists()
