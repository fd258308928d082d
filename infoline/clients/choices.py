from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class DataCategory(models.TextChoices):
    """Categories of personal data, as the access log and representatives' scopes name them."""

    IDENTITY = "identity", _("Identity code and date of birth")
    CONTACT_DETAILS = "contact_details", _("Address, phones and e-mail")
    CASE = "case", _("Case data and contact history")
    ESERVICE = "eservice", _("E-service login")


class QuestionKind(models.TextChoices):
    """Where the expected answer to an authentication question comes from (A2)."""

    REGISTERED_ON = "registered_on", _("Date of registration with the service")
    LAST_OFFICE = "last_office", _("Office last visited")
    PHONE_DIGITS = "phone_digits", _("Last four digits of the phone on file")
    BIRTH_DATE = "birth_date", _("Date of birth")
    CUSTOM = "custom", _("Agency-defined question")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("In progress")
    PASSED = "passed", _("Authenticated")
    FAILED = "failed", _("Failed")


class ConsentKind(models.TextChoices):
    """What a person agreed to (and may withdraw)."""

    SMS = "sms", _("Messages by SMS")
    EMAIL = "email", _("Messages by e-mail")
    SURVEYS = "surveys", _("Satisfaction surveys")
    RECORDING = "recording", _("Recording of calls")
    OUTBOUND = "outbound", _("Informing calls")
