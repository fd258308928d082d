"""Browsing the audit trail (administrators and data-protection officers)."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from infoline.accounts.forms import AuditFilterForm
from infoline.accounts.permissions import require_action
from infoline.audit.models import AuditEvent

PAGE_SIZE = 50


@require_action("audit.view")
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            events = events.filter(
                Q(object_repr__icontains=data["q"])
                | Q(actor_name__icontains=data["q"])
                | Q(object_type__icontains=data["q"])
            )
        if data["action"]:
            events = events.filter(action=data["action"])
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            start = datetime.datetime.combine(
                data["date_from"], datetime.time.min, tzinfo=tz
            )
            events = events.filter(at__gte=start)
        if data["date_to"]:
            end = datetime.datetime.combine(
                data["date_to"] + datetime.timedelta(days=1),
                datetime.time.min,
                tzinfo=tz,
            )
            events = events.filter(at__lt=end)
    elif form.is_bound:
        events = AuditEvent.objects.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
