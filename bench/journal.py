"""The journal at scale: person history, work list and filtered journal list.

With 10,000,000 contacts and 1,000,000 persons, each page is requested end to
end through Django's test client, signed in (second factor confirmed), many
times over varied inputs, and timed: p50/p95/p99 in milliseconds, with the
number of SQL queries per page (``CaptureQueriesContext``).

* ``history`` — the contact workspace ``clients:card`` (``/caller/<pk>/``) of
  the bench agent's contact of today with a frequent caller (about thirty
  earlier contacts) and an access override, so ``person_history`` reads and
  logs the history. The workspace also shows the work list.
* ``worklist`` — ``journal:worklist`` (``/desk/work/``) for agents and team
  leads with callbacks due, messages delivered and deferred answers owed.
* ``list`` — ``journal:list`` (``/journal/``) for an agent, a team lead and a
  supervisor over a day, a week or a month, with channel, type, status,
  topic, department or employee filters, walking up to four pages by the
  keyset cursor of the page's "next" link.

Peers, measured in the same run on the same data and inputs: the same pages
with the service swapped for what a plain Django first version would do —
history: every earlier contact fetched (counted with ``len``) without
``select_related``, so the template loads topic, employee and responsible per
row; work list: the same filters without ``select_related`` or limits, so
each item's contact, colleague and topic is a query of its own; journal list:
``Paginator`` page numbers, a ``COUNT(*)`` of the filtered contacts and
``OFFSET`` per page.

Data: ``bench/_journal_data.py``. SQLite in ``var/bench/journal-<size>/``;
with ``BENCH_DATABASE_URL`` (PostgreSQL) in the database ``bench_journal`` on
the same server (created when missing). A database already generated with
the same migrations, generator version and size is reused.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _sizes() -> tuple[int, int]:
    if os.environ.get("BENCH_QUICK") == "1":
        return 100_000, 10_000
    return 10_000_000, 1_000_000


def _fingerprint(contacts: int, persons: int) -> str:
    """Generator version and size: what the stored data depends on.

    The schema is followed by migrating a reused database forward; when that
    fails (a migration edited or removed), the data is generated again.
    """
    from bench import _journal_data

    digest = hashlib.sha256()
    digest.update(f"{_journal_data.VERSION} {contacts} {persons}".encode())
    return digest.hexdigest()[:16]


def _postgres_url(base: str, name: str) -> str:
    """``base`` with its database replaced by ``name``; created when missing."""
    import psycopg

    parts = urlsplit(base)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(base, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    return url


def run() -> list[dict[str, Any]]:
    """Run the worker in its own process, on its own database, and return its rows."""
    contacts, persons = _sizes()
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "infoline.settings"
    url = os.environ.get("BENCH_DATABASE_URL", "")
    suffix = "quick" if os.environ.get("BENCH_QUICK") == "1" else "full"
    if url.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"] = _postgres_url(url, f"bench_journal_{suffix}")
        env["INFOLINE_VAR_DIR"] = tempfile.mkdtemp(prefix="infoline-bench-")
    elif url:
        raise SystemExit("bench/journal.py runs on SQLite or PostgreSQL")
    else:
        folder = ROOT / "var" / "bench" / f"journal-{suffix}"
        folder.mkdir(parents=True, exist_ok=True)
        env.pop("DATABASE_URL", None)
        env["INFOLINE_VAR_DIR"] = str(folder)
    env["BENCH_JOURNAL_FINGERPRINT"] = _fingerprint(contacts, persons)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        target = out.name
    try:
        subprocess.run(
            [sys.executable, "-m", "bench.journal", "--worker", target],
            env=env,
            cwd=ROOT,
            check=True,
        )
        return list(json.loads(Path(target).read_text())["rows"])
    finally:
        Path(target).unlink(missing_ok=True)


# --- the worker ----------------------------------------------------------------


def _stored_fingerprint() -> str | None:
    from django.db import connection

    with connection.cursor() as cursor:
        if "bench_journal_meta" not in connection.introspection.table_names(cursor):
            return None
        cursor.execute("SELECT value FROM bench_journal_meta WHERE key = 'fingerprint'")
        row = cursor.fetchone()
    return str(row[0]) if row else None


def _reset_database(vendor: str) -> None:
    """Empty the bench database (it holds nothing but generated data)."""
    from django.db import connection

    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    else:
        connection.close()
        path = Path(str(connection.settings_dict["NAME"]))
        for extra in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{extra}").unlink(missing_ok=True)


def _prepare(fingerprint: str, contacts: int, persons: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from bench import _journal_data

    vendor = connection.vendor
    if _stored_fingerprint() == fingerprint:
        sizes = _journal_data.table_sizes()
        _journal_data.log(
            f"  reusing the generated database ({sizes['contacts']:,} contacts)"
        )
        started = time.perf_counter()
        if vendor == "sqlite":  # a new index on ten million rows: sort in memory
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size=-2000000")
                cursor.execute("PRAGMA temp_store=MEMORY")
        try:
            call_command("migrate", verbosity=1, interactive=False)
        except Exception as exc:  # an edited migration: generate again
            _journal_data.log(f"  migrating the stored data failed ({exc})")
        else:
            return {
                "reused": True,
                "generate_s": 0,
                "migrate_s": round(time.perf_counter() - started),
            }
    _journal_data.log(f"  generating {contacts:,} contacts on {vendor} …")
    _reset_database(vendor)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    _journal_data.generate(vendor, contacts, persons)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_journal_meta (key varchar(40) PRIMARY KEY, value text)"
        )
        cursor.execute(
            "INSERT INTO bench_journal_meta VALUES ('fingerprint', %s)", [fingerprint]
        )
    connection.close()  # back to the settings' own PRAGMAs
    return {
        "reused": False,
        "generate_s": round(time.perf_counter() - started),
        "migrate_s": 0,
    }


def _client(user: Any) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _get(client: Any, url: str) -> tuple[float, int, str]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        cpu = time.process_time()
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return elapsed, len(queries), response.content.decode(), cpu


class Samples:
    """Wall-clock milliseconds, queries and CPU milliseconds of one page's requests."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.queries: list[int] = []
        self.cpu: list[float] = []

    def add(self, elapsed: float, queries: int, cpu: float) -> None:
        self.wall.append(elapsed)
        self.queries.append(queries)
        self.cpu.append(cpu)


