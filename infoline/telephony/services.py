"""Telephony acts reachable from the desk, the consumers and the commands.

The desk never touches the engine: it asks the runner through a
``DeskRequest`` row, which the runner turns into a logged engine event
(single writer). A request the engine refuses (answering a call that
already ended) comes back to the desk as a ``refused`` push.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from infoline.accounts.permissions import has_action

from .clock import ScaledClock, VirtualClock
from .config import (
    LANGUAGE_KEYS,
    MENU_KEYS,
    ROBOT_PREFIX,
    default_config,
    robot_profile,
)
from .models import DeskOp, DeskRequest
from .runner import Runner
from .simulated import SimulatedAdapter
from .traffic import TrafficGenerator, busy_hour_shift, load_profile

__all__ = [
    "AGENT_STATES",
    "CALL_ACTIONS",
    "SimulationParams",
    "build_simulated_runner",
    "request_call_action",
    "set_agent_state",
]

# Agent states a person sets from the desk (the rest follow from calls).
AGENT_STATES = {
    "logged_in": DeskOp.LOG_IN,
    "logged_out": DeskOp.LOG_OUT,
    "ready": DeskOp.READY,
    "not_ready": DeskOp.NOT_READY,
    "wrap_up_done": DeskOp.WRAP_UP_DONE,
}
CALL_ACTIONS = {
    "answer": DeskOp.ANSWER,
    "hang_up": DeskOp.HANG_UP,
    "hold": DeskOp.HOLD,
    "retrieve": DeskOp.RETRIEVE,
}
NOT_READY_REASONS = ("break", "lunch", "meeting", "training", "other work")


def _require_softphone(user: Any) -> None:
    if not has_action(user, "telephony.softphone"):
        raise ValidationError(_("Your role does not take calls."))


def set_agent_state(user: Any, state: str, reason: str = "") -> DeskRequest:
    """Ask the runner to change the agent's state (T10).

    ``state``: one of ``AGENT_STATES``; not ready needs a reason from
    ``NOT_READY_REASONS``. Whether the move is legal now (ready while
    talking is not) is the engine's decision, answered by a push.
    """
    _require_softphone(user)
    op = AGENT_STATES.get(state)
    if op is None:
        raise ValidationError(_("Unknown agent state."))
    reason = reason.strip()
    if op == DeskOp.NOT_READY:
        if reason not in NOT_READY_REASONS:
            raise ValidationError(_("Choose why you are not ready."))
    else:
        reason = ""
    return DeskRequest.objects.create(agent=user, op=op, reason=reason)


def request_call_action(user: Any, action: str, call_id: str = "") -> DeskRequest:
    """Ask the runner to answer, hang up, hold or retrieve the agent's call.

    With the ``simulated`` adapter these stand in for the phone's buttons;
    ``call_id`` empty means the call the agent has now.
    """
    _require_softphone(user)
    op = CALL_ACTIONS.get(action)
    if op is None:
        raise ValidationError(_("Unknown call action."))
    if len(call_id) > 100:
        raise ValidationError(_("Unknown call."))
    return DeskRequest.objects.create(agent=user, op=op, call_id=call_id)


@dataclass(frozen=True)
class SimulationParams:
    """What makes a simulated run reproducible (stored with its log).

    ``speed`` 0 runs on a virtual clock as fast as possible; otherwise on
    the wall clock sped up ``speed`` times. ``busy_hour`` maps the start
    onto that hour of a Tuesday of the profile (``None``: real time of day).
    """

    seed: int = 1
    origin: float = 0.0
    robots: int = 8
    scale: float = 1.0
    busy_hour: int | None = None
    shift_s: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """Return the parameters stored with the runner's checkpoint."""
        return {
            "seed": self.seed,
            "origin": self.origin,
            "robots": self.robots,
            "scale": self.scale,
            "shift_s": self.shift_s,
        }


def simulation_params(
    seed: int,
    robots: int,
    scale: float,
    busy_hour: int | None,
    origin: float | None = None,
) -> SimulationParams:
    """Return parameters starting now (or at ``origin``), shift computed."""
    start = time.time() if origin is None else origin
    shift = (
        0.0
        if busy_hour is None
        else busy_hour_shift(start, settings.TIME_ZONE, busy_hour)
    )
    return SimulationParams(
        seed=seed,
        origin=round(start, 3),
        robots=robots,
        scale=scale,
        busy_hour=busy_hour,
        shift_s=shift,
    )


def build_simulated_runner(
    params: SimulationParams,
    *,
    speed: float = 1.0,
    name: str = "default",
    resume_at: float | None = None,
    **runner_options: Any,
) -> Runner:
    """Return a runner with the simulated adapter over the organisation's lines.

    ``resume_at``: where the clock starts (the last logged instant after a
    restart under a virtual or sped-up clock); default: the origin, or the
    wall clock at speed 1.
    """
    from infoline.accounts.models import PublicLine

    lines = tuple(
        PublicLine.objects.order_by("number").values_list("number", flat=True)
    )
    config = default_config(lines)
    # Flows administrators saved (T2) replace the standard flow of their line.
    from infoline.telephony.flow_services import stored_flows

    config = dataclasses.replace(config, flows={**config.flows, **stored_flows(lines)})
    traffic = TrafficGenerator(
        load_profile(),
        params.seed,
        params.origin,
        tuple(config.flows),
        scale=params.scale,
        shift_s=params.shift_s,
        zone=settings.TIME_ZONE,
        languages=LANGUAGE_KEYS,
        menu=MENU_KEYS,
    )
    robots = {
        f"{ROBOT_PREFIX}{n}": robot_profile() for n in range(1, params.robots + 1)
    }
    adapter = SimulatedAdapter(traffic, robots)
    start = params.origin if resume_at is None else max(resume_at, params.origin)
    clock: ScaledClock | VirtualClock
    if speed == 0:
        clock = VirtualClock(start)
    elif speed == 1 and resume_at is None:
        clock = ScaledClock(max(time.time(), params.origin), 1.0)
    else:
        clock = ScaledClock(start, speed)
    return Runner(
        config, adapter, clock, name=name, params=params.as_json(), **runner_options
    )
