"""Issue 4 item 5: the DPO's access reports and the unusual-access flag."""

from __future__ import annotations

from django.utils import timezone

from infoline.accounts.models import User
from infoline.clients.models import AccessLog, Person
from infoline.clients.privacy import UNUSUAL_MINIMUM, unusual_access
from tests.conftest import verified_client


def _log(user: User, person: Person) -> None:
    """One disclosure now (the time is set when the row is written)."""
    AccessLog.objects.create(
        user_id=user.pk,
        user_name=user.username,
        person=person,
        category="contact_details",
        reason="contact #1: caller authenticated",
        via="app",
    )


def test_dpo_sees_who_looked_and_exports_csv(dpo: User, agent_a: User) -> None:
    person = Person.objects.create(first_name="Ona", last_name="Onaitė")
    _log(agent_a, person)
    client = verified_client(dpo)
    page = client.get(f"/privacy/persons/{person.pk}/").content.decode()
    assert "agent_a" in page and "Address, phones and e-mail" in page
    csv = client.get(f"/privacy/persons/{person.pk}/", {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0] == "time,employee,person,category,contact,reason,via"
    assert ",agent_a," in lines[1]
    staff = client.get(f"/privacy/staff/{agent_a.pk}/").content.decode()
    assert f"#{person.pk}" in staff


def test_access_log_is_append_only(agent_a: User) -> None:
    import pytest

    person = Person.objects.create(first_name="Ona", last_name="Onaitė")
    _log(agent_a, person)
    row = AccessLog.objects.get()
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.all().update(reason="x")


def test_unusually_many_persons_in_a_day_are_flagged(
    agent_a: User, agent_a2: User, dpo: User
) -> None:
    persons = [
        Person.objects.create(first_name="P", last_name=f"N{i}")
        for i in range(UNUSUAL_MINIMUM + 5)
    ]
    for person in persons:
        _log(agent_a, person)
    for person in persons[:3]:
        _log(agent_a2, person)
    flagged = unusual_access(timezone.localdate())
    assert [u.user_name for u in flagged] == ["agent_a"]
    page = verified_client(dpo).get("/privacy/").content.decode()
    assert "agent_a" in page and f"{UNUSUAL_MINIMUM + 5} persons" in page
