"""The demo organisation: a national employment-service hotline.

A general line, a vacancy line, an employers' line and a short number, a
contact centre with two teams, head-office departments and two local offices.
Loading is idempotent: objects are found by natural keys and only created or
updated when they differ, so a second run changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from infoline.accounts.choices import AbsenceKind, LineKind, Role, SplitRule
from infoline.accounts.models import (
    Absence,
    CaseSplit,
    Department,
    DepartmentAbsence,
    Employee,
    ExceptionDay,
    ExceptionPeriod,
    ExternalInstitution,
    OpeningCalendar,
    PublicLine,
    Team,
    User,
    WeeklyPeriod,
)
from infoline.lib.context import Actor, acting_as

T = datetime.time


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    name: str


DEMO_LOGINS = [
    DemoLogin("agent", "agent-demo-2026", Role.AGENT, "Rūta Petrauskienė"),
    DemoLogin("agent2", "agent2-demo-2026", Role.AGENT, "Tomas Žukauskas"),
    DemoLogin("agentb", "agentb-demo-2026", Role.AGENT, "Ieva Kazlauskaitė"),
    DemoLogin("specialist", "specialist-demo-2026", Role.SPECIALIST, "Darius Vaitkus"),
    DemoLogin("teamlead", "teamlead-demo-2026", Role.TEAM_LEAD, "Asta Jonaitienė"),
    DemoLogin(
        "supervisor", "supervisor-demo-2026", Role.SUPERVISOR, "Mindaugas Stankevičius"
    ),
    DemoLogin("evaluator", "evaluator-demo-2026", Role.EVALUATOR, "Laura Balčiūnaitė"),
    DemoLogin("planner", "planner-demo-2026", Role.PLANNER, "Giedrius Paulauskas"),
    DemoLogin("admin", "admin-demo-2026", Role.ADMINISTRATOR, "Eglė Urbonienė"),
    DemoLogin("dpo", "dpo-demo-2026", Role.DPO, "Vytautas Butkus"),
]


def _upsert(model: type[Any], lookup: dict[str, Any], values: dict[str, Any]) -> Any:
    """Create, or update only the fields that differ (no save when equal)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save()
    return obj


def _calendar(
    name: str, weekly: Mapping[int, Sequence[tuple[T, T | None]]], **values: Any
) -> OpeningCalendar:
    calendar: OpeningCalendar = _upsert(OpeningCalendar, {"name": name}, values)
    for weekday, periods in weekly.items():
        for start, end in periods:
            _upsert(
                WeeklyPeriod,
                {"calendar": calendar, "weekday": weekday, "start": start},
                {"end": end},
            )
    return calendar


@transaction.atomic
def load_demo(now: datetime.datetime | None = None) -> list[DemoLogin]:
    """Create or refresh the demo organisation and return the demo logins."""
    now = now or timezone.now()
    with acting_as(Actor(via="command", reason="demo organisation")):
        return _load(now)


