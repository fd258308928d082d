"""Issue 3 item 1: the demo organisation loads idempotently."""

from __future__ import annotations

from django.apps import apps
from django.core.management import call_command

from infoline.accounts.choices import Role
from infoline.accounts.models import PublicLine, User
from infoline.audit.models import AuditEvent


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_app_config("accounts").get_models()
    }


def test_demo_loads_once_and_a_second_run_changes_nothing(db: None, capsys) -> None:
    call_command("load_demo")
    out = capsys.readouterr().out
    for role in Role.values:
        assert role in out
    assert User.objects.filter(role=Role.ADMINISTRATOR).exists()
    assert {line.kind for line in PublicLine.objects.all()} >= {
        "general",
        "vacancy",
        "employers",
        "local_office",
    }
    before, events = _counts(), AuditEvent.objects.count()
    call_command("load_demo")
    assert _counts() == before
    assert AuditEvent.objects.count() == events


def test_demo_logins_work(db: None, client) -> None:
    call_command("load_demo")
    assert (
        client.post(
            "/account/login/", {"username": "agent", "password": "agent-demo-2026"}
        ).status_code
        == 302
    )
    assert client.get("/directory/", {"q": "kaunas"}).status_code == 200
