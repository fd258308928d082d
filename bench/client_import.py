"""Import of 1,000,000 persons from CSV: rows per second of ``import_persons``.

The file has every person column filled, a valid Lithuanian asmens kodas
(official check digit, unique per row) with the matching birth date and
sex, and one mobile phone. The time covers reading, validating and writing
(persons and phones) in one all-or-nothing transaction. Rows are named
``client_import_rows_per_s_<database>``: ``make bench`` runs it on SQLite,
and on PostgreSQL with ``BENCH_DATABASE_URL`` (``--append``). The registry
of the benchmark database is emptied before and after.

Peer: the loop a first version would write, ``full_clean()`` and ``save()``
per person and per phone (audit signals included, as in the application),
inside one transaction, on a sample of rows imported after ours, so against
the same full registry; its rate is extrapolated from the sample.
"""

from __future__ import annotations

import csv
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from typing import Any

from bench import _django

FIRST = ["Rūta", "Tomas", "Ieva", "Darius", "Asta", "Mindaugas", "Eglė", "Šarūnas"]
LAST = ["Petrauskas", "Žukauskas", "Kazlauskas", "Vaitkus", "Jonaitis", "Balčiūnas"]
COLUMNS = [
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
]
BORN_FROM = date(1940, 1, 1)
DAYS = 20000  # birth dates 1940-01-01 to 1994-10-04


def _person(i: int) -> list[str]:
    """Return row ``i``; codes are unique for i < DAYS * 2 * 1000."""
    from stdnum.ee import ik

    birth = BORN_FROM + timedelta(days=i % DAYS)
    male = (i // DAYS) % 2 == 0
    serial = i // (2 * DAYS)
    century = (birth.year - 1800) // 100
    first_digit = 2 * century + (1 if male else 2)
    digits = f"{first_digit}{birth:%y%m%d}{serial:03d}"
    # The asmens kodas check digit uses the isikukood weights; stdnum's
    # calc_check_digit reads the first 10 digits of an 11-character string.
    code = digits + ik.calc_check_digit(digits + "0")
    first = FIRST[i % len(FIRST)]
    last = LAST[(i // len(FIRST)) % len(LAST)]
    return [
        first,
        last,
        "LT:asmens_kodas",
        code,
        birth.isoformat(),
        "M" if male else "F",
        f"p{i}@example.lt",
        f"+3706{i % 10_000_000:07d}",
        f"Gedimino pr. {i % 300 + 1}, Vilnius",
        f"LT-{i % 100000:05d}",
        "lt",
        f"user{i}",
        "2020-01-15",
    ]


def _write_csv(path: str, start: int, count: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(start, start + count):
            writer.writerow(_person(i))


def _server_cpu() -> float | None:
    """Return the CPU seconds of this connection's PostgreSQL backend so far.

    Read from ``/proc`` when the server runs on this machine; None on SQLite
    (the work is in this process) or when the backend cannot be seen.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime are fields 14 and 15 of stat(5), in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _clear_registry() -> None:
    """Delete every person and phone: the benchmark database is ours to fill.

    Before the run, so that it can be repeated on the same database; after
    it, so that the next benchmark (``client_search`` deletes persons with
    one statement) finds no phones pointing at them.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM clients_personphone")
        cursor.execute("DELETE FROM clients_person")


def _naive(start: int, count: int) -> float:
    """Return the seconds the naive per-row loop takes for ``count`` rows."""
    from django.db import transaction

    from infoline.clients.models import Person, PersonPhone

    started = time.perf_counter()
    with transaction.atomic():
        for i in range(start, start + count):
            values = dict(zip(COLUMNS, _person(i), strict=True))
            phone = values.pop("phone")
            # full_clean() turns the date strings into dates.
            person = Person(**values)
            person.full_clean()
            person.save()
            number = PersonPhone(person=person, number=phone)
            number.full_clean()
            number.save()
    return time.perf_counter() - started


def run() -> list[dict[str, Any]]:
    vendor = _django.setup()
    from infoline.clients.importer import CHUNK, import_persons

    quick = os.environ.get("BENCH_QUICK") == "1"
    persons = 10_000 if quick else 1_000_000
    sample = 200 if quick else 2_000
    folder = tempfile.mkdtemp(prefix="infoline-import-")
    path = os.path.join(folder, "persons.csv")
    print(f"  writing {persons:,} persons to {path}", file=sys.stderr)
    _write_csv(path, 0, persons)
    size_mb = os.path.getsize(path) / 1e6

    def progress(done: int, total: int | None) -> None:
        if done % 100_000 < CHUNK or done == total:
            print(f"\r  {done:,} / {total or 0:,} rows", end="", file=sys.stderr)

    _clear_registry()
    print(f"  importing on {vendor}", file=sys.stderr)
    load_before = os.getloadavg()[0]
    server_before = _server_cpu()
    cpu_before = time.process_time()
    started = time.perf_counter()
    report = import_persons(path, fmt="csv", progress=progress)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    server_after = _server_cpu()
    server_cpu = (
        None
        if server_before is None or server_after is None
        else server_after - server_before
    )
    load_after = os.getloadavg()[0]
    print(file=sys.stderr)
    if not report.ok or report.created != persons:
        raise RuntimeError(f"import failed: {report.errors[:5]}")
    shutil.rmtree(folder, ignore_errors=True)
    print(f"  naive loop on {sample:,} rows", file=sys.stderr)
    naive_seconds = _naive(persons, sample)
    _clear_registry()
    rate = persons / elapsed
    peer_rate = sample / naive_seconds
    return [
        {
            "name": f"client_import_rows_per_s_{vendor}",
            "value": round(rate),
            "unit": "rows/s",
            "peer": "full_clean()+save() per row",
            "peer_value": round(peer_rate),
            "ratio": round(rate / peer_rate, 1),
            "params": {
                "persons": persons,
                "phones": report.phones,
                "database": vendor,
                "format": "csv",
                "file_mb": round(size_mb, 1),
                "seconds": round(elapsed, 1),
                # CPU seconds of the importer and of its PostgreSQL backend,
                # and the machine's load: other work on a shared machine
                # stretches the wall-clock figure, not these.
                "client_cpu_seconds": round(cpu, 1),
                "server_cpu_seconds": (
                    None if server_cpu is None else round(server_cpu, 1)
                ),
                "load_avg_1m": [round(load_before, 1), round(load_after, 1)],
                "chunk": CHUNK,
                "peak_rss_mb": round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                ),
                "peer_sample": sample,
                "peer_note": (
                    f"rate measured on {sample:,} rows after ours, in one "
                    f"transaction, extrapolated: {persons / peer_rate / 60:.1f} min "
                    f"for {persons:,}"
                ),
            },
        }
    ]
