"""Forms of the knowledge pages; every error is a translated message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infoline.accounts.choices import Role
from infoline.accounts.models import Department, Employee, PublicLine, User
from infoline.journal.models import Topic
from infoline.knowledge.models import KnowledgeArticle, PeakAnnouncement

DATETIME_INPUTS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
_DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EDITOR_ROLES = [Role.SPECIALIST, Role.TEAM_LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR]


class TopicChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs' generic default
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_type_display()}: {obj}"


class EmployeeChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # stubs' generic default
    def label_from_instance(self, obj: Any) -> str:
        position = f", {obj.position}" if obj.position else ""
        return f"{obj}{position} — {obj.department.name}"


class ScriptForm(forms.Form):
    """A new version of a topic's answer script (J3) with its tier-2 people (J4)."""

    topic = TopicChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        error_messages={
            "required": _("Choose the topic this script answers."),
            "invalid_choice": _("Choose a topic from the list."),
        },
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the script a title.")},
    )
    body = forms.CharField(
        label=_("Script"),
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={
            "required": _("Write the script: what the agent says and does.")
        },
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=500,
        required=False,
        help_text=_("Words callers use for this question."),
    )
    specialists = EmployeeChoiceField(
        label=_("Recommended tier-2 specialists"),
        queryset=Employee.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Recommended tier-2 departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    change_note = forms.CharField(
        label=_("What changed"), max_length=300, required=False
    )

    def __init__(
        self, *args: Any, fixed_topic: Topic | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["topic"].queryset = Topic.objects.filter(active=True).select_related(
            "parent__parent"
        )
        if fixed_topic is not None:
            fields["topic"].queryset = Topic.objects.filter(pk=fixed_topic.pk)
            fields["topic"].initial = fixed_topic.pk
            fields["topic"].widget = forms.HiddenInput()
        fields["specialists"].queryset = Employee.objects.filter(
            active=True
        ).select_related("department")
        fields["departments"].queryset = Department.objects.all()


class ArticleForm(forms.ModelForm[KnowledgeArticle]):
    """A knowledge article or local-office page (K4)."""

    class Meta:
        model = KnowledgeArticle
        fields = [
            "title",
            "category",
            "office",
            "body",
            "keywords",
            "owner",
            "review_by",
            "active",
        ]
        widgets = {"review_by": _DATE, "body": forms.Textarea(attrs={"rows": 14})}
        error_messages = {
            "title": {"required": _("Give the article a title.")},
            "body": {"required": _("Write the article's text.")},
            "category": {"required": _("Choose what the article is about.")},
            "owner": {"required": _("Choose who keeps this article current.")},
            "review_by": {
                "required": _("Give the date by which the article must be reviewed."),
                "invalid": _("Enter the review date as a date."),
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["office"].queryset = Department.objects.filter(is_local_office=True)
        fields["owner"].queryset = User.objects.filter(
            role__in=EDITOR_ROLES, is_active=True
        ).order_by("last_name", "first_name")


class ReviewForm(forms.Form):
    """The owner confirms the article is current and sets the next review (K4)."""

    next_review = forms.DateField(
        label=_("Next review by"),
        widget=_DATE,
        error_messages={
            "required": _("Give the date of the next review."),
            "invalid": _("Enter the next review as a date."),
        },
    )

    def clean_next_review(self) -> Any:
        value = self.cleaned_data["next_review"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("The next review must be after today."))
        return value


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Form or document"),
        error_messages={
            "required": _("Choose a file to attach."),
            "empty": _("The chosen file is empty."),
        },
    )


class AnnouncementForm(forms.ModelForm[PeakAnnouncement]):
    """An expected peak (K5)."""

    class Meta:
        model = PeakAnnouncement
        fields = [
            "title",
            "starts_at",
            "ends_at",
            "expected_extra",
            "lines",
            "topics",
            "text",
        ]
        widgets = {
            "starts_at": _DT,
            "ends_at": _DT,
            "text": forms.Textarea(attrs={"rows": 5}),
            "lines": forms.SelectMultiple(attrs={"size": 6}),
            "topics": forms.SelectMultiple(attrs={"size": 8}),
        }
        error_messages = {
            "title": {"required": _("Give the announcement a title.")},
            "starts_at": {
                "required": _("Give when the peak starts."),
                "invalid": _("Enter the start as a date and time."),
            },
            "ends_at": {
                "required": _("Give when the peak ends."),
                "invalid": _("Enter the end as a date and time."),
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["starts_at"].input_formats = DATETIME_INPUTS
        fields["ends_at"].input_formats = DATETIME_INPUTS
        fields["lines"].queryset = PublicLine.objects.order_by("name")
        fields["topics"].queryset = Topic.objects.filter(active=True).select_related(
            "parent__parent"
        )
