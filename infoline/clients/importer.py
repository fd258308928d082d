"""Import persons and employers from CSV or XLSX files (issue 4, deliverable 8).

Files
=====
The first non-blank row is the header; its column names are matched without
regard to case or surrounding spaces and may come in any order. Blank rows
are skipped. Row numbers in the report are the ones a spreadsheet shows: the
header is row 1 when the file starts with it.

CSV files are UTF-8, with or without a byte-order mark; the delimiter is a
comma or a semicolon, whichever the header line holds more of. XLSX files
are read from their first worksheet (openpyxl, read-only mode); cells holding
numbers or dates are read as text (``38703181745``, ``1987-03-18``).

Persons (``import_persons``), ``first_name`` and ``last_name`` required::

    first_name,last_name,identity_scheme,identity_code,birth_date,sex,email,
    phone,address,postal_code,preferred_language,eservice_login,registered_on

- ``identity_scheme`` is a personal scheme of ``identity.SCHEMES`` such as
  ``LT:asmens_kodas`` (any case); ``identity_code`` is validated with
  :func:`~infoline.clients.identity.parse_identity` and, where it encodes
  them, must agree with ``birth_date`` and ``sex``; when those are empty they
  are taken from the code, as ``Person.clean()`` does.
- ``birth_date`` and ``registered_on`` are ISO dates, ``YYYY-MM-DD``.
- ``sex`` is ``F`` or ``M``; ``phone`` is one number, stored in E.164 form as
  the person's ``PersonPhone``; ``preferred_language`` a code such as ``lt``.

Employers (``import_employers``), ``name``, ``code_scheme`` and ``code``
required::

    name,code_scheme,code,address,email,phone

Rules this module guarantees
============================
1. Every row is validated (required values, lengths, identity and company
   codes, dates, e-mails, phones, duplicates within the file and against the
   registry) and each problem is one :class:`RowError` with the row, the
   column and a translated message; a problem with the file itself (not
   readable, empty, a missing or unknown column) is reported the same way,
   with row 0 for the whole file and row 1 for the header.
2. All-or-nothing by default: if any row is bad, nothing is written. With
   ``all_or_nothing=False`` the valid rows are written and the bad ones
   reported. A problem with the file itself always writes nothing.
3. A dry run writes nothing and reports exactly what a real run would.
4. Rows are read as a stream and handled in chunks of :data:`CHUNK` rows:
   one query per chunk finds codes already in the registry, and valid rows
   are written in bulk (:class:`_Inserter`: COPY on PostgreSQL, multi-row
   INSERTs on SQLite) inside one transaction. The transaction
   is rolled back when rule 2 says nothing may be written, so a file that
   turns out to be bad near its end leaves the database as it was, without
   the whole file held in memory. After the first bad row of an
   all-or-nothing import, rows are only validated.
5. The bulk insert bypasses ``save()`` and the audit signals: the search
   keys are computed here exactly as ``Person.save()``/``Employer.save()``
   do. One ``AuditAction.IMPORT`` event summarises a real import: written
   in its transaction when rows were written, after the rollback when not.
6. :func:`check_file` reads only the header and the first data row, so an
   upload with the wrong type, unreadable text or a wrong header is refused
   before any work is queued; :func:`import_persons` repeats the checks.

Keep in sync with: ``Person``, ``PersonPhone`` and ``Employer`` (fields,
lengths, ``clean()`` and ``save()``), the ``import_clients`` command and
``bench/client_import.py``.
"""

from __future__ import annotations

import csv
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from infoline.accounts.validators import normalize_phone
from infoline.audit.choices import AuditAction
from infoline.audit.services import record_event
from infoline.clients.identity import (
    SCHEMES,
    IdentityError,
    IdentityKind,
    check_consistency,
    parse_identity,
)
from infoline.clients.models import Employer, Person, PersonPhone
from infoline.lib.text import fold

__all__ = [
    "CHUNK",
    "EMPLOYER_COLUMNS",
    "EMPLOYER_REQUIRED",
    "PERSON_COLUMNS",
    "PERSON_REQUIRED",
    "Format",
    "ImportReport",
    "Progress",
    "RowError",
    "check_file",
    "format_from_name",
    "import_employers",
    "import_persons",
]

