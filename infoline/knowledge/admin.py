"""The knowledge base in the admin: articles and announcements; scripts read-only.

Script versions are written and approved on the knowledge pages (four eyes);
the admin shows them without letting anyone rewrite an approved text.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from infoline.knowledge.models import (
    AnswerScript,
    ArticleAttachment,
    KnowledgeArticle,
    PeakAnnouncement,
    ScriptVersion,
)


class ScriptVersionInline(admin.TabularInline[ScriptVersion, AnswerScript]):
    model = ScriptVersion
    fields = ["number", "status", "title", "author", "approved_by", "approved_at"]
    readonly_fields = [
        "number",
        "status",
        "title",
        "author",
        "approved_by",
        "approved_at",
    ]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AnswerScript)
class AnswerScriptAdmin(admin.ModelAdmin[AnswerScript]):
    list_display = ["__str__", "topic", "current"]
    readonly_fields = ["topic", "current"]
    inlines = [ScriptVersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class AttachmentInline(admin.TabularInline[ArticleAttachment, KnowledgeArticle]):
    model = ArticleAttachment
    fields = ["name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["name", "content_type", "size", "uploaded_by", "uploaded_at"]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(admin.ModelAdmin[KnowledgeArticle]):
    list_display = ["title", "category", "office", "owner", "review_by", "active"]
    list_filter = ["category", "office", "active"]
    search_fields = ["title", "keywords"]
    readonly_fields = ["reviewed_at", "updated_by"]
    inlines = [AttachmentInline]


@admin.register(PeakAnnouncement)
class PeakAnnouncementAdmin(admin.ModelAdmin[PeakAnnouncement]):
    list_display = ["title", "starts_at", "ends_at", "created_by"]
    filter_horizontal = ["lines", "topics"]
    readonly_fields = ["created_by"]

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
