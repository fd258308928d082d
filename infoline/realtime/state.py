"""What a desk or a wall-board shows first, and how pushes change it.

Clients load ``initial_state`` when they connect, then apply the events the
runner pushes (Zulip's events system). ``apply_events`` is the same
function in Python that ``static/js/softphone.js`` and ``wallboard.js``
implement, so tests can prove ``apply_events(before, pushed) == after``.

Message types (typed dicts crossing the WebSocket):

- ``{"type": "agent", "op": "initial" | "state" | "offer" | "answered" |
  "ended" | "refused" | "error", ...}`` to one agent's desk. The call of a
  ``state`` push also says where it stands (T7): ``phase`` (the engine's
  call state: "talking", "held", "consulting"...), ``consult`` (this agent
  is the colleague being consulted), ``colleague`` (the other agent of a
  consultation) and ``colleague_state`` ("ringing", then "talking" once the
  consulted colleague picked up);
- ``{"type": "agent", "op": "colleagues", "q", "results"}``: the answer to
  the desk's own ``find`` request, not a change of state;
- ``{"type": "board", "op": "initial" | "update", "board": {...}}`` to the
  wall-boards.
"""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = [
    "AgentView",
    "apply_agent_events",
    "apply_board_events",
    "initial_agent_state",
    "initial_board",
]


class AgentView(TypedDict):
    """An agent's desk: state, reason, since (engine time) and current call."""

    state: str
    reason: str | None
    since: float | None
    call: dict[str, Any] | None


EMPTY_AGENT: AgentView = {
    "state": "logged_out",
    "reason": None,
    "since": None,
    "call": None,
}


def initial_agent_state(user_id: int) -> AgentView:
    """Return the agent's state as the runner last stored it."""
    from infoline.telephony.models import LiveState

    row = LiveState.objects.filter(key=f"agent:{user_id}").first()
    if row is None:
        return dict(EMPTY_AGENT)  # type: ignore[return-value]  # same keys
    data = row.data
    return {
        "state": data.get("state", "logged_out"),
        "reason": data.get("reason"),
        "since": data.get("since"),
        "call": data.get("call"),
    }


def initial_board() -> dict[str, Any]:
    """Return the wall-board as the runner last stored it (empty if none)."""
    from infoline.telephony.models import LiveState

    row = LiveState.objects.filter(key="board").first()
    return dict(row.data) if row is not None else {}


def apply_agent_events(view: AgentView, events: list[dict[str, Any]]) -> AgentView:
    """Return the desk after the pushed ``events`` (the input is not changed)."""
    state: AgentView = {
        "state": view["state"],
        "reason": view["reason"],
        "since": view["since"],
        "call": dict(view["call"]) if view["call"] else None,
    }
    for event in events:
        op = event["op"]
        if op == "state":
            state["state"] = event["state"]
            state["reason"] = event["reason"]
            state["since"] = event["since"]
            state["call"] = event["call"]
        elif op == "offer":
            state["call"] = {k: v for k, v in event.items() if k not in {"op", "type"}}
        elif op == "answered" and state["call"] is not None:
            if state["call"].get("call_id") == event["call_id"]:
                state["call"]["contact_id"] = event["contact_id"]
                state["call"]["contact_url"] = event["contact_url"]
        elif (
            op == "ended"
            and state["call"] is not None
            and state["call"].get("call_id") == event["call_id"]
        ):
            state["call"] = None
    return state


def apply_board_events(
    board: dict[str, Any], events: list[dict[str, Any]]
) -> dict[str, Any]:
    """Return the wall-board after ``events``: each update replaces it whole."""
    for event in events:
        if event.get("op") == "update":
            board = dict(event["board"])
    return board
