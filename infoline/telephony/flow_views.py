"""The IVR flow editor for administrators (T1, T2, T12): one row per node."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from infoline.accounts.models import PublicLine
from infoline.accounts.permissions import require_action
from infoline.lib.http import AuthedHttpRequest
from infoline.telephony import flow_services
from infoline.telephony.flows import flow_to_data

KIND_CHOICES = [
    ("say", gettext_lazy("Say a message")),
    ("recording_notice", gettext_lazy("Recording notice")),
    ("choose_language", gettext_lazy("Choose the language")),
    ("menu", gettext_lazy("Menu")),
    ("enter_identity_code", gettext_lazy("Enter the identity code")),
    ("check_hours", gettext_lazy("Check opening hours")),
    ("to_queue", gettext_lazy("Put in a queue")),
    ("closed", gettext_lazy("Closed: say the hours")),
    ("end", gettext_lazy("Say and hang up")),
]
# Which row fields each kind uses, in the stored data's names.
FIELDS_OF: dict[str, tuple[str, ...]] = {
    "say": ("prompt", "next"),
    "recording_notice": ("prompt", "next"),
    "choose_language": ("prompt", "options", "next"),
    "menu": ("prompt", "options", "default", "retries"),
    "enter_identity_code": ("prompt", "next", "max_digits"),
    "check_hours": ("calendar", "open", "closed"),
    "to_queue": ("queue",),
    "closed": ("prompt", "take_message"),
    "end": ("prompt",),
}


class NodeForm(forms.Form):
    name = forms.SlugField(label=gettext_lazy("Node"), max_length=40)
    kind = forms.ChoiceField(
        label=gettext_lazy("What it does"),
        choices=[("", "—"), *KIND_CHOICES],
        required=False,
    )
    prompt = forms.CharField(
        label=gettext_lazy("Message"), required=False, max_length=200
    )
    next = forms.CharField(label=gettext_lazy("Then"), required=False, max_length=40)
    options = forms.CharField(
        label=gettext_lazy("Keys"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("key=node, separated by spaces, e.g. 1=jobseekers"),
    )
    default = forms.CharField(
        label=gettext_lazy("No key"), required=False, max_length=40
    )
    retries = forms.IntegerField(
        label=gettext_lazy("Repeats"), required=False, min_value=0, max_value=5
    )
    max_digits = forms.IntegerField(
        label=gettext_lazy("Digits"), required=False, min_value=1, max_value=32
    )
    queue = forms.CharField(label=gettext_lazy("Queue"), required=False, max_length=40)
    calendar = forms.CharField(
        label=gettext_lazy("Calendar"), required=False, max_length=40
    )
    open = forms.CharField(label=gettext_lazy("If open"), required=False, max_length=40)
    closed = forms.CharField(
        label=gettext_lazy("If closed"), required=False, max_length=40
    )
    take_message = forms.BooleanField(
        label=gettext_lazy("Voice message"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("name") and not data.get("kind"):
            self.add_error("kind", _("Choose what the node does."))
        return data

    def node_data(self) -> tuple[str, dict[str, Any]]:
        """(name, stored node data) from the cleaned row."""
        data = self.cleaned_data
        kind = data["kind"]
        node: dict[str, Any] = {"kind": kind}
        for field in FIELDS_OF[kind]:
            value = data.get(field)
            if field == "options":
                pairs = {}
                for item in (value or "").split():
                    key, sep, target = item.partition("=")
                    if not sep or not key or not target:
                        raise ValidationError(
                            _(
                                "Write keys as key=node, e.g. 1=jobseekers (“%(item)s” is not)."
                            )
                            % {"item": item}
                        )
                    pairs[key] = target
                node[field] = pairs
            elif field in {"retries", "max_digits"}:
                if value is not None:
                    node[field] = value
            elif field == "take_message":
                node[field] = bool(value)
            else:
                node[field] = (value or "").strip()
        return data["name"], node


NodeFormSet = forms.formset_factory(NodeForm, extra=2, can_delete=True)


def _initial(flow_data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, node in flow_data["nodes"].items():
        row = {"name": name, **node}
        if "options" in row:
            row["options"] = " ".join(f"{k}={v}" for k, v in row["options"].items())
        rows.append(row)
    return rows


@require_action("ivr.edit")
def flow_list(request: AuthedHttpRequest) -> HttpResponse:
    from infoline.telephony.models import IvrFlow

    lines = list(PublicLine.objects.order_by("name"))
    saved = {
        row.line_id: row
        for row in IvrFlow.objects.select_related("updated_by").filter(line__in=lines)
    }
    return render(
        request,
        "telephony/flow_list.html",
        {"rows": [(line, saved.get(line.pk)) for line in lines]},
    )


@require_action("ivr.edit")
def flow_edit(request: AuthedHttpRequest, line_id: int) -> HttpResponse:
    line = PublicLine.objects.filter(pk=line_id).first()
    if line is None:
        raise Http404
    flow, saved = flow_services.flow_of(line)
    current = flow_to_data(flow)
    problems: list[str] = []
    if request.method == "POST":
        formset = NodeFormSet(request.POST)
        start = request.POST.get("start", "").strip()
        language = request.POST.get("language", "").strip()
        if formset.is_valid():
            nodes: dict[str, Any] = {}
            try:
                for form in formset.forms:
                    data = form.cleaned_data
                    if not data or not data.get("name") or data.get("DELETE"):
                        continue  # a blank extra row or a deleted node
                    name, node = form.node_data()
                    if name in nodes:
                        raise ValidationError(
                            _("Two nodes are called “%(name)s”.") % {"name": name}
                        )
                    nodes[name] = node
                flow_services.save_flow(
                    request.user,
                    line,
                    {"start": start, "language": language, "nodes": nodes},
                )
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(request, _("The flow is saved and checked."))
                return redirect("telephony:flow-edit", line.pk)
        else:
            problems = [_("Correct the marked rows.")]
    else:
        formset = NodeFormSet(initial=_initial(current))
        start, language = current["start"], current["language"]
    queues, languages = flow_services.known_queues_and_languages()
    return render(
        request,
        "telephony/flow_edit.html",
        {
            "line": line,
            "formset": formset,
            "start": start,
            "language": language,
            "saved": saved,
            "problems": problems,
            "queues": sorted(queues),
            "languages": sorted(languages),
            "fields_of": FIELDS_OF,
        },
        status=422 if problems else 200,
    )
