"""Pages of the staff application: start page, directory, absences, hours, account."""

from __future__ import annotations

import datetime
from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from infoline.accounts import services
from infoline.accounts.forms import (
    AbsenceForm,
    DepartmentAbsenceForm,
    LanguageForm,
    OtpForm,
    TokenForm,
    WhoHandlesForm,
)
from infoline.accounts.models import (
    Absence,
    Department,
    Employee,
    ExternalInstitution,
    OpeningCalendar,
    PublicLine,
    Weekday,
)
from infoline.accounts.permissions import has_action, require_action
from infoline.audit.choices import AuditAction
from infoline.audit.services import record_event
from infoline.lib.http import AuthedHttpRequest


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        language = form.get_user().language
        if language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        return response


@require_action("home.view")
def home(request: AuthedHttpRequest) -> HttpResponse:
    now = timezone.now()
    lines = PublicLine.objects.select_related("calendar", "department").order_by("name")
    calendars = {
        c.pk: c
        for c in services.prefetch_calendar(
            OpeningCalendar.objects.filter(lines__isnull=False).distinct()
        )
    }
    line_rows = []
    for line in lines:
        status = None
        if line.calendar_id in calendars:
            status = services.calendar_status(calendars[line.calendar_id], now)
        line_rows.append((line, status))
    return render(
        request,
        "accounts/home.html",
        {
            "line_rows": line_rows,
            "group_absences": services.list_group_absences(now)[:10],
            "now": now,
        },
    )