# The peers: what a plain Django first version would do, swapped into the pages.


def _naive_history(
    user: Any, person: Any, contact: Any, limit: int = 20
) -> tuple[int, list[Any] | None]:
    from infoline.clients.choices import DataCategory
    from infoline.clients.services import disclose_category
    from infoline.journal.models import Contact

    rows = list(
        Contact.objects.filter(person=person)
        .exclude(pk=contact.pk)
        .order_by("-started_at")
    )
    if not rows or not disclose_category(user, person, contact, DataCategory.CASE):
        return len(rows), None
    return len(rows), rows


def _naive_work_list(user: Any, now: Any = None) -> Any:
    from django.db.models import Q
    from django.utils import timezone

    from infoline.accounts.choices import Role
    from infoline.journal import services
    from infoline.journal.choices import CallbackStatus, ContactStatus
    from infoline.journal.models import (
        Callback,
        ColleagueMessage,
        Contact,
        Notification,
    )

    now = now or timezone.now()
    mine = Q(responsible=user)
    if user.team_id is not None:
        mine |= Q(responsible__isnull=True, team_id=user.team_id)
    to_approve: list[Any] = []
    if user.role in {Role.TEAM_LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR}:
        pending = Contact.objects.filter(status=ContactStatus.UNDER_REVIEW)
        if user.role == Role.TEAM_LEAD:
            pending = pending.filter(agent__team_id=user.team_id)
        to_approve = list(pending.order_by("pk"))
    return services.WorkList(
        callbacks=list(
            Callback.objects.filter(
                mine,
                status=CallbackStatus.SCHEDULED,
                window_start__lte=now + services.REMIND_BEFORE,
            ).order_by("window_start")
        ),
        messages=list(
            ColleagueMessage.objects.filter(
                delivered_to__user=user, closed_at__isnull=True
            ).order_by("created_at")
        ),
        deferred=list(
            Contact.objects.filter(
                assignee=user, status=ContactStatus.DEFERRED_ANSWER
            ).order_by("due", "pk")
        ),
        to_approve=to_approve,
        unread=len(Notification.objects.filter(user=user, read_at__isnull=True)),
        today=timezone.localdate(now),
    )


