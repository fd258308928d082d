"""Import of persons and employers from CSV and XLSX (issue 4, deliverable 8)."""

from __future__ import annotations

import io
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook
from stdnum.ee import ik

from infoline.audit.choices import AuditAction
from infoline.audit.models import AuditEvent
from infoline.clients import importer
from infoline.clients.importer import (
    ImportReport,
    RowError,
    import_employers,
    import_persons,
)
from infoline.clients.models import Employer, Person, PersonPhone

pytestmark = pytest.mark.django_db

HEADER = "first_name,last_name,identity_scheme,identity_code,birth_date,sex,email,phone"


def asmens_kodas(birth: date, sex: str, serial: int) -> str:
    """Return a valid Lithuanian personal code (official check digit)."""
    century = (birth.year - 1800) // 100  # 0 = 1800s, 1 = 1900s, 2 = 2000s
    first = 2 * century + (1 if sex == "M" else 2)
    digits = f"{first}{birth:%y%m%d}{serial:03d}"
    return digits + ik.calc_check_digit(digits + "0")


def imones_kodas(prefix: str) -> str:
    """Return a valid 9-digit Lithuanian company code starting with ``prefix``."""
    return prefix + ik.calc_check_digit(prefix + "0")


CODE_RUTA = asmens_kodas(date(1987, 3, 18), "F", 174)
CODE_TOMAS = asmens_kodas(date(1990, 12, 1), "M", 5)
CODE_IEVA = asmens_kodas(date(2001, 6, 30), "F", 42)


def write(
    tmp_path: Path, lines: list[str], name: str = "people.csv", **kw: Any
) -> Path:
    """Write a CSV file; ``bom`` adds a UTF-8 byte-order mark."""
    text = "\r\n".join(lines) + "\r\n"
    data = text.encode("utf-8")
    if kw.get("bom"):
        data = b"\xef\xbb\xbf" + data
    path = tmp_path / name
    path.write_bytes(data)
    return path


def good_lines() -> list[str]:
    return [
        HEADER,
        f"Rūta,Žukauskienė,LT:asmens_kodas,{CODE_RUTA},1987-03-18,F,ruta@example.lt,+370 612 34567",
        f"Tomas,Jonaitis,lt:asmens_kodas,{CODE_TOMAS},,,,8 612 34568",
        f"Ieva,Šimkutė,LT:asmens_kodas,{CODE_IEVA},,,,",
    ]


def persons_csv(tmp_path: Path, *rows: str) -> Path:
    return write(tmp_path, [HEADER, *rows])


def test_valid_csv_imports_every_person_exactly(tmp_path: Path) -> None:
    report = import_persons(write(tmp_path, good_lines()), fmt="csv")

    assert report.errors == []
    assert (report.rows, report.valid, report.created, report.phones) == (3, 3, 3, 2)
    ruta = Person.objects.get(identity_code=CODE_RUTA)
    assert (ruta.first_name, ruta.last_name, ruta.email) == (
        "Rūta",
        "Žukauskienė",
        "ruta@example.lt",
    )
    assert (ruta.birth_date, ruta.sex) == (date(1987, 3, 18), "F")
    # The search keys are the ones Person.save() would compute.
    assert (ruta.last_name_key, ruta.name_key) == ("zukauskiene", "ruta zukauskiene")
    tomas = Person.objects.get(identity_code=CODE_TOMAS)
    # Scheme matched in any case; birth date and sex taken from the code.
    assert tomas.identity_scheme == "LT:asmens_kodas"
    assert (tomas.birth_date, tomas.sex) == (date(1990, 12, 1), "M")
    assert sorted(PersonPhone.objects.values_list("person__first_name", "number")) == [
        ("Rūta", "+37061234567"),
        ("Tomas", "+37061234568"),
    ]


def test_fields_not_in_the_file_get_their_defaults(tmp_path: Path) -> None:
    import_persons(write(tmp_path, good_lines()), fmt="csv")

    ieva = Person.objects.get(identity_code=CODE_IEVA)
    assert (ieva.email, ieva.address, ieva.last_office, ieva.flagged_at) == (
        "",
        "",
        None,
        None,
    )
    assert ieva.created_at is not None


