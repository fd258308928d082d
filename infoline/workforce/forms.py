"""Forms of the planner pages: staffing plan inputs, history upload, schedules."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infoline.accounts.models import PublicLine, Team
from infoline.workforce.models import CallHistory
from infoline.workforce.services import JOURNAL, PlanInputs

INTERVALS = [(15, _("15 minutes")), (30, _("30 minutes")), (60, _("60 minutes"))]
FORMAT_CHOICES = [
    ("anonymous-bank", _("Anonymous Bank call log (tab-separated)")),
    ("calls-csv", _("CSV, one row per call: start, handle_seconds[, abandoned]")),
    (
        "counts-csv",
        _("CSV, one row per interval: interval_start, calls[, aht_seconds]"),
    ),
]


def _next_monday() -> date:
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def _percent(label: Any, initial: float) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        initial=initial,
        error_messages={
            "required": _("Enter a percentage."),
            "invalid": _("Enter a number."),
        },
    )


class PlanForm(forms.Form):
    """Inputs of a staffing plan; the what-if fields recompute it at once."""

    line = forms.ModelChoiceField(
        label=_("Line"),
        queryset=PublicLine.objects.all(),
        empty_label=None,
        error_messages={"required": _("Choose a line.")},
    )
    source = forms.ChoiceField(label=_("Call history"))
    start = forms.DateField(
        label=_("First day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Enter the first day of the period.")},
    )
    days = forms.IntegerField(
        label=_("Days"),
        initial=7,
        min_value=1,
        max_value=28,
        error_messages={
            "min_value": _("Plan 1 to 28 days."),
            "max_value": _("Plan 1 to 28 days."),
        },
    )
    interval = forms.TypedChoiceField(
        label=_("Interval"), choices=INTERVALS, coerce=int, initial=60
    )
    volume_percent = _percent(_("Volume (percent of forecast)"), 100)
    aht_seconds = forms.FloatField(
        label=_("Handling time (s)"),
        required=False,
        help_text=_("Empty: the forecast's handling time per interval."),
    )
    target_percent = _percent(_("Service level target (%)"), 80)
    target_seconds = forms.FloatField(label=_("answered within (s)"), initial=20)
    patience_seconds = forms.FloatField(
        label=_("Mean patience (s)"),
        required=False,
        help_text=_("Empty: estimated from abandonment in the history."),
    )
    sickness = _percent(_("Sickness (%)"), 5)
    leave = _percent(_("Leave (%)"), 8)
    training = _percent(_("Training (%)"), 3)
    attrition = _percent(_("Attrition (%)"), 2)
    hours_per_day = forms.FloatField(
        label=_("Paid hours a day"), initial=8, min_value=1, max_value=24
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        histories = CallHistory.objects.only(
            "pk", "name", "first_day", "days", "interval_minutes"
        )[:50]
        source = self.fields["source"]
        assert isinstance(source, forms.ChoiceField)  # declared above
        source.choices = [
            (JOURNAL, gettext("Journal: phone contacts of the last 28 days")),
            *(
                (
                    str(h.pk),
                    gettext("%(name)s (%(days)s days from %(day)s, %(n)s min)")
                    % {
                        "name": h.name,
                        "days": h.days,
                        "day": h.first_day.isoformat(),
                        "n": h.interval_minutes,
                    },
                )
                for h in histories
            ),
        ]
        self.fields["source"].initial = JOURNAL
        self.fields["start"].initial = _next_monday()
        self.histories = {str(h.pk): h for h in histories}

    @classmethod
    def from_query(cls, query: QueryDict) -> PlanForm:
        """Bind to ``query`` with the defaults filled in; unbound when it is empty.

        A link that names only some inputs (a history and its next day) thus
        shows a plan instead of "required" errors.
        """
        if not query:
            return cls()
        data = query.copy()
        probe = cls()
        for name, f in probe.fields.items():
            initial = probe.get_initial_for_field(f, name)
            if name not in data and initial is not None:
                data[name] = (
                    initial.isoformat() if isinstance(initial, date) else str(initial)
                )
        # A stored history fixes the interval: show the one used.
        chosen = data.get("source", "")
        if chosen.isdigit():
            found = CallHistory.objects.filter(pk=int(chosen)).first()
            if found is not None:
                data["interval"] = str(found.interval_minutes)
        return cls(data)

    def clean_target_percent(self) -> float:
        value: float = self.cleaned_data["target_percent"]
        if not 0 < value < 100:
            raise forms.ValidationError(
                _("The service level target must lie strictly between 0 and 100%.")
            )
        return value

    def clean_target_seconds(self) -> float:
        value: float = self.cleaned_data["target_seconds"]
        if value < 0:
            raise forms.ValidationError(_("The target answer time cannot be negative."))
        return value

    def clean_aht_seconds(self) -> float | None:
        value: float | None = self.cleaned_data.get("aht_seconds")
        if value is not None and value <= 0:
            raise forms.ValidationError(
                _("The average handling time must be above zero.")
            )
        return value

    def clean_patience_seconds(self) -> float | None:
        value: float | None = self.cleaned_data.get("patience_seconds")
        if value is not None and value <= 0:
            raise forms.ValidationError(
                _("The callers' mean patience must be above zero.")
            )
        return value

    def clean_volume_percent(self) -> float:
        value: float = self.cleaned_data["volume_percent"]
        if value < 0:
            raise forms.ValidationError(_("The volume change cannot go below 0%."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("sickness", "leave", "training", "attrition"):
            value = cleaned.get(name)
            if value is not None and not 0 <= value < 100:
                self.add_error(
                    name, gettext("A shrinkage share lies from 0 to below 100%.")
                )
        source = cleaned.get("source")
        if source and source != JOURNAL and source in self.histories:
            cleaned["interval"] = self.histories[source].interval_minutes
        return cleaned

    def inputs(self) -> PlanInputs:
        """Return the plan inputs of a valid form."""
        d = self.cleaned_data
        return PlanInputs(
            line=d["line"],
            source=d["source"],
            start=d["start"],
            days=d["days"],
            interval_minutes=d["interval"],
            volume_percent=d["volume_percent"],
            aht_seconds=d["aht_seconds"],
            target_level=d["target_percent"] / 100,
            target_seconds=d["target_seconds"],
            patience_seconds=d["patience_seconds"],
            sickness=d["sickness"] / 100,
            leave=d["leave"] / 100,
            training=d["training"] / 100,
            attrition=d["attrition"] / 100,
            hours_per_day=d["hours_per_day"],
        )


class HistoryUploadForm(forms.Form):
    """A call history file to import for forecasting."""

    name = forms.CharField(label=_("Name"), max_length=200)
    line = forms.ModelChoiceField(
        label=_("Line"), queryset=PublicLine.objects.all(), required=False
    )
    file_format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES)
    interval = forms.TypedChoiceField(
        label=_("Interval"), choices=INTERVALS, coerce=int, initial=60
    )
    file = forms.FileField(
        label=_("File"),
        error_messages={
            "required": _("Choose a history file."),
            "empty": _("The history file is empty."),
        },
    )


class ScheduleForm(PlanForm):
    """A schedule: the plan inputs that make its demand, plus team and weeks."""

    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.all(),
        error_messages={"required": _("Choose the team to schedule.")},
    )
    weeks = forms.IntegerField(
        label=_("Weeks"),
        initial=1,
        min_value=1,
        max_value=4,
        error_messages={
            "min_value": _("A schedule covers 1 to 4 weeks."),
            "max_value": _("A schedule covers 1 to 4 weeks."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The horizon is whole weeks; the plan's own length is not asked.
        self.fields["days"].required = False
        self.fields["days"].widget = forms.HiddenInput()


class SwapForm(forms.Form):
    """The colleague's shift to take in exchange."""

    other = forms.IntegerField(
        label=_("Colleague's shift"),
        error_messages={"required": _("Choose the colleague's shift to swap with.")},
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class AdherenceForm(forms.Form):
    """Team and past day whose adherence to show."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all())
    day = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_day(self) -> date:
        value: date = self.cleaned_data["day"]
        if value > timezone.localdate():
            raise forms.ValidationError(
                _("Adherence is shown for today and past days.")
            )
        return value
