"""Telephony acts reachable from the desk, the consumers and the commands.

The desk never touches the engine: it asks the runner through a
``DeskRequest`` row, which the runner turns into a logged engine event
(single writer). A request the engine refuses (answering a call that
already ended) comes back to the desk as a ``refused`` push.
"""

from __future__ import annotations

import dataclasses
import logging
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
    "EMERGENCY_MODES",
    "LEAD_STATES",
    "SimulationParams",
    "build_simulated_runner",
    "find_colleagues",
    "request_call_action",
    "request_transfer",
    "set_agent_skills",
    "set_agent_state",
    "switch_emergency",
]

log = logging.getLogger(__name__)

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
    "complete_transfer": DeskOp.COMPLETE_TRANSFER,
    "cancel_consult": DeskOp.CANCEL_CONSULT,
    "end_abusive": DeskOp.HANG_UP,
}
# Hang-ups whose reason is recorded with the call (T14).
END_REASONS = {"end_abusive": "abusive"}
NOT_READY_REASONS = ("break", "lunch", "meeting", "training", "other work")
# States a team lead may set for an agent from the wall-board (S1).
LEAD_STATES = ("ready", "not_ready", "logged_out")
EMERGENCY_MODES = ("off", "close", "overflow")
TRANSFER_KINDS = ("agent", "queue", "extension")
MAX_ANNOUNCEMENT = 200


def _require_softphone(user: Any) -> None:
    if not has_action(user, "telephony.softphone"):
        raise ValidationError(_("Your role does not take calls."))


def set_agent_state(
    user: Any, state: str, reason: str = "", actor: Any = None
) -> DeskRequest:
    """Ask the runner to change the agent's state (T10).

    ``state``: one of ``AGENT_STATES``; not ready needs a reason from
    ``NOT_READY_REASONS``. Whether the move is legal now (ready while
    talking is not) is the engine's decision, answered by a push.

    ``actor``: a team lead changing ``user``'s state from the wall-board
    (S1); needs ``wallboard.agent_state`` and one of ``LEAD_STATES``. The
    request keeps the actor, and the change is logged.
    """
    if actor is not None and actor != user:
        if not has_action(actor, "wallboard.agent_state"):
            raise ValidationError(_("Your role does not change agents' states."))
        if not has_action(user, "telephony.softphone"):
            raise ValidationError(_("This person does not take calls."))
        if state not in LEAD_STATES:
            raise ValidationError(_("Unknown agent state."))
    else:
        actor = None
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
    request = DeskRequest.objects.create(agent=user, op=op, reason=reason, actor=actor)
    if actor is not None:
        log.info(
            "agent state: %s set %s of agent %s (%s), desk request %s",
            actor.pk,
            state,
            user.pk,
            reason or "-",
            request.pk,
        )
    return request


def request_call_action(user: Any, action: str, call_id: str = "") -> DeskRequest:
    """Ask the runner to answer, hang up, hold or retrieve the agent's call.

    Also ``complete_transfer`` (join the caller with the consulted
    colleague and leave, T7), ``cancel_consult`` (back to the caller) and
    ``end_abusive`` (end an abusive call after the warning, T14: the call's
    record keeps the reason "abusive").
    With the ``simulated`` adapter these stand in for the phone's buttons;
    ``call_id`` empty means the call the agent has now.
    """
    _require_softphone(user)
    op = CALL_ACTIONS.get(action)
    if op is None:
        raise ValidationError(_("Unknown call action."))
    if len(call_id) > 100:
        raise ValidationError(_("Unknown call."))
    return DeskRequest.objects.create(
        agent=user, op=op, call_id=call_id, reason=END_REASONS.get(action, "")
    )


def _queue_ids() -> tuple[str, ...]:
    return tuple(default_config(()).queues)


def request_transfer(
    user: Any, kind: str, target: str, *, consult: bool = False, call_id: str = ""
) -> DeskRequest:
    """Ask the runner to transfer the agent's call (T7, T11).

    ``kind`` "agent" (``target`` a colleague's user id; ``consult`` for a
    warm transfer: the caller waits on hold while the agent briefs the
    colleague, then ``complete_transfer`` joins them), "queue" (blind, to a
    queue id) or "extension" (blind, to an extension of the directory,
    outside the queues). Whether the colleague is free is the engine's
    decision, answered by a push.
    """
    from infoline.accounts.models import Department, Employee, User

    _require_softphone(user)
    target = target.strip()
    if kind not in TRANSFER_KINDS:
        raise ValidationError(_("Choose whom to transfer the call to."))
    if len(call_id) > 100:
        raise ValidationError(_("Unknown call."))
    if consult and kind != "agent":
        raise ValidationError(_("Only a colleague can be consulted."))
    params: dict[str, Any]
    if kind == "agent":
        colleague = (
            User.objects.filter(pk=int(target), is_active=True).first()
            if target.isdigit() and len(target) < 10
            else None
        )
        if colleague is None or not has_action(colleague, "telephony.softphone"):
            raise ValidationError(_("This colleague does not take calls."))
        if colleague.pk == user.pk:
            raise ValidationError(_("You cannot transfer a call to yourself."))
        params = {"to_agent": str(colleague.pk)}
    elif kind == "queue":
        if target not in _queue_ids():
            raise ValidationError(_("Unknown queue."))
        params = {"to_queue": target}
    else:
        known = target.isdigit() and (
            Employee.objects.filter(extension=target, active=True).exists()
            or Department.objects.filter(extension=target).exists()
        )
        if not known:
            raise ValidationError(_("No one in the directory has this extension."))
        params = {"to_extension": target}
    params["consult"] = consult
    op = DeskOp.CONSULT if consult else DeskOp.TRANSFER
    return DeskRequest.objects.create(agent=user, op=op, call_id=call_id, params=params)


