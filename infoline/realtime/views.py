"""The wall-board page; its figures arrive over the WebSocket.

Supervision acts post to their own URLs and go through the runner like any
desk request (``infoline.telephony.services``): a team lead changes an
agent's state, a supervisor switches a line's emergency mode (S1, T4).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from infoline.accounts.permissions import has_action, require_action

from .labels import (
    language_labels,
    queue_labels,
    reason_labels,
    robot_label,
    robot_name,
    skill_labels,
    state_labels,
)
from .state import initial_board


@require_action("wallboard.view")
def wallboard(request: HttpRequest) -> HttpResponse:
    """Show the queues and agents, live (S1)."""
    board = initial_board()
    queues = queue_labels()
    states = state_labels()
    reasons = reason_labels()
    for queue in board.get("queues", []):
        queue["name"] = queues.get(queue["id"], queue["id"])
    for person in board.get("people", []):
        if person.get("robot"):
            person["name"] = robot_name(person["name"])
        person["state_label"] = states.get(person["state"], person["state"])
        person["reason_label"] = reasons.get(person["reason"], person["reason"])
    from infoline.accounts.models import PublicLine, User
    from infoline.accounts.permissions import PERMISSIONS

    lines = list(PublicLine.objects.order_by("number").values_list("number", "name"))
    emergency = board.get("emergency", {})
    return render(
        request,
        "realtime/wallboard.html",
        {
            "can_emergency": has_action(request.user, "wallboard.emergency"),
            "can_set_state": has_action(request.user, "wallboard.agent_state"),
            "lines": [(number, name, emergency.get(number)) for number, name in lines],
            "agents": User.objects.filter(
                is_active=True, role__in=PERMISSIONS["telephony.softphone"]
            ).order_by("last_name", "first_name", "username"),
            "reasons": [
                (key, label)
                for key, label in reasons.items()
                if key not in ("login", "missed call")
            ],
            "skills": skill_labels(),
            "languages": language_labels(),
            "board": board,
            "labels": {
                "queues": queues,
                "states": states,
                "reasons": reasons,
                "robot": robot_label(),
            },
            "state_counts": [
                (key, label, board.get("agents", {}).get(key, 0))
                for key, label in states.items()
                if key != "logged_out"
            ],
        },
    )


@require_action("telephony.softphone")
def phone(request: HttpRequest) -> HttpResponse:
    """Show the softphone on its own page (the desk includes the same fragment)."""
    return render(request, "realtime/phone.html")


@require_POST
@require_action("wallboard.agent_state")
def agent_state(request: HttpRequest) -> HttpResponse:
    """A team lead sets an agent ready, not ready or logged out (S1)."""
    from infoline.accounts.models import User
    from infoline.telephony.services import set_agent_state

    raw = request.POST.get("agent", "")
    agent = (
        User.objects.filter(pk=int(raw), is_active=True).first()
        if raw.isdigit() and len(raw) < 10
        else None
    )
    try:
        if agent is None:
            raise ValidationError(_("Choose an agent."))
        set_agent_state(
            agent,
            request.POST.get("state", ""),
            request.POST.get("reason", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("realtime:wallboard")
    messages.success(
        request,
        _("Asked the phone system to change the state of %(name)s.")
        % {"name": agent.get_full_name() or agent.username},
    )
    return redirect("realtime:wallboard")


@require_POST
@require_action("wallboard.emergency")
def emergency(request: HttpRequest) -> HttpResponse:
    """A supervisor switches a line's emergency mode (S1, RU D/01-D/02)."""
    from infoline.telephony.services import switch_emergency

    try:
        switch_emergency(
            request.user,
            request.POST.get("line", ""),
            request.POST.get("mode", ""),
            request.POST.get("announcement", ""),
            request.POST.get("to_queue", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("realtime:wallboard")
    messages.success(request, _("Emergency switch sent to the phone system."))
    return redirect("realtime:wallboard")


@require_POST
@require_action("wallboard.agent_state")
def agent_skills(request: HttpRequest) -> HttpResponse:
    """A team lead sets an agent's skill and language levels (S1)."""
    from infoline.accounts.models import User
    from infoline.telephony.config import LANGUAGES, default_config
    from infoline.telephony.services import set_agent_skills

    raw = request.POST.get("agent", "")
    agent = (
        User.objects.filter(pk=int(raw), is_active=True).first()
        if raw.isdigit() and len(raw) < 10
        else None
    )
    try:
        if agent is None:
            raise ValidationError(_("Choose an agent."))
        levels: dict[str, dict[str, int]] = {"skill": {}, "lang": {}}
        names = {"skill": sorted(default_config(()).skills), "lang": list(LANGUAGES)}
        for kind, keys in names.items():
            for key in keys:
                value = request.POST.get(f"{kind}-{key}", "0").strip() or "0"
                if not value.isdigit() or len(value) > 2:
                    raise ValidationError(
                        _("Levels are whole numbers from 0 to %(max)d.") % {"max": 5}
                    )
                levels[kind][key] = int(value)
        set_agent_skills(agent, levels["skill"], levels["lang"], actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("realtime:wallboard")
    messages.success(
        request,
        _("Skills of %(name)s saved and sent to the phone system.")
        % {"name": agent.get_full_name() or agent.username},
    )
    return redirect("realtime:wallboard")
