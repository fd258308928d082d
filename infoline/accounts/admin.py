"""Administration of reference data and staff; only administrators get in."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from infoline.accounts import models
from infoline.accounts.permissions import has_action


def _admin_has_permission(request: HttpRequest) -> bool:
    return bool(request.user.is_active and has_action(request.user, "admin.site"))


admin.site.has_permission = _admin_has_permission  # type: ignore[method-assign]  # role-based entry
admin.site.site_header = _("Infoline administration")
admin.site.site_title = _("Infoline")


@admin.register(models.User)
class UserAdmin(BaseUserAdmin[models.User]):
    list_display = ["username", "first_name", "last_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Infoline"), {"fields": ("role", "team", "language")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("Infoline"),
            {"fields": ("role", "team", "first_name", "last_name", "email")},
        ),
    )


class CaseSplitInline(admin.TabularInline[models.CaseSplit, models.Department]):
    model = models.CaseSplit
    fk_name = "department"
    extra = 0
    autocomplete_fields = ["employee"]


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin[models.Department]):
    list_display = [
        "name",
        "code",
        "parent",
        "is_local_office",
        "single_extension",
        "extension",
    ]
    list_filter = ["is_local_office", "single_extension", "split_rule"]
    search_fields = ["name", "code", "area", "tasks"]
    autocomplete_fields = ["parent", "secretary"]
    inlines = [CaseSplitInline]


@admin.register(models.Team)
class TeamAdmin(admin.ModelAdmin[models.Team]):
    list_display = ["name", "department", "lead"]


@admin.register(models.Employee)
class EmployeeAdmin(admin.ModelAdmin[models.Employee]):
    list_display = [
        "last_name",
        "first_name",
        "position",
        "department",
        "extension",
        "active",
    ]
    list_filter = ["department", "active"]
    search_fields = ["first_name", "last_name", "position", "extension", "email"]
    autocomplete_fields = ["department", "user", "substitutes"]


@admin.register(models.Absence)
class AbsenceAdmin(admin.ModelAdmin[models.Absence]):
    list_display = ["employee", "kind", "starts_at", "ends_at", "substitute"]
    autocomplete_fields = ["employee", "substitute"]


@admin.register(models.DepartmentAbsence)
class DepartmentAbsenceAdmin(admin.ModelAdmin[models.DepartmentAbsence]):
    list_display = ["department", "starts_at", "ends_at", "description"]


@admin.register(models.ExternalInstitution)
class ExternalInstitutionAdmin(admin.ModelAdmin[models.ExternalInstitution]):
    list_display = ["name", "phone", "email"]
    search_fields = ["name", "refer_for"]


class PeriodsFormSet(BaseInlineFormSet[Any, Any, Any]):
    """Check the periods of one save together: new rows are not in the database yet."""

    group_field: str | None = "weekday"

    def clean(self) -> None:
        super().clean()
        seen: dict[Any, list[tuple[Any, Any]]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("start") is None:
                continue
            key = data.get(self.group_field) if self.group_field else None
            try:
                models._check_periods(data["start"], data.get("end"), seen.get(key, []))
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
            seen.setdefault(key, []).append((data["start"], data.get("end")))


class ExceptionPeriodsFormSet(PeriodsFormSet):
    group_field = None


class WeeklyPeriodInline(
    admin.TabularInline[models.WeeklyPeriod, models.OpeningCalendar]
):
    model = models.WeeklyPeriod
    formset = PeriodsFormSet
    extra = 0


@admin.register(models.OpeningCalendar)
class OpeningCalendarAdmin(admin.ModelAdmin[models.OpeningCalendar]):
    list_display = ["name", "time_zone", "country", "subdivision", "closed_on_holidays"]
    inlines = [WeeklyPeriodInline]


class ExceptionPeriodInline(
    admin.TabularInline[models.ExceptionPeriod, models.ExceptionDay]
):
    model = models.ExceptionPeriod
    formset = ExceptionPeriodsFormSet
    extra = 0


@admin.register(models.ExceptionDay)
class ExceptionDayAdmin(admin.ModelAdmin[models.ExceptionDay]):
    list_display = ["calendar", "date", "note"]
    list_filter = ["calendar"]
    inlines = [ExceptionPeriodInline]


@admin.register(models.PublicLine)
class PublicLineAdmin(admin.ModelAdmin[models.PublicLine]):
    list_display = ["name", "kind", "number", "department", "calendar"]


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[models.ApiToken]):
    """Tokens can be seen and revoked by administrators, never created here."""

    list_display = [
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
