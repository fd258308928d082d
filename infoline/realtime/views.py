"""The wall-board page; its figures arrive over the WebSocket."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from infoline.accounts.permissions import require_action

from .labels import (
    queue_labels,
    reason_labels,
    robot_label,
    robot_name,
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
    return render(
        request,
        "realtime/wallboard.html",
        {
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