Format = Literal["csv", "xlsx"]
#: Called with the rows handled so far and the estimated total (None if unknown).
Progress = Callable[[int, int | None], None]
Source = str | os.PathLike[str] | IO[bytes]

PERSON_COLUMNS = (
    "first_name",
    "last_name",
    "identity_scheme",
    "identity_code",
    "birth_date",
    "sex",
    "email",
    "phone",
    "address",
    "postal_code",
    "preferred_language",
    "eservice_login",
    "registered_on",
)
PERSON_REQUIRED = ("first_name", "last_name")
EMPLOYER_COLUMNS = ("name", "code_scheme", "code", "address", "email", "phone")
EMPLOYER_REQUIRED = ("name", "code_scheme", "code")

#: Rows validated (and written) together; one duplicate query per chunk.
CHUNK = 5000
# Codes per ``__in`` query: below SQLite's historical 999-variable limit.
_IN_BATCH = 900
# SQLite page cache during an import, in KiB (see _large_sqlite_cache).
_SQLITE_CACHE_KIB = 256 * 1024
# Errors kept in the report; the rest are only counted.
MAX_ERRORS = 1000

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{1,8})*")
# Control characters (NUL breaks PostgreSQL text columns); tabs and line
# breaks inside quoted cells are allowed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_validate_email = EmailValidator()


@dataclass(frozen=True)
class RowError:
    """One problem: the row as a spreadsheet numbers it, the column, a message.

    Row 0 means the file as a whole; the column is empty when no single
    column is at fault.
    """

    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What an import read, found and wrote.

    ``rows`` counts the data rows read (blank rows skipped), ``valid`` those
    without a problem, ``created`` the records written (0 for a dry run or
    when nothing could be written) and ``phones`` the ``PersonPhone`` rows
    written with them. ``errors`` holds at most :data:`MAX_ERRORS` problems;
    ``error_count`` counts them all.
    """

    kind: str
    file: str
    dry_run: bool
    all_or_nothing: bool
    rows: int = 0
    valid: int = 0
    created: int = 0
    phones: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return whether the file had no problem at all."""
        return self.error_count == 0

    @property
    def invalid(self) -> int:
        """Return the number of data rows with at least one problem."""
        return self.rows - self.valid

    def add(self, error: RowError) -> None:
        """Record a problem, keeping the first :data:`MAX_ERRORS` of them."""
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)


class _FileError(Exception):
    """The file as a whole cannot be imported; nothing is written."""

    def __init__(self, row: int, column: str, message: str) -> None:
        super().__init__(message)
        self.error = RowError(row, column, message)


