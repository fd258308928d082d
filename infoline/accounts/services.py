"""Acts and queries of the staff and organisation app."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from infoline.accounts.choices import SplitRule
from infoline.accounts.models import (
    Absence,
    ApiToken,
    CaseSplit,
    Department,
    DepartmentAbsence,
    Employee,
    ExternalInstitution,
    OpeningCalendar,
    User,
)
from infoline.audit.choices import AuditAction
from infoline.audit.services import record_event
from infoline.lib.text import fold_key, search_tokens

__all__ = [
    "SEARCH_LIMIT",
    "Availability",
    "authenticate_token",
    "calendar_status",
    "case_key",
    "create_api_token",
    "get_availability",
    "list_group_absences",
    "record_absence",
    "revoke_api_token",
    "search_directory",
    "search_institutions",
    "sign_out_everywhere",
    "who_handles",
]

SEARCH_LIMIT = 20


def search_directory(query: str, limit: int = SEARCH_LIMIT) -> list[Employee]:
    """Find employees by name, department, task keyword or extension (K2).

    Every word of the query must occur (ignoring case and diacritics) in the
    employee's name, position, department, main tasks, extension or e-mail; an
    all-digit query also matches extensions by prefix. Results are ordered by
    surname, at most ``limit``.
    """
    tokens = search_tokens(query)
    if not tokens:
        return []
    condition = _every_token(tokens)
    digits = query.strip()
    if digits.isdigit():
        condition |= Q(extension__startswith=digits)
    queryset = (
        Employee.objects.filter(condition, active=True)
        .select_related("department")
        .order_by("last_name", "first_name", "pk")
    )
    return list(queryset[:limit])


def search_institutions(
    query: str, limit: int = SEARCH_LIMIT
) -> list[ExternalInstitution]:
    """Find external institutions by name, address or what is referred to them (K3)."""
    tokens = search_tokens(query)
    if not tokens:
        return []
    return list(ExternalInstitution.objects.filter(_every_token(tokens))[:limit])


def _every_token(tokens: list[str]) -> Q:
    """Every folded word must occur in the row's folded ``search_text``."""
    condition = Q()
    for token in tokens:
        condition &= Q(search_text__contains=token)
    return condition


@dataclass(frozen=True)
class Availability:
    """Whether an employee can be reached, without the reason of an absence (A3).

    ``back_at`` is when they are expected back; ``substitute`` who covers
    meanwhile (the absence's own substitute, or the first standing substitute
    who is not away too); ``group_until`` is set when the whole department is
    away (C6).
    """

    away: bool
    back_at: datetime.datetime | None
    substitute: Employee | None
    group_description: str = ""
    group_until: datetime.datetime | None = None


def get_availability(
    employee: Employee, at: datetime.datetime | None = None
) -> Availability:
    """Tell whether ``employee`` is away at ``at`` and who covers for them (T9, C5, C6)."""
    at = at or timezone.now()
    absence = employee.current_absence(at)
    group = (
        DepartmentAbsence.objects.filter(
            department_id=employee.department_id, starts_at__lte=at, ends_at__gt=at
        )
        .order_by("ends_at")
        .first()
    )
    if absence is None and group is None:
        return Availability(away=False, back_at=None, substitute=None)
    substitute = None
    if absence is not None and absence.substitute_id:
        candidate = absence.substitute
        if candidate is not None and candidate.current_absence(at) is None:
            substitute = candidate
    if substitute is None:
        for candidate in employee.substitutes.filter(active=True).order_by("last_name"):
            if candidate.current_absence(at) is None:
                substitute = candidate
                break
    back_at = absence.ends_at if absence else None
    if group is not None and (back_at is None or group.ends_at > back_at):
        back_at = group.ends_at
    return Availability(
        away=True,
        back_at=back_at,
        substitute=substitute,
        group_description=group.description if group else "",
        group_until=group.ends_at if group else None,
    )


def list_group_absences(
    at: datetime.datetime | None = None,
) -> QuerySet[DepartmentAbsence]:
    """Departments away now or later today (C6), for the switchboard."""
    at = at or timezone.now()
    return (
        DepartmentAbsence.objects.filter(ends_at__gt=at)
        .select_related("department")
        .order_by("starts_at")
    )


@transaction.atomic
def record_absence(
    actor: User,
    employee: Employee,
    *,
    kind: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    substitute: Employee | None = None,
    note: str = "",
) -> Absence:
    """Record an absence after validating it; nothing is saved if it is invalid."""
    absence = Absence(
        employee=employee,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        substitute=substitute,
        note=note,
    )
    absence.full_clean()
    absence.save()
    return absence


