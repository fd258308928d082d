"""Generate the journal benchmark's data: 10,000,000 contacts and 1,000,000 persons.

Runs inside the benchmark's worker process (Django set up on the bench
database). Staff, departments and topics go through the ORM (a few hundred
rows). The big tables are written by the database itself: one
``INSERT ... SELECT`` over a generated series (``generate_series`` on
PostgreSQL, a recursive CTE on SQLite, journalling and syncing off), every
value a deterministic pseudo-random function of the row number, so no row
crosses from Python. A table's secondary indexes (and, on PostgreSQL, its
foreign keys) are dropped for the load and rebuilt after it; then ``ANALYZE``.

The shape follows a public-service contact centre: five years of contacts in
time order (about 5,500 a day), two thirds of them with an identified person,
a twentieth of the persons calling often (about thirty contacts each),
everything older than two months closed, a few thousand deferred answers and
results under review open, and callbacks, messages for colleagues and
notifications in proportion.
"""

from __future__ import annotations

import datetime
import json
import random
import sys
import time
from collections.abc import Sequence
from typing import Any

# Bump when the generated shape changes: a stored database is then rebuilt.
VERSION = 1
BENCH_AGENT = "bench_agent"
BENCH_LEAD = "bench_lead"
BENCH_SUPERVISOR = "bench_supervisor"
# The bench agent's contacts of today, each with a frequent caller and an
# access override, so the workspace reads (and logs) the person's history.
CARD_CONTACTS = 300

FIRST = ["Jonas", "Petras", "Ona", "Rūta", "Asta", "Tomas", "Eglė", "Darius", "Ieva"]
LAST = [
    "Petraitis",
    "Jonaitienė",
    "Kazlauskas",
    "Žukauskaitė",
    "Stankevičius",
    "Butkienė",
    "Urbonas",
    "Balčiūnaitė",
    "Šimkus",
    "Navickienė",
]
SUMMARIES = [
    "Dėl pašalpos mokėjimo datos",
    "Prašo priminti dokumentų sąrašą",
    "Skundžiasi laukimo trukme",
    "Klausia dėl pažymos",
    "Teiraujasi dėl prašymo būsenos",
    "Padėka konsultantui",
]
CHANNELS = (
    (["phone"] * 80)
    + (["email"] * 10)
    + (["chat"] * 7)
    + ["letter"] * 2
    + ["in_person"]
)
TYPES = (
    (["consultation"] * 75)
    + (["application"] * 12)
    + (["complaint"] * 7)
    + (["proposal"] * 4)
    + (["gratitude"] * 2)
)


def log(message: str, end: str = "\n") -> None:
    print(message, end=end, file=sys.stderr, flush=True)


def _plan(model: Any, varying: Sequence[str], now: datetime.datetime) -> list[Any]:
    """One value per column of ``model``: a constant, or the name in ``varying``."""
    from django.db.models import NOT_PROVIDED

    plan: list[Any] = []
    for field in model._meta.concrete_fields:
        name = field.attname
        if name in varying:
            plan.append(("var", name))
        elif field.default is not NOT_PROVIDED:
            value = field.get_default()
            if isinstance(value, (dict, list)):
                value = json.dumps(value)
            plan.append(("const", value))
        elif field.null:
            plan.append(("const", None))
        elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            plan.append(("const", now))
        else:
            plan.append(("const", ""))
    return plan


class Loader:
    """Secondary indexes (and PostgreSQL foreign keys) dropped for a load, rebuilt after."""

    def __init__(self, vendor: str) -> None:
        from django.db import connection

        self.vendor = vendor
        self.connection = connection

    def drop_indexes(self, table: str) -> list[str]:
        """Drop the secondary indexes (and foreign keys) of ``table``; their DDL to restore."""
        saved: list[str] = []
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f'",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                    saved.append(
                        f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
                    )
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                    "WHERE i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                    "WHERE c.conname = i.indexname)",
                    [table],
                )
                indexes = cursor.fetchall()
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
                indexes = cursor.fetchall()
            for name, definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
                saved.insert(0, definition)
        return saved

    def restore_indexes(self, table: str, saved: list[str]) -> None:
        started = time.perf_counter()
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("SET maintenance_work_mem = '1GB'")
            for statement in saved:
                cursor.execute(statement)
        log(
            f"  {table}: {len(saved)} indexes and keys rebuilt in "
            f"{time.perf_counter() - started:.0f} s"
        )

    def reset_sequence(self, table: str) -> None:
        """Ids were given explicitly: the next one the database hands out follows them."""
        if self.vendor != "postgresql":
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT max(id) FROM "{table}"))'
            )


