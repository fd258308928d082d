"""Forms of the agent desk. Acts are in ``services``; forms only parse and label."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from infoline.journal.choices import (
    CallbackOutcome,
    Channel,
    ContactStatus,
    ContactType,
)


class NewContactForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE
    )
    phone = forms.CharField(label=_("Caller's number"), required=False, max_length=32)
    line: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Line"), queryset=None, required=False, empty_label="—"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from infoline.accounts.models import PublicLine

        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = PublicLine.objects.order_by("name")  # type: ignore[attr-defined]


class JournalForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Type"),
        choices=[("", "—"), *ContactType.choices],
        required=False,
    )
    topic = forms.IntegerField(required=False, widget=forms.HiddenInput)
    summary = forms.CharField(
        label=_("Short content"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    employer = forms.CharField(
        label=_("Employer's registry code"), required=False, max_length=40
    )


class CallbackForm(forms.Form):
    window_start = forms.DateTimeField(
        label=_("Call from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"required": _("Give the time from which to call back.")},
    )
    window_end = forms.DateTimeField(
        label=_("Call by"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"required": _("Give the time by which to call back.")},
    )
    phone = forms.CharField(label=_("Number to call"), max_length=32, required=False)
    who = forms.ChoiceField(
        label=_("Who calls back"),
        choices=[("me", _("I do")), ("team", _("My team"))],
        initial="me",
    )
    note = forms.CharField(label=_("What to tell"), max_length=500, required=False)


class MessageForm(forms.Form):
    colleague = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose the colleague the message is for.")},
    )
    caller_name = forms.CharField(
        label=_("Caller's name"), max_length=200, required=False
    )
    phone = forms.CharField(label=_("Caller's phone"), max_length=32, required=False)
    reason = forms.CharField(
        label=_("What the caller wants"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttemptForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallbackOutcome.choices)
    right_person = forms.BooleanField(
        label=_("I spoke to the right person"), required=False
    )
    can_talk = forms.BooleanField(label=_("They can talk now"), required=False)


class JournalFilterForm(forms.Form):
    """Filters of the journal: a period of registration dates and equalities (J1)."""

    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All")), *ContactType.choices]
    )
    topic: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Topic"), required=False, queryset=None
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *ContactStatus.choices],
    )
    department: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=None
    )
    agent: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Employee"), required=False, queryset=None
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from infoline.accounts.models import Department, User
        from infoline.journal.models import Topic

        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["topic"].queryset = Topic.objects.filter(active=True).select_related(
            "parent__parent"
        )
        fields["department"].queryset = Department.objects.order_by("name")
        fields["agent"].queryset = User.objects.filter(is_active=True).order_by(
            "last_name", "first_name"
        )

    def clean(self) -> dict[str, Any]:
        from django.core.exceptions import ValidationError

        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise ValidationError(_("The period ends before it starts."))
        return data

    def filters(self) -> Any:
        """The journal's filters (``exports.ExportFilters``) from the cleaned data."""
        from infoline.journal.exports import ExportFilters

        data = self.cleaned_data
        return ExportFilters(
            start=data["start"],
            end=data["end"],
            channel=data["channel"],
            type=data["type"],
            topic_id=data["topic"].pk if data["topic"] else None,
            status=data["status"],
            department_id=data["department"].pk if data["department"] else None,
            agent_id=data["agent"].pk if data["agent"] else None,
        )