def test_databases_without_returning_inserts_import_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the row-by-row fallback reads SQLite's lastrowid")
    # Django's own switch: bulk_create cannot return ids (e.g. old SQLite).
    monkeypatch.setattr(
        type(connection.features),
        "can_return_rows_from_bulk_insert",
        property(lambda features: False),
    )
    report = import_persons(write(tmp_path, good_lines()), fmt="csv")

    assert (report.created, report.phones) == (3, 2)
    tomas = Person.objects.get(identity_code=CODE_TOMAS)
    assert (tomas.name_key, tomas.birth_date) == ("tomas jonaitis", date(1990, 12, 1))
    assert tomas.phones.get().number == "+37061234568"


def test_sqlite_cache_size_is_restored_after_an_import(tmp_path: Path) -> None:
    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return int(cursor.fetchone()[0])

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    before = cache_size()
    import_persons(write(tmp_path, good_lines()), fmt="csv")

    assert cache_size() == before


def test_successful_import_writes_one_audit_event(tmp_path: Path) -> None:
    import_persons(write(tmp_path, good_lines()), fmt="csv")

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.IMPORT
    assert event.object_repr == "import of 3 persons from people.csv"
    assert event.changes == {
        "file": "people.csv",
        "rows": 3,
        "created": 3,
        "phones": 2,
        "errors": 0,
        "all_or_nothing": True,
    }


def test_semicolon_csv_with_bom_is_read(tmp_path: Path) -> None:
    lines = [line.replace(",", ";") for line in good_lines()]
    report = import_persons(write(tmp_path, lines, bom=True), fmt="csv")

    assert report.errors == []
    assert Person.objects.count() == 3


def test_quoted_cells_keep_their_delimiters(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            "first_name;last_name;address",
            'Rūta;Žukauskienė;"Gedimino pr. 1; Vilnius"',
        ],
    )
    import_persons(path, fmt="csv")

    assert Person.objects.get().address == "Gedimino pr. 1; Vilnius"


def test_xlsx_is_read_with_numbers_and_dates_as_text(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["First_Name", "Last_Name", "identity_scheme", "identity_code"])
    sheet.append(["Rūta", "Žukauskienė", "LT:asmens_kodas", int(CODE_RUTA)])
    sheet.append([])
    sheet.append(["Tomas", "Jonaitis", "", ""])
    sheet["E1"] = "registered_on"
    sheet["E4"] = datetime(2024, 5, 6)
    path = tmp_path / "people.xlsx"
    workbook.save(path)

    report = import_persons(path, fmt="xlsx")

    assert report.errors == []
    assert report.rows == 2
    assert Person.objects.get(first_name="Rūta").identity_code == CODE_RUTA
    assert Person.objects.get(first_name="Tomas").registered_on == date(2024, 5, 6)


def test_xlsx_rows_are_numbered_as_the_spreadsheet_shows(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["first_name", "last_name", "email"])
    sheet.append(["Rūta", "Žukauskienė", "ruta@example.lt"])
    sheet.append([])
    sheet.append(["Tomas", "Jonaitis", "not-an-address"])
    path = tmp_path / "people.xlsx"
    workbook.save(path)

    report = import_persons(path, fmt="xlsx")

    assert report.errors == [
        RowError(4, "email", "“not-an-address” is not an e-mail address.")
    ]


def test_file_object_is_accepted(tmp_path: Path) -> None:
    data = write(tmp_path, good_lines()).read_bytes()
    report = import_persons(io.BytesIO(data), fmt="csv")

    assert report.created == 3