def format_from_name(name: str) -> Format | None:
    """Return the format a file name's suffix says, or None if neither."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    return None


# Reading ------------------------------------------------------------------


def _source_name(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return os.path.basename(os.fspath(source))
    return os.path.basename(str(getattr(source, "name", "") or ""))


def _open(source: Source) -> tuple[IO[bytes], bool]:
    """Return a binary file and whether this module opened it (and closes it)."""
    if isinstance(source, str | os.PathLike):
        return open(source, "rb"), True  # closed by _import
    return source, False


def _count_lines(binary: IO[bytes]) -> int | None:
    """Count newlines to estimate the rows of a CSV; None if not seekable."""
    if not binary.seekable():
        return None
    start = binary.tell()
    lines = 0
    last = b""
    while block := binary.read(1 << 20):
        lines += block.count(b"\n")
        last = block
    binary.seek(start)
    if last and not last.endswith(b"\n"):
        lines += 1
    return lines


def _text_lines(binary: IO[bytes]) -> Iterator[str]:
    """Decode a file line by line, naming the first line that is not UTF-8."""
    for number, raw in enumerate(binary, start=1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _FileError(
                0,
                "",
                gettext(
                    "Line %(line)s is not UTF-8 text. Save the file as "
                    "“CSV UTF-8” and import it again."
                )
                % {"line": number},
            ) from None


def _csv_rows(binary: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    lines = _text_lines(binary)
    first = next(lines, None)
    if first is None:
        return
    first = first.removeprefix("\ufeff")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [cell.strip() for cell in cells]
    except csv.Error:
        raise _FileError(
            0,
            "",
            gettext("The file is not valid CSV near row %(row)s.")
            % {"row": number + 1},
        ) from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        # Codes and numbers typed into Excel come back as floats.
        return str(int(value))
    return str(value).strip()


def _not_xlsx() -> _FileError:
    return _FileError(
        0, "", gettext("The file is not an Excel workbook (.xlsx) that can be read.")
    )


def _xlsx_rows(
    binary: IO[bytes], total: list[int | None]
) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    # openpyxl raises many kinds of exceptions (zipfile, XML, KeyError...) on
    # a file that is not a workbook; any of them means "not an .xlsx".
    try:
        workbook = load_workbook(binary, read_only=True, data_only=True)
    except Exception:
        raise _not_xlsx() from None
    try:
        if not workbook.worksheets:
            raise _not_xlsx()
        sheet = workbook.worksheets[0]
        try:
            total[0] = sheet.max_row
        except Exception:  # only the estimate is lost
            total[0] = None
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                break
            except Exception:  # a corrupt sheet, as above
                raise _not_xlsx() from None
            number += 1
            yield number, [_cell_text(value) for value in values]
    finally:
        workbook.close()


# Validation ---------------------------------------------------------------


class _Row:
    """One data row being validated: its cells by column and its problems."""

    __slots__ = ("cells", "errors", "number")

    def __init__(self, number: int, cells: dict[str, str]) -> None:
        self.number = number
        self.cells = cells
        self.errors: list[RowError] = []

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def text(self, column: str, max_length: int, *, required: bool = False) -> str:
        value = self.cells.get(column, "")
        if not value:
            if required:
                self.fail(column, gettext("This value is required."))
        elif len(value) > max_length:
            self.fail(
                column,
                gettext("At most %(max)s characters; this value has %(length)s.")
                % {"max": max_length, "length": len(value)},
            )
        return value

    def date(self, column: str, today: date) -> date | None:
        value = self.cells.get(column, "")
        if not value:
            return None
        parsed: date | None = None
        if _ISO_DATE.fullmatch(value):
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is None:
            self.fail(
                column,
                gettext(
                    "“%(value)s” is not a date; write dates as YYYY-MM-DD, "
                    "e.g. 1987-03-18."
                )
                % {"value": value},
            )
        elif parsed > today:
            self.fail(
                column,
                gettext("%(date)s is in the future.") % {"date": parsed.isoformat()},
            )
            parsed = None
        return parsed

    def email(self, column: str = "email") -> str:
        value = self.text(column, 254)
        if value and len(value) <= 254:
            try:
                _validate_email(value)
            except ValidationError:
                self.fail(
                    column,
                    gettext("“%(value)s” is not an e-mail address.") % {"value": value},
                )
        return value

    def phone(self, column: str = "phone") -> str:
        value = self.cells.get(column, "")
        if not value:
            return ""
        try:
            return normalize_phone(value)
        except ValidationError as exc:
            self.fail(column, exc.messages[0])
            return ""

    def scheme(self, column: str, kind: IdentityKind) -> str:
        """Return the scheme key of the cell (any case), or report it."""
        value = self.cells.get(column, "")
        if not value:
            return ""
        key = _SCHEME_BY_LOWER.get(value.lower())
        if key is not None and SCHEMES[key].kind == kind:
            return key
        names = ", ".join(k for k, s in SCHEMES.items() if s.kind == kind)
        if kind == IdentityKind.PERSONAL:
            message = gettext(
                "“%(value)s” is not a personal identity code type; use one of "
                "%(schemes)s."
            )
        else:
            message = gettext(
                "“%(value)s” is not a company registry code type; use one of "
                "%(schemes)s."
            )
        self.fail(column, message % {"value": value, "schemes": names})
        return ""


_SCHEME_BY_LOWER = {key.lower(): key for key in SCHEMES}


def _identity_message(exc: IdentityError) -> str:
    return gettext(exc.template) % exc.params


@dataclass
class _Valid:
    """A valid row, ready to write: field values by attname and the phone."""

    number: int
    values: dict[str, Any]
    phone: str = ""


@dataclass
class _Kind:
    """What differs between importing persons and employers."""

    name: str
    model: type[models.Model]
    columns: Sequence[str]
    required: Sequence[str]
    scheme_field: str
    code_field: str
    build: Callable[[_Row, date], _Valid | None]


def _build_person(row: _Row, today: date) -> _Valid | None:
    first_name = row.text("first_name", 100, required=True)
    last_name = row.text("last_name", 100, required=True)
    birth_date = row.date("birth_date", today)
    birth_date_bad = bool(row.get("birth_date")) and birth_date is None
    sex = row.get("sex").upper()
    if sex not in ("", "F", "M"):
        row.fail(
            "sex",
            gettext("Sex is F or M, not “%(value)s”.") % {"value": row.get("sex")},
        )
        sex = ""
        sex_bad = True
    else:
        sex_bad = False
    scheme = row.scheme("identity_scheme", IdentityKind.PERSONAL)
    code = row.get("identity_code")
    if code and not row.get("identity_scheme"):
        row.fail("identity_scheme", gettext("Choose which country's code this is."))
    elif code and scheme:
        try:
            identity = parse_identity(scheme, code, today=today)
        except IdentityError as exc:
            row.fail("identity_code", _identity_message(exc))
        else:
            code = identity.value
            # Compare only with values that parsed; a bad birth date or sex
            # is already reported in its own column.
            try:
                check_consistency(
                    identity,
                    birth_date=None if birth_date_bad else birth_date,
                    sex=None if sex_bad else sex,
                )
            except IdentityError as exc:
                row.fail("identity_code", _identity_message(exc))
            if birth_date is None and not birth_date_bad:
                birth_date = identity.birth_date
            if not sex and not sex_bad and identity.sex:
                sex = identity.sex
    email = row.email()
    phone = row.phone()
    address = row.text("address", 300)
    postal_code = row.text("postal_code", 12)
    language = row.get("preferred_language").lower()
    if language and (len(language) > 8 or not _LANGUAGE.fullmatch(language)):
        row.fail(
            "preferred_language",
            gettext("“%(value)s” is not a language code such as “lt” or “en”.")
            % {"value": row.get("preferred_language")},
        )
    eservice_login = row.text("eservice_login", 150)
    registered_on = row.date("registered_on", today)
    if row.errors:
        return None
    person = {
        "first_name": first_name,
        "last_name": last_name,
        "identity_scheme": scheme,
        "identity_code": code,
        "birth_date": birth_date,
        "sex": sex,
        "email": email,
        "address": address,
        "postal_code": postal_code,
        "preferred_language": language,
        "eservice_login": eservice_login,
        "registered_on": registered_on,
        # As Person.save() computes them; the bulk insert does not call save().
        "last_name_key": fold(last_name),
        "name_key": fold(f"{first_name} {last_name}"),
    }
    return _Valid(row.number, person, phone)


def _build_employer(row: _Row, today: date) -> _Valid | None:
    name = row.text("name", 200, required=True)
    scheme = row.scheme("code_scheme", IdentityKind.COMPANY)
    if not row.get("code_scheme"):
        row.fail("code_scheme", gettext("This value is required."))
    code = row.get("code")
    if not code:
        row.fail("code", gettext("This value is required."))
    elif scheme:
        try:
            code = parse_identity(scheme, code).value
        except IdentityError as exc:
            row.fail("code", _identity_message(exc))
    address = row.text("address", 300)
    email = row.email()
    phone = row.phone()
    if row.errors:
        return None
    employer = {
        "name": name,
        "code_scheme": scheme,
        "code": code,
        "address": address,
        "email": email,
        "phone": phone,
        # As Employer.save() computes it; the bulk insert does not call save().
        "name_key": fold(name),
    }
    return _Valid(row.number, employer)


PERSONS = _Kind(
    "persons",
    Person,
    PERSON_COLUMNS,
    PERSON_REQUIRED,
    "identity_scheme",
    "identity_code",
    _build_person,
)
EMPLOYERS = _Kind(
    "employers",
    Employer,
    EMPLOYER_COLUMNS,
    EMPLOYER_REQUIRED,
    "code_scheme",
    "code",
    _build_employer,
)


def _header(kind: _Kind, number: int, cells: list[str]) -> list[str]:
    """Return the column name of each position ('' = unnamed), or raise."""
    names = [cell.strip().lower() for cell in cells]
    errors: list[RowError] = []
    seen: set[str] = set()
    for name in names:
        if not name:
            continue
        if name not in kind.columns:
            errors.append(
                RowError(
                    number,
                    name,
                    gettext("Unknown column “%(column)s”; the columns are %(columns)s.")
                    % {"column": name, "columns": ", ".join(kind.columns)},
                )
            )
        elif name in seen:
            errors.append(
                RowError(
                    number,
                    name,
                    gettext("The column “%(column)s” appears twice.")
                    % {"column": name},
                )
            )
        seen.add(name)
    for name in kind.required:
        if name not in seen:
            errors.append(
                RowError(
                    number,
                    name,
                    gettext("The required column “%(column)s” is missing.")
                    % {"column": name},
                )
            )
    if kind is PERSONS and ("identity_code" in seen) != ("identity_scheme" in seen):
        missing = "identity_scheme" if "identity_code" in seen else "identity_code"
        errors.append(
            RowError(
                number,
                missing,
                gettext(
                    "The column “%(column)s” is missing; identity_scheme and "
                    "identity_code go together."
                )
                % {"column": missing},
            )
        )
    if errors:
        raise _HeaderError(errors)
    return names


class _HeaderError(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors[0].message)
        self.errors = errors


def _row_cells(number: int, names: list[str], cells: list[str]) -> _Row:
    row = _Row(number, {})
    for position, value in enumerate(cells):
        name = names[position] if position < len(names) else ""
        if name:
            row.cells[name] = value
            control = _CONTROL.search(value) if value else None
            if control is not None:
                row.fail(
                    name,
                    gettext("This value contains the control character %(char)s.")
                    % {"char": f"U+{ord(control.group()):04X}"},
                )
        elif value:
            row.fail(
                f"#{position + 1}",
                gettext("This cell is in column %(position)s, which has no name.")
                % {"position": position + 1},
            )
    return row


class _Inserter:
    """Insert rows of one model in bulk and return their primary keys.

    ``bulk_create`` spends most of an import's time compiling SQL field by
    field (about 120 µs per person on SQLite, against 20 µs for the insert
    itself), so rows are written here from the model's concrete fields: on
    PostgreSQL with COPY (:meth:`copy`), on SQLite 3.35+ with a multi-row
    INSERT ... RETURNING built once per batch size. Either way defaults
    and ``auto_now_add`` are applied as ``bulk_create`` would, and values
    other than text are adapted with the field's own ``get_db_prep_save``.
    Elsewhere (SQLite before 3.35) rows go one per statement and the id is
    read with ``last_insert_id``: slow but right. No ``save()``, no signals.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fast = connection.features.can_return_rows_from_bulk_insert
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        now = timezone.now()
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                self.defaults[f.attname] = now
            elif f.has_default() or f.null or f.blank:
                self.defaults[f.attname] = f.get_default()
        # Text needs no adapting; the rest goes through the field.
        self.adapt = [
            not isinstance(f, models.CharField | models.TextField) for f in self.fields
        ]
        self.per_statement = max(1, min(1000, _max_params() // len(self.fields)))
        self.statements: dict[int, str] = {}

    def insert(self, rows: list[dict[str, Any]]) -> list[int]:
        if connection.vendor == "postgresql":
            return self.copy(rows)
        ids: list[int] = []
        per_statement = self.per_statement if self.fast else 1
        meta = self.model._meta
        with connection.cursor() as cursor:
            for start in range(0, len(rows), per_statement):
                batch = rows[start : start + per_statement]
                cursor.execute(self.statement(len(batch)), self.params(batch))
                if self.fast:
                    ids.extend(pk for (pk,) in cursor.fetchall())
                else:
                    ids.append(
                        connection.ops.last_insert_id(
                            cursor, meta.db_table, str(meta.pk.column)
                        )
                    )
        return ids

    def copy(self, rows: list[dict[str, Any]]) -> list[int]:
        """Insert with COPY on PostgreSQL, the ids drawn from the sequence first.

        psycopg parses a statement with thousands of placeholders anew each
        time, which made the multi-row INSERT take 8.7 minutes for 1,000,000
        persons. COPY with ids taken from the column's own sequence writes
        the same rows without that cost.
        """
        meta = self.model._meta
        qn = connection.ops.quote_name
        table, pk = meta.db_table, str(meta.pk.column)
        columns = ", ".join(qn(c) for c in [pk, *(str(f.column) for f in self.fields)])
        width = len(self.fields)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                "FROM generate_series(1, %s)",
                [qn(table), pk, len(rows)],
            )
            ids = [pk_value for (pk_value,) in cursor.fetchall()]
            params = self.params(rows)
            with cursor.cursor.copy(f"COPY {qn(table)} ({columns}) FROM STDIN") as copy:
                for index, pk_value in enumerate(ids):
                    copy.write_row(
                        [pk_value, *params[index * width : (index + 1) * width]]
                    )
        return ids

    def params(self, batch: list[dict[str, Any]]) -> list[Any]:
        defaults = self.defaults
        params: list[Any] = []
        for row in batch:
            for f, needs_adapting in zip(self.fields, self.adapt, strict=True):
                value = row.get(f.attname, defaults.get(f.attname))
                if needs_adapting and value is not None:
                    value = f.get_db_prep_save(value, connection)
                params.append(value)
        return params

    def statement(self, rows: int) -> str:
        sql = self.statements.get(rows)
        if sql is None:
            qn = connection.ops.quote_name
            columns = ", ".join(qn(str(f.column)) for f in self.fields)
            one = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
            sql = (
                f"INSERT INTO {qn(self.model._meta.db_table)} ({columns}) "
                f"VALUES {', '.join([one] * rows)}"
            )
            if self.fast:
                sql += f" RETURNING {qn(str(self.model._meta.pk.column))}"
            self.statements[rows] = sql
        return sql


def _max_params() -> int:
    """Return how many parameters one statement may carry."""
    if connection.vendor == "sqlite":
        import sqlite3

        # Django assumes SQLite's old limit of 999; ask the library.
        connection.ensure_connection()
        raw = connection.connection
        limit: int = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return limit
    if connection.vendor == "postgresql":
        return 65535
    return connection.features.max_query_params or 999


class _Importer:
    """One run: reads rows, validates them chunk by chunk and writes them."""

    def __init__(
        self,
        kind: _Kind,
        report: ImportReport,
        progress: Progress | None,
        total: list[int | None],
    ) -> None:
        self.kind = kind
        self.report = report
        self.progress = progress
        self.total = total
        self.today = timezone.localdate()
        self.records = _Inserter(kind.model)
        self.statistics = _Statistics(kind.model)
        self.phones = _Inserter(PersonPhone)
        # Codes met in the file: scheme -> code -> first row number.
        self.seen: dict[str, dict[str, int]] = {}

    @property
    def writing(self) -> bool:
        report = self.report
        return not report.dry_run and not (report.all_or_nothing and not report.ok)

    def run(self, rows: Iterable[tuple[int, list[str]]]) -> None:
        names: list[str] | None = None
        chunk: list[_Row] = []
        for number, cells in rows:
            if not any(cells):
                continue
            if names is None:
                names = _header(self.kind, number, cells)
                continue
            chunk.append(_row_cells(number, names, cells))
            if len(chunk) >= CHUNK:
                self.flush(chunk)
                chunk = []
        if names is None:
            raise _FileError(0, "", gettext("The file has no rows."))
        self.flush(chunk)
        if self.report.rows == 0:
            raise _FileError(0, "", gettext("The file has no rows below the header."))

    def flush(self, chunk: list[_Row]) -> None:
        kind, report = self.kind, self.report
        report.rows += len(chunk)
        built: list[tuple[_Row, _Valid | None]] = []
        for row in chunk:
            if row.errors:
                built.append((row, None))
                continue
            built.append((row, kind.build(row, self.today)))
        self.check_duplicates(built)
        valid = [item for row, item in built if item is not None and not row.errors]
        for row, _item in built:
            for error in row.errors:
                report.add(error)
        report.valid += len(valid)
        if valid and self.writing:
            self.write(valid)
        if self.progress is not None:
            self.progress(report.rows, self.estimate())

    def estimate(self) -> int | None:
        total = self.total[0]
        if total is None:
            return None
        # The estimate counts the header and any blank lines; never show less
        # than what is done.
        return max(total - 1, self.report.rows)

    def check_duplicates(self, built: list[tuple[_Row, _Valid | None]]) -> None:
        kind = self.kind
        fresh: dict[tuple[str, str], _Row] = {}
        for row, item in built:
            if item is None:
                continue
            scheme = item.values[kind.scheme_field]
            code = item.values[kind.code_field]
            if not code:
                continue
            codes = self.seen.setdefault(scheme, {})
            first = codes.get(code)
            if first is not None:
                row.fail(
                    kind.code_field,
                    gettext("The same code is on row %(row)s.") % {"row": first},
                )
                continue
            codes[code] = row.number
            if not row.errors:
                fresh[(scheme, code)] = row
        if not fresh:
            return
        by_scheme: dict[str, list[str]] = {}
        for scheme, code in fresh:
            by_scheme.setdefault(scheme, []).append(code)
        self.find_in_registry(by_scheme, fresh)

    def find_in_registry(
        self, by_scheme: dict[str, list[str]], fresh: dict[tuple[str, str], _Row]
    ) -> None:
        kind = self.kind
        for scheme, codes_of_scheme in by_scheme.items():
            for start in range(0, len(codes_of_scheme), _IN_BATCH):
                # The scheme, the non-empty condition and no ORDER BY let the
                # (partial) unique index answer; without them SQLite scans the
                # table once per chunk and a large import slows quadratically.
                found = (
                    kind.model._base_manager.filter(
                        **{
                            kind.scheme_field: scheme,
                            f"{kind.code_field}__in": codes_of_scheme[
                                start : start + _IN_BATCH
                            ],
                        }
                    )
                    .exclude(**{kind.code_field: ""})
                    .order_by()
                    .values_list(kind.code_field, flat=True)
                )
                for code in found:
                    fresh[(scheme, code)].fail(
                        kind.code_field,
                        gettext("This code is already in the registry."),
                    )

    def write(self, valid: list[_Valid]) -> None:
        ids = self.records.insert([item.values for item in valid])
        self.report.created += len(ids)
        phones = [
            {"person_id": pk, "number": item.phone}
            for item, pk in zip(valid, ids, strict=True)
            if item.phone
        ]
        if phones:
            self.phones.insert(phones)
            self.report.phones += len(phones)
        self.statistics.grown(self.report.created)


class _Statistics:
    """Keep PostgreSQL's planner statistics true while an import grows a table.

    The import writes every row in one transaction, which autovacuum cannot
    see, so the statistics keep describing the table as it was before. With
    a table empty (or small) before the import, the planner then believed
    ``identity_scheme = 'LT:asmens_kodas'`` matched a few dozen rows and used
    the unique index on the scheme alone, filtering the code list on the
    heap: each chunk's duplicate check read every row written so far (45 ms
    at 200,000 rows, growing with the table), and 1,000,000 rows took 6-7
    minutes. ``ANALYZE`` inside the transaction samples the rows written
    by it too; run whenever the table has doubled since it was last
    described, the statistics stay within a factor of two of the truth
    (about eight runs for 1,000,000 rows into an empty registry) and the
    check probes the index on scheme and code together.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.active = connection.vendor == "postgresql"
        # Rows in the table before the import, and as last described; read
        # at the first write, so a dry run asks nothing.
        self.base: int | None = None
        self.described = 0

    def grown(self, written: int) -> None:
        """Note ``written`` rows added so far; re-analyse when the table doubled."""
        if not self.active:
            return
        if self.base is None:
            with connection.cursor() as cursor:
                # reltuples is -1 for a table never analysed.
                cursor.execute(
                    "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                    [self.table],
                )
                (reltuples,) = cursor.fetchone()
            self.base = self.described = max(0, int(reltuples))
        size = self.base + written
        if size < 2 * max(self.described, CHUNK):
            return
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {self.table}")
        self.described = size


@contextmanager
def _large_sqlite_cache() -> Iterator[None]:
    """Give SQLite a larger page cache while a file is imported.

    With the default 2 MB cache, inserting into the registry's indexes
    misses the cache ever more often as they grow: 1,000,000 persons took
    5.5 minutes instead of under 3. The cache only takes memory as pages
    are read, and the previous size is restored afterwards.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _record_import(report: ImportReport, audit_object: models.Model | None) -> None:
    """Write the audit event of a real (not dry) import, written or not."""
    if report.created:
        what = f"import of {report.created} {report.kind} from {report.file}"
    else:
        what = f"import of {report.kind} from {report.file}: nothing written"
    record_event(
        AuditAction.IMPORT,
        audit_object,
        object_repr=what,
        changes={
            "file": report.file,
            "rows": report.rows,
            "created": report.created,
            "phones": report.phones,
            "errors": report.error_count,
            "all_or_nothing": report.all_or_nothing,
        },
    )


def _import(
    kind: _Kind,
    source: Source,
    fmt: Format,
    dry_run: bool,
    all_or_nothing: bool,
    progress: Progress | None,
    audit_object: models.Model | None = None,
    name: str | None = None,
) -> ImportReport:
    name = name or _source_name(source)
    report = ImportReport(kind.name, name, dry_run, all_or_nothing)
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"fmt must be 'csv' or 'xlsx', not {fmt!r}")
    binary, owned = _open(source)
    try:
        total: list[int | None] = [None]
        if fmt == "csv":
            total[0] = _count_lines(binary)
            rows = _csv_rows(binary)
        else:
            rows = _xlsx_rows(binary, total)
        importer = _Importer(kind, report, progress, total)
        try:
            # A dry run opens no transaction: on SQLite (IMMEDIATE mode) that
            # would keep other writers waiting while the file is read.
            if dry_run:
                importer.run(rows)
                return report
            with _large_sqlite_cache(), transaction.atomic():
                importer.run(rows)
                if report.created and importer.writing:
                    # Written with the rows, so it exists exactly when they do.
                    _record_import(report, audit_object)
                else:
                    # Rule 2: a bad row in an all-or-nothing import undoes
                    # what earlier chunks wrote.
                    transaction.set_rollback(True)
                    report.created = report.phones = 0
        except _HeaderError as exc:
            for error in exc.errors:
                report.add(error)
            report.created = report.phones = 0
        except _FileError as exc:
            report.add(exc.error)
            report.created = report.phones = 0
        if not dry_run and not report.created:
            # The attempt is recorded too, after the rollback.
            _record_import(report, audit_object)
    finally:
        if owned:
            binary.close()
    return report


