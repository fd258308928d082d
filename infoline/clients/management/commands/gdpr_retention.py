"""Anonymise persons without contacts for the retention period (GDPR storage limitation)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from infoline.clients.gdpr import apply_retention
from infoline.lib.context import Actor, acting_as


class Command(BaseCommand):
    help = "Anonymise persons with no contact for the retention period (INFOLINE_RETENTION_YEARS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--years", type=int, default=None, help="retention period in years"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["years"] or settings.INFOLINE_RETENTION_YEARS
        with acting_as(Actor(via="command", reason=f"retention {years} years")):
            count = apply_retention(years)
        self.stdout.write(
            f"{count} person(s) anonymised (no contact for {years} years)."
        )
