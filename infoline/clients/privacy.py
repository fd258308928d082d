"""The data-protection officer's view of the access log (A1, GDPR art. 15)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from infoline.clients.models import AccessLog

# A member of staff who opened more distinct persons in a day than this many
# times their own daily median over the previous 30 days (and at least
# UNUSUAL_MINIMUM) is flagged for the DPO to look at.
UNUSUAL_FACTOR = 3
UNUSUAL_MINIMUM = 20


def who_looked_at(person_id: int) -> QuerySet[AccessLog]:
    """Every disclosure of one person's data, newest first."""
    return AccessLog.objects.filter(person_id=person_id).order_by("-at", "-pk")


def what_employee_looked_at(user_id: int) -> QuerySet[AccessLog]:
    """Every disclosure to one member of staff, newest first."""
    return AccessLog.objects.filter(user_id=user_id).order_by("-at", "-pk")


@dataclass(frozen=True)
class UnusualDay:
    user_id: int
    user_name: str
    persons: int
    usual: float


def unusual_access(day: datetime.date) -> list[UnusualDay]:
    """Staff who opened unusually many distinct persons on ``day``."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    end = start + datetime.timedelta(days=1)
    today = (
        AccessLog.objects.filter(at__gte=start, at__lt=end)
        .values("user_id", "user_name")
        .annotate(persons=Count("person_id", distinct=True))
    )
    flagged = []
    for row in today:
        if row["persons"] < UNUSUAL_MINIMUM:
            continue
        history = (
            AccessLog.objects.filter(
                user_id=row["user_id"],
                at__gte=start - datetime.timedelta(days=30),
                at__lt=start,
            )
            .values("at__date")
            .annotate(persons=Count("person_id", distinct=True))
            .values_list("persons", flat=True)
        )
        days = sorted(history)
        usual = float(days[len(days) // 2]) if days else 0.0
        if row["persons"] > UNUSUAL_FACTOR * max(usual, 1.0):
            flagged.append(
                UnusualDay(row["user_id"], row["user_name"], row["persons"], usual)
            )
    return sorted(flagged, key=lambda u: -u.persons)