_PAGE = {"number": 1}


def _naive_journal_page(
    user: Any, filters: Any, *, before: Any = None, limit: int = 50
) -> tuple[list[Any], Any]:
    from django.core.paginator import Paginator

    from infoline.journal.access import visible_contacts
    from infoline.journal.exports import filtered_contacts

    contacts = (
        filtered_contacts(filters)
        .filter(visible_contacts(user))
        .order_by("-started_at", "-pk")
    )
    page = Paginator(contacts, limit).page(_PAGE["number"])
    rows = list(page.object_list)
    return rows, ((rows[-1].started_at, rows[-1].pk) if page.has_next() else None)


class Swap:
    """Swap a service of ``infoline.journal.services`` for the peer's version."""

    def __init__(self, name: str, replacement: Any) -> None:
        from infoline.journal import services

        self.services, self.name, self.replacement = services, name, replacement

    def __enter__(self) -> None:
        self.original = getattr(self.services, self.name)
        setattr(self.services, self.name, self.replacement)

    def __exit__(self, *exc: object) -> None:
        setattr(self.services, self.name, self.original)


def _pct(samples: list[float], q: int) -> float:
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


NEXT = re.compile(r'href="\?([^"]*before_id=[^"]*)"')


def _list_walks(rng: random.Random, users: list[Any], count: int) -> list[Any]:
    """Journal list inputs: who, which period and filters, how many pages."""
    import datetime

    from django.utils import timezone

    from infoline.accounts.models import Department
    from infoline.journal.models import Topic

    today = timezone.localdate()
    topics = list(Topic.objects.values_list("pk", flat=True))
    departments = list(Department.objects.values_list("pk", flat=True))
    walks = []
    for _ in range(count):
        user = rng.choice(users)
        days = rng.choice([1, 7, 7, 7, 31])
        end = today - datetime.timedelta(days=rng.choice([0, 0, 0, 3, 30, 200]))
        query = {
            "start": (end - datetime.timedelta(days=days - 1)).isoformat(),
            "end": end.isoformat(),
        }
        extra = rng.random()
        if extra < 0.2:
            query["type"] = rng.choice(["consultation", "complaint", "application"])
        elif extra < 0.35:
            query["status"] = rng.choice(["closed", "in_work", "deferred_answer"])
        elif extra < 0.45:
            query["channel"] = rng.choice(["phone", "email", "chat"])
        elif extra < 0.55:
            query["topic"] = str(rng.choice(topics))
        elif extra < 0.65:
            query["department"] = str(rng.choice(departments))
        elif extra < 0.7:
            query["type"] = "complaint"
            query["status"] = "closed"
        walks.append((user, query, rng.choice([1, 1, 2, 3, 4])))
    return walks


def _summary(samples: Samples) -> dict[str, Any]:
    return {
        "cpu_ms_p50_p95": [
            round(_pct(samples.cpu, 50), 1),
            round(_pct(samples.cpu, 95), 1),
        ],
        "p50": round(_pct(samples.wall, 50), 2),
        "p95": round(_pct(samples.wall, 95), 2),
        "p99": round(_pct(samples.wall, 99), 2),
        "requests": len(samples.wall),
        "queries_per_page": {
            "median": statistics.median(samples.queries),
            "max": max(samples.queries),
        },
    }


