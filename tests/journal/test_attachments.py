"""Issue 5 item 7 (J7): attachments checked by content, limited, private, served with a log."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from infoline.accounts.models import Department, Employee, User
from infoline.clients.models import AccessLog, Person
from infoline.journal import sniff
from infoline.journal.attachments import add_attachment
from infoline.journal.models import Contact, ContactAttachment, ContactHistory

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _zip(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}
)


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (PDF, "PDF"),
        (PNG, "PNG"),
        (JPEG, "JPEG"),
        (DOCX, "DOCX"),
        (_xlsx(), "XLSX"),
        (ODT, "ODT"),
        ("Prašymas dėl išmokos\r\n\tantra eilutė\n".encode(), "TXT"),
        ("\ufeffWith a byte-order mark\n".encode(), "TXT"),
    ],
)
def test_allowed_kinds_are_recognised_by_content(data: bytes, label: str) -> None:
    kind = sniff.sniff(data)
    assert kind is not None and kind.label == label


@pytest.mark.parametrize(
    "data",
    [
        EXE,
        b"",
        b"\x00\x01\x02binary",
        b"#!/bin/sh\x07rm -rf /\n",  # a control character: not plain text
        "latin-1 caf\xe9".encode("latin-1"),
        _zip({"readme.txt": b"hi"}),  # an archive, but no document
        _zip({"mimetype": b"application/x-evil", "content.xml": b""}),
        _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b""}),
        b"PK\x03\x04 truncated archive",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # legacy Office (OLE2), not allowed
    ],
)
def test_everything_else_is_refused(data: bytes) -> None:
    assert sniff.sniff(data) is None


@hypothesis_settings(deadline=None, max_examples=300)
@given(data=st.binary(max_size=2048))
def test_sniffing_never_fails_on_any_bytes(data: bytes) -> None:
    kind = sniff.sniff(data)
    assert kind is None or kind in sniff.KINDS


def test_name_must_fit_the_kind() -> None:
    assert sniff.name_matches("Scan.JPEG", sniff.JPEG)
    assert not sniff.name_matches("scan.pdf", sniff.PNG)


# --- the service and the views -----------------------------------------------


def _remove_tree(folder: str) -> None:
    if not default_storage.exists(folder):
        return
    dirs, files = default_storage.listdir(folder)
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    for name in dirs:
        _remove_tree(f"{folder}/{name}")


@pytest.fixture(autouse=True)
def _empty_storage() -> None:
    """The tests' in-memory storage outlives a test: start each one empty."""
    _remove_tree("attachments")


@pytest.fixture
def person(db: None) -> Person:
    return Person.objects.create(first_name="Ona", last_name="Pilietė")


@pytest.fixture
def contact(agent_a: User, person: Person) -> Contact:
    return Contact.objects.create(agent=agent_a, person=person)


def _post(
    client: Client, contact: Contact, name: str, data: bytes, **fields: str
) -> Any:
    payload = {
        "document_number": "S-2026-117",
        "registered_on": "2026-11-20",
        "file": SimpleUploadedFile(name, data, content_type="application/pdf"),
        **fields,
    }
    return client.post(reverse("records:attachment-upload", args=[contact.pk]), payload)


def _nothing_saved(contact: Contact) -> None:
    assert not ContactAttachment.objects.exists()
    assert not ContactHistory.objects.exists()
    folder = f"attachments/{contact.pk}"
    if default_storage.exists(folder):
        assert default_storage.listdir(folder) == ([], [])


