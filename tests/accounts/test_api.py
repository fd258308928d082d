"""Issue 3 item 11: the API with personal tokens (hashed, revocable, audited)."""

from __future__ import annotations

import datetime

from django.test import Client

from infoline.accounts.models import (
    ApiToken,
    Department,
    Employee,
    OpeningCalendar,
    User,
    WeeklyPeriod,
)
from infoline.audit.models import AuditEvent
from tests.conftest import verified_client


def test_token_is_shown_once_stored_hashed_and_audited(agent_a: User) -> None:
    client = verified_client(agent_a)
    response = client.post("/account/tokens/", {"name": "crm"})
    assert response.status_code == 302
    page = client.get("/account/").content.decode()
    raw = page.split('<code class="mono">')[1].split("</code>")[0]
    assert raw.startswith("ifl_")
    assert raw not in client.get("/account/").content.decode()  # shown only once
    token = ApiToken.objects.get()
    assert raw not in token.token_hash and token.prefix == raw[:12]
    assert AuditEvent.objects.filter(
        action="token_created", actor_name="agent_a"
    ).exists()
    api = Client().get("/api/directory/departments", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 200
    # Revoked: refused from then on.
    client.post(f"/account/tokens/{token.pk}/revoke/")
    assert (
        Client()
        .get("/api/directory/departments", HTTP_AUTHORIZATION=f"Bearer {raw}")
        .status_code
        == 401
    )
    assert AuditEvent.objects.filter(action="token_revoked").exists()


def test_token_names_are_unique_among_active_tokens(agent_a: User) -> None:
    client = verified_client(agent_a)
    client.post("/account/tokens/", {"name": "crm"})
    response = client.post("/account/tokens/", {"name": "crm"}, follow=True)
    assert "You already have an active token named “crm”." in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_outsider_cannot_revoke_someone_elses_token(
    agent_a: User, agent_b: User
) -> None:
    verified_client(agent_a).post("/account/tokens/", {"name": "crm"})
    token = ApiToken.objects.get()
    response = verified_client(agent_b).post(
        f"/account/tokens/{token.pk}/revoke/", follow=True
    )
    assert "No such active token." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_garbage_and_unknown_tokens_are_refused(db: None) -> None:
    for header in ("Bearer nonsense", "Bearer ifl_unknown", "Basic abc"):
        assert (
            Client().get("/api/hours/lines", HTTP_AUTHORIZATION=header).status_code
            == 401
        )


def test_directory_search_and_hours_status(
    agent_a: User, department: Department
) -> None:
    Employee.objects.create(
        first_name="Šarūnas",
        last_name="Jonaitis",
        department=department,
        extension="2201",
    )
    calendar = OpeningCalendar.objects.create(name="Centre", country="LT")
    WeeklyPeriod.objects.create(
        calendar=calendar, weekday=0, start=datetime.time(8), end=datetime.time(17)
    )
    client = verified_client(agent_a)
    found = client.get("/api/directory/employees", {"q": "sarunas"}).json()
    assert [e["last_name"] for e in found] == ["Jonaitis"]
    # Monday 23 November 2026, 10:00 in Vilnius: open until 17:00.
    status = client.get(
        f"/api/hours/calendars/{calendar.pk}", {"at": "2026-11-23T10:00:00+02:00"}
    ).json()
    assert status["open"] is True
    assert status["next_closing"].startswith("2026-11-23T17:00:00")
    # Sunday: closed until Monday 08:00.
    status = client.get(
        f"/api/hours/calendars/{calendar.pk}", {"at": "2026-11-22T10:00:00+02:00"}
    ).json()
    assert status["open"] is False
    assert status["next_opening"].startswith("2026-11-23T08:00:00")


def test_openapi_is_published(db: None) -> None:
    assert Client().get("/api/docs").status_code == 200
    schema = Client().get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Infoline API"
