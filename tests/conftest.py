"""Personas and shared fixtures (STYLE: healthchecks Alice/Bob/Charlie, Zulip example_user).

Every permission test uses the outsider: ``agent_b`` works in team B and must
see nothing that belongs to team A.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from infoline.accounts.choices import Role
from infoline.accounts.models import Department, Team, User

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    """Tests read English messages unless they switch language themselves."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def department(db: None) -> Department:
    """The contact centre every persona works in."""
    return Department.objects.create(name="Contact centre", code="cc")


@pytest.fixture
def team_a(department: Department) -> Team:
    return Team.objects.create(name="Team A", department=department)


@pytest.fixture
def team_b(department: Department) -> Team:
    return Team.objects.create(name="Team B", department=department)


def _user(username: str, role: str, team: Team | None = None) -> User:
    user = User(
        username=username,
        role=role,
        team=team,
        first_name=username.title(),
        last_name="Tester",
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def agent_a(team_a: Team) -> User:
    """Agent of team A: first line, the main actor of most tests."""
    return _user("agent_a", Role.AGENT, team_a)


@pytest.fixture
def agent_a2(team_a: Team) -> User:
    """Second agent of team A: a colleague for transfers and messages."""
    return _user("agent_a2", Role.AGENT, team_a)


@pytest.fixture
def agent_b(team_b: Team) -> User:
    """Agent of team B: the outsider who must see nothing of team A's."""
    return _user("agent_b", Role.AGENT, team_b)


@pytest.fixture
def specialist(db: None) -> User:
    """Second-line specialist (includes local-office consultants)."""
    return _user("specialist", Role.SPECIALIST)


@pytest.fixture
def team_lead(team_a: Team) -> User:
    """Team lead of team A."""
    user = _user("team_lead", Role.TEAM_LEAD, team_a)
    team_a.lead = user
    team_a.save()
    return user


@pytest.fixture
def supervisor(db: None) -> User:
    """Supervisor of the whole contact centre."""
    return _user("supervisor", Role.SUPERVISOR)


@pytest.fixture
def evaluator(db: None) -> User:
    """Quality evaluator."""
    return _user("evaluator", Role.EVALUATOR)


@pytest.fixture
def planner(db: None) -> User:
    """Workforce planner."""
    return _user("planner", Role.PLANNER)


@pytest.fixture
def administrator(db: None) -> User:
    """Administrator: must pass two-factor authentication."""
    return _user("administrator", Role.ADMINISTRATOR)


@pytest.fixture
def dpo(db: None) -> User:
    """Data-protection officer: must pass two-factor authentication."""
    return _user("dpo", Role.DPO)


ROLE_FIXTURES = {
    Role.AGENT: "agent_a",
    Role.SPECIALIST: "specialist",
    Role.TEAM_LEAD: "team_lead",
    Role.SUPERVISOR: "supervisor",
    Role.EVALUATOR: "evaluator",
    Role.PLANNER: "planner",
    Role.ADMINISTRATOR: "administrator",
    Role.DPO: "dpo",
}


def verified_client(user: User) -> Client:
    """A client signed in as ``user`` with a confirmed second factor."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    """Return a signed-in (and, where needed, verified) client for a persona."""
    return verified_client


@pytest.fixture
def personas(
    agent_a: User,
    specialist: User,
    team_lead: User,
    supervisor: User,
    evaluator: User,
    planner: User,
    administrator: User,
    dpo: User,
) -> dict[str, User]:
    """One persona per role, keyed by role value."""
    found = locals()
    return {role: found[name] for role, name in ROLE_FIXTURES.items()}


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