def _staff(rng: random.Random) -> dict[str, Any]:
    """Departments, teams, staff and topics, through the ORM."""
    from infoline.accounts.choices import Role
    from infoline.accounts.models import Department, Employee, Team, User
    from infoline.journal.models import Topic

    departments = [
        Department.objects.create(name=f"Skyrius {n}", code=f"bench-{n}")
        for n in range(1, 9)
    ]
    teams = [
        Team.objects.create(name=f"Komanda {n}", department=departments[n % 8])
        for n in range(40)
    ]

    def user(username: str, role: str, team: Team | None, n: int) -> User:
        person = User(
            username=username,
            role=role,
            team=team,
            first_name=FIRST[n % len(FIRST)],
            last_name=LAST[n % len(LAST)],
        )
        person.set_unusable_password()
        return person

    agents = [user(f"agent{n:03d}", Role.AGENT, teams[n % 40], n) for n in range(400)]
    agents[0].username = BENCH_AGENT
    leads = [user(f"lead{n:02d}", Role.TEAM_LEAD, teams[n], n) for n in range(40)]
    leads[0].username = BENCH_LEAD
    specialists = [
        user(f"specialist{n:02d}", Role.SPECIALIST, None, n) for n in range(40)
    ]
    supervisor = user(BENCH_SUPERVISOR, Role.SUPERVISOR, None, 0)
    everyone = [*agents, *leads, *specialists, supervisor]
    User.objects.bulk_create(everyone)
    everyone = list(User.objects.order_by("pk"))
    by_name = {u.username: u for u in everyone}
    employees = []
    for n, staff in enumerate(everyone):
        department = (
            staff.team.department
            if staff.team_id and staff.team.department_id
            else departments[n % 8]
        )
        employees.append(
            Employee(
                user=staff,
                first_name=staff.first_name,
                last_name=staff.last_name,
                department=department,
                position="Konsultantas",
            )
        )
    Employee.objects.bulk_create(employees)
    topics: dict[str, list[int]] = {}
    for kind in dict.fromkeys(TYPES):
        for n in range(8):
            parent = Topic(type=kind, name=f"{kind} {n}", keywords="bench")
            parent.save()
            topics.setdefault(kind, []).append(parent.pk)
            for m in range(4):
                child = Topic(type=kind, parent=parent, name=f"{kind} {n}.{m}")
                child.save()
                topics[kind].append(child.pk)
    return {
        "agents": [by_name[a.username].pk for a in agents],
        "specialists": [by_name[s.username].pk for s in specialists],
        "leads": [by_name[s.username].pk for s in leads],
        "departments": [d.pk for d in departments],
        "teams": {t.pk: t for t in teams},
        "topics": topics,
        "employees": {
            e.user_id: e.pk for e in Employee.objects.filter(user__isnull=False)
        },
        "bench_agent": by_name[BENCH_AGENT],
    }


# --- generation in the database: INSERT ... SELECT over a series --------------


def _contiguous(ids: Sequence[int], what: str) -> int:
    """The first of ``ids``, which must be consecutive (the SQL picks by offset)."""
    first = min(ids)
    if sorted(ids) != list(range(first, first + len(ids))):
        raise RuntimeError(f"the generated {what} do not have consecutive ids")
    return first