def import_persons(
    source: Source,
    *,
    fmt: Format,
    dry_run: bool = False,
    all_or_nothing: bool = True,
    progress: Progress | None = None,
    audit_object: models.Model | None = None,
    name: str | None = None,
) -> ImportReport:
    """Import persons (and their phones) from a CSV or XLSX file.

    ``source`` is a path or a binary file object. See the module docstring
    for the columns and the rules. The caller checks permissions. A real
    run (not a dry run) writes one ``AuditAction.IMPORT`` event, whether
    or not anything was written, attributed to the current actor
    (``acting_as``) and to ``audit_object`` (the upload) if given.
    ``name`` is the file's name in the report and the event (by default the
    source's own).
    """
    return _import(
        PERSONS, source, fmt, dry_run, all_or_nothing, progress, audit_object, name
    )


def import_employers(
    source: Source,
    *,
    fmt: Format,
    dry_run: bool = False,
    all_or_nothing: bool = True,
    progress: Progress | None = None,
    audit_object: models.Model | None = None,
    name: str | None = None,
) -> ImportReport:
    """Import employers from a CSV or XLSX file; as :func:`import_persons`."""
    return _import(
        EMPLOYERS, source, fmt, dry_run, all_or_nothing, progress, audit_object, name
    )


def check_file(
    kind: Literal["persons", "employers"], source: IO[bytes], fmt: Format
) -> list[RowError]:
    """Return the problems of the file's header and type; [] if it may be imported.

    Reads the first non-blank row (the header) and looks for one data row
    below it, then rewinds ``source``, which must be seekable. The data rows
    themselves are checked by the import.
    """
    spec = PERSONS if kind == "persons" else EMPLOYERS
    start = source.tell()
    total: list[int | None] = [None]
    rows = _csv_rows(source) if fmt == "csv" else _xlsx_rows(source, total)
    try:
        header = None
        for number, cells in rows:
            if not any(cells):
                continue
            if header is not None:
                return []
            header = _header(spec, number, cells)
        if header is None:
            return [RowError(0, "", gettext("The file has no rows."))]
        return [RowError(0, "", gettext("The file has no rows below the header."))]
    except _HeaderError as exc:
        return exc.errors
    except _FileError as exc:
        return [exc.error]
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
        source.seek(start)
