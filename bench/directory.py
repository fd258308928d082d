"""Directory search with 5,000 employees: p50/p95 of ``search_directory``.

Peer: the plain ORM query a first version would write — ``icontains`` on name,
department, tasks and extension, joined — run on the same data and queries.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from typing import Any

from bench import _django

FIRST = [
    "Rūta",
    "Tomas",
    "Ieva",
    "Darius",
    "Asta",
    "Mindaugas",
    "Laura",
    "Giedrius",
    "Eglė",
    "Vytautas",
    "Jurgita",
    "Andrius",
    "Simona",
    "Paulius",
    "Kristina",
    "Marius",
    "Greta",
    "Lina",
    "Saulius",
    "Neringa",
    "Šarūnas",
    "Žydrūnė",
    "Česlovas",
    "Aušra",
    "Jonas",
    "Ona",
    "Petras",
    "Birutė",
    "Algirdas",
    "Dalia",
]
LAST = [
    "Petrauskas",
    "Žukauskas",
    "Kazlauskas",
    "Vaitkus",
    "Jonaitis",
    "Stankevičius",
    "Balčiūnas",
    "Paulauskas",
    "Urbonas",
    "Butkus",
    "Mockus",
    "Gudaitis",
    "Rimkus",
    "Lukoševičius",
    "Navickas",
    "Šimkus",
    "Adomaitis",
    "Černiauskas",
    "Dambrauskas",
    "Vasiliauskas",
    "Kairys",
    "Žemaitis",
    "Sabonis",
    "Grigas",
    "Laurinavičius",
]
TASKS = [
    "job seekers",
    "vacancies",
    "employers",
    "wage subsidies",
    "training vouchers",
    "EURES",
    "activation funds",
    "job fairs",
    "complaints",
    "benefits",
    "registration",
    "seasonal work",
    "disability support",
    "youth",
]
POSITIONS = [
    "Employment counsellor",
    "Specialist",
    "Senior specialist",
    "Consultant",
    "Lawyer",
    "Office manager",
]


def _populate(employees: int, rng: random.Random) -> list[str]:
    from infoline.accounts.models import Department, Employee, employee_search_text

    departments = [
        Department.objects.create(
            name=f"{city} customer service department",
            code=f"d{i}",
            tasks=rng.choice(TASKS),
        )
        for i, city in enumerate(
            [
                "Vilnius",
                "Kaunas",
                "Klaipėda",
                "Šiauliai",
                "Panevėžys",
                "Alytus",
                "Marijampolė",
                "Utena",
                "Telšiai",
                "Tauragė",
            ]
            * 5
        )
    ]
    batch = []
    for n in range(employees):
        department = departments[n % len(departments)]
        employee = Employee(
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            position=rng.choice(POSITIONS),
            department=department,
            extension=str(10000 + n),
            main_tasks=", ".join(rng.sample(TASKS, 3)),
            email=f"e{n}@example.lt",
        )
        employee.search_text = employee_search_text(employee, department.name)
        batch.append(employee)
    Employee.objects.bulk_create(batch, batch_size=1000)
    queries = []
    for _ in range(300):
        kind = rng.random()
        if kind < 0.4:
            queries.append(rng.choice(LAST)[: rng.randint(3, 7)])
        elif kind < 0.6:
            queries.append(f"{rng.choice(FIRST)} {rng.choice(LAST)[:4]}")
        elif kind < 0.8:
            queries.append(rng.choice(TASKS).split()[0])
        else:
            queries.append(str(10000 + rng.randrange(employees))[:4])
    return queries


def _baseline(query: str) -> list[Any]:
    from django.db.models import Q

    from infoline.accounts.models import Employee

    condition = Q()
    for word in query.split():
        condition &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(department__name__icontains=word)
            | Q(main_tasks__icontains=word)
            | Q(extension__icontains=word)
        )
    return list(
        Employee.objects.filter(condition)
        .select_related("department")
        .order_by("last_name")[:20]
    )


def _time(fn: Any, queries: list[str]) -> list[float]:
    samples = []
    for query in queries:
        started = time.perf_counter()
        fn(query)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _pct(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


def run() -> list[dict[str, Any]]:
    vendor = _django.setup()
    from infoline.accounts.services import search_directory

    employees = 500 if os.environ.get("BENCH_QUICK") == "1" else 5000
    rng = random.Random(20261123)
    print(f"  populating {employees} employees on {vendor}", file=sys.stderr)
    queries = _populate(employees, rng)
    _time(search_directory, queries[:30])  # warm caches
    _time(_baseline, queries[:30])
    ours = _time(search_directory, queries)
    peer = _time(_baseline, queries)
    params = {
        "employees": employees,
        "queries": len(queries),
        "database": vendor,
        "limit": 20,
    }
    rows = []
    for q in (50, 95):
        value, peer_value = _pct(ours, q), _pct(peer, q)
        rows.append(
            {
                "name": f"directory_search_p{q}",
                "value": round(value, 3),
                "unit": "ms",
                "peer": "orm icontains",
                "peer_value": round(peer_value, 3),
                "ratio": round(peer_value / value, 2) if value else None,
                "params": params,
            }
        )
    return rows