def _load(now: datetime.datetime) -> list[DemoLogin]:
    office_week = {d: [(T(8), T(17))] for d in range(4)} | {4: [(T(8), T(15, 45))]}
    centre = _calendar(
        "Contact centre",
        office_week,
        time_zone="Europe/Vilnius",
        country="LT",
        closed_on_holidays=True,
    )
    local_week = {d: [(T(8), T(12)), (T(12, 45), T(17))] for d in range(4)} | {
        4: [(T(8), T(12)), (T(12, 45), T(15, 45))]
    }
    kaunas_hours = _calendar(
        "Kaunas office", local_week, time_zone="Europe/Vilnius", country="LT"
    )
    klaipeda_hours = _calendar(
        "Klaipėda office", local_week, time_zone="Europe/Vilnius", country="LT"
    )
    # A staff training day closes the contact centre early; dates follow the year.
    training = _upsert(
        ExceptionDay,
        {"calendar": centre, "date": datetime.date(now.year, 12, 30)},
        {"note": "Staff training: short day"},
    )
    _upsert(ExceptionPeriod, {"day": training, "start": T(8)}, {"end": T(12)})

    head = _upsert(
        Department,
        {"code": "head-office"},
        {
            "name": "Employment Service head office",
            "area": "National employment services: job seekers, employers, active labour-market measures.",
            "tasks": "Management, methodology, national programmes",
            "phone": "+37052360780",
            "email": "info@demo-uzt.lt",
            "address": "Geležinio Vilko g. 3A, Vilnius",
        },
    )
    cc = _upsert(
        Department,
        {"code": "contact-centre"},
        {
            "name": "Contact centre",
            "parent": head,
            "area": "First-line answers by phone, chat and e-mail for the whole country.",
            "tasks": "General line, vacancy line, employers' line, callbacks",
            "phone": "+37052360781",
            "calendar": centre,
        },
    )
    vacancies = _upsert(
        Department,
        {"code": "vacancies"},
        {
            "name": "Vacancy and mediation division",
            "parent": head,
            "area": "Job offers, mediation, EURES recruitment, job fairs.",
            "tasks": "vacancies, job fairs, EURES, mediation",
            "calendar": centre,
        },
    )
    employers = _upsert(
        Department,
        {"code": "employers"},
        {
            "name": "Employer services division",
            "parent": head,
            "area": "Services to employers: registering vacancies, subsidies for employment.",
            "tasks": "employers, wage subsidies, registering vacancies",
            "calendar": centre,
        },
    )
    legal = _upsert(
        Department,
        {"code": "legal"},
        {
            "name": "Legal division",
            "parent": head,
            "area": "Complaints, appeals and legal questions.",
            "tasks": "complaints, appeals, legal consultation",
            "single_extension": True,
            "extension": "2100",
            "calendar": centre,
        },
    )
    kaunas = _upsert(
        Department,
        {"code": "kaunas"},
        {
            "name": "Kaunas customer service department",
            "parent": head,
            "is_local_office": True,
            "area": "Job seekers and employers of Kaunas city and district.",
            "tasks": "registration of job seekers, activation, training referrals",
            "address": "Vytauto pr. 6, Kaunas",
            "phone": "+37037208400",
            "split_rule": SplitRule.SURNAME_LETTERS,
            "calendar": kaunas_hours,
        },
    )
    klaipeda = _upsert(
        Department,
        {"code": "klaipeda"},
        {
            "name": "Klaipėda customer service department",
            "parent": head,
            "is_local_office": True,
            "area": "Job seekers and employers of Klaipėda city and region.",
            "tasks": "registration of job seekers, activation, seasonal work",
            "address": "Taikos pr. 28, Klaipėda",
            "phone": "+37046397012",
            "split_rule": SplitRule.BIRTH_DIGITS,
            "calendar": klaipeda_hours,
        },
    )

    for kind, name, number, line_calendar, department, description in [
        (
            LineKind.GENERAL,
            "General line",
            "+37052360780",
            centre,
            cc,
            "One-stop shop for every question.",
        ),
        (
            LineKind.VACANCY,
            "Vacancy line",
            "+37052360790",
            centre,
            vacancies,
            "Job offers read out and sent by e-mail.",
        ),
        (
            LineKind.EMPLOYERS,
            "Employers' line",
            "+37052360795",
            centre,
            employers,
            "Registering vacancies, subsidies.",
        ),
        (
            LineKind.SHORT,
            "Short number",
            "1883",
            centre,
            cc,
            "Short number for mobile callers.",
        ),
        (
            LineKind.LOCAL_OFFICE,
            "Kaunas office",
            "+37037208400",
            kaunas_hours,
            kaunas,
            "",
        ),
        (
            LineKind.LOCAL_OFFICE,
            "Klaipėda office",
            "+37046397012",
            klaipeda_hours,
            klaipeda,
            "",
        ),
    ]:
        _upsert(
            PublicLine,
            {"number": number},
            {
                "kind": kind,
                "name": name,
                "calendar": line_calendar,
                "department": department,
                "description": description,
            },
        )

    team_a = _upsert(Team, {"name": "Team A — job seekers"}, {"department": cc})
    team_b = _upsert(Team, {"name": "Team B — employers"}, {"department": cc})

    users: dict[str, User] = {}
    for login in DEMO_LOGINS:
        first, last = login.name.split(" ", 1)
        user = User.objects.filter(username=login.username).first()
        team = (
            team_b
            if login.username == "agentb"
            else team_a
            if login.role in {Role.AGENT, Role.TEAM_LEAD}
            else None
        )
        if user is None:
            user = User(
                username=login.username,
                first_name=first,
                last_name=last,
                role=login.role,
                team=team,
                email=f"{login.username}@demo-uzt.lt",
            )
            user.set_password(login.password)
            user.save()
        users[login.username] = user
    _upsert(Team, {"name": team_a.name}, {"lead": users["teamlead"]})

    people = [
        # username, first, last, position, department, ext, phone, tasks
        (
            "agent",
            "Rūta",
            "Petrauskienė",
            "Contact-centre consultant",
            cc,
            "2201",
            "",
            "job seekers, registration, benefits",
        ),
        (
            "agent2",
            "Tomas",
            "Žukauskas",
            "Contact-centre consultant",
            cc,
            "2202",
            "",
            "job seekers, training, vouchers",
        ),
        (
            "agentb",
            "Ieva",
            "Kazlauskaitė",
            "Contact-centre consultant",
            cc,
            "2203",
            "",
            "employers, vacancies, subsidies",
        ),
        (
            "teamlead",
            "Asta",
            "Jonaitienė",
            "Team lead",
            cc,
            "2210",
            "+37061234567",
            "team A, escalations, schedules",
        ),
        (
            "supervisor",
            "Mindaugas",
            "Stankevičius",
            "Head of the contact centre",
            cc,
            "2200",
            "+37061234568",
            "contact-centre management",
        ),
        (
            "specialist",
            "Darius",
            "Vaitkus",
            "Senior specialist",
            vacancies,
            "2301",
            "",
            "EURES, work abroad, mediation",
        ),
        (
            "evaluator",
            "Laura",
            "Balčiūnaitė",
            "Quality specialist",
            cc,
            "2220",
            "",
            "quality monitoring, calibration",
        ),
        (
            "planner",
            "Giedrius",
            "Paulauskas",
            "Workforce planner",
            cc,
            "2230",
            "",
            "forecasts, schedules",
        ),
        (
            "admin",
            "Eglė",
            "Urbonienė",
            "System administrator",
            head,
            "2001",
            "",
            "accounts, reference data",
        ),
        (
            "dpo",
            "Vytautas",
            "Butkus",
            "Data-protection officer",
            head,
            "2002",
            "",
            "personal data, access requests",
        ),
        (
            None,
            "Jurgita",
            "Mockienė",
            "Senior specialist",
            vacancies,
            "2302",
            "",
            "job fairs, vacancies",
        ),
        (
            None,
            "Andrius",
            "Gudaitis",
            "Specialist",
            employers,
            "2401",
            "+37061234569",
            "wage subsidies, employers",
        ),
        (
            None,
            "Simona",
            "Rimkutė",
            "Specialist",
            employers,
            "2402",
            "",
            "registering vacancies, employers",
        ),
        (
            None,
            "Paulius",
            "Lukoševičius",
            "Lawyer",
            legal,
            "2101",
            "",
            "complaints, appeals",
        ),
        (
            None,
            "Kristina",
            "Navickienė",
            "Employment counsellor",
            kaunas,
            "3101",
            "+37065512345",
            "job seekers A–K",
        ),
        (
            None,
            "Marius",
            "Šimkus",
            "Employment counsellor",
            kaunas,
            "3102",
            "",
            "job seekers L–Ž",
        ),
        (
            None,
            "Greta",
            "Adomaitytė",
            "Activation specialist",
            kaunas,
            "3103",
            "",
            "activation funds, training plans",
        ),
        (
            None,
            "Lina",
            "Černiauskienė",
            "Employment counsellor",
            klaipeda,
            "4101",
            "",
            "born on days 01–15",
        ),
        (
            None,
            "Saulius",
            "Dambrauskas",
            "Employment counsellor",
            klaipeda,
            "4102",
            "",
            "born on days 16–31",
        ),
        (
            None,
            "Neringa",
            "Vasiliauskienė",
            "Office manager",
            klaipeda,
            "4100",
            "",
            "seasonal work, local fairs",
        ),
    ]
    employees: dict[str, Employee] = {}
    for username, first, last, position, department, ext, phone, tasks in people:
        employee = _upsert(
            Employee,
            {"extension": ext},
            {
                "first_name": first,
                "last_name": last,
                "position": position,
                "department": department,
                "direct_phone": phone,
                "main_tasks": tasks,
                "email": f"{_ascii(first)}.{_ascii(last)}@demo-uzt.lt",
                "user": users[username] if username else None,
            },
        )
        employees[ext] = employee
    # Standing substitutes (T9).
    for ext, subs in {
        "2301": ["2302"],
        "3101": ["3102"],
        "3102": ["3101"],
        "4101": ["4102"],
        "4102": ["4101"],
        "2401": ["2402"],
        "2402": ["2401"],
        "2201": ["2202"],
        "2202": ["2201"],
    }.items():
        employees[ext].substitutes.set([employees[s] for s in subs])
    _upsert(
        Department,
        {"code": "legal"},
        {
            "secretary": employees["2101"],
            "secretary_note": "Appeals only in writing; the secretary registers them.",
        },
    )
    # Case splits (K1).
    for ext, low, high in [("3101", "a", "k"), ("3102", "l", "z")]:
        _upsert(
            CaseSplit,
            {"department": kaunas, "employee": employees[ext]},
            {"range_from": low, "range_to": high},
        )
    for ext, low, high in [("4101", "01", "15"), ("4102", "16", "31")]:
        _upsert(
            CaseSplit,
            {"department": klaipeda, "employee": employees[ext]},
            {"range_from": low, "range_to": high},
        )

    # Absences relative to today: a specialist on leave with a substitute,
    # and the Kaunas office in a morning meeting.
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    monday = today - datetime.timedelta(days=today.weekday())
    start = datetime.datetime.combine(monday, T(8), tzinfo=tz)
    if not Absence.objects.filter(employee=employees["2301"], starts_at=start).exists():
        Absence.objects.create(
            employee=employees["2301"],
            kind=AbsenceKind.LEAVE,
            starts_at=start,
            ends_at=start + datetime.timedelta(days=14),
            substitute=employees["2302"],
            note="Annual leave",
        )
    meeting = datetime.datetime.combine(today, T(9), tzinfo=tz)
    _upsert(
        DepartmentAbsence,
        {"department": kaunas, "starts_at": meeting},
        {
            "ends_at": meeting + datetime.timedelta(hours=1, minutes=30),
            "description": "Weekly office meeting",
        },
    )

    for name, values in [
        (
            "State Social Insurance Fund Board (Sodra)",
            {
                "address": "Konstitucijos pr. 12, Vilnius",
                "phone": "+37052191222",
                "email": "info@demo-sodra.lt",
                "website": "https://www.sodra.lt",
                "refer_for": "sickness and maternity benefits, pensions, social insurance contributions, unemployment insurance benefit payments",
            },
        ),
        (
            "State Labour Inspectorate",
            {
                "address": "Algirdo g. 19, Vilnius",
                "phone": "+37052663222",
                "email": "info@demo-vdi.lt",
                "website": "https://www.vdi.lt",
                "refer_for": "employment contracts, unpaid wages, working time, safety at work",
            },
        ),
        (
            "Migration Department",
            {
                "address": "Švitrigailos g. 11B, Vilnius",
                "phone": "+37052717112",
                "email": "info@demo-migracija.lt",
                "website": "https://migracija.lrv.lt",
                "refer_for": "residence permits, work permits for foreigners",
            },
        ),
        (
            "Municipal social support division",
            {
                "address": "Konstitucijos pr. 3, Vilnius",
                "phone": "+37052112000",
                "refer_for": "social assistance, cash social support, housing support",
            },
        ),
    ]:
        _upsert(ExternalInstitution, {"name": name}, values)
    return DEMO_LOGINS


def _ascii(text: str) -> str:
    from infoline.lib.text import fold

    return fold(text).replace(" ", "")
