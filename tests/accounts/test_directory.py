"""Issue 3 item 6: the organisation directory (K1–K3, T9, C5, C6) from the outside."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from infoline.accounts.choices import AbsenceKind, SplitRule
from infoline.accounts.models import (
    Absence,
    CaseSplit,
    Department,
    DepartmentAbsence,
    Employee,
    ExternalInstitution,
    User,
)
from infoline.accounts.services import get_availability, search_directory, who_handles
from tests.conftest import verified_client


@pytest.fixture
def org(department: Department) -> dict[str, Any]:
    kaunas = Department.objects.create(
        name="Kaunas office",
        code="kaunas",
        parent=department,
        split_rule=SplitRule.SURNAME_LETTERS,
    )
    sarunas = Employee.objects.create(
        first_name="Šarūnas",
        last_name="Jonaitis",
        department=kaunas,
        extension="3101",
        position="Employment counsellor",
        main_tasks="activation funds, training plans",
    )
    ona = Employee.objects.create(
        first_name="Ona", last_name="Žemaitė", department=kaunas, extension="3102"
    )
    petras = Employee.objects.create(
        first_name="Petras", last_name="Kairys", department=department, extension="2201"
    )
    CaseSplit.objects.create(
        department=kaunas, employee=sarunas, range_from="a", range_to="k"
    )
    CaseSplit.objects.create(
        department=kaunas, employee=ona, range_from="l", range_to="z"
    )
    sarunas.substitutes.set([ona, petras])
    return {"kaunas": kaunas, "sarunas": sarunas, "ona": ona, "petras": petras}


def test_search_ignores_case_and_diacritics(org: dict[str, Any]) -> None:
    assert search_directory("sarunas") == [org["sarunas"]]
    assert search_directory("ŽEMAITE") == [org["ona"]]
    assert search_directory("kaunas") == [org["sarunas"], org["ona"]]  # by department
    assert search_directory("training") == [org["sarunas"]]  # by task keyword
    assert search_directory("310") == [
        org["sarunas"],
        org["ona"],
    ]  # by extension prefix
    assert search_directory("  ") == []


def test_search_as_you_type_fragment(agent_a: User, org: dict[str, Any]) -> None:
    client = verified_client(agent_a)
    response = client.get("/directory/search/", {"q": "sarun"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Šarūnas Jonaitis" in html
    assert "Ona" not in html
    assert "<html" not in html  # a fragment, not a page


def test_search_lists_institutions_too(agent_a: User, org: dict[str, Any]) -> None:
    ExternalInstitution.objects.create(
        name="Sodra", refer_for="sickness benefits, pensions", phone="+37052191222"
    )
    html = (
        verified_client(agent_a)
        .get("/directory/search/", {"q": "pension"})
        .content.decode()
    )
    assert "Sodra" in html


def test_absence_reason_is_never_shown_to_colleagues(
    agent_a: User, agent_a2: User, org: dict[str, Any]
) -> None:
    sarunas = org["sarunas"]
    sarunas.user = agent_a2
    sarunas.save()
    now = timezone.now()
    Absence.objects.create(
        employee=sarunas,
        kind=AbsenceKind.SICKNESS,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(days=2),
        note="flu",
    )
    colleague = (
        verified_client(agent_a)
        .get(f"/directory/employees/{sarunas.pk}/")
        .content.decode()
    )
    assert "Away" in colleague
    assert "expected back" in colleague
    assert "Sickness" not in colleague and "flu" not in colleague
    # The person sees their own reason.
    own = (
        verified_client(agent_a2)
        .get(f"/directory/employees/{sarunas.pk}/")
        .content.decode()
    )
    assert "Sickness" in own and "flu" in own
    # The API does not carry it either.
    api = verified_client(agent_a).get(f"/api/directory/employees/{sarunas.pk}").json()
    assert api["away"] is True
    assert "kind" not in api and "note" not in api


def test_substitute_who_is_away_too_is_skipped(org: dict[str, Any]) -> None:
    now = timezone.now()
    Absence.objects.create(
        employee=org["sarunas"],
        kind=AbsenceKind.LEAVE,
        starts_at=now,
        ends_at=now + datetime.timedelta(days=5),
    )
    Absence.objects.create(
        employee=org["ona"],
        kind=AbsenceKind.TRIP,
        starts_at=now,
        ends_at=now + datetime.timedelta(days=1),
    )
    availability = get_availability(org["sarunas"], now + datetime.timedelta(minutes=1))
    assert availability.away
    assert availability.substitute == org["petras"]


def test_absence_ending_before_it_starts_is_refused(
    agent_a: User, org: dict[str, Any]
) -> None:
    org["sarunas"].user = agent_a
    org["sarunas"].save()
    response = verified_client(agent_a).post(
        "/directory/absences/",
        {
            "form": "person",
            "a-employee": org["sarunas"].pk,
            "a-kind": "leave",
            "a-starts_at": "2026-12-10T09:00",
            "a-ends_at": "2026-12-09T09:00",
        },
    )
    assert response.status_code == 200
    assert "The absence ends before it starts." in response.content.decode()
    assert not Absence.objects.exists()


def test_substitute_absent_too_is_refused(
    agent_a: User, team_lead: User, org: dict[str, Any]
) -> None:
    start = timezone.make_aware(datetime.datetime(2026, 12, 10, 9))
    Absence.objects.create(
        employee=org["ona"],
        kind=AbsenceKind.LEAVE,
        starts_at=start,
        ends_at=start + datetime.timedelta(days=3),
    )
    response = verified_client(team_lead).post(
        "/directory/absences/",
        {
            "form": "person",
            "a-employee": org["sarunas"].pk,
            "a-kind": "leave",
            "a-starts_at": "2026-12-11T09:00",
            "a-ends_at": "2026-12-12T09:00",
            "a-substitute": org["ona"].pk,
        },
    )
    assert (
        "Ona Žemaitė is away too until 2026-12-13 09:00; choose another substitute."
        in response.content.decode()
    )
    assert Absence.objects.count() == 1


def test_agent_cannot_record_absence_for_someone_else(
    agent_a: User, org: dict[str, Any]
) -> None:
    response = verified_client(agent_a).post(
        "/directory/absences/",
        {
            "form": "person",
            "a-employee": org["ona"].pk,
            "a-kind": "leave",
            "a-starts_at": "2026-12-11T09:00",
            "a-ends_at": "2026-12-12T09:00",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Absence.objects.exists()


def test_department_meeting_shows_with_return_time(
    agent_a: User, team_lead: User, org: dict[str, Any]
) -> None:
    now = timezone.localtime()
    response = verified_client(team_lead).post(
        "/directory/absences/",
        {
            "form": "group",
            "g-department": org["kaunas"].pk,
            "g-starts_at": (now - datetime.timedelta(minutes=5)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "g-ends_at": (now + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "g-description": "Office meeting",
        },
    )
    assert response.status_code == 302
    assert DepartmentAbsence.objects.count() == 1
    page = (
        verified_client(agent_a)
        .get(f"/directory/departments/{org['kaunas'].pk}/")
        .content.decode()
    )
    assert "The department is away" in page and "Office meeting" in page
    availability = get_availability(org["ona"])
    assert availability.away and availability.group_until is not None
    # Agents may not announce a department's absence.
    refused = verified_client(agent_a).post(
        "/directory/absences/", {"form": "group", "g-department": org["kaunas"].pk}
    )
    assert refused.status_code == 403


def test_who_handles_by_surname_and_birth_day(
    agent_a: User, org: dict[str, Any]
) -> None:
    assert who_handles(org["kaunas"], surname="Kazlauskas") == org["sarunas"]
    assert who_handles(org["kaunas"], surname="Žukauskas") == org["ona"]
    page = verified_client(agent_a).get(
        f"/directory/departments/{org['kaunas'].pk}/", {"surname": "Lukoševičius"}
    )
    assert (
        "Handled by" in page.content.decode() and "Ona Žemaitė" in page.content.decode()
    )
    missing = verified_client(agent_a).get(
        f"/directory/departments/{org['kaunas'].pk}/", {"surname": ""}
    )
    assert (
        "This department splits cases by surname; give the surname."
        in missing.content.decode()
    )
    org["kaunas"].split_rule = SplitRule.BIRTH_DIGITS
    org["kaunas"].save()
    CaseSplit.objects.all().delete()
    CaseSplit.objects.create(
        department=org["kaunas"], employee=org["ona"], range_from="01", range_to="15"
    )
    assert (
        who_handles(org["kaunas"], birth_date=datetime.date(1980, 3, 9)) == org["ona"]
    )
    assert who_handles(org["kaunas"], birth_date=datetime.date(1980, 3, 19)) is None


def test_single_extension_department_says_so(
    agent_a: User, department: Department
) -> None:
    legal = Department.objects.create(
        name="Legal", code="legal", single_extension=True, extension="2100"
    )
    html = (
        verified_client(agent_a)
        .get(f"/directory/departments/{legal.pk}/")
        .content.decode()
    )
    assert "Only via extension 2100" in html


@pytest.fixture
def admin_client_verified(administrator: User) -> Client:
    return verified_client(administrator)


def _employee_form(department: Department, **values: Any) -> dict[str, Any]:
    data = {
        "first_name": "Rasa",
        "last_name": "Kairienė",
        "position": "",
        "department": department.pk,
        "extension": "",
        "direct_phone": "",
        "email": "",
        "main_tasks": "",
        "active": "on",
    }
    data.update(values)
    return data


def test_admin_refuses_clashing_extension(
    admin_client_verified: Client, department: Department, org: dict[str, Any]
) -> None:
    response = admin_client_verified.post(
        "/admin/accounts/employee/add/", _employee_form(department, extension="3101")
    )
    assert response.status_code == 200
    assert (
        "Extension 3101 already belongs to Šarūnas Jonaitis."
        in response.content.decode()
    )
    legal = Department.objects.create(
        name="Legal", code="legal", single_extension=True, extension="2100"
    )
    response = admin_client_verified.post(
        "/admin/accounts/employee/add/", _employee_form(department, extension="2100")
    )
    assert (
        f"Extension 2100 already belongs to {legal.name}." in response.content.decode()
    )
    assert not Employee.objects.filter(first_name="Rasa").exists()


def test_admin_refuses_invalid_phone_and_stores_e164(
    admin_client_verified: Client, department: Department
) -> None:
    response = admin_client_verified.post(
        "/admin/accounts/employee/add/",
        _employee_form(department, direct_phone="+370 6 12"),
    )
    assert "“+370 6 12” is not a valid phone number." in response.content.decode()
    assert not Employee.objects.exists()
    response = admin_client_verified.post(
        "/admin/accounts/employee/add/",
        _employee_form(department, direct_phone="8 612 34567"),
    )
    assert response.status_code == 302
    assert Employee.objects.get().direct_phone == "+37061234567"


def test_who_handles_by_identity_range_and_postal_code(org: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    kaunas = org["kaunas"]
    CaseSplit.objects.all().delete()
    kaunas.split_rule = SplitRule.IDENTITY_RANGE
    kaunas.save()
    CaseSplit.objects.create(
        department=kaunas, employee=org["sarunas"], range_from="3", range_to="4"
    )
    CaseSplit.objects.create(
        department=kaunas, employee=org["ona"], range_from="5", range_to="6"
    )
    assert who_handles(kaunas, identity_code="38703181745") == org["sarunas"]
    assert who_handles(kaunas, identity_code="50001011234") == org["ona"]
    kaunas.split_rule = SplitRule.POSTAL_CODE
    kaunas.save()
    CaseSplit.objects.all().delete()
    CaseSplit.objects.create(
        department=kaunas, employee=org["ona"], range_from="lt-44", range_to="lt-49"
    )
    split = CaseSplit(
        department=kaunas, employee=org["sarunas"], range_from="LT-50", range_to="LT-40"
    )
    with pytest.raises(ValidationError, match="The range ends before it starts."):
        split.full_clean()
    overlapping = CaseSplit(
        department=kaunas, employee=org["sarunas"], range_from="LT-48", range_to="LT-52"
    )
    with pytest.raises(ValidationError, match="The range overlaps lt44–lt49."):
        overlapping.full_clean()
    assert who_handles(kaunas, postal_code="LT-44280") == org["ona"]
    assert who_handles(kaunas, postal_code="lt 47 100") == org["ona"]
    assert who_handles(kaunas, postal_code="LT-50100") is None
    kaunas.split_rule = ""
    kaunas.save()
    with pytest.raises(
        ValidationError, match="This department does not split cases among employees."
    ):
        who_handles(kaunas, postal_code="LT-44280")
