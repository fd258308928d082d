from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a member of staff does; the permission matrix is keyed by it."""

    AGENT = "agent", _("Agent")
    SPECIALIST = "specialist", _("Specialist")
    TEAM_LEAD = "team_lead", _("Team lead")
    SUPERVISOR = "supervisor", _("Supervisor")
    EVALUATOR = "evaluator", _("Quality evaluator")
    PLANNER = "planner", _("Planner")
    ADMINISTRATOR = "administrator", _("Administrator")
    DPO = "dpo", _("Data-protection officer")


class AbsenceKind(models.TextChoices):
    LEAVE = "leave", _("Leave")
    TRIP = "trip", _("Business trip")
    MEETING = "meeting", _("Meeting")
    SICKNESS = "sickness", _("Sickness")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class SplitRule(models.TextChoices):
    """How a department splits cases among its employees (K1)."""

    NONE = "", _("Not split")
    IDENTITY_RANGE = "identity_range", _("Identity-code range")
    BIRTH_DIGITS = "birth_digits", _("Day of birth")
    SURNAME_LETTERS = "surname_letters", _("Surname initial letters")
    POSTAL_CODE = "postal_code", _("Postal-code range")


class LineKind(models.TextChoices):
    GENERAL = "general", _("General line")
    VACANCY = "vacancy", _("Vacancy line")
    EMPLOYERS = "employers", _("Employers' line")
    SHORT = "short", _("Short number")
    LOCAL_OFFICE = "local_office", _("Local office")
    OTHER = "other", _("Other")
