"""Background work of the journal (Django tasks: the database backend by default)."""

from __future__ import annotations

from django_tasks import task

from infoline.lib.context import Actor, acting_as


@task()
def run_journal_timers_task(limit: int = 100) -> dict[str, int]:
    """Send one batch of journal reminders and escalations (the periodic entry point)."""
    from infoline.journal.timers import run_batch, worker_name

    with acting_as(Actor(via="task", reason="journal timers")):
        return run_batch(worker_name(), limit=limit)