def find_colleagues(user: Any, query: str) -> list[dict[str, Any]]:
    """Find colleagues to transfer to, by name or extension, with presence.

    Presence (T10): "free" (ready on the phone), "talking" (on a call),
    "away" (not ready or not on the phone, absences included). Only people
    with a staff account who take calls can be consulted (``agent_id``);
    anyone with an extension can get a blind transfer.
    """
    from infoline.accounts.services import search_directory

    from .models import LiveState

    _require_softphone(user)
    employees = [
        e
        for e in search_directory(query)
        if e.user_id != user.pk and (e.extension or e.user_id)
    ]
    user_ids = [e.user_id for e in employees if e.user_id is not None]
    states = {
        row.key: row.data.get("state")
        for row in LiveState.objects.filter(key__in=[f"agent:{u}" for u in user_ids])
    }
    result = []
    for employee in employees:
        takes_calls = employee.user is not None and has_action(
            employee.user, "telephony.softphone"
        )
        state = states.get(f"agent:{employee.user_id}") if takes_calls else None
        # The phone's live state is more current than a planned absence:
        # someone on leave who signed in to the phone is working.
        if state == "ready":
            presence = "free"
        elif state in ("ringing", "talking", "on_hold", "after_call_work"):
            presence = "talking"
        else:
            presence = "away"
        result.append(
            {
                "name": str(employee),
                "department": employee.department.name,
                "extension": employee.extension or "",
                "agent_id": str(employee.user_id) if takes_calls else "",
                "presence": presence,
            }
        )
    return result


MAX_LEVEL = 5


def set_agent_skills(
    user: Any, skills: dict[str, int], languages: dict[str, int], actor: Any
) -> DeskRequest:
    """A team lead sets an agent's skills and languages (S1).

    Levels are 0 (none) to ``MAX_LEVEL``; the agent needs at least one skill
    and one language. Kept for the agent's next start of work
    (``AgentProfile``) and, through the runner, applied at once when the
    agent is working.
    """
    from .models import AgentProfile

    if not has_action(actor, "wallboard.agent_state"):
        raise ValidationError(_("Your role does not change agents' skills."))
    if not has_action(user, "telephony.softphone"):
        raise ValidationError(_("This person does not take calls."))
    config = default_config(())
    chosen: list[dict[str, int]] = []
    for given, known in ((skills, config.skills), (languages, config.languages)):
        if set(given) - set(known):
            raise ValidationError(_("Unknown skill or language."))
        if any(
            not isinstance(level, int) or not 0 <= level <= MAX_LEVEL
            for level in given.values()
        ):
            raise ValidationError(
                _("Levels are whole numbers from 0 to %(max)d.") % {"max": MAX_LEVEL}
            )
        chosen.append({k: v for k, v in sorted(given.items()) if v > 0})
    if not chosen[0]:
        raise ValidationError(_("An agent needs at least one skill."))
    if not chosen[1]:
        raise ValidationError(_("An agent needs at least one language."))
    AgentProfile.objects.update_or_create(
        agent=user,
        defaults={"skills": chosen[0], "languages": chosen[1], "updated_by": actor},
    )
    request = DeskRequest.objects.create(
        agent=user,
        actor=actor,
        op=DeskOp.SKILLS,
        params={"skills": chosen[0], "languages": chosen[1]},
    )
    log.info(
        "agent skills: %s set %s %s of agent %s (desk request %s)",
        actor.pk,
        chosen[0],
        chosen[1],
        user.pk,
        request.pk,
    )
    return request


def switch_emergency(
    user: Any, line: str, mode: str, announcement: str = "", to_queue: str = ""
) -> DeskRequest:
    """Ask the runner to switch a line's emergency mode (S1, T4).

    ``mode`` "close" plays ``announcement`` to every waiting caller and new
    caller of the line and hangs up; "overflow" sends them all to
    ``to_queue``; "off" ends the emergency. Supervisors only.
    """
    from infoline.accounts.models import PublicLine

    if not has_action(user, "wallboard.emergency"):
        raise ValidationError(_("Your role does not switch emergency modes."))
    if not PublicLine.objects.filter(number=line).exists():
        raise ValidationError(_("Unknown line."))
    if mode not in EMERGENCY_MODES:
        raise ValidationError(_("Choose what the emergency switch does."))
    announcement = announcement.strip()
    if len(announcement) > MAX_ANNOUNCEMENT:
        raise ValidationError(_("The announcement is too long."))
    if mode == "close" and not announcement:
        raise ValidationError(_("Closing a line needs an announcement."))
    if mode == "overflow":
        if to_queue not in _queue_ids():
            raise ValidationError(_("Choose the queue that takes the line's callers."))
    else:
        to_queue = ""
    request = DeskRequest.objects.create(
        agent=user,
        actor=user,
        op=DeskOp.EMERGENCY,
        params={
            "line": line,
            "mode": mode,
            "announcement": announcement if mode != "off" else "",
            "to_queue": to_queue or None,
        },
    )
    log.warning(
        "emergency: %s switched line %s to %s (desk request %s)",
        user.pk,
        line,
        mode,
        request.pk,
    )
    return request


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