class Sql:
    """The few expressions whose spelling differs between SQLite and PostgreSQL."""

    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"

    @staticmethod
    def h(salt: int) -> str:
        """A pseudo-random non-negative integer of the row number ``i`` (same on both)."""
        x = f"((i * 2654435761 + {salt * 7919}) % 2147483647)"
        return f"({x} * {x} % 2147483647)"

    def ts(self, seconds: str) -> str:
        return (
            f"to_timestamp({seconds})"
            if self.pg
            else f"datetime({seconds}, 'unixepoch')"
        )

    def date(self, seconds: str) -> str:
        if self.pg:
            return f"(to_timestamp({seconds}) AT TIME ZONE 'UTC')::date"
        return f"date({seconds}, 'unixepoch')"

    def days_after(self, day: str, days: str) -> str:
        if self.pg:
            return f"(DATE '{day}' + ({days})::int)"
        return f"date('{day}', '+' || ({days}) || ' days')"

    def text(self, expr: str) -> str:
        return f"CAST({expr} AS TEXT)"

    def pad7(self, expr: str) -> str:
        return f"lpad(({expr})::text, 7, '0')" if self.pg else f"printf('%07d', {expr})"

    def literal(self, value: Any) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return ("TRUE" if value else "FALSE") if self.pg else str(int(value))
        if isinstance(value, int | float):
            return str(value)
        if isinstance(value, datetime.datetime):
            value = value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
            if self.pg:
                value += "+00"
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        return "'" + str(value).replace("'", "''") + "'"

    def pick(self, h: str, choices: Sequence[tuple[int, str]]) -> str:
        """``CASE`` over cumulative percentages of ``h % 100``."""
        parts = " ".join(
            f"WHEN {h} % 100 < {upto} THEN {then}" for upto, then in choices[:-1]
        )
        return f"(CASE {parts} ELSE {choices[-1][1]} END)"

    def insert(
        self,
        model: Any,
        count: int,
        exprs: dict[str, str],
        now: datetime.datetime,
        first: int = 1,
    ) -> None:
        """Insert ``count`` rows, ``i`` running from ``first``; unnamed columns constant."""
        from django.db import connection

        table = model._meta.db_table
        columns, values = [], []
        for kind, value in _plan(model, list(exprs), now):
            if kind == "var":
                values.append(exprs[value])
            else:
                values.append(self.literal(value))
        columns = [f'"{f.column}"' for f in model._meta.concrete_fields]
        last = first + count - 1
        select = f"SELECT {', '.join(values)}"
        if self.pg:
            sql = (
                f'INSERT INTO "{table}" ({", ".join(columns)}) {select} '
                f"FROM generate_series({first}::bigint, {last}) AS s(i)"
            )
        else:
            sql = (
                f"WITH RECURSIVE s(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM s "
                f'WHERE i < {last}) INSERT INTO "{table}" ({", ".join(columns)}) '
                f"{select} FROM s"
            )
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql)
        log(f"  {table}: {count:,} rows in {time.perf_counter() - started:.0f} s")


