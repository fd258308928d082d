"""Contracts for rostering in the admin; schedules are made on the planner pages."""

from __future__ import annotations

from django.contrib import admin

from infoline.workforce.models import WorkContract


@admin.register(WorkContract)
class WorkContractAdmin(admin.ModelAdmin[WorkContract]):
    list_display = ["user", "min_hours_per_week", "max_hours_per_week", "skills"]
    search_fields = ["user__username", "user__last_name", "skills"]
    autocomplete_fields = ["user"]
