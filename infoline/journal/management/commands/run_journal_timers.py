"""Send the journal's reminders and escalations in batches (J9, J10, C3, C6)."""

from __future__ import annotations

import datetime
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from infoline.journal.timers import (
    LEASE,
    TimerItem,
    release_claims,
    run_batch,
    worker_name,
)
from infoline.lib.context import Actor, acting_as


class Command(BaseCommand):
    help = (
        "Remind and escalate deadlines, overdue callbacks and unhandled messages. "
        "Runs one pass by default; --loop keeps running until SIGTERM, which "
        "finishes the current item."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=100)
        parser.add_argument("--loop", action="store_true")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="Seconds between passes."
        )
        parser.add_argument(
            "--lease-seconds",
            type=float,
            default=LEASE.total_seconds(),
            help="After this long a dead worker's claims are taken again.",
        )
        parser.add_argument(
            "--pause-between-items",
            type=float,
            default=0.0,
            help="Seconds to wait after each item (throttling; tests kill a "
            "worker mid-batch with it).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = False

        def _stop(signum: int, frame: object) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, _stop)
        worker = worker_name()
        lease = datetime.timedelta(seconds=options["lease_seconds"])
        pause = options["pause_between_items"]
        verbosity = options["verbosity"]

        def progress(index: int, total: int, item: TimerItem, sent: bool) -> None:
            if verbosity >= 1:
                outcome = "sent" if sent else "skipped"
                self.stdout.write(
                    f"[{index}/{total}] {item.kind} #{item.pk} {outcome}", ending="\n"
                )
                self.stdout.flush()
            if pause:
                time.sleep(pause)
            if stop:
                raise _Stopped

        with acting_as(Actor(via="command", reason="journal timers")):
            while True:
                try:
                    sent = run_batch(
                        worker,
                        limit=options["batch_size"],
                        lease=lease,
                        on_item=progress,
                    )
                except _Stopped:
                    released = release_claims(worker)
                    self.stdout.write(
                        "Stopped by SIGTERM after the current item; "
                        f"{released} claimed items released."
                    )
                    return
                total = sum(sent.values())
                summary = ", ".join(f"{k}: {v}" for k, v in sorted(sent.items()))
                self.stdout.write(
                    f"Batch done: {total} sent ({summary or 'nothing due'})"
                )
                self.stdout.flush()
                if stop or not options["loop"]:
                    return
                if total < options["batch_size"]:
                    time.sleep(options["interval"])


class _Stopped(Exception):
    """SIGTERM arrived; the current item has committed."""
