"""Planner pages (issue 7 items 4, 7, 8): staffing plan, schedules, swaps, adherence.

Planning pages need ``workforce.plan``; every member of staff sees their
own published shifts (``workforce.own_schedule``); team leads and
supervisors decide swaps (``workforce.approve_swaps``) and, with planners,
see adherence (``workforce.adherence``; a team lead only their own teams).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from infoline.accounts.choices import Role
from infoline.accounts.models import Team
from infoline.accounts.permissions import require_action
from infoline.lib.http import AuthedHttpRequest
from infoline.workforce import charts, exports, services
from infoline.workforce.forms import (
    AdherenceForm,
    HistoryUploadForm,
    PlanForm,
    ScheduleForm,
    SwapForm,
)
from infoline.workforce.models import CallHistory, Schedule, ShiftAssignment

EXPORT_FORMATS = ("xlsx", "pdf")


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _plan_context(form: PlanForm) -> dict[str, Any]:
    """Compute the plan of a bound form; errors go into the context."""
    context: dict[str, Any] = {"form": form, "plan": None, "errors": []}
    if not form.is_bound or not form.is_valid():
        return context
    try:
        plan = services.compute_staffing_plan(form.inputs())
    except ValidationError as exc:
        context["errors"] = _errors(exc)
        return context
    context["plan"] = plan
    context["chart"] = charts.staffing_figure(plan)
    query = QueryDict(mutable=True)
    query.update(form.data)
    query.pop("format", None)
    context["query"] = query.urlencode()
    return context


@require_action("workforce.plan")
def plan(request: AuthedHttpRequest) -> HttpResponse:
    """The staffing plan: forecast, Erlang A per interval, FTE; what-if via htmx."""
    form = PlanForm.from_query(request.GET)
    context = _plan_context(form)
    if request.headers.get("HX-Request"):
        return render(request, "workforce/_plan_result.html", context)
    invalid = form.is_bound and (context["errors"] or form.errors)
    return render(
        request, "workforce/plan.html", context, status=422 if invalid else 200
    )


@require_action("workforce.plan")
def plan_export(request: AuthedHttpRequest) -> HttpResponse:
    """The plan as XLSX or PDF (``?format=``); bad inputs go back to the page."""
    kind = request.GET.get("format")
    form = PlanForm.from_query(request.GET)
    context = _plan_context(form)
    plan_ = context["plan"]
    if kind not in EXPORT_FORMATS:
        messages.error(request, _("Choose the export's format: XLSX or PDF."))
        return redirect(f"{reverse('workforce:plan')}?{request.GET.urlencode()}")
    if plan_ is None:
        messages.error(request, _("Correct the plan's inputs before exporting it."))
        return redirect(f"{reverse('workforce:plan')}?{request.GET.urlencode()}")
    name = f"staffing-{plan_.inputs.start.isoformat()}"
    if request.GET.get("format") == "pdf":
        response = HttpResponse(exports.plan_pdf(plan_), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    response = HttpResponse(
        exports.plan_xlsx(plan_),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@require_action("workforce.plan")
def histories(request: AuthedHttpRequest) -> HttpResponse:
    """Imported call histories; upload one (validated whole, stored only if valid)."""
    form = HistoryUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                row = services.import_call_history(
                    request.user,
                    d["file"].read(),
                    fmt=d["file_format"],
                    interval_minutes=d["interval"],
                    name=d["name"],
                    line=d["line"],
                )
            except ValidationError as exc:
                for message in _errors(exc):
                    form.add_error("file", message)
            else:
                messages.success(
                    request,
                    _("Imported %(calls)s calls over %(days)s days.")
                    % {"calls": row.total_calls, "days": row.days},
                )
                query = urlencode(
                    {
                        "line": row.line_id or "",
                        "source": row.pk,
                        "start": (row.first_day + timedelta(days=row.days)).isoformat(),
                    }
                )
                return redirect(f"{reverse('workforce:plan')}?{query}")
        status = 422
    rows = CallHistory.objects.select_related("line", "uploaded_by")[:50]
    return render(
        request,
        "workforce/histories.html",
        {"form": form, "histories": rows},
        status=status,
    )


@require_action("workforce.plan")
def schedules(request: AuthedHttpRequest) -> HttpResponse:
    """Schedules, newest first; create one (its solve starts in the background)."""
    form = ScheduleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            form.cleaned_data["days"] = 7 * d["weeks"]
            try:
                schedule = services.create_schedule(
                    request.user, form.inputs(), team=d["team"], weeks=d["weeks"]
                )
            except ValidationError as exc:
                for message in _errors(exc):
                    form.add_error(None, message)
            else:
                return redirect("workforce:schedule", schedule.pk)
        status = 422
    rows = Schedule.objects.select_related("line", "team", "created_by")[:50]
    return render(
        request,
        "workforce/schedules.html",
        {"form": form, "schedules": rows},
        status=status,
    )


def _schedule_context(schedule: Schedule) -> dict[str, Any]:
    shifts = list(schedule.shifts.select_related("user"))
    context: dict[str, Any] = {"schedule": schedule, "shifts": shifts}
    if shifts:
        staffed = services.staffed_per_interval(schedule)
        context["coverage_chart"] = charts.coverage_figure(
            schedule, staffed, schedule.demand
        )
        context["gantt_chart"] = charts.gantt_figure(schedule, shifts)
        context["required_hours"] = (
            sum(schedule.demand) * schedule.interval_minutes / 60
        )
        context["scheduled_hours"] = sum(staffed) * schedule.interval_minutes / 60
    return context


@require_action("workforce.plan")
def schedule_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One schedule: progress while solving (htmx polls), then charts and publish."""
    schedule = services.access_schedule(pk)
    if request.headers.get("HX-Request"):
        if schedule.solving:
            return render(
                request, "workforce/_solve_progress.html", {"schedule": schedule}
            )
        # Solved: the whole page is replaced, charts included.
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "workforce/schedule.html", _schedule_context(schedule))