def test_dry_run_writes_nothing_and_reports_what_would_happen(tmp_path: Path) -> None:
    bad = CODE_TOMAS[:-1] + str((int(CODE_TOMAS[-1]) + 1) % 10)
    lines = [*good_lines(), f"Jonas,Petrauskas,LT:asmens_kodas,{bad},,,,"]
    report = import_persons(write(tmp_path, lines), fmt="csv", dry_run=True)

    assert (report.rows, report.valid, report.created) == (4, 3, 0)
    assert report.errors == [
        RowError(5, "identity_code", "The check digit is wrong."),
    ]
    assert Person.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_dry_run_checks_the_registry_with_one_query_per_chunk(
    tmp_path: Path, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        report = import_persons(write(tmp_path, good_lines()), fmt="csv", dry_run=True)

    assert report.valid == 3


def test_clean_dry_run_writes_nothing(tmp_path: Path) -> None:
    report = import_persons(write(tmp_path, good_lines()), fmt="csv", dry_run=True)

    assert (report.ok, report.valid, report.created) == (True, 3, 0)
    assert Person.objects.count() == 0


BAD_CELLS = [
    pytest.param(
        f"Rūta,Ž,LT:asmens_kodas,{CODE_RUTA[:-1]}{(int(CODE_RUTA[-1]) + 1) % 10},,,,",
        "identity_code",
        "The check digit is wrong.",
        id="checksum",
    ),
    pytest.param(
        "Rūta,Ž,LT:asmens_kodas,38713181745,,,,",
        "identity_code",
        "The code encodes 1987-13-18, which does not exist.",
        id="impossible-date",
    ),
    pytest.param(
        f"Rūta,Ž,LT:asmens_kodas,{CODE_RUTA},1987-03-19,,,",
        "identity_code",
        "The code says born 1987-03-18, the record says 1987-03-19.",
        id="birth-date-mismatch",
    ),
    pytest.param(
        f"Rūta,Ž,LT:asmens_kodas,{CODE_RUTA},,M,,",
        "identity_code",
        "The code says sex F, the record says M.",
        id="sex-mismatch",
    ),
    pytest.param(
        "Rūta,Ž,LT:asmens_kodas,3870318,,,,",
        "identity_code",
        "Asmens kodas has 11 digits; this code has 7.",
        id="length",
    ),
    pytest.param(
        f"Rūta,Ž,,{CODE_RUTA},,,,",
        "identity_scheme",
        "Choose which country's code this is.",
        id="code-without-scheme",
    ),
    pytest.param(
        f"Rūta,Ž,LT:imones_kodas,{CODE_RUTA},,,,",
        "identity_scheme",
        "“LT:imones_kodas” is not a personal identity code type; use one of "
        "LT:asmens_kodas, EE:isikukood, PL:pesel, DK:cpr, RU:snils, RU:inn.",
        id="company-scheme",
    ),
    pytest.param(
        "Rūta,Ž,,,18.03.1987,,,",
        "birth_date",
        "“18.03.1987” is not a date; write dates as YYYY-MM-DD, e.g. 1987-03-18.",
        id="not-iso-date",
    ),
    pytest.param(
        "Rūta,Ž,,,1987-02-30,,,",
        "birth_date",
        "“1987-02-30” is not a date; write dates as YYYY-MM-DD, e.g. 1987-03-18.",
        id="impossible-iso-date",
    ),
    pytest.param(
        "Rūta,Ž,,,2999-01-01,,,",
        "birth_date",
        "2999-01-01 is in the future.",
        id="future-date",
    ),
    pytest.param(
        "Rūta,Ž,,,,X,,",
        "sex",
        "Sex is F or M, not “X”.",
        id="sex",
    ),
    pytest.param(
        "Rūta,Ž,,,,,ruta@,",
        "email",
        "“ruta@” is not an e-mail address.",
        id="email",
    ),
    pytest.param(
        "Rūta,Ž,,,,,,abc",
        "phone",
        "“abc” is not a phone number.",
        id="phone-not-a-number",
    ),
    pytest.param(
        "Rūta,Ž,,,,,,+370 600",
        "phone",
        "“+370 600” is not a valid phone number.",
        id="phone-invalid",
    ),
    pytest.param(
        ",Žukauskienė,,,,,,",
        "first_name",
        "This value is required.",
        id="required",
    ),
    pytest.param(
        f"{'R' * 101},Ž,,,,,,",
        "first_name",
        "At most 100 characters; this value has 101.",
        id="too-long",
    ),
    pytest.param(
        "Rūta,Ž,,,,,,,extra",
        "#9",
        "This cell is in column 9, which has no name.",
        id="cell-without-column",
    ),
]


@pytest.mark.parametrize(("line", "column", "message"), BAD_CELLS)
def test_bad_cell_is_reported_with_row_column_and_message(
    tmp_path: Path, line: str, column: str, message: str
) -> None:
    report = import_persons(persons_csv(tmp_path, line), fmt="csv")

    assert report.errors == [RowError(2, column, message)]
    assert (report.rows, report.valid, report.created) == (1, 0, 0)
    assert Person.objects.count() == 0


def test_every_bad_cell_of_a_row_is_reported(tmp_path: Path) -> None:
    report = import_persons(persons_csv(tmp_path, ",Ž,,,1987,Q,x,"), fmt="csv")

    assert [(e.row, e.column) for e in report.errors] == [
        (2, "first_name"),
        (2, "birth_date"),
        (2, "sex"),
        (2, "email"),
    ]
    assert report.invalid == 1


def test_optional_columns_are_validated(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            "first_name,last_name,postal_code,preferred_language,registered_on",
            "Rūta,Ž,LT-0123456789,lt,2020-01-01",
            "Tomas,J,LT-01234,lietuvių,2020-01-01",
        ],
    )
    report = import_persons(path, fmt="csv")

    assert report.errors == [
        RowError(2, "postal_code", "At most 12 characters; this value has 13."),
        RowError(
            3,
            "preferred_language",
            "“lietuvių” is not a language code such as “lt” or “en”.",
        ),
    ]


