"""Issue 3 item 8: an append-only audit trail of every change and security event."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from infoline.accounts.choices import Role
from infoline.accounts.models import Department, Employee, User
from infoline.audit.models import AppendOnlyError, AuditEvent
from tests.conftest import verified_client


def test_admin_change_is_recorded_with_old_and_new(
    administrator: User, department: Department
) -> None:
    employee = Employee.objects.create(
        first_name="Rasa", last_name="Kairienė", department=department, extension="2301"
    )
    client = verified_client(administrator)
    response = client.post(
        f"/admin/accounts/employee/{employee.pk}/change/",
        {
            "first_name": "Rasa",
            "last_name": "Kairienė",
            "position": "Team lead",
            "department": department.pk,
            "extension": "2302",
            "direct_phone": "",
            "email": "",
            "main_tasks": "",
            "active": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(
        action="update", object_type="accounts.employee"
    ).get()
    assert event.actor_name == "administrator"
    assert event.via == "admin"
    assert event.changes["extension"] == ["2301", "2302"]
    assert event.changes["position"] == ["", "Team lead"]
    assert event.object_id == str(employee.pk)


def test_role_change_is_a_security_event(administrator: User, agent_a: User) -> None:
    agent_a.role = Role.SUPERVISOR
    agent_a.save()
    event = AuditEvent.objects.get(action="role_changed")
    assert event.changes == {"role": ["agent", "supervisor"]}


def test_passwords_never_enter_the_trail(agent_a: User) -> None:
    agent_a.set_password("another long password 1")
    agent_a.save()
    event = AuditEvent.objects.filter(
        object_type="accounts.user", action="update"
    ).latest("id")
    assert event.changes["password"] == "(changed)"
    assert all("md5$" not in str(e.changes) for e in AuditEvent.objects.all())


def test_deletion_is_recorded(department: Department) -> None:
    employee = Employee.objects.create(
        first_name="Jonas", last_name="Jonaitis", department=department
    )
    pk = employee.pk
    employee.delete()
    event = AuditEvent.objects.get(action="delete")
    assert event.object_id == str(pk)
    assert event.changes["last_name"] == ["Jonaitis", None]


def test_substitute_changes_are_recorded(department: Department) -> None:
    a = Employee.objects.create(first_name="A", last_name="A", department=department)
    b = Employee.objects.create(first_name="B", last_name="B", department=department)
    a.substitutes.add(b)
    event = AuditEvent.objects.filter(action="update").latest("id")
    assert event.changes == {"substitutes": {"added": [str(b.pk)]}}


def test_orm_refuses_to_change_or_delete_events(agent_a: User) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    event.reason = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_database_refuses_raw_update_and_delete(agent_a: User) -> None:
    from importlib import import_module

    migration = import_module("infoline.audit.migrations.0002_append_only_triggers")
    table = AuditEvent._meta.db_table
    statements = (
        migration.POSTGRES if connection.vendor == "postgresql" else migration.SQLITE
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        for sql in (f"UPDATE {table} SET reason = 'x'", f"DELETE FROM {table}"):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        transaction.set_rollback(True)


def test_nobody_edits_events_in_the_admin(administrator: User) -> None:
    client = verified_client(administrator)
    event = AuditEvent.objects.first()
    assert event is not None
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert (
        client.post(
            f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_dpo_filters_the_trail(
    dpo: User, agent_a: User, department: Department
) -> None:
    Employee.objects.create(first_name="Filter", last_name="Me", department=department)
    client = verified_client(dpo)
    page = client.get("/audit/", {"action": "create", "q": "Filter"}).content.decode()
    assert "Filter Me" in page
    assert "1 event" in page
    empty = client.get("/audit/", {"action": "login_failed"}).content.decode()
    assert "No events match." in empty
    bad = client.get(
        "/audit/", {"date_from": "2026-12-02", "date_to": "2026-12-01"}
    ).content.decode()
    assert "The period ends before it starts." in bad
