"""Load the demo organisation and print one login per role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from infoline.accounts.demo import load_demo
from infoline.clients.demo import load_demo_clients
from infoline.knowledge.demo import load_demo_knowledge
from infoline.lib.context import Actor, acting_as


class Command(BaseCommand):
    help = "Create or refresh the demo organisation (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        with acting_as(Actor(via="command", reason="demo organisation")):
            load_demo_clients()
            load_demo_knowledge()
        self.stdout.write("Demo logins, one per role:")
        for login in logins:
            self.stdout.write(
                f"  user: {login.username:<11} password: {login.password:<22} "
                f"role: {login.role}"
            )
        self.stdout.write(
            "Administrators and data-protection officers set up two-factor "
            "authentication at first sign-in (any TOTP app)."
        )
