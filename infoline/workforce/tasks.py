"""Background work of workforce planning (Django tasks)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task


@task()
def solve_schedule_task(schedule_id: int) -> str | None:
    """Solve a queued schedule; return its solve status (None if not queued)."""
    from infoline.workforce.services import run_schedule_job

    schedule = run_schedule_job(
        schedule_id,
        time_limit=getattr(settings, "INFOLINE_SCHEDULE_SECONDS", 30.0),
        workers=getattr(settings, "INFOLINE_SCHEDULE_WORKERS", 2),
    )
    return schedule.solve_status if schedule is not None else None
