"""Every message sent to a citizen is recorded (A4, J9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SentMessage(models.Model):
    """One outbound message and what became of it."""

    AUDIT_REDACTED_FIELDS = ("to", "body")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    channel = models.CharField(_("channel"), max_length=10)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    purpose = models.CharField(_("purpose"), max_length=50)
    person = models.ForeignKey(
        "clients.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    contact = models.ForeignKey(
        "journal.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    provider_id = models.CharField(max_length=100, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sent message")
        verbose_name_plural = _("sent messages")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.channel} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
