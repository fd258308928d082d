"""Reference data of the journal: the topic trees per contact type."""

from __future__ import annotations

from django.contrib import admin

from infoline.journal.models import DeadlineRule, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["__str__", "type", "keywords", "active"]
    list_filter = ["type", "active"]
    search_fields = ["name", "keywords"]
    autocomplete_fields = ["parent"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin[DeadlineRule]):
    """Statutory terms per contact type or topic (J9, J10)."""

    list_display = [
        "contact_type",
        "topic",
        "department",
        "working_days",
        "remind_days",
        "active",
    ]
    list_filter = ["contact_type", "active"]
    autocomplete_fields = ["topic"]