def test_one_bad_row_imports_nothing_even_after_earlier_chunks_were_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of 2 rows: the first chunk is written before the bad third row
    # is read, so this checks that the transaction is rolled back.
    monkeypatch.setattr(importer, "CHUNK", 2)
    lines = [*good_lines()[:3], "Jonas,Petrauskas,,,,,,bad", good_lines()[3]]
    report = import_persons(write(tmp_path, lines), fmt="csv")

    assert report.errors == [RowError(4, "phone", "“bad” is not a phone number.")]
    assert (report.rows, report.valid, report.created, report.phones) == (4, 3, 0, 0)
    assert Person.objects.count() == 0
    assert PersonPhone.objects.count() == 0
    # The attempt is audited after the rollback, with nothing written.
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.IMPORT
    assert event.object_repr == "import of persons from people.csv: nothing written"
    assert (event.changes["rows"], event.changes["created"]) == (4, 0)
    assert event.changes["errors"] == 1


def test_partial_imports_the_valid_rows_and_reports_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "CHUNK", 2)
    lines = [*good_lines()[:3], "Jonas,Petrauskas,,,,,,bad", good_lines()[3]]
    report = import_persons(write(tmp_path, lines), fmt="csv", all_or_nothing=False)

    assert report.errors == [RowError(4, "phone", "“bad” is not a phone number.")]
    assert (report.rows, report.valid, report.created, report.phones) == (4, 3, 3, 2)
    assert sorted(Person.objects.values_list("first_name", flat=True)) == [
        "Ieva",
        "Rūta",
        "Tomas",
    ]
    assert AuditEvent.objects.get().changes["created"] == 3


def test_duplicate_code_in_the_file_names_the_first_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "CHUNK", 2)
    lines = [
        *good_lines(),
        f"Rūta,Kita,LT:asmens_kodas,{CODE_RUTA[:3]} {CODE_RUTA[3:]},,,,",
    ]
    report = import_persons(write(tmp_path, lines), fmt="csv")

    assert report.errors == [
        RowError(5, "identity_code", "The same code is on row 2."),
    ]
    assert Person.objects.count() == 0


def test_code_already_in_the_registry_is_a_duplicate(tmp_path: Path) -> None:
    Person.objects.create(
        first_name="Rūta",
        last_name="Žukauskienė",
        identity_scheme="LT:asmens_kodas",
        identity_code=CODE_RUTA,
    )
    report = import_persons(write(tmp_path, good_lines()), fmt="csv")

    assert report.errors == [
        RowError(2, "identity_code", "This code is already in the registry."),
    ]
    assert Person.objects.count() == 1


def test_missing_header_column_is_one_error_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, ["first_name,email", "Rūta,ruta@example.lt"])
    report = import_persons(path, fmt="csv")

    assert report.errors == [
        RowError(1, "last_name", "The required column “last_name” is missing."),
    ]
    assert report.rows == 0
    assert Person.objects.count() == 0


def test_header_problems_are_each_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path, ["first_name,last_name,frist_name,email,EMAIL,identity_code", "a,b"]
    )
    report = import_persons(path, fmt="csv")

    assert report.errors == [
        RowError(
            1,
            "frist_name",
            "Unknown column “frist_name”; the columns are "
            + ", ".join(importer.PERSON_COLUMNS)
            + ".",
        ),
        RowError(1, "email", "The column “email” appears twice."),
        RowError(
            1,
            "identity_scheme",
            "The column “identity_scheme” is missing; identity_scheme and "
            "identity_code go together.",
        ),
    ]


