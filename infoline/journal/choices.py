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
