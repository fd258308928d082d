"""The contact journal (J1). This first cut holds what caller authentication needs:
the contact an authentication belongs to and expires with; the journal issue
extends it with types, topics, statuses, history and attachments.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from infoline.journal.choices import (
    CallbackOrigin,
    CallbackOutcome,
    CallbackStatus,
    Channel,
    ContactStatus,
    ContactType,
)
from infoline.lib.text import fold


class Topic(models.Model):
    """A topic in the tree of one contact type (J2), found by keyword as agents type."""

    type = models.CharField(_("type"), max_length=20, choices=ContactType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["type", "name"]

    def __str__(self) -> str:
        return " › ".join(t.name for t in self.path())

    def clean(self) -> None:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext

        if self.parent is not None:
            if self.parent.type != self.type:
                raise ValidationError(
                    {
                        "parent": gettext(
                            "A topic's parent must be of the same contact type."
                        )
                    }
                )
            node: Topic | None = self.parent
            while node is not None:
                if node.pk is not None and node.pk == self.pk:
                    raise ValidationError(
                        {"parent": gettext("A topic cannot be inside itself.")}
                    )
                node = node.parent

    def save(self, *args: object, **kwargs: object) -> None:
        names = " ".join(t.name for t in self.path())
        self.search_text = fold(f"{names} {self.keywords}")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def path(self) -> list[Topic]:
        """The topic and its parents, from the top."""
        chain: list[Topic] = [self]
        node = self.parent
        while node is not None:
            chain.insert(0, node)
            node = node.parent
        return chain


class Contact(models.Model):
    """One registered contact with a citizen or employer (J1)."""

    # The caller's number and what they said are personal data.
    AUDIT_REDACTED_FIELDS = ("phone", "summary", "notes", "result", "comment")

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
    ivr_choice = models.CharField(_("IVR choice"), max_length=100, blank=True)
    # The telephony call this contact was opened for (one contact per answered call).
    call_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    person = models.ForeignKey(
        "clients.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    employer = models.ForeignKey(
        "clients.Employer",
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="journal_contacts",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    # The employee's position when they registered the contact (J1).
    agent_position = models.CharField(_("position"), max_length=200, blank=True)
    type = models.CharField(
        _("type"), max_length=20, choices=ContactType.choices, blank=True
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    summary = models.CharField(_("short content"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Contacts about the same matter (J5), linked both ways.
    related = models.ManyToManyField(
        "self", verbose_name=_("related contacts"), blank=True
    )
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
    # Deadline timers (J9, J10; journal/timers.py): the due date a reminder or
    # an escalation was sent for (a new due date re-arms them) and the claim
    # of the worker sending one, taken with a conditional UPDATE.
    due_reminded_for = models.DateField(null=True, blank=True, editable=False)
    due_escalated_for = models.DateField(null=True, blank=True, editable=False)
    timer_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    timer_claimed_by = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["person", "started_at"]),
            # The deadline timers scan open deferred answers by due date only.
            models.Index(
                fields=["due"],
                condition=models.Q(status=ContactStatus.DEFERRED_ANSWER),
                name="journal_contact_deferred_due",
            ),
            # Results to approve (work list, team view): the few contacts under
            # review among ten million, by status and, for a team lead, agent.
            models.Index(fields=["status", "agent"], name="contact_status_agent"),
            # The journal filtered by status or type, newest first: the matching
            # contacts in date order instead of every contact of the period.
            models.Index(
                fields=["status", "started_at"], name="contact_status_started"
            ),
            models.Index(fields=["type", "started_at"], name="contact_type_started"),
        ]

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
    # None: the system acted (a deadline reminder or escalation by the timers).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
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
    # A message for a colleague taken outside a contact has no contact.
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    message = models.ForeignKey(
        "ColleagueMessage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} #{self.contact_id}"


class Callback(models.Model):
    """A callback agreed with a citizen (C1): when, how, by whom; kept until it is kept.

    ``claimed_at``/``claimed_by`` mark a reminder or escalation being sent by a
    worker: claimed with a conditional UPDATE, so two workers never take the
    same callback and a crashed worker's claim expires (see services).
    """

    AUDIT_REDACTED_FIELDS = ("phone", "note")

    # A callback promised by an agent belongs to their contact; one the line
    # promised itself (a caller in the queue accepted the offer, T8; a dropped
    # call, T6) has none until an agent makes it.
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="callbacks",
    )
    line = models.ForeignKey(
        "accounts.PublicLine",
        verbose_name=_("line"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callbacks",
    )
    origin = models.CharField(
        _("origin"),
        max_length=12,
        choices=CallbackOrigin.choices,
        default=CallbackOrigin.AGREED,
    )
    call_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    phone = models.CharField(_("number to call"), max_length=20)
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.PHONE
    )
    window_start = models.DateTimeField(_("call from"), db_index=True)
    window_end = models.DateTimeField(_("call by"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    note = models.CharField(_("what to tell"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CallbackStatus.choices,
        default=CallbackStatus.SCHEDULED,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=3)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=CallbackOutcome.choices, blank=True
    )
    kept_at = models.DateTimeField(_("kept"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["window_start"]
        indexes = [
            models.Index(fields=["status", "window_start"]),
            # A user's callbacks due (work list) without reading the kept ones.
            models.Index(
                fields=["responsible", "status", "window_start"],
                name="callback_responsible_due",
            ),
        ]

    def __str__(self) -> str:
        return f"callback #{self.pk} {self.window_start:%Y-%m-%d %H:%M}"

    @property
    def on_time(self) -> bool | None:
        """Kept within its window (None while not kept)."""
        if self.kept_at is None:
            return None
        return self.kept_at <= self.window_end


class ColleagueMessage(models.Model):
    """A message taken for a colleague who could not answer (C4–C6, LT 12.15–12.16).

    ``intended_for`` is whom the caller wanted; ``delivered_to`` who got it
    (their substitute while they are away). Closed with the call-back outcome.
    """

    AUDIT_REDACTED_FIELDS = ("caller_name", "phone", "reason")

    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages_taken",
    )
    intended_for = models.ForeignKey(
        "accounts.Employee",
        verbose_name=_("for"),
        on_delete=models.PROTECT,
        related_name="messages_intended",
    )
    delivered_to = models.ForeignKey(
        "accounts.Employee",
        verbose_name=_("delivered to"),
        on_delete=models.PROTECT,
        related_name="messages_received",
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    caller_name = models.CharField(_("caller's name"), max_length=200)
    phone = models.CharField(_("caller's phone"), max_length=20)
    reason = models.CharField(_("reason"), max_length=1000)
    created_at = models.DateTimeField(_("taken"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("call-back outcome"), max_length=500, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The escalation timer's claim (journal/timers.py), as on Callback.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("message for a colleague")
        verbose_name_plural = _("messages for colleagues")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["delivered_to", "closed_at"])]

    def __str__(self) -> str:
        return f"message #{self.pk} for {self.intended_for_id}"


class DeadlineRule(models.Model):
    """The statutory term of a contact type (J9, J10) and its responsible department.

    A complaint, say, is answered within ``working_days`` working days of the
    responsible department's calendar, counted from the day after it was
    registered. ``topic`` narrows a rule to one topic and its sub-topics; the
    most specific active rule wins. ``remind_days`` working days before the
    deadline the responsible person is reminded.
    """

    contact_type = models.CharField(
        _("type"), max_length=20, choices=ContactType.choices
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadline_rules",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="deadline_rules",
    )
    working_days = models.PositiveSmallIntegerField(_("term in working days"))
    remind_days = models.PositiveSmallIntegerField(
        _("remind working days before"), default=2
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("statutory deadline")
        verbose_name_plural = _("statutory deadlines")
        ordering = ["contact_type", "topic"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact_type", "topic"], name="journal_deadline_rule_unique"
            ),
            models.UniqueConstraint(
                fields=["contact_type"],
                condition=models.Q(topic__isnull=True),
                name="journal_deadline_rule_type_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_contact_type_display()}: {self.working_days}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext

        if self.working_days < 1:
            raise ValidationError(
                {"working_days": gettext("A term is at least one working day.")}
            )
        if self.topic is not None and self.topic.type != self.contact_type:
            raise ValidationError(
                {"topic": gettext("The topic belongs to another contact type.")}
            )


def _attachment_path(instance: ContactAttachment, filename: str) -> str:
    """Store under a random name: the original name is data, not a path."""
    import uuid

    return f"attachments/{instance.contact_id}/{uuid.uuid4().hex}"


class ContactAttachment(models.Model):
    """A document attached to a contact (J7), with its number and registration date.

    The file lives in the private storage (``MEDIA_ROOT``, outside the web
    root, never served directly); ``content_type`` is what its content was
    recognised as, not what the uploader claimed. Attachments hold personal
    data: they are served only by ``records:attachment-download``, which
    checks access and logs the read.
    """

    AUDIT_REDACTED_FIELDS = ("original_name", "document_number")

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    document_number = models.CharField(_("document number"), max_length=100)
    registered_on = models.DateField(_("registration date"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["contact", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.document_number} ({self.registered_on:%Y-%m-%d})"
