"""Objects for the permission walk (tests/accounts/test_permission_matrix.py).

Each call makes fresh objects for one user: a schedule, a published shift
of that user, a swap that user may decide.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from infoline.accounts.choices import Role
from infoline.accounts.models import PublicLine, Team, User
from infoline.workforce.models import Schedule, ShiftAssignment, SwapRequest


def _schedule(user: Any, status: str = Schedule.Status.DRAFT) -> Schedule:
    line, _created = PublicLine.objects.get_or_create(
        number="1999", defaults={"name": "Walk line"}
    )
    team, _created = Team.objects.get_or_create(name="Walk team")
    return Schedule.objects.create(
        line=line,
        team=team,
        start=datetime.date(2030, 1, 7),
        interval_minutes=60,
        demand=[0] * 168,
        status=status,
        solve_status=Schedule.SolveStatus.DONE,
        created_by=user,
    )


def _shift(schedule: Schedule, user: Any, day: int) -> ShiftAssignment:
    start = timezone.now() + datetime.timedelta(days=day)
    return ShiftAssignment.objects.create(
        schedule=schedule,
        user=user,
        template="08:00",
        start=start,
        end=start + datetime.timedelta(hours=8),
    )


def walk_kwargs(key: str, user: Any) -> dict[str, Any]:
    """Return the URL kwargs of ``key`` for ``user``."""
    if key == "workforce.schedule":
        return {"pk": _schedule(user).pk}
    if key == "workforce.own_shift":
        schedule = _schedule(user, Schedule.Status.PUBLISHED)
        return {"pk": _shift(schedule, user, 3).pk}
    if key == "workforce.swap":
        led = Team.objects.filter(lead=user).first() if user.pk else None
        requester, _created = User.objects.get_or_create(
            username=f"walk_swapper_{user.username}",
            defaults={"role": Role.AGENT, "team": led},
        )
        colleague, _created = User.objects.get_or_create(
            username="walk_colleague", defaults={"role": Role.AGENT}
        )
        schedule = _schedule(user, Schedule.Status.PUBLISHED)
        swap = SwapRequest.objects.create(
            shift=_shift(schedule, requester, 3),
            other_shift=_shift(schedule, colleague, 5),
            requested_by=requester,
        )
        return {"pk": swap.pk}
    raise AssertionError(f"unknown walk key {key!r}")
