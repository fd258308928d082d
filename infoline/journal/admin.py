"""Reference data of the journal: the topic trees per contact type."""

from __future__ import annotations

from django.contrib import admin

from infoline.journal.models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["__str__", "type", "keywords", "active"]
    list_filter = ["type", "active"]
    search_fields = ["name", "keywords"]
    autocomplete_fields = ["parent"]
