"""Background work of the registry (Django tasks: the database backend by default)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from infoline.lib.context import Actor, acting_as


@task()
def apply_retention_task(years: int | None = None) -> int:
    """Anonymise persons past the retention period; return how many."""
    from infoline.clients.gdpr import apply_retention

    period = years or settings.INFOLINE_RETENTION_YEARS
    with acting_as(Actor(via="task", reason=f"retention {period} years")):
        return apply_retention(period)


@task()
def run_import_task(job_id: int) -> int | None:
    """Run an uploaded import; return the records written (None if not queued)."""
    from infoline.clients.import_jobs import run_import_job

    job = run_import_job(job_id)
    return job.created if job is not None else None
