"""Client search with 1,000,000 persons: p50/p95/p99 of ``search_persons``.

Peer: the plain ORM query a first version would write — ``icontains`` on first
and last name (and the birth date when given) — on the same data and queries.
Runs on the benchmark database (SQLite by default); ``make bench`` runs it a
second time on PostgreSQL when ``BENCH_POSTGRES_URL`` names a database the
benchmark may fill (its persons are deleted first).
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import time
from typing import Any

from bench import _django

FIRST = [
    "Jonas",
    "Petras",
    "Antanas",
    "Tomas",
    "Mindaugas",
    "Darius",
    "Andrius",
    "Šarūnas",
    "Vytautas",
    "Paulius",
    "Ona",
    "Rūta",
    "Asta",
    "Eglė",
    "Laura",
    "Ieva",
    "Greta",
    "Jurgita",
    "Aušra",
    "Dalia",
    "Žydrūnė",
    "Neringa",
]
STEMS = [
    "Petr",
    "Jon",
    "Kazlausk",
    "Žukausk",
    "Stankevič",
    "Vasiliausk",
    "Butk",
    "Paulausk",
    "Urbon",
    "Kavaliausk",
    "Balčiūn",
    "Šimk",
    "Navick",
    "Mockev",
    "Rimk",
    "Adomait",
    "Černiausk",
    "Dambrausk",
    "Grigal",
    "Lukoševič",
    "Sabon",
    "Žemait",
    "Kair",
    "Gudait",
    "Vaitk",
    "Jankausk",
    "Bernot",
    "Savick",
    "Marcink",
    "Matul",
]
ENDS = ["as", "is", "ius", "ys", "ienė", "aitė", "ytė", "utė", "ė", "a"]


def _surname(rng: random.Random) -> str:
    return (
        rng.choice(STEMS)
        + rng.choice(ENDS)
        + (rng.choice(["", "", "", "ev", "in", "ov"]))
    )


def _populate(count: int, rng: random.Random) -> list[tuple[str, datetime.date | None]]:
    from django.db import connection, transaction

    from infoline.clients.models import Person
    from infoline.lib.text import fold

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM clients_person")
    batch: list[Person] = []
    people: list[tuple[str, str, datetime.date]] = []
    started = time.perf_counter()
    with transaction.atomic():
        for n in range(count):
            first, last = rng.choice(FIRST), _surname(rng)
            born = datetime.date(1940, 1, 1) + datetime.timedelta(
                days=rng.randrange(365 * 65)
            )
            person = Person(first_name=first, last_name=last, birth_date=born)
            person.last_name_key = fold(last)
            person.name_key = fold(f"{first} {last}")
            batch.append(person)
            if n % 97 == 0:
                people.append((first, last, born))
            if len(batch) == 10000:
                Person.objects.bulk_create(batch)
                batch = []
                print(
                    f"\r  {n + 1:,} / {count:,} persons",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
        if batch:
            Person.objects.bulk_create(batch)
    print(
        f"\r  {count:,} persons in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    queries: list[tuple[str, datetime.date | None]] = []
    for _ in range(300):
        first, last, born = rng.choice(people)
        kind = rng.random()
        if kind < 0.35:
            queries.append((f"{first} {last}", None))  # full name
        elif kind < 0.6:
            queries.append(
                (f"{fold(first)} {fold(last)}", born)
            )  # without diacritics + birth date
        elif kind < 0.85:
            queries.append(
                (last[: rng.randint(4, 7)], born)
            )  # surname prefix + birth date
        else:
            typo = list(last)
            i = rng.randrange(1, len(typo) - 1)
            typo[i], typo[i + 1] = typo[i + 1], typo[i]
            queries.append(("".join(typo), None))  # a typo
    return queries


def _baseline(name: str, birth_date: datetime.date | None) -> list[Any]:
    from django.db.models import Q

    from infoline.clients.models import Person

    query = Q()
    for word in name.split():
        query &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    persons = Person.objects.filter(query)
    if birth_date is not None:
        persons = persons.filter(birth_date=birth_date)
    return list(persons.order_by("last_name")[:11])


def _measure(fn: Any, queries: list[tuple[str, datetime.date | None]]) -> list[float]:
    samples = []
    for name, born in queries:
        started = time.perf_counter()
        fn(name, born)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _pct(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def run() -> list[dict[str, Any]]:
    vendor = _django.setup()
    from infoline.clients.services import search_persons

    count = 20000 if os.environ.get("BENCH_QUICK") == "1" else 1_000_000
    rng = random.Random(4)
    queries = _populate(count, rng)

    def ours(name: str, born: datetime.date | None) -> Any:
        return search_persons(name, born)

    _measure(ours, queries[:20])
    mine = _measure(ours, queries)
    peer_queries = queries[
        :60
    ]  # the scan is slow: a sample is enough for its percentiles
    peer = _measure(_baseline, peer_queries)
    params = {
        "persons": count,
        "queries": len(queries),
        "peer_queries": len(peer_queries),
        "database": vendor,
    }
    rows = []
    for q in (50, 95, 99):
        value, peer_value = _pct(mine, q), _pct(peer, q)
        rows.append(
            {
                "name": f"client_search_p{q}_{vendor}",
                "value": round(value, 2),
                "unit": "ms",
                "peer": "orm icontains",
                "peer_value": round(peer_value, 2),
                "ratio": round(peer_value / value, 1) if value else None,
                "params": params,
            }
        )
    return rows
