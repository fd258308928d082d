"""Navigation per role: only the pages the signed-in user may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from infoline.accounts.permissions import has_action

# (label, URL name, action); the first item whose URL prefixes the path is current.
NAVIGATION = [
    (_("Start"), "home", "home.view"),
    (_("Desk"), "journal:desk", "desk.use"),
    (_("Journal"), "journal:list", "desk.use"),
    (_("Team"), "journal:team", "desk.team"),
    (_("Wall-board"), "realtime:wallboard", "wallboard.view"),
    (_("Directory"), "accounts:directory", "directory.view"),
    (_("My schedule"), "workforce:my-schedule", "workforce.own_schedule"),
    (_("Staffing"), "workforce:plan", "workforce.plan"),
    (_("Schedules"), "workforce:schedules", "workforce.plan"),
    (_("Swaps"), "workforce:swaps", "workforce.approve_swaps"),
    (_("Adherence"), "workforce:adherence", "workforce.adherence"),
    (_("Knowledge"), "knowledge:search", "knowledge.view"),
    (_("Absences"), "accounts:absences", "absence.manage_own"),
    (_("Opening hours"), "accounts:hours", "hours.view"),
    (_("Audit log"), "audit:list", "audit.view"),
    (_("Data access"), "clients:privacy", "privacy.audit"),
    (_("Erasure"), "clients:erasures", "privacy.approve"),
    (_("IVR"), "telephony:flows", "ivr.edit"),
    (_("Import"), "clients:import", "clients.import"),
    (_("Administration"), "admin:index", "admin.site"),
]


# Items beyond the first NAV_VISIBLE a role may open go under "More", so the bar
# keeps one line however many pages a role has (NAVIGATION is in priority order).
NAV_VISIBLE = 7


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_more": []}
    items = []
    for label, name, action in NAVIGATION:
        if has_action(user, action):
            url = reverse(name)
            current = (
                request.path == url if url == "/" else request.path.startswith(url)
            )
            items.append({"label": label, "url": url, "current": current})
    more = items[NAV_VISIBLE:] if len(items) > NAV_VISIBLE + 1 else []
    shown = items[: len(items) - len(more)]
    return {
        "nav_items": shown,
        "nav_more": more,
        "nav_more_current": any(item["current"] for item in more),
    }