def worker(target: str) -> None:
    """Set up Django on the bench database, generate or reuse the data, measure."""
    from urllib.parse import urlencode

    import django

    from bench import _journal_data

    django.setup()
    from django.conf import settings
    from django.core.signals import request_started
    from django.db import connection, reset_queries

    from infoline.accounts.models import User
    from infoline.journal.models import Contact

    settings.LANGUAGE_CODE = "en"
    # The queries of a page are counted around the request: not reset at its start.
    request_started.disconnect(reset_queries)
    vendor = connection.vendor
    contacts, persons = _sizes()
    prepared = _prepare(os.environ["BENCH_JOURNAL_FINGERPRINT"], contacts, persons)
    load_before = round(os.getloadavg()[0], 1)
    sizes = _journal_data.table_sizes()
    rng = random.Random(5)
    quick = os.environ.get("BENCH_QUICK") == "1"
    repeat = 1

    agent = User.objects.get(username=_journal_data.BENCH_AGENT)
    lead = User.objects.get(username=_journal_data.BENCH_LEAD)
    supervisor = User.objects.get(username=_journal_data.BENCH_SUPERVISOR)
    clients = {u.pk: _client(u) for u in (agent, lead, supervisor)}
    more_agents = list(User.objects.filter(username__startswith="agent")[:20])
    more_leads = list(User.objects.filter(username__startswith="lead")[:10])
    for u in (*more_agents, *more_leads):
        clients[u.pk] = _client(u)

    results: dict[str, dict[str, Any]] = {}

    # History: the workspace of the agent's contacts of today.
    cards = list(
        Contact.objects.filter(agent=agent, status="in_work", person__isnull=False)
        .order_by("-pk")
        .values_list("pk", "person_id")[: _journal_data.CARD_CONTACTS]
    )
    history_counts = [
        Contact.objects.filter(person_id=person).exclude(pk=pk).count()
        for pk, person in cards[:50]
    ]
    card_urls = [f"/caller/{pk}/" for pk, _ in cards]

    def paired(
        requests: list[tuple[Any, str]], service: str, naive: Any, every: int
    ) -> tuple[Samples, Samples]:
        """Ours on every request, the peer on every ``every``-th, interleaved.

        Interleaving gives both the same share of the machine: on a shared
        machine the load changes from minute to minute.
        """
        ours, peer = Samples(), Samples()
        for n, (client, url) in enumerate(requests):
            elapsed, count, _, cpu = _get(client, url)
            ours.add(elapsed, count, cpu)
            if n % every == 0:
                with Swap(service, naive):
                    elapsed, count, _, cpu = _get(client, url)
                peer.add(elapsed, count, cpu)
        return ours, peer

    _journal_data.log(f"  history: {len(card_urls)} persons …")
    for url in card_urls[:20]:  # warm the caches
        _get(clients[agent.pk], url)
    ours, peer = paired(
        [(clients[agent.pk], u) for u in card_urls * repeat],
        "person_history",
        _naive_history,
        every=5,
    )
    results["history"] = {
        "ours": _summary(ours),
        "peer": _summary(peer),
        "earlier_contacts": {
            "min": min(history_counts),
            "median": statistics.median(history_counts),
            "max": max(history_counts),
        },
        "peer_name": "all rows, no select_related",
        "peer_is": "every earlier contact fetched and counted with len(), no select_related: the template loads topic, employee and responsible per row",
    }

    # Work list: agents and team leads.
    _journal_data.log("  work list …")
    work_users = [agent, lead, *more_agents, *more_leads]
    work_requests = [(clients[u.pk], "/desk/work/") for u in work_users] * (5 * repeat)
    rng.shuffle(work_requests)
    for client, url in work_requests[:20]:
        _get(client, url)
    ours, peer = paired(work_requests, "work_list", _naive_work_list, every=2)
    deferred = Contact.objects.filter(assignee=agent, status="deferred_answer").count()
    results["worklist"] = {
        "ours": _summary(ours),
        "peer": _summary(peer),
        "users": {"agents": 1 + len(more_agents), "team_leads": 1 + len(more_leads)},
        "bench_agent_load": {
            "callbacks_due": 15,
            "team_callbacks": 3,
            "messages_open": 8,
            "deferred_answers": deferred,
            "unread_notifications": 30,
        },
        "peer_name": "no select_related, no limits",
        "peer_is": "the same filters without select_related or limits: each callback's contact, message's colleague and contact's topic/employee is a query; unread counted with len()",
    }

    # Journal list: walks over pages by the keyset cursor of the "next" link;
    # the peer asks every other walk's pages by page number, right after ours.
    _journal_data.log("  journal list …")
    list_users = [agent, lead, supervisor, *more_agents[:5], *more_leads[:3]]
    walks = _list_walks(rng, list_users, 40 if quick else 100)
    ours, peer = Samples(), Samples()
    for n, (user, query, pages) in enumerate(walks):
        client = clients[user.pk]
        url = "/journal/?" + urlencode(query)
        for page in range(1, pages + 1):
            elapsed, count, body, cpu = _get(client, url)
            ours.add(elapsed, count, cpu)
            if n % 2 == 0:
                _PAGE["number"] = page
                with Swap("journal_page", _naive_journal_page):
                    elapsed, count, _, cpu = _get(
                        client, "/journal/?" + urlencode(query)
                    )
                peer.add(elapsed, count, cpu)
            found = NEXT.search(body)
            if found is None:
                break
            url = "/journal/?" + html.unescape(found.group(1))
    results["list"] = {
        "ours": _summary(ours),
        "peer": _summary(peer),
        "walks": len(walks),
        "peer_name": "Paginator: COUNT(*) + OFFSET",
        "peer_is": "django.core.paginator.Paginator over the same filtered, visible contacts: a COUNT(*) and OFFSET per page (page numbers for the same pages)",
    }

    rows = []
    for page, result in results.items():
        params = {
            "contacts": sizes["contacts"],
            "persons": sizes["persons"],
            "database": vendor,
            "end_to_end": "django.test.Client, signed in with a second factor",
            "data_reused": prepared["reused"],
            "generate_s": prepared["generate_s"],
            "migrate_s": prepared["migrate_s"],
            # Other work on a shared machine stretches wall-clock time: the
            # load average and this process's CPU time per page (on SQLite
            # that includes the database's work) tell how much.
            "load_avg_1m": [load_before, round(os.getloadavg()[0], 1)],
            "cpu_ms_p50_p95": result["ours"]["cpu_ms_p50_p95"],
            **{k: v for k, v in result.items() if k not in {"ours", "peer"}},
            "queries_per_page": result["ours"]["queries_per_page"],
            "peer_queries_per_page": result["peer"]["queries_per_page"],
            "requests": result["ours"]["requests"],
            "peer_requests": result["peer"]["requests"],
        }
        for q in (50, 95, 99):
            value = result["ours"][f"p{q}"]
            peer_value = result["peer"][f"p{q}"]
            rows.append(
                {
                    "name": f"journal_{page}_p{q}_{vendor}",
                    "value": value,
                    "unit": "ms",
                    "peer": result["peer_name"],
                    "peer_value": peer_value,
                    "ratio": round(peer_value / value, 1) if value else None,
                    "params": params,
                }
            )
    Path(target).write_text(json.dumps({"rows": rows}, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        sys.path.insert(0, str(ROOT))
        worker(sys.argv[2])
    else:
        raise SystemExit("usage: python -m bench journal")
