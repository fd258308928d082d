"""Recognise an attachment's type by its content (J7), not by its name.

Pure module: no Django, no I/O beyond reading the bytes it is given.

Rules this module guarantees
============================
1. Only the allow-listed kinds in :data:`KINDS` are recognised: PDF, PNG,
   JPEG, Office Open XML documents and workbooks (DOCX, XLSX),
   OpenDocument text (ODT) and plain UTF-8 text. Anything else, including
   programs, scripts disguised by a harmless name, other archives and
   legacy Office files, is :data:`None`.
2. Containers are opened, not trusted by their first bytes: a ZIP archive is
   DOCX only with ``[Content_Types].xml`` and ``word/document.xml``, XLSX
   with ``xl/workbook.xml``, ODT with the ``mimetype`` member naming it.
   Only that small member's content is read, so a ZIP bomb is not expanded.
3. Plain text is UTF-8 without NUL bytes or control characters other than
   tab, line feed, carriage return and form feed.
4. :func:`name_matches` says whether a file name's extension fits the kind,
   so a genuine PNG called ``scan.pdf`` is refused as well.

Keep in sync with: ``infoline/journal/attachments.py`` (messages naming the
allowed types) and ``tests/journal/test_attachments.py``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

__all__ = ["KINDS", "FileKind", "name_matches", "sniff"]


@dataclass(frozen=True)
class FileKind:
    """An allowed type: its MIME type, a short label and its file extensions."""

    mime: str
    label: str
    extensions: tuple[str, ...]


PDF = FileKind("application/pdf", "PDF", (".pdf",))
PNG = FileKind("image/png", "PNG", (".png",))
JPEG = FileKind("image/jpeg", "JPEG", (".jpg", ".jpeg"))
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "DOCX",
    (".docx",),
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "XLSX",
    (".xlsx",),
)
ODT = FileKind("application/vnd.oasis.opendocument.text", "ODT", (".odt",))
TEXT = FileKind("text/plain", "TXT", (".txt",))

#: Every allowed kind, in the order messages list them.
KINDS = (PDF, PNG, JPEG, DOCX, XLSX, ODT, TEXT)

_ALLOWED_CONTROLS = frozenset("\t\n\r\f")


def _zip_kind(data: bytes) -> FileKind | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names:
            info = archive.getinfo("mimetype")
            if info.file_size <= 100 and archive.read("mimetype") == ODT.mime.encode():
                return ODT
            return None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in _ALLOWED_CONTROLS for ch in text)


def sniff(data: bytes) -> FileKind | None:
    """Return the allowed kind ``data`` is, or None (rules 1-3)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data and _is_text(data):
        return TEXT
    return None


def name_matches(name: str, kind: FileKind) -> bool:
    """Return whether ``name`` ends in one of the kind's extensions (rule 4)."""
    return name.lower().endswith(kind.extensions)