def generate(vendor: str, contacts: int, persons: int) -> None:
    """Fill the (migrated, empty) bench database."""
    from django.db import connection
    from django.utils import timezone

    from infoline.clients.models import AccessOverride, Person
    from infoline.journal.models import (
        Callback,
        ColleagueMessage,
        Contact,
        Notification,
    )
    from infoline.lib.text import fold

    rng = random.Random(13)
    now = timezone.now().replace(microsecond=0)
    started = time.perf_counter()
    if vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.execute("PRAGMA cache_size=-1000000")
    staff = _staff(rng)
    loader = Loader(vendor)
    sql = Sql(vendor)
    h = sql.h
    log(f"  staff and topics in {time.perf_counter() - started:.0f} s")

    # Persons: nine first names, ten surnames (a seventh with "-as" added).
    def case(expr: str, words: Sequence[str]) -> str:
        parts = " ".join(f"WHEN {n} THEN {sql.literal(w)}" for n, w in enumerate(words))
        return f"(CASE {expr} {parts} END)"

    suffix = "(CASE WHEN i % 7 = 0 THEN 'as' ELSE '' END)"
    saved = loader.drop_indexes(Person._meta.db_table)
    sql.insert(
        Person,
        persons,
        {
            "id": "i",
            "first_name": case(f"i % {len(FIRST)}", FIRST),
            "last_name": case(f"(i / 9) % {len(LAST)}", LAST) + f" || {suffix}",
            "identity_code": sql.text("30000000000 + i"),
            "birth_date": sql.days_after("1940-01-01", "(i * 37) % 23000"),
            "last_name_key": case(f"(i / 9) % {len(LAST)}", [fold(w) for w in LAST])
            + f" || {suffix}",
            "name_key": case(f"i % {len(FIRST)}", [fold(w) for w in FIRST])
            + " || ' ' || "
            + case(f"(i / 9) % {len(LAST)}", [fold(w) for w in LAST])
            + f" || {suffix}",
        },
        now,
    )
    loader.restore_indexes(Person._meta.db_table, saved)

    frequent = max(persons // 20, 1)
    agent0 = _contiguous(staff["agents"], "agents")
    specialist0 = _contiguous(staff["specialists"], "specialists")
    department0 = _contiguous(staff["departments"], "departments")
    topic0 = {kind: _contiguous(ids, "topics") for kind, ids in staff["topics"].items()}
    n_topics = len(next(iter(staff["topics"].values())))
    bench = staff["bench_agent"]
    span = 5 * 365 * 86400
    t0 = int(now.timestamp()) - span - 3600
    open_after = int(now.timestamp()) - 60 * 86400

    def seconds(row: str) -> str:
        """When contact number ``row`` started (epoch seconds), in time order."""
        return f"({t0} + ({row}) * {span} / {contacts})"

    sec = f"({seconds('i')} + {h(1)} % {max(span // contacts, 1)})"
    status = (
        f"(CASE WHEN {sec} <= {open_after} THEN 'closed' "
        f"WHEN {h(9)} % 1000 < 10 THEN 'deferred_answer' "
        f"WHEN {h(9)} % 1000 < 13 THEN 'under_review' "
        f"WHEN {h(9)} % 1000 < 30 THEN 'in_work' ELSE 'closed' END)"
    )
    kinds = [
        ("consultation", 75),
        ("application", 87),
        ("complaint", 94),
        ("proposal", 98),
        ("gratitude", 100),
    ]
    table = Contact._meta.db_table
    saved = loader.drop_indexes(table)
    sql.insert(
        Contact,
        contacts,
        {
            "id": "i",
            "started_at": sql.ts(sec),
            "channel": sql.pick(
                h(2),
                [
                    (80, "'phone'"),
                    (90, "'email'"),
                    (97, "'chat'"),
                    (99, "'letter'"),
                    (100, "'in_person'"),
                ],
            ),
            "phone": "'+3706' || " + sql.pad7(f"{h(3)} % 10000000"),
            "person_id": sql.pick(
                h(4),
                [
                    (35, "NULL"),
                    (55, f"1 + {h(5)} % {frequent}"),
                    (100, f"1 + {h(5)} % {persons}"),
                ],
            ),
            "agent_id": f"{agent0} + {h(6)} % {len(staff['agents'])}",
            "agent_position": "'Konsultantas'",
            "type": sql.pick(h(7), [(upto, f"'{kind}'") for kind, upto in kinds]),
            "topic_id": sql.pick(
                h(7),
                [
                    (upto, f"{topic0[kind]} + {h(8)} % {n_topics}")
                    for kind, upto in kinds
                ],
            ),
            "summary": case(f"i % {len(SUMMARIES)}", SUMMARIES),
            "status": status,
            "closed_at": f"(CASE WHEN {status} = 'closed' THEN {sql.ts(sec + ' + 480')} END)",
            "assignee_id": f"(CASE WHEN {status} = 'deferred_answer' THEN "
            f"{specialist0} + {h(10)} % {len(staff['specialists'])} END)",
            "department_id": f"(CASE WHEN {status} = 'deferred_answer' OR {h(11)} % 100 < 20 "
            f"THEN {department0} + {h(12)} % {len(staff['departments'])} END)",
            "due": f"(CASE WHEN {status} = 'deferred_answer' THEN "
            f"{sql.date(sec + ' + 14 * 86400')} END)",
        },
        now,
    )
    # The bench agent's contacts of today: a frequent caller each (about thirty
    # earlier contacts), with an access override so the history is disclosed.
    card_persons = rng.sample(range(1, frequent + 1), CARD_CONTACTS)
    first_card = contacts + 1
    Contact.objects.bulk_create(
        Contact(
            id=first_card + n,
            channel="phone",
            phone=f"+3706{person:07d}",
            person_id=person,
            agent=bench,
            agent_position="Konsultantas",
            type="consultation",
            topic_id=topic0["consultation"] + n % n_topics,
            summary=SUMMARIES[n % len(SUMMARIES)],
            status="in_work",
        )
        for n, person in enumerate(card_persons)
    )
    for n in range(CARD_CONTACTS):  # started_at is auto_now_add: set afterwards
        Contact.objects.filter(pk=first_card + n).update(
            started_at=now - datetime.timedelta(minutes=CARD_CONTACTS - n)
        )
    # The bench agent's open work: deferred answers assigned to them.
    for n, pk in enumerate(
        sorted(rng.sample(range(max(contacts - 200_000, 1), contacts - 1000), 25))
    ):
        Contact.objects.filter(pk=pk).update(
            status="deferred_answer",
            assignee=bench,
            closed_at=None,
            department_id=department0,
            due=(now + datetime.timedelta(days=n - 5)).date(),
        )
    loader.restore_indexes(table, saved)
    loader.reset_sequence(table)
    AccessOverride.objects.bulk_create(
        AccessOverride(
            user_id=bench.pk,
            person_id=person,
            contact_id=first_card + n,
            reason="Benchmark: caller could not be authenticated",
        )
        for n, person in enumerate(card_persons)
    )

    # Callbacks: one contact in twenty-five asked for one; a tenth of the recent
    # ones still scheduled. The bench agent has fifteen due now, three for the team.
    contact_of = f"(1 + {h(21)} % {contacts})"
    at = f"({seconds(contact_of)} + 3600)"
    callback_status = (
        f"(CASE WHEN {at} > {open_after} AND {h(22)} % 10 = 0 "
        "THEN 'scheduled' ELSE 'done' END)"
    )
    table = Callback._meta.db_table
    saved = loader.drop_indexes(table)
    sql.insert(
        Callback,
        contacts // 25,
        {
            "id": "i",
            "contact_id": contact_of,
            "phone": "'+37060000000'",
            "window_start": sql.ts(at),
            "window_end": sql.ts(f"{at} + 7200"),
            "responsible_id": f"{agent0} + {h(23)} % {len(staff['agents'])}",
            "status": callback_status,
            "kept_at": f"(CASE WHEN {callback_status} = 'done' THEN {sql.ts(at + ' + 1200')} END)",
            "created_at": sql.ts(f"{at} - 3600"),
        },
        now,
    )
    for n in range(18):
        start = now - datetime.timedelta(minutes=30 + n * 7)
        Callback.objects.filter(pk=n + 1).update(
            status="scheduled",
            window_start=start,
            window_end=start + datetime.timedelta(hours=2),
            kept_at=None,
            responsible=bench if n < 15 else None,
            team_id=bench.team_id if n >= 15 else None,
        )
    loader.restore_indexes(table, saved)
    loader.reset_sequence(table)

    employee0 = _contiguous(list(staff["employees"].values()), "employees")
    n_employees = len(staff["employees"])
    table = ColleagueMessage._meta.db_table
    saved = loader.drop_indexes(table)
    at = f"({seconds(contact_of)} + 60)"
    sql.insert(
        ColleagueMessage,
        contacts // 100,
        {
            "id": "i",
            "contact_id": contact_of,
            "intended_for_id": f"{employee0} + {h(24)} % {n_employees}",
            "delivered_to_id": f"{employee0} + {h(24)} % {n_employees}",
            "taken_by_id": f"{agent0} + {h(25)} % {len(staff['agents'])}",
            "caller_name": "'Ona Petraitienė'",
            "phone": "'+37060000001'",
            "reason": "'Prašo perskambinti dėl prašymo'",
            "created_at": sql.ts(at),
            "closed_at": sql.ts(f"{at} + 10800"),
        },
        now,
    )
    bench_employee = staff["employees"][bench.pk]
    for n in range(8):
        ColleagueMessage.objects.filter(pk=n + 1).update(
            intended_for_id=bench_employee,
            delivered_to_id=bench_employee,
            created_at=now - datetime.timedelta(hours=n * 5 + 1),
            closed_at=None,
        )
    loader.restore_indexes(table, saved)
    loader.reset_sequence(table)

    users = [*staff["agents"], *staff["leads"], *staff["specialists"]]
    user0 = _contiguous(users, "staff")
    table = Notification._meta.db_table
    saved = loader.drop_indexes(table)
    at = f"({seconds(contact_of)} + 600)"
    sql.insert(
        Notification,
        contacts // 10,
        {
            "id": "i",
            "user_id": f"{user0} + {h(26)} % {len(users)}",
            "contact_id": contact_of,
            "kind": "'assigned'",
            "created_at": sql.ts(at),
            "read_at": sql.ts(f"{at} + 3600"),
        },
        now,
    )
    Notification.objects.filter(pk__lte=30).update(user=bench, read_at=None)
    loader.restore_indexes(table, saved)
    loader.reset_sequence(table)
    log("  analyze …")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"  generated in {time.perf_counter() - started:.0f} s")


def table_sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM journal_contact")
        contacts = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM clients_person")
        persons = cursor.fetchone()[0]
    return {"contacts": contacts, "persons": persons}
