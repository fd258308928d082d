"""Shared objects for the knowledge tests: a topic tree, tier-2 people, a script in force."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from infoline.accounts.models import Department, Employee, User
from infoline.journal.models import Topic
from infoline.knowledge import services
from infoline.knowledge.models import ScriptVersion


@pytest.fixture
def topics(db: None) -> dict[str, Topic]:
    """Unemployment › Unemployment benefit › Benefit amount; and a topic without script."""
    root = Topic.objects.create(type="consultation", name="Unemployment")
    benefit = Topic.objects.create(
        type="consultation", parent=root, name="Unemployment benefit"
    )
    amount = Topic.objects.create(
        type="consultation", parent=benefit, name="Benefit amount"
    )
    other = Topic.objects.create(type="complaint", name="Rude answer")
    return {"root": root, "benefit": benefit, "amount": amount, "other": other}


@pytest.fixture
def tier2(department: Department) -> dict[str, Any]:
    """Two specialists of a vacancies division, one of them on leave now."""
    vacancies = Department.objects.create(name="Vacancy division", code="vac")
    present = Employee.objects.create(
        first_name="Jurgita",
        last_name="Mockienė",
        position="Senior specialist",
        department=vacancies,
        extension="2302",
    )
    away = Employee.objects.create(
        first_name="Darius",
        last_name="Vaitkus",
        position="EURES adviser",
        department=vacancies,
        extension="2301",
    )
    now = timezone.now()
    away.absences.create(
        kind="leave",
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=3),
        note="Private reason",
    )
    return {"department": vacancies, "present": present, "away": away}


def approved(
    author: User,
    approver: User,
    topic: Topic,
    title: str,
    body: str,
    **extra: Any,
) -> ScriptVersion:
    """Write and approve a script version (the two people must differ)."""
    version = services.save_script_draft(author, topic, title=title, body=body, **extra)
    return services.approve_script_version(approver, version)
