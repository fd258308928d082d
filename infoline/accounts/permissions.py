"""The permission matrix: which role may perform which action.

Every view and API endpoint names one action; ``docs/permissions.md`` shows this
table to people, and a test keeps the two identical and walks every URL as every
role, so no page can be added without a decision here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from infoline.accounts.choices import Role

__all__ = ["ACTIONS", "PERMISSIONS", "has_action", "require_action"]

ALL = frozenset(Role.values)
LEADS = frozenset({Role.TEAM_LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR})

# action -> (description, roles allowed)
ACTIONS: dict[str, tuple[str, frozenset[str]]] = {
    "home.view": ("See the start page", ALL),
    "account.manage": (
        "Manage own account: language, two-factor, sign out everywhere",
        ALL,
    ),
    "api.tokens": ("Create and revoke own API tokens", ALL),
    "directory.view": (
        "Search the organisation directory and see when people are back",
        ALL,
    ),
    "absence.manage_own": ("Record own absences and see their reasons", ALL),
    "absence.manage_team": ("Record absences of others and department meetings", LEADS),
    "hours.view": ("See opening hours and holidays", ALL),
    "audit.view": (
        "Browse the audit log",
        frozenset({Role.ADMINISTRATOR, Role.DPO}),
    ),
    "clients.search": (
        "Find callers, authenticate them, see what authentication allows",
        frozenset({Role.AGENT, Role.SPECIALIST, Role.TEAM_LEAD, Role.SUPERVISOR}),
    ),
    "desk.use": (
        "Work on the agent desk: register and journal contacts, keep callbacks, take messages",
        frozenset({Role.AGENT, Role.SPECIALIST, Role.TEAM_LEAD, Role.SUPERVISOR}),
    ),
    "desk.team": (
        "See the open, due and overdue items of a team",
        frozenset({Role.TEAM_LEAD, Role.SUPERVISOR}),
    ),
    "clients.override": (
        "See a person's data without caller authentication, with a written reason",
        frozenset({Role.SPECIALIST, Role.TEAM_LEAD, Role.SUPERVISOR}),
    ),
    "knowledge.view": (
        "Read answer scripts, knowledge articles and peak announcements; search them",
        ALL - {Role.DPO},
    ),
    "knowledge.edit": (
        "Write script drafts and knowledge articles, attach forms, confirm reviews",
        frozenset(
            {Role.SPECIALIST, Role.TEAM_LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR}
        ),
    ),
    "knowledge.approve": ("Approve another author's script draft", LEADS),
    "knowledge.announce": (
        "Announce expected peaks to agents and planners",
        LEADS | {Role.PLANNER},
    ),
    "clients.import": (
        "Import persons and employers from CSV or XLSX files",
        frozenset({Role.ADMINISTRATOR}),
    ),
    "privacy.audit": (
        "See who looked at whose personal data; export access reports",
        frozenset({Role.DPO}),
    ),
    "privacy.approve": (
        "Approve or reject another person's erasure request",
        frozenset({Role.DPO, Role.ADMINISTRATOR}),
    ),
    "journal.attachments": (
        "Attach documents to contacts one handles and open them (logged)",
        frozenset(
            {
                Role.AGENT,
                Role.SPECIALIST,
                Role.TEAM_LEAD,
                Role.SUPERVISOR,
                Role.ADMINISTRATOR,
            }
        ),
    ),
    "journal.export": (
        "Export journal extracts (CSV, XLSX); every person in them is access-logged",
        LEADS,
    ),
    "telephony.softphone": (
        "Take calls: start and end work, ready / not ready, answer, hold, transfer and end calls",
        frozenset({Role.AGENT, Role.SPECIALIST, Role.TEAM_LEAD, Role.SUPERVISOR}),
    ),
    "wallboard.view": (
        "See the live wall-board: waiting calls, agents by state, service level",
        frozenset({Role.TEAM_LEAD, Role.SUPERVISOR}),
    ),
    "wallboard.agent_state": (
        "Change an agent's phone state and skills from the wall-board (logged with who did it)",
        frozenset({Role.TEAM_LEAD, Role.SUPERVISOR}),
    ),
    "wallboard.emergency": (
        "Switch a line's emergency mode: close it with an announcement or overflow it",
        frozenset({Role.SUPERVISOR}),
    ),
    "ivr.edit": (
        "Edit the IVR flows of the public numbers",
        frozenset({Role.ADMINISTRATOR}),
    ),
    "workforce.plan": (
        "Plan staffing: forecasts, call histories, staffing plans, schedules, publishing",
        frozenset({Role.PLANNER, Role.SUPERVISOR, Role.ADMINISTRATOR}),
    ),
    "workforce.own_schedule": (
        "See one's own published shifts and ask to swap them with a colleague",
        ALL,
    ),
    "workforce.approve_swaps": (
        "Approve or reject shift swaps between agents",
        frozenset({Role.TEAM_LEAD, Role.SUPERVISOR}),
    ),
    "workforce.adherence": (
        "See schedule adherence and conformance per agent and team",
        frozenset({Role.TEAM_LEAD, Role.SUPERVISOR, Role.PLANNER, Role.ADMINISTRATOR}),
    ),
    "admin.site": (
        "Use the administration site for reference data and staff",
        frozenset({Role.ADMINISTRATOR}),
    ),
}
PERMISSIONS: dict[str, frozenset[str]] = {
    action: roles for action, (_d, roles) in ACTIONS.items()
}

V = TypeVar("V", bound=Callable[..., HttpResponse])


def has_action(user: Any, action: str) -> bool:
    """Whether ``user`` may perform ``action``; unknown actions are a bug."""
    assert action in PERMISSIONS, f"unknown action {action!r}: add it to ACTIONS"
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.role in PERMISSIONS[action]


def require_action(action: str) -> Callable[[V], V]:
    """Decorate a view: anonymous → login page, wrong role → 403."""
    assert action in PERMISSIONS, f"unknown action {action!r}: add it to ACTIONS"

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_action(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.infoline_action = action  # type: ignore[attr-defined]  # read by the URL-walk test
        return wrapped  # type: ignore[return-value]  # same signature as view

    return decorator
