"""The contact journal (J1). This first cut holds what caller authentication needs:
the contact an authentication belongs to and expires with; the journal issue
extends it with types, topics, statuses, history and attachments.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from infoline.journal.choices import Channel, ContactStatus


class Contact(models.Model):
    """One registered contact with a citizen or employer (J1)."""

    # The caller's number and what they said are personal data.
    AUDIT_REDACTED_FIELDS = ("phone", "summary", "result", "comment")

    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.PHONE
    )
    line = models.ForeignKey(
        "accounts.PublicLine",
        verbose_name=_("line"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    person = models.ForeignKey(
        "clients.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    summary = models.CharField(_("short content"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ContactStatus.choices,
        default=ContactStatus.IN_WORK,
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The lifecycle (J6): see transitions.ContactState for what each status requires.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_contacts",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    due = models.DateField(_("answer due"), null=True, blank=True, db_index=True)
    extension_due = models.DateField(_("extension requested to"), null=True, blank=True)
    extension_reason = models.CharField(
        _("extension reason"), max_length=500, blank=True
    )
    extension_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.TextField(_("result"), blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["person", "started_at"])]

    def __str__(self) -> str:
        return (
            f"#{self.pk} {self.get_channel_display()} {self.started_at:%Y-%m-%d %H:%M}"
        )

    @property
    def is_open(self) -> bool:
        return self.status != ContactStatus.CLOSED


class ContactHistory(models.Model):
    """One act on a contact: who, when, old → new status, why (J6)."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="history"
    )
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    act = models.CharField(_("act"), max_length=30)
    old_status = models.CharField(max_length=20, choices=ContactStatus.choices)
    new_status = models.CharField(max_length=20, choices=ContactStatus.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("contact history entry")
        verbose_name_plural = _("contact history")
        ordering = ["contact", "at", "pk"]

    def __str__(self) -> str:
        return f"#{self.contact_id} {self.act}: {self.old_status} → {self.new_status}"


class Notification(models.Model):
    """Something a member of staff must know about a contact (assigned, due, approved...)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} #{self.contact_id}"