def test_upload_list_and_logged_download(
    agent_a: User,
    contact: Contact,
    person: Person,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(agent_a)
    response = _post(client, contact, "complaint.pdf", PDF)
    assert response.status_code == 200
    attachment = ContactAttachment.objects.get()
    assert (
        attachment.original_name,
        attachment.content_type,
        attachment.size,
        attachment.document_number,
        attachment.registered_on,
    ) == (
        "complaint.pdf",
        "application/pdf",
        len(PDF),
        "S-2026-117",
        datetime.date(2026, 11, 20),
    )
    # Stored under a random name in the private storage, not under its own name.
    assert attachment.file.name.startswith(f"attachments/{contact.pk}/")
    assert "complaint" not in attachment.file.name
    assert b"S-2026-117" in response.content and b"complaint.pdf" in response.content
    listing = client.get(reverse("records:attachments", args=[contact.pk]))
    assert listing.status_code == 200 and b"S-2026-117" in listing.content
    assert not AccessLog.objects.exists()  # listing shows no file content
    download = client.get(reverse("records:attachment-download", args=[attachment.pk]))
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in download["Content-Security-Policy"]
    log = AccessLog.objects.get()
    assert (log.user_id, log.person_id, log.category, log.contact_id) == (
        agent_a.pk,
        person.pk,
        "case",
        contact.pk,
    )
    acts = list(ContactHistory.objects.values_list("act", "actor_id"))
    assert acts == [("attach", agent_a.pk), ("attachment_opened", agent_a.pk)]


def test_files_are_outside_the_web_root_and_no_url_serves_them(
    agent_a: User, contact: Contact, client_for: Callable[[User], Client]
) -> None:
    assert settings.MEDIA_ROOT != settings.STATIC_ROOT
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))
    assert all(
        not str(settings.MEDIA_ROOT).startswith(str(d))
        for d in settings.STATICFILES_DIRS
    )
    client = client_for(agent_a)
    _post(client, contact, "complaint.pdf", PDF)
    name = ContactAttachment.objects.get().file.name
    for prefix in ("/media/", "/static/", "/"):
        assert client.get(prefix + name).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "invoice.pdf",
            EXE,
            "The file&#x27;s content is not an allowed type (PDF, PNG, JPEG, DOCX, "
            "XLSX, ODT, TXT); nothing was saved.",
        ),
        (
            "scan.pdf",
            PNG,
            "The file is named scan.pdf but its content is PNG; nothing was saved.",
        ),
        ("empty.txt", b"", "The submitted file is empty."),
    ],
)
def test_disguised_or_empty_files_are_refused_over_http(
    agent_a: User,
    contact: Contact,
    client_for: Callable[[User], Client],
    name: str,
    data: bytes,
    message: str,
) -> None:
    response = _post(client_for(agent_a), contact, name, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    _nothing_saved(contact)


def test_oversized_file_is_refused(
    agent_a: User,
    contact: Contact,
    client_for: Callable[[User], Client],
    settings: Any,
) -> None:
    settings.INFOLINE_ATTACHMENT_MAX_BYTES = 1024
    response = _post(client_for(agent_a), contact, "big.txt", b"a" * 2048)
    assert response.status_code == 422
    assert (
        "The file is 2.0\xa0KB; attachments may be at most 1.0\xa0KB."
        in response.content.decode()
    )
    _nothing_saved(contact)
    # A stream that lies about its size is cut at the limit as well.
    with pytest.raises(ValidationError) as caught:
        add_attachment(
            agent_a,
            contact,
            io.BytesIO(b"a" * 2048),
            name="big.txt",
            document_number="1",
            registered_on=timezone.localdate(),
        )
    assert caught.value.messages == [
        "The file is larger than 1.0\xa0KB, the limit for attachments."
    ]
    _nothing_saved(contact)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"document_number": "  "}, "Enter the document number."),
        ({"registered_on": None}, "Enter the document&#x27;s registration date."),
        ({"registered_on": "future"}, "The registration date is in the future."),
    ],
)
def test_document_number_and_date_are_required(
    agent_a: User, contact: Contact, fields: dict[str, Any], message: str
) -> None:
    args: dict[str, Any] = {
        "document_number": "S-1",
        "registered_on": timezone.localdate(),
    }
    args.update(fields)
    if args["registered_on"] == "future":
        args["registered_on"] = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        add_attachment(agent_a, contact, io.BytesIO(PDF), name="a.pdf", **args)
    assert caught.value.messages == [message.replace("&#x27;", "'")]
    _nothing_saved(contact)


def test_outsiders_get_404_and_roles_without_the_right_403(
    agent_a: User,
    agent_b: User,
    evaluator: User,
    contact: Contact,
    client_for: Callable[[User], Client],
) -> None:
    _post(client_for(agent_a), contact, "complaint.pdf", PDF)
    attachment = ContactAttachment.objects.get()
    urls = [
        reverse("records:attachments", args=[contact.pk]),
        reverse("records:attachment-download", args=[attachment.pk]),
    ]
    outsider = client_for(agent_b)
    for url in urls:
        assert outsider.get(url).status_code == 404
    assert _post(outsider, contact, "x.pdf", PDF).status_code == 404
    reader = client_for(evaluator)
    for url in urls:
        assert reader.get(url).status_code == 403
    assert _post(reader, contact, "x.pdf", PDF).status_code == 403
    assert ContactAttachment.objects.count() == 1
    assert not AccessLog.objects.exists()


def test_department_members_and_the_assignee_reach_the_records(
    agent_a: User,
    specialist: User,
    agent_b: User,
    department: Department,
    contact: Contact,
    client_for: Callable[[User], Client],
) -> None:
    url = reverse("records:attachments", args=[contact.pk])
    assert client_for(specialist).get(url).status_code == 404
    contact.assignee = specialist
    contact.save()
    assert client_for(specialist).get(url).status_code == 200
    Employee.objects.create(
        first_name="B", last_name="B", department=department, user=agent_b
    )
    contact.department = department
    contact.save()
    assert client_for(agent_b).get(url).status_code == 200


def test_the_desk_gets_the_fragment_and_its_errors_are_swapped(
    agent_a: User, contact: Contact, client_for: Callable[[User], Client]
) -> None:
    client = client_for(agent_a)
    url = reverse("records:attachments", args=[contact.pk])
    page = client.get(url).content.decode()
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in page and "<html" not in fragment
    assert f'id="attachments-{contact.pk}"' in fragment
    refused = client.post(
        reverse("records:attachment-upload", args=[contact.pk]),
        {
            "document_number": "S-1",
            "registered_on": "2026-11-20",
            "file": SimpleUploadedFile("invoice.pdf", EXE),
        },
        HTTP_HX_REQUEST="true",
    )
    # htmx swaps no 4xx response by default, so the desk gets the error as 200.
    assert refused.status_code == 200
    assert "not an allowed type" in refused.content.decode()
    _nothing_saved(contact)