def test_empty_file_has_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    report = import_persons(path, fmt="csv")

    assert report.errors == [RowError(0, "", "The file has no rows.")]


def test_header_without_rows_is_reported(tmp_path: Path) -> None:
    report = import_persons(write(tmp_path, [HEADER, ",,,"]), fmt="csv")

    assert report.errors == [
        RowError(0, "", "The file has no rows below the header."),
    ]


def test_random_bytes_named_xlsx_are_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(os.urandom(2048))
    report = import_persons(path, fmt="xlsx")

    assert report.errors == [
        RowError(0, "", "The file is not an Excel workbook (.xlsx) that can be read.")
    ]


def test_non_utf8_csv_names_the_line_and_imports_nothing(tmp_path: Path) -> None:
    data = "\r\n".join(good_lines()).encode("utf-8")
    data += "\r\nJūratė,Kazlauskienė,,,,,,\r\n".encode("cp1257")
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    report = import_persons(path, fmt="csv")

    assert report.errors == [
        RowError(
            0,
            "",
            "Line 5 is not UTF-8 text. Save the file as “CSV UTF-8” and import "
            "it again.",
        )
    ]
    assert report.created == 0
    assert Person.objects.count() == 0


def test_malformed_csv_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, "Rūta,Ž\rx,,,,,,"])
    report = import_persons(path, fmt="csv")

    assert report.errors == [
        RowError(0, "", "The file is not valid CSV near row 2."),
    ]


def test_control_characters_are_rejected(tmp_path: Path) -> None:
    report = import_persons(persons_csv(tmp_path, "Rūta,Ž\x00,,,,,,"), fmt="csv")

    assert report.errors == [
        RowError(2, "last_name", "This value contains the control character U+0000.")
    ]


def test_errors_beyond_the_limit_are_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "MAX_ERRORS", 2)
    report = import_persons(persons_csv(tmp_path, *[",x,,,,,,"] * 5), fmt="csv")

    assert (len(report.errors), report.error_count, report.invalid) == (2, 5, 5)


def test_progress_is_reported_per_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "CHUNK", 2)
    calls: list[tuple[int, int | None]] = []
    import_persons(
        write(tmp_path, good_lines()),
        fmt="csv",
        progress=lambda done, total: calls.append((done, total)),
    )

    assert calls == [(2, 3), (3, 3)]


# Employers ----------------------------------------------------------------

EMPLOYER_CODE = imones_kodas("11005384")


def test_employers_are_imported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            "name;code_scheme;code;address;email;phone",
            f"UAB „Šviesa“;LT:imones_kodas;{EMPLOYER_CODE};Vilnius;info@sviesa.lt;852123456",
        ],
        name="employers.csv",
    )
    report = import_employers(path, fmt="csv")

    assert report.errors == []
    employer = Employer.objects.get()
    assert (employer.code, employer.name_key, employer.phone) == (
        EMPLOYER_CODE,
        "uab „sviesa“",
        "+37052123456",
    )


def test_bad_employer_rows_are_reported(tmp_path: Path) -> None:
    Employer.objects.create(
        name="Senas", code_scheme="LT:imones_kodas", code=EMPLOYER_CODE
    )
    path = write(
        tmp_path,
        [
            "name,code_scheme,code",
            f"Naujas,LT:imones_kodas,{EMPLOYER_CODE}",
            f"Kitas,LT:asmens_kodas,{CODE_RUTA}",
            f"Trečias,LT:imones_kodas,{EMPLOYER_CODE[:-1]}{(int(EMPLOYER_CODE[-1]) + 1) % 10}",
            "Ketvirtas,,123",
        ],
        name="employers.csv",
    )
    report = import_employers(path, fmt="csv")

    schemes = "LT:imones_kodas, EE:registrikood, PL:nip, PL:regon, DK:cvr, RU:ogrn"
    assert report.errors == [
        RowError(2, "code", "This code is already in the registry."),
        RowError(
            3,
            "code_scheme",
            f"“LT:asmens_kodas” is not a company registry code type; use one of {schemes}.",
        ),
        RowError(4, "code", "The check digit is wrong."),
        RowError(5, "code_scheme", "This value is required."),
    ]
    assert Employer.objects.count() == 1


