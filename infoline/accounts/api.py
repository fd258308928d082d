"""Directory and opening-hours endpoints; same permissions as the pages."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from infoline.accounts import services
from infoline.accounts.models import Department, Employee, OpeningCalendar, PublicLine
from infoline.lib.api import require

router = Router()


class EmployeeOut(Schema):
    id: int
    first_name: str
    last_name: str
    position: str
    department_id: int
    department: str
    extension: str | None
    direct_phone: str
    email: str
    main_tasks: str
    away: bool
    back_at: datetime.datetime | None


class EmployeeDetailOut(EmployeeOut):
    substitutes: list[int]
    covering_substitute_id: int | None


class DepartmentOut(Schema):
    id: int
    name: str
    code: str
    parent_id: int | None
    area: str
    tasks: str
    phone: str
    email: str
    is_local_office: bool
    single_extension: bool
    extension: str
    split_rule: str


class InstitutionOut(Schema):
    id: int
    name: str
    address: str
    phone: str
    email: str
    website: str
    refer_for: str


class CalendarStatusOut(Schema):
    id: int
    name: str
    time_zone: str
    open: bool
    next_opening: datetime.datetime | None
    next_closing: datetime.datetime | None


class LineOut(Schema):
    id: int
    name: str
    kind: str
    number: str
    calendar_id: int | None
    open: bool | None


def _employee_out(
    employee: Employee, availability: services.Availability
) -> dict[str, object]:
    return {
        "id": employee.pk,
        "first_name": employee.first_name,
        "last_name": employee.last_name,
        "position": employee.position,
        "department_id": employee.department_id,
        "department": employee.department.name,
        "extension": employee.extension,
        "direct_phone": employee.direct_phone,
        "email": employee.email,
        "main_tasks": employee.main_tasks,
        "away": availability.away,
        "back_at": availability.back_at,
    }


@router.get("/directory/employees", response=list[EmployeeOut], tags=["directory"])
def search_employees(request: HttpRequest, q: str) -> list[dict[str, object]]:
    """Search by name, department, task keyword or extension (at most 20)."""
    require(request, "directory.view")
    pairs = services.employees_with_presence(services.search_directory(q))
    return [_employee_out(e, a) for e, a in pairs]


@router.get(
    "/directory/employees/{employee_id}", response=EmployeeDetailOut, tags=["directory"]
)
def get_employee(request: HttpRequest, employee_id: int) -> dict[str, object]:
    require(request, "directory.view")
    employee = get_object_or_404(
        Employee.objects.select_related("department"), pk=employee_id, active=True
    )
    availability = services.get_availability(employee)
    data = _employee_out(employee, availability)
    data["substitutes"] = list(employee.substitutes.values_list("pk", flat=True))
    data["covering_substitute_id"] = (
        availability.substitute.pk if availability.substitute else None
    )
    return data


@router.get("/directory/departments", response=list[DepartmentOut], tags=["directory"])
def list_departments(request: HttpRequest) -> list[Department]:
    require(request, "directory.view")
    return list(Department.objects.all())


@router.get(
    "/directory/departments/{department_id}/handler",
    response=EmployeeOut,
    tags=["directory"],
)
def department_handler(
    request: HttpRequest,
    department_id: int,
    identity_code: str = "",
    birth_date: datetime.date | None = None,
    surname: str = "",
    postal_code: str = "",
) -> dict[str, object]:
    """Who in the department handles this person (by its case split rule)."""
    require(request, "directory.view")
    department = get_object_or_404(Department, pk=department_id)
    try:
        employee = services.who_handles(
            department,
            identity_code=identity_code,
            birth_date=birth_date,
            surname=surname,
            postal_code=postal_code,
        )
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None
    if employee is None:
        raise HttpError(404, "No employee's range covers this person.")
    return _employee_out(employee, services.get_availability(employee))


@router.get(
    "/directory/institutions", response=list[InstitutionOut], tags=["directory"]
)
def search_institutions(request: HttpRequest, q: str = "") -> list[object]:
    require(request, "directory.view")
    if q:
        return list(services.search_institutions(q, limit=100))
    from infoline.accounts.models import ExternalInstitution

    return list(ExternalInstitution.objects.all()[:200])


@router.get("/hours/calendars", response=list[CalendarStatusOut], tags=["hours"])
def list_calendars(
    request: HttpRequest, at: datetime.datetime | None = None
) -> list[dict[str, object]]:
    """Every calendar with whether it is open at ``at`` (default: now)."""
    require(request, "hours.view")
    moment = _aware(at)
    rows = []
    for calendar in services.prefetch_calendar(OpeningCalendar.objects.all()):
        status = services.calendar_status(calendar, moment)
        rows.append(
            {
                "id": calendar.pk,
                "name": calendar.name,
                "time_zone": calendar.time_zone,
                **status,
            }
        )
    return rows


@router.get(
    "/hours/calendars/{calendar_id}", response=CalendarStatusOut, tags=["hours"]
)
def calendar_status(
    request: HttpRequest, calendar_id: int, at: datetime.datetime | None = None
) -> dict[str, object]:
    require(request, "hours.view")
    calendar = get_object_or_404(
        services.prefetch_calendar(OpeningCalendar.objects.all()), pk=calendar_id
    )
    status = services.calendar_status(calendar, _aware(at))
    return {
        "id": calendar.pk,
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        **status,
    }


@router.get("/hours/lines", response=list[LineOut], tags=["hours"])
def list_lines(request: HttpRequest) -> list[dict[str, object]]:
    require(request, "hours.view")
    now = timezone.now()
    calendars = {
        c.pk: c for c in services.prefetch_calendar(OpeningCalendar.objects.all())
    }
    rows = []
    for line in PublicLine.objects.all():
        calendar = calendars.get(line.calendar_id) if line.calendar_id else None
        rows.append(
            {
                "id": line.pk,
                "name": line.name,
                "kind": line.kind,
                "number": line.number,
                "calendar_id": line.calendar_id,
                "open": services.calendar_status(calendar, now)["open"]
                if calendar
                else None,
            }
        )
    return rows


def _aware(at: datetime.datetime | None) -> datetime.datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        return timezone.make_aware(at)
    return at