@require_action("directory.view")
def directory(request: AuthedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = (
        services.employees_with_presence(services.search_directory(query))
        if query
        else []
    )
    context = {
        "query": query,
        "results": results,
        "departments": Department.objects.filter(parent__isnull=True).prefetch_related(
            "children__children"
        ),
        "group_absences": services.list_group_absences(),
    }
    return render(request, "accounts/directory.html", context)


@require_GET
@require_action("directory.view")
def directory_search(request: AuthedHttpRequest) -> HttpResponse:
    """The htmx fragment that answers as the user types."""
    query = request.GET.get("q", "")
    results = (
        services.employees_with_presence(services.search_directory(query))
        if query.strip()
        else []
    )
    institutions = services.search_institutions(query, limit=5) if query.strip() else []
    return render(
        request,
        "accounts/_directory_results.html",
        {"query": query, "results": results, "institutions": institutions},
    )


@require_action("directory.view")
def employee_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    employee = get_object_or_404(
        Employee.objects.select_related("department", "user"), pk=pk, active=True
    )
    availability = services.get_availability(employee)
    own = getattr(request.user, "employee", None) == employee
    context = {
        "employee": employee,
        "availability": availability,
        "own": own,
        # The reason of an absence is shown to the person alone (A3, DK §1).
        "own_absence": employee.current_absence() if own else None,
        "substitutes": employee.substitutes.select_related("department"),
    }
    return render(request, "accounts/employee_detail.html", context)


@require_action("directory.view")
def department_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(
        Department.objects.select_related("parent", "calendar", "secretary"), pk=pk
    )
    employees = services.employees_with_presence(
        list(department.employees.filter(active=True).select_related("department"))
    )
    handler = None
    form = WhoHandlesForm(request.GET or None)
    lookup_error = ""
    if department.split_rule and request.GET and form.is_valid():
        try:
            handler = services.who_handles(department, **form.cleaned_data)
            if handler is None:
                lookup_error = _(
                    "No employee's range covers this person; ask the department."
                )
        except ValidationError as exc:
            lookup_error = " ".join(exc.messages)
    status = None
    if department.calendar_id is not None:
        calendar = services.prefetch_calendar(
            OpeningCalendar.objects.filter(pk=department.calendar_id)
        ).get()
        status = services.calendar_status(calendar)
    context = {
        "department": department,
        "employees": employees,
        "children": department.children.all(),
        "splits": department.splits.select_related("employee"),
        "form": form,
        "handler": handler,
        "lookup_error": lookup_error,
        "status": status,
        "group_absences": department.group_absences.filter(ends_at__gt=timezone.now()),
    }
    return render(request, "accounts/department_detail.html", context)


@require_action("directory.view")
def institutions(request: AuthedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    items = (
        services.search_institutions(query, limit=100)
        if query
        else ExternalInstitution.objects.all()[:200]
    )
    return render(
        request, "accounts/institutions.html", {"query": query, "institutions": items}
    )


@require_action("absence.manage_own")
def absences(request: AuthedHttpRequest) -> HttpResponse:
    """Own absences (with reasons); team leads also record others' and meetings."""
    user = request.user
    own_employee = getattr(user, "employee", None)
    may_manage_team = has_action(user, "absence.manage_team")
    if may_manage_team:
        choices = Employee.objects.filter(active=True).select_related("department")
    elif own_employee is not None:
        choices = Employee.objects.filter(pk=own_employee.pk)
    else:
        choices = Employee.objects.none()
    initial = {"employee": own_employee.pk} if own_employee else {}
    form = AbsenceForm(
        request.POST or None, employee_choices=choices, initial=initial, prefix="a"
    )
    group_form = DepartmentAbsenceForm(None, prefix="g")
    if request.method == "POST" and request.POST.get("form") == "group":
        if not may_manage_team:
            return render(request, "403.html", status=403)
        group_form = DepartmentAbsenceForm(request.POST, prefix="g")
        form = AbsenceForm(None, employee_choices=choices, initial=initial, prefix="a")
        if group_form.is_valid():
            group_form.save()
            messages.success(request, _("The department absence is recorded."))
            return redirect("accounts:absences")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_absence(
                user,
                data["employee"],
                kind=data["kind"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                substitute=data["substitute"],
                note=data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The absence is recorded."))
            return redirect("accounts:absences")
    mine = (
        own_employee.absences.select_related("substitute").order_by("-starts_at")[:20]
        if own_employee
        else []
    )
    recorded: Any = []
    if may_manage_team:
        recorded = (
            Absence.objects.filter(ends_at__gt=timezone.now())
            .select_related("employee", "substitute")
            .order_by("starts_at")[:50]
        )
    return render(
        request,
        "accounts/absences.html",
        {
            "form": form,
            "group_form": group_form,
            "mine": mine,
            "recorded": recorded,
            "may_manage_team": may_manage_team,
        },
    )


@require_action("hours.view")
def hours(request: AuthedHttpRequest) -> HttpResponse:
    now = timezone.now()
    calendars = list(services.prefetch_calendar(OpeningCalendar.objects.all()))
    rows = [(c, services.calendar_status(c, now)) for c in calendars]
    lines = PublicLine.objects.select_related("calendar", "department")
    return render(
        request, "accounts/hours.html", {"rows": rows, "lines": lines, "now": now}
    )


@require_action("hours.view")
def calendar_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    import holidays as holidays_lib

    from infoline.accounts.hours import describe_hours

    calendar = get_object_or_404(
        services.prefetch_calendar(OpeningCalendar.objects.all()), pk=pk
    )
    plain = calendar.as_calendar()
    today = timezone.localdate()
    holiday_rows: list[tuple[datetime.date, str]] = []
    if calendar.country:
        found = holidays_lib.country_holidays(
            calendar.country,
            subdiv=calendar.subdivision or None,
            years=[today.year, today.year + 1],
            language=translation.get_language(),
        )
        holiday_rows = sorted((d, n) for d, n in found.items() if d >= today)[:15]
    week = [(Weekday(day).label, periods) for day, periods in describe_hours(plain)]
    exceptions = calendar.exception_days.filter(date__gte=today).order_by("date")
    return render(
        request,
        "accounts/calendar_detail.html",
        {
            "calendar": calendar,
            "status": services.calendar_status(calendar),
            "week": week,
            "exceptions": exceptions,
            "holidays": holiday_rows,
            "lines": calendar.lines.all(),
            "departments": calendar.departments.all(),
        },
    )


@require_action("account.manage")
def account(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    tokens = user.api_tokens.filter(revoked_at__isnull=True)
    return render(
        request,
        "accounts/account.html",
        {
            "language_form": LanguageForm(
                initial={"language": translation.get_language()}
            ),
            "token_form": TokenForm(),
            "tokens": tokens,
            "new_token": request.session.pop("new_token", None),
            "two_factor": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "two_factor_required": user.role in settings.INFOLINE_TWO_FACTOR_ROLES,
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; signed-in users keep it as their preference.

    Open to everyone (the login page has the switcher too), like Django's own
    ``set_language``.
    """
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


@require_POST
@require_action("api.tokens")
def token_create(request: AuthedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, raw = services.create_api_token(
                request.user, form.cleaned_data["name"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            request.session["new_token"] = raw
            messages.success(request, _("Copy the token now: it is shown only once."))
    else:
        messages.error(request, _("Give the token a name."))
    return redirect("accounts:account")


@require_POST
@require_action("api.tokens")
def token_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        services.revoke_api_token(request.user, pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The token is revoked."))
    return redirect("accounts:account")


@require_POST
@require_action("account.manage")
def sign_out_everywhere(request: AuthedHttpRequest) -> HttpResponse:
    services.sign_out_everywhere(request.user)
    return redirect(settings.LOGIN_URL)


def _totp_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1b2733")


@require_action("account.manage")
def two_factor_setup(request: AuthedHttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator: scan, type the code, done."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        messages.info(request, _("Two-factor authentication is already set up."))
        return redirect("accounts:account")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=False
        )
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            record_event(AuditAction.TWO_FACTOR_ENROLLED, user)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("home")
        record_event(AuditAction.TWO_FACTOR_FAILED, user)
        form.add_error(
            "code",
            _(
                "That code is not right; check the time on your phone and try the next code."
            ),
        )
    return render(
        request,
        "accounts/2fa_setup.html",
        {
            "form": form,
            "qr_svg": _totp_svg(device),
            "secret": b32encode(device.bin_key).decode(),
            "required": user.role in settings.INFOLINE_TWO_FACTOR_ROLES,
        },
    )


@require_action("account.manage")
def two_factor_verify(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    target = request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    if user.is_verified():  # type: ignore[attr-defined]  # added by OTPMiddleware
        return redirect(target)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:2fa-setup")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"].strip())
        if device is not None:
            otp_login(request, device)
            record_event(AuditAction.TWO_FACTOR_VERIFIED, user)
            return redirect(target)
        record_event(AuditAction.TWO_FACTOR_FAILED, user)
        form.add_error(
            "code",
            _(
                "That code is not right. Try the current code from your authenticator app."
            ),
        )
    return render(request, "accounts/2fa_verify.html", {"form": form})
