"""Validation of organisation data; each failure is a specific, translated message."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

__all__ = ["normalize_phone", "validate_extension"]


def normalize_phone(value: str, region: str | None = None) -> str:
    """Return ``value`` as an E.164 number, or raise ``ValidationError``.

    National numbers are read in the agency's region (``INFOLINE_PHONE_REGION``)
    unless ``region`` is given; international ones must start with ``+``.
    """
    text = (value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region or settings.INFOLINE_PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("“%(value)s” is not a phone number."),
            code="phone",
            params={"value": text},
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number."),
            code="phone",
            params={"value": text},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_extension(value: str) -> None:
    """An internal extension is 2 to 6 digits."""
    if value and not (value.isdigit() and 2 <= len(value) <= 6):
        raise ValidationError(
            _("An extension is 2 to 6 digits; “%(value)s” is not."),
            code="extension",
            params={"value": value},
        )
