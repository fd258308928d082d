from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CallerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, identity code or phone"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"data-search-box": "", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class StartVerificationForm(forms.Form):
    identity_code = forms.CharField(
        label=_("Identity code the caller gives"), max_length=32
    )


class AnswerForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("What the caller answers"), max_length=200)


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for seeing the data without authentication"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NewPersonForm(forms.Form):
    """A new caller entered during the call (PL 16)."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    identity_scheme = forms.ChoiceField(label=_("Identity code type"), required=False)
    identity_code = forms.CharField(
        label=_("Identity code"), max_length=32, required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        from infoline.clients.identity import SCHEMES, IdentityKind

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field: forms.ChoiceField = self.fields["identity_scheme"]  # type: ignore[assignment]
        field.choices = [("", "—")] + [
            (key, f"{scheme.country} · {scheme.label}")
            for key, scheme in SCHEMES.items()
            if scheme.kind == IdentityKind.PERSONAL
        ]