# The management command ---------------------------------------------------


def run_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_clients", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_imports_and_shows_progress(tmp_path: Path) -> None:
    out, err = run_command("persons", str(write(tmp_path, good_lines())))

    assert out == "Imported 3 persons with 2 phones.\n"
    assert err == "\r  3 / 3 rows (100%)\n"
    assert Person.objects.count() == 3


def test_command_reports_errors_and_exits_1_when_nothing_imported(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, [*good_lines(), "Jonas,P,,,1987-3-1,,,"])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_clients", "persons", str(path), stdout=out, stderr=err)

    assert raised.value.returncode == 1
    assert str(raised.value) == (
        "Nothing was imported: 1 of 4 rows has errors. Fix it, or use "
        "--partial to import the valid rows."
    )
    assert out.getvalue() == (
        "  row 5, birth_date: “1987-3-1” is not a date; write dates as "
        "YYYY-MM-DD, e.g. 1987-03-18.\n"
    )
    assert Person.objects.count() == 0


def test_command_partial_imports_valid_rows_and_exits_0(tmp_path: Path) -> None:
    path = write(tmp_path, [*good_lines(), "Jonas,P,,,1987-3-1,,,"])
    out, _err = run_command("persons", str(path), "--partial", "--verbosity", "0")

    assert out.endswith(
        "Imported 3 persons with 2 phones. 1 row with errors was skipped.\n"
    )
    assert Person.objects.count() == 3


def test_command_dry_run_writes_nothing(tmp_path: Path) -> None:
    out, _err = run_command("persons", str(write(tmp_path, good_lines())), "--dry-run")

    assert out == "Dry run: 3 of 3 rows are valid; nothing was written.\n"
    assert Person.objects.count() == 0


def test_command_rejects_a_file_that_is_neither_csv_nor_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "people.txt"
    path.write_text(HEADER)
    with pytest.raises(
        CommandError, match=r"Import files are \.csv or \.xlsx"
    ) as raised:
        run_command("persons", str(path))

    assert raised.value.returncode == 1


def test_command_reports_a_file_level_error(tmp_path: Path) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"^Nothing was imported\.$"):
        call_command(
            "import_clients", "employers", str(path), stdout=out, stderr=io.StringIO()
        )

    assert out.getvalue() == (
        "  file: The file is not an Excel workbook (.xlsx) that can be read.\n"
    )


def test_report_counts_invalid_rows() -> None:
    report = ImportReport("persons", "x.csv", dry_run=False, all_or_nothing=True)
    report.rows, report.valid = 10, 7

    assert (report.invalid, report.ok) == (3, True)


def test_command_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        run_command("persons", str(tmp_path / "missing.csv"))

    assert str(raised.value) == (
        f"Cannot read “{tmp_path / 'missing.csv'}”: No such file or directory."
    )
    assert raised.value.returncode == 1


def test_command_imports_employers_from_xlsx(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["name", "code_scheme", "code"])
    sheet.append(["UAB Šviesa", "LT:imones_kodas", int(EMPLOYER_CODE)])
    path = tmp_path / "employers.xlsx"
    workbook.save(path)

    out, _err = run_command("employers", str(path), "--verbosity", "0")

    assert out == "Imported 1 employer.\n"
    assert Employer.objects.get().code == EMPLOYER_CODE


def test_postgresql_statistics_are_renewed_each_time_the_table_doubles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of 2 into an empty registry: written 2, 4, 6, 8, 9; the table
    # has doubled past max(described, CHUNK) at 4 and 8.
    monkeypatch.setattr(importer, "CHUNK", 2)
    lines = [HEADER] + [
        f"P{i},Q,LT:asmens_kodas,{asmens_kodas(date(1980, 1, 1 + i), 'M', i)},,,,"
        for i in range(9)
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The statistics say "empty" whatever earlier tests left there.
            cursor.execute('ANALYZE "clients_person"')
    with CaptureQueriesContext(connection) as queries:
        report = import_persons(write(tmp_path, lines), fmt="csv")

    assert report.created == 9
    analyses = [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert analyses == ['ANALYZE "clients_person"'] * 2
    else:
        assert analyses == []