@require_POST
@require_action("workforce.plan")
def schedule_stop(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Ask the solver to stop with the best schedule found so far."""
    schedule = services.access_schedule(pk)
    try:
        services.stop_schedule(schedule)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.info(request, _("Stopping: the best schedule so far is kept."))
    return redirect("workforce:schedule", schedule.pk)


@require_POST
@require_action("workforce.plan")
def schedule_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Publish a solved schedule to its agents."""
    schedule = services.access_schedule(pk)
    try:
        services.publish_schedule(request.user, schedule)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("Published: the agents see their shifts."))
    return redirect("workforce:schedule", schedule.pk)


@require_action("workforce.plan")
def schedule_export(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The schedule's shifts as XLSX or PDF (``?format=``)."""
    schedule = services.access_schedule(pk)
    shifts = list(schedule.shifts.select_related("user"))
    kind = request.GET.get("format")
    if kind not in EXPORT_FORMATS:
        messages.error(request, _("Choose the export's format: XLSX or PDF."))
        return redirect("workforce:schedule", schedule.pk)
    name = f"schedule-{schedule.team.name}-{schedule.start.isoformat()}"
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(
            exports.schedule_pdf(schedule, shifts), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    response = HttpResponse(
        exports.schedule_xlsx(schedule, shifts),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@require_action("workforce.own_schedule")
def my_schedule(request: AuthedHttpRequest) -> HttpResponse:
    """The signed-in employee's published shifts from today, and their swaps."""
    since = timezone.now() - timedelta(hours=12)
    mine = list(
        ShiftAssignment.objects.filter(
            user=request.user,
            schedule__status=Schedule.Status.PUBLISHED,
            end__gte=since,
        ).select_related("schedule")[:60]
    )
    colleagues: dict[int, list[ShiftAssignment]] = {}
    for shift in (
        ShiftAssignment.objects.filter(
            schedule_id__in={s.schedule_id for s in mine},
            start__gt=timezone.now(),
        )
        .exclude(user=request.user)
        .select_related("user")
    ):
        colleagues.setdefault(shift.schedule_id, []).append(shift)
    from infoline.workforce.models import SwapRequest

    swaps = SwapRequest.objects.filter(requested_by=request.user).select_related(
        "shift", "other_shift__user"
    )[:20]
    return render(
        request,
        "workforce/my_schedule.html",
        {
            "shifts": [(s, colleagues.get(s.schedule_id, [])) for s in mine],
            "swaps": swaps,
            "now": timezone.now(),
        },
    )


@require_POST
@require_action("workforce.own_schedule")
def swap_request(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Ask to swap one's own shift ``pk`` with a colleague's."""
    shift = ShiftAssignment.objects.select_related("schedule").filter(pk=pk).first()
    if shift is None or shift.user_id != request.user.pk:
        raise Http404
    form = SwapForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("workforce:my-schedule")
    other = (
        ShiftAssignment.objects.select_related("schedule")
        .filter(pk=form.cleaned_data["other"], schedule=shift.schedule)
        .first()
    )
    if other is None:
        messages.error(
            request, _("Choose a colleague's shift in the same published schedule.")
        )
        return redirect("workforce:my-schedule")
    try:
        services.request_swap(request.user, shift, other, form.cleaned_data["reason"])
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("Swap requested: your team lead decides."))
    return redirect("workforce:my-schedule")


@require_action("workforce.approve_swaps")
def swaps(request: AuthedHttpRequest) -> HttpResponse:
    """Swap requests of one's teams (team leads) or of everybody (supervisors)."""
    return render(
        request, "workforce/swaps.html", {"swaps": services.swaps_for(request.user)}
    )


@require_POST
@require_action("workforce.approve_swaps")
def swap_decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Approve or reject a swap (``decision`` = approve | reject)."""
    swap = services.access_swap(request.user, pk)
    decision = request.POST.get("decision")
    if decision not in {"approve", "reject"}:
        messages.error(request, _("Choose to approve or to reject the swap."))
        return redirect("workforce:swaps")
    try:
        services.decide_swap(request.user, swap, approve=decision == "approve")
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Swap approved: the shifts changed hands.")
            if decision == "approve"
            else _("Swap rejected."),
        )
    return redirect("workforce:swaps")


@require_action("workforce.adherence")
def adherence(request: AuthedHttpRequest) -> HttpResponse:
    """Adherence and conformance of a team's agents on a past day."""
    form = AdherenceForm(request.GET if "team" in request.GET else None)
    teams = Team.objects.all()
    if request.user.role == Role.TEAM_LEAD:
        teams = teams.filter(lead=request.user)
    form.fields["team"].queryset = teams  # type: ignore[attr-defined]  # ModelChoiceField
    rows = None
    if form.is_bound and form.is_valid():
        rows = services.adherence_for_day(
            form.cleaned_data["team"], form.cleaned_data["day"]
        )
    return render(
        request,
        "workforce/adherence.html",
        {"form": form, "rows": rows},
        status=422 if form.is_bound and form.errors else 200,
    )
