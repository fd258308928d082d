from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")


class ContactStatus(models.TextChoices):
    """Lifecycle of a contact (J6); legal moves are the table in ``transitions.py``."""

    IN_WORK = "in_work", _("In work")
    DEFERRED_ANSWER = "deferred_answer", _("Deferred answer")
    UNDER_REVIEW = "under_review", _("Under review")
    CLOSED = "closed", _("Closed")


class ContactType(models.TextChoices):
    """What the citizen came with (J2)."""

    CONSULTATION = "consultation", _("Consultation")
    COMPLAINT = "complaint", _("Complaint")
    APPLICATION = "application", _("Application")
    PROPOSAL = "proposal", _("Proposal")
    GRATITUDE = "gratitude", _("Gratitude")


class CallbackStatus(models.TextChoices):
    """A promised callback (C1–C3, T8) from agreement to outcome."""

    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    FAILED = "failed", _("Not reached")
    CANCELLED = "cancelled", _("Cancelled")


class CallbackOrigin(models.TextChoices):
    """Who promised the callback (C1, T6, T8)."""

    AGREED = "agreed", _("Agreed by an agent")
    QUEUE = "queue", _("Asked for in the queue")
    DROPPED = "dropped", _("Dropped call")


class CallbackOutcome(models.TextChoices):
    REACHED = "reached", _("Reached, answered")
    REACHED_PARTIAL = "reached_partial", _("Reached, answer follows")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    WRONG_PERSON = "wrong_person", _("Someone else answered")
    CANNOT_TALK = "cannot_talk", _("Could not talk now")
