from django.db import models
from django.utils.translation import gettext_lazy as _


class ScriptStatus(models.TextChoices):
    """Where one version of an answer script stands (J3)."""

    DRAFT = "draft", _("Draft, awaiting approval")
    APPROVED = "approved", _("Approved, in force")
    SUPERSEDED = "superseded", _("Replaced by a later version")
    WITHDRAWN = "withdrawn", _("Replaced by a later draft")
    REJECTED = "rejected", _("Returned to the author")


class ArticleCategory(models.TextChoices):
    """What a knowledge article is about (K4); the last group are local-office pages."""

    CLIENT_SERVICE = "client_service", _("Client-service information")
    JOB_OFFERS = "job_offers", _("Job and training offers")
    INSTITUTIONS = "institutions", _("Contact data of institutions")
    ACTIVATION_FUNDS = "activation_funds", _("Activation funds")
    TRAINING_PLANS = "training_plans", _("Training plans")
    TRAINING_ELIGIBILITY = "training_eligibility", _("People qualified for training")
    FAIRS = "fairs", _("Job fairs")
    EURES = "eures", _("EURES recruitment")
    REGULATIONS = "regulations", _("Regulations")
    FORMS = "forms", _("Forms")


class SearchKind(models.TextChoices):
    """What a search hit is."""

    SCRIPT = "script", _("Answer script")
    ARTICLE = "article", _("Article")
