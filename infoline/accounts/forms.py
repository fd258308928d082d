"""Forms of the staff and organisation pages; every error is a translated message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from infoline.accounts.choices import AbsenceKind
from infoline.accounts.models import Absence, DepartmentAbsence, Employee

DATETIME_INPUTS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
_DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AbsenceForm(forms.ModelForm[Absence]):
    """Record an absence; the model's ``clean`` checks order and substitutes."""

    class Meta:
        model = Absence
        fields = ["employee", "kind", "starts_at", "ends_at", "substitute", "note"]
        widgets = {"starts_at": _DT, "ends_at": _DT}

    def __init__(self, *args: Any, employee_choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["kind"].choices = AbsenceKind.choices
        fields["starts_at"].input_formats = DATETIME_INPUTS
        fields["ends_at"].input_formats = DATETIME_INPUTS
        if employee_choices is not None:
            fields["employee"].queryset = employee_choices
        fields["substitute"].queryset = Employee.objects.filter(
            active=True
        ).select_related("department")


class DepartmentAbsenceForm(forms.ModelForm[DepartmentAbsence]):
    class Meta:
        model = DepartmentAbsence
        fields = ["department", "starts_at", "ends_at", "description"]
        widgets = {"starts_at": _DT, "ends_at": _DT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["starts_at"].input_formats = DATETIME_INPUTS
        fields["ends_at"].input_formats = DATETIME_INPUTS


class WhoHandlesForm(forms.Form):
    identity_code = forms.CharField(
        label=_("Identity code"), required=False, max_length=20
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    surname = forms.CharField(label=_("Surname"), required=False, max_length=100)
    postal_code = forms.CharField(label=_("Postal code"), required=False, max_length=12)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("Object or actor"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from infoline.audit.choices import AuditAction

        super().__init__(*args, **kwargs)
        action: Any = self.fields["action"]
        action.choices = [("", _("Any")), *AuditAction.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("date_from")
            and data.get("date_to")
            and data["date_to"] < data["date_from"]
        ):
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
