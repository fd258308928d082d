"""K4 attachments: types are recognised by content and must agree with the name."""

from __future__ import annotations

import io
import zipfile

import pytest

from infoline.knowledge.filetypes import detect


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "mime"),
    [
        (b"%PDF-1.7\n...", "a.PDF", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n....", "a.png", "image/png"),
        (b"\xff\xd8\xff\xe0....", "a.jpeg", "image/jpeg"),
        (
            _zip({"[Content_Types].xml": "", "xl/workbook.xml": ""}),
            "a.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            _zip({"mimetype": "application/vnd.oasis.opendocument.text"}),
            "a.odt",
            "application/vnd.oasis.opendocument.text",
        ),
    ],
)
def test_allowed(data: bytes, name: str, mime: str) -> None:
    found = detect(data, name)
    assert found is not None and found.mime == mime


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00", "form.pdf"),  # a Windows program named like a PDF
        (_zip({"evil.exe": "MZ"}), "form.docx"),  # a plain archive named like Word
        (b"%PDF-1.4", "form.exe"),
        (b"%PDF-1.4", "form"),
        (b"PK\x03\x04broken", "form.docx"),
        (b"<svg onload=alert(1)>", "form.png"),
    ],
)
def test_refused(data: bytes, name: str) -> None:
    assert detect(data, name) is None
