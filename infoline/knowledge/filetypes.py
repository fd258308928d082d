"""Recognise attachment types by their content, not their name (pure: no Django).

An allow-list of the formats local offices publish forms in. A file whose
bytes are not one of them is refused whatever its name says, so an executable
renamed ``form.pdf`` is not stored.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

__all__ = ["ALLOWED", "Detected", "detect"]


@dataclass(frozen=True)
class Detected:
    """The recognised format: MIME type and the extension files get on download."""

    mime: str
    extension: str
    label: str


ALLOWED = {
    "pdf": Detected("application/pdf", "pdf", "PDF"),
    "docx": Detected(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        "Word",
    ),
    "xlsx": Detected(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        "Excel",
    ),
    "odt": Detected("application/vnd.oasis.opendocument.text", "odt", "OpenDocument"),
    "ods": Detected(
        "application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument"
    ),
    "png": Detected("image/png", "png", "PNG"),
    "jpg": Detected("image/jpeg", "jpg", "JPEG"),
}

_EXTENSIONS = {
    "pdf": {"pdf"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "odt": {"odt"},
    "ods": {"ods"},
    "png": {"png"},
    "jpg": {"jpg", "jpeg"},
}


def _zip_kind(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names:
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
            for key in ("odt", "ods"):
                if mimetype == ALLOWED[key].mime:
                    return key
            return None
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError):
        return None
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def detect(data: bytes, filename: str) -> Detected | None:
    """Return the allowed format of ``data``, or None if it is not allowed.

    The name's extension must agree with the content: a real PDF named
    ``form.docx`` is refused too, because the name would mislead whoever
    downloads it.
    """
    head = data[:8]
    kind: str | None = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpg"
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
    if kind is None:
        return None
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in _EXTENSIONS[kind]:
        return None
    return ALLOWED[kind]
