"""Answer scripts (J3, J4), knowledge articles and local-office pages (K4), and
announcements of expected peaks (K5).

Scripts are versioned: every edit is a new ``ScriptVersion``; one approved
version is the script's ``current`` one, the one agents see. Articles carry an
owner and a review-by date; attachments are stored outside the web root and
served only by a permission-checked view. ``SearchEntry`` holds the folded text
the full-text index reads (FTS5 on SQLite, a GIN index on PostgreSQL).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infoline.knowledge.choices import ArticleCategory, ScriptStatus, SearchKind

MARKUP_HELP = _(
    "Plain text. A blank line starts a paragraph; lines starting with "
    "“- ” are bullets, “1. ” numbered steps, “## ” a heading; **bold**."
)


class AnswerScript(models.Model):
    """The call model for one journal topic (J3; EE 3.2.5 "call model").

    Its text lives in ``versions``; ``current`` is the approved version in
    force, None until a first version is approved.
    """

    topic = models.OneToOneField(
        "journal.Topic",
        verbose_name=_("topic"),
        on_delete=models.PROTECT,
        related_name="answer_script",
    )
    current = models.OneToOneField(
        "ScriptVersion",
        verbose_name=_("version in force"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer script")
        verbose_name_plural = _("answer scripts")
        ordering = ["topic__type", "topic__name"]

    def __str__(self) -> str:
        if self.current_id is not None and self.current is not None:
            return self.current.title
        return gettext("Script for %(topic)s") % {"topic": self.topic}

    def get_absolute_url(self) -> str:
        return reverse("knowledge:script-detail", args=[self.pk])


class ScriptVersion(models.Model):
    """One version of an answer script: what the agent says and whom to escalate to.

    Written by an author as a draft; a team lead, supervisor or administrator
    other than the author approves it (recorded with who and when), and it
    replaces the version in force; or returns it to the author with a
    ``review_note`` (``returned_by``/``returned_at``). ``specialists`` and ``departments`` are the
    tier-2 recommendations listed under the script (J4).
    """

    script = models.ForeignKey(
        AnswerScript,
        verbose_name=_("script"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ScriptStatus.choices,
        default=ScriptStatus.DRAFT,
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("script"),
        help_text=MARKUP_HELP,
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=500,
        blank=True,
        help_text=_(
            "Words callers use for this question, separated by spaces or commas."
        ),
    )
    specialists = models.ManyToManyField(
        "accounts.Employee",
        verbose_name=_("recommended tier-2 specialists"),
        blank=True,
        related_name="recommended_in",
    )
    departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("recommended tier-2 departments"),
        blank=True,
        related_name="recommended_in",
    )
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="script_versions",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_script_versions",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="returned_script_versions",
    )
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    review_note = models.CharField(_("why it was returned"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("script version")
        verbose_name_plural = _("script versions")
        ordering = ["script", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["script", "number"], name="knowledge_script_version_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | models.Q(approved_at__isnull=False),
                name="knowledge_approved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    def clean(self) -> None:
        if not self.title.strip():
            raise ValidationError({"title": gettext("Give the script a title.")})
        if not self.body.strip():
            raise ValidationError(
                {"body": gettext("Write the script: what the agent says and does.")}
            )


class KnowledgeArticle(models.Model):
    """A page of the knowledge base (K4), kept current by its owner.

    With ``office`` set it is a local-office page (activation funds, training
    plans, fairs, EURES, regulations, forms) kept by that office's consultants.
    An article past ``review_by`` is overdue and flagged wherever it is listed.
    """

    category = models.CharField(
        _("category"), max_length=30, choices=ArticleCategory.choices
    )
    office = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("local office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="knowledge_articles",
        limit_choices_to={"is_local_office": True},
        help_text=_("Leave empty for information that holds for the whole country."),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=MARKUP_HELP)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="knowledge_articles",
        help_text=_("Who keeps this article current."),
    )
    review_by = models.DateField(_("review by"))
    reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    active = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["title"]
        indexes = [models.Index(fields=["owner", "review_by"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not self.title.strip():
            errors["title"] = gettext("Give the article a title.")
        if not self.body.strip():
            errors["body"] = gettext("Write the article's text.")
        office = self.office if self.office_id is not None else None
        if office is not None and not office.is_local_office:
            errors["office"] = gettext("%(name)s is not a local office.") % {
                "name": office.name
            }
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return reverse("knowledge:article-detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        """Whether the review date has passed (the article may be out of date)."""
        return self.review_by < timezone.localdate()

    @property
    def is_local_page(self) -> bool:
        return self.office_id is not None


def _attachment_path(instance: ArticleAttachment, filename: str) -> str:
    # A random name: the stored file never carries the uploader's name.
    return f"knowledge/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ArticleAttachment(models.Model):
    """A file (usually a form) attached to an article (K4).

    Stored in the default storage under ``var/media`` (never served by the web
    server); downloaded only through ``knowledge:attachment-download``.
    """

    article = models.ForeignKey(
        KnowledgeArticle,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PeakAnnouncement(models.Model):
    """An expected peak announced in advance so staff are present (K5, DK §2).

    E.g. a mass mail-out of tax cards: the lines or topics it will load and
    from when to when; shown to agents on the desk and to planners.
    """

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("what to expect"), blank=True)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    expected_extra = models.PositiveIntegerField(
        _("expected extra contacts per day"), null=True, blank=True
    )
    lines = models.ManyToManyField(
        "accounts.PublicLine",
        verbose_name=_("lines"),
        blank=True,
        related_name="peak_announcements",
    )
    topics = models.ManyToManyField(
        "journal.Topic",
        verbose_name=_("topics"),
        blank=True,
        related_name="peak_announcements",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("announced by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("announced"), auto_now_add=True)

    class Meta:
        verbose_name = _("peak announcement")
        verbose_name_plural = _("peak announcements")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["ends_at"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not self.title.strip():
            raise ValidationError({"title": gettext("Give the announcement a title.")})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": gettext("The peak must end after it starts.")}
            )

    def is_current(self, at: datetime.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.starts_at <= at < self.ends_at


class SearchEntry(models.Model):
    """Folded text of one searchable item, read by the full-text index.

    Kept by ``services.reindex`` (called from signals whenever a script's
    version in force or an article changes). On SQLite the FTS5 table
    ``knowledge_fts`` mirrors this table through triggers; on PostgreSQL a GIN
    index over its ``simple`` tsvector serves the search. Text is folded
    (``lib.text.fold``), so "sarunas" finds "Šarūnas" in every language.
    """

    kind = models.CharField(max_length=10, choices=SearchKind.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.TextField()
    keywords = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="knowledge_search_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}"