def case_key(
    rule: str,
    *,
    identity_code: str = "",
    birth_date: datetime.date | None = None,
    surname: str = "",
    postal_code: str = "",
) -> str:
    """Derive the value a department's split rule compares with its ranges.

    Raises ``ValidationError`` naming the missing fact.
    """
    if rule == SplitRule.IDENTITY_RANGE:
        if not identity_code.strip():
            raise ValidationError(
                _("This department splits cases by identity code; give the code.")
            )
        return fold_key(identity_code)
    if rule == SplitRule.BIRTH_DIGITS:
        if birth_date is None:
            raise ValidationError(
                _("This department splits cases by day of birth; give the birth date.")
            )
        return f"{birth_date.day:02d}"
    if rule == SplitRule.SURNAME_LETTERS:
        if not surname.strip():
            raise ValidationError(
                _("This department splits cases by surname; give the surname.")
            )
        return fold_key(surname)
    if rule == SplitRule.POSTAL_CODE:
        if not postal_code.strip():
            raise ValidationError(
                _("This department splits cases by postal code; give the postal code.")
            )
        return fold_key(postal_code)
    raise ValidationError(_("This department does not split cases among employees."))


def who_handles(department: Department, **facts: Any) -> Employee | None:
    """Answer "who handles this person?" by the department's split rule (K1).

    A range matches when the key starts within it: for surnames "a"–"k" holds
    "jonaitis"; for codes, ranges are compared on as many characters as the
    bound has.
    """
    key = case_key(department.split_rule, **facts)
    for split in CaseSplit.objects.filter(department=department).select_related(
        "employee"
    ):
        low = key[: len(split.range_from)]
        high = key[: len(split.range_to)]
        if split.range_from <= low and high <= split.range_to:
            return split.employee
    return None


def calendar_status(
    calendar: OpeningCalendar, at: datetime.datetime | None = None
) -> dict[str, Any]:
    """Return whether the calendar is open at ``at`` and when that changes."""
    from infoline.accounts.hours import is_open, next_closing, next_opening

    at = at or timezone.now()
    plain = calendar.as_calendar()
    open_now = is_open(plain, at)
    return {
        "open": open_now,
        "next_opening": None if open_now else next_opening(plain, at),
        "next_closing": next_closing(plain, at) if open_now else None,
    }


# --- API tokens -----------------------------------------------------------

TOKEN_PREFIX = "ifl_"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown only once."""
    name = name.strip()
    if not name:
        raise ValidationError(
            _("Give the token a name, e.g. the integration that will use it.")
        )
    if ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).exists():
        raise ValidationError(
            _("You already have an active token named “%(name)s”.") % {"name": name}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:12], token_hash=_hash_token(raw)
    )
    record_event(AuditAction.TOKEN_CREATED, token, changes={"name": name})
    return token, raw


@transaction.atomic
def revoke_api_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s own tokens."""
    token = (
        ApiToken.objects.select_for_update()
        .filter(user=user, pk=token_id, revoked_at__isnull=True)
        .first()
    )
    if token is None:
        raise ValidationError(_("No such active token."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(AuditAction.TOKEN_REVOKED, token)
    return token


def authenticate_token(raw: str) -> User | None:
    """Return the active user owning the active token ``raw``, else None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            token_hash=_hash_token(raw), revoked_at__isnull=True, user__is_active=True
        )
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(
        minutes=1
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def sign_out_everywhere(user: User) -> None:
    """End every session of ``user`` and revoke nothing else (tokens stay)."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    record_event(AuditAction.SESSIONS_REVOKED, user)


def employees_with_presence(
    employees: list[Employee], at: datetime.datetime | None = None
) -> list[tuple[Employee, Availability]]:
    """Pair each employee with their availability, in two queries in all."""
    at = at or timezone.now()
    ids = [e.pk for e in employees]
    absences = {
        a.employee_id: a
        for a in Absence.objects.filter(
            employee_id__in=ids, starts_at__lte=at, ends_at__gt=at
        ).order_by("-ends_at")
    }
    groups = {
        g.department_id: g
        for g in DepartmentAbsence.objects.filter(
            department_id__in={e.department_id for e in employees},
            starts_at__lte=at,
            ends_at__gt=at,
        ).order_by("-ends_at")
    }
    result = []
    for employee in employees:
        absence = absences.get(employee.pk)
        group = groups.get(employee.department_id)
        if absence is None and group is None:
            result.append(
                (employee, Availability(away=False, back_at=None, substitute=None))
            )
            continue
        back = max([x.ends_at for x in (absence, group) if x is not None])
        result.append(
            (
                employee,
                Availability(
                    away=True,
                    back_at=back,
                    substitute=None,
                    group_description=group.description if group else "",
                    group_until=group.ends_at if group else None,
                ),
            )
        )
    return result


def prefetch_calendar(queryset: QuerySet[OpeningCalendar]) -> QuerySet[OpeningCalendar]:
    """Load calendars with all their periods for ``as_calendar`` in three queries."""
    from infoline.accounts.models import ExceptionDay

    return queryset.prefetch_related(
        "weekly_periods",
        Prefetch(
            "exception_days", queryset=ExceptionDay.objects.prefetch_related("periods")
        ),
    )
