"""Routing policies and their configuration, as plain data and pure functions.

- Queues carry a priority, a required skill with a minimum level, the
  languages they serve with a minimum level, an overflow target after a wait
  (another queue, e.g. local-office consultants, T11), the callback-offer
  threshold (C1), the after-call-work limit and the ring timeout.
- A call waits under a ``Requirement`` (skill, level, language, level): its
  queue's skill and the caller's language. Agents are indexed under every
  requirement they satisfy, so choosing the longest-idle qualified agent, or
  the oldest highest-priority call an agent qualifies for, is a heap peek.
- Expected wait: position times the queue's average handling time (an
  exponentially weighted mean of observed talk times) over the agents
  staffing the requirement.

Files to keep in sync: ``engine.py`` (uses every field), the Django admin
forms that edit queues.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from .errors import ConfigError, FlowError
from .ivr import Flow, validate_flow

__all__ = [
    "AHT_WEIGHT",
    "HoursFn",
    "Queue",
    "Requirement",
    "RoutingConfig",
    "always_open",
    "expected_wait",
    "qualifies",
    "requirement_for",
    "update_handle_time",
    "validate_config",
]

# Weight of the newest talk time in the running average handling time.
AHT_WEIGHT = 0.05

# ``is_open(calendar, now)``: the opening-hours facts come from outside
# (the foundation's calendars and holidays); must be a pure function of its
# arguments so that replaying events rebuilds the same state.
HoursFn = Callable[[str, float], bool]


def always_open(calendar: str, now: float) -> bool:
    """Say every calendar is open (the default when none is configured)."""
    return True


@dataclass(frozen=True)
class Queue:
    """A queue: whom it needs, how it prioritises, when it overflows.

    Times are in seconds. ``languages`` empty means any language will do.
    ``callback_offer_s``: offer a callback when the expected wait exceeds it
    (``None``: never). ``announce_every_s``: repeat position and expected
    wait (``None``: only on entry).
    """

    queue_id: str
    skill: str
    min_level: int = 1
    priority: int = 0
    languages: tuple[str, ...] = ()
    min_language_level: int = 1
    overflow_after_s: float | None = None
    overflow_to: str | None = None
    callback_offer_s: float | None = None
    announce_every_s: float | None = 60.0
    wrap_up_s: float = 30.0
    ring_timeout_s: float = 15.0
    service_level_s: float = 20.0
    default_handle_s: float = 180.0
    music: str = "music"


class Requirement(NamedTuple):
    """What an agent must have to take a call: skill and language levels."""

    skill: str
    min_level: int
    language: str | None
    min_language_level: int

    def label(self) -> str:
        """Render as ``skill>=level/lang>=level`` for snapshots and logs."""
        lang = (
            "*"
            if self.language is None
            else f"{self.language}>={self.min_language_level}"
        )
        return f"{self.skill}>={self.min_level}/{lang}"


def requirement_for(queue: Queue, language: str) -> Requirement:
    """Return the requirement of a call in ``queue`` speaking ``language``.

    A language the queue does not serve falls back to its first language.
    """
    if not queue.languages:
        return Requirement(queue.skill, queue.min_level, None, 0)
    lang = language if language in queue.languages else queue.languages[0]
    return Requirement(queue.skill, queue.min_level, lang, queue.min_language_level)


def qualifies(
    skills: Mapping[str, int], languages: Mapping[str, int], req: Requirement
) -> bool:
    """Tell whether an agent with these levels satisfies ``req``."""
    if skills.get(req.skill, 0) < req.min_level:
        return False
    return (
        req.language is None or languages.get(req.language, 0) >= req.min_language_level
    )


def expected_wait(position: int, handle_s: float, staffed: int) -> float | None:
    """Estimate the wait of the caller at 1-based ``position``.

    ``None`` when nobody staffs the queue: the wait is unknown, not zero.
    """
    if staffed <= 0:
        return None
    return position * handle_s / staffed


def update_handle_time(average: float, observed: float) -> float:
    """Fold one observed talk time into the running average."""
    return average + AHT_WEIGHT * (observed - average)


@dataclass(frozen=True)
class RoutingConfig:
    """Everything the engine needs besides events: queues, flows, names.

    ``flows`` maps each public number (line) to its IVR flow (T1).
    """

    queues: Mapping[str, Queue]
    flows: Mapping[str, Flow]
    skills: frozenset[str]
    languages: frozenset[str]
    missed_call_reason: str = "missed call"
    login_reason: str = "login"
    callback_key: str = "1"
    callback_offer_prompt: str = "callback-offer"
    callback_confirm_prompt: str = "callback-confirmed"

    def all_requirements(self) -> tuple[Requirement, ...]:
        """List every requirement a call can wait under, in config order."""
        seen: dict[Requirement, None] = {}
        for queue in self.queues.values():
            langs = queue.languages or ("",)
            for lang in langs:
                seen[requirement_for(queue, lang)] = None
        return tuple(seen)


def validate_config(config: RoutingConfig) -> None:
    """Raise ``ConfigError`` listing every problem of ``config``."""
    problems: list[str] = []
    for key, queue in config.queues.items():
        if key != queue.queue_id:
            problems.append(
                f"queue {key!r} is registered under another id {queue.queue_id!r}"
            )
        if queue.skill not in config.skills:
            problems.append(f"queue {key!r} requires unknown skill {queue.skill!r}")
        for lang in queue.languages:
            if lang not in config.languages:
                problems.append(f"queue {key!r} serves unknown language {lang!r}")
        if queue.overflow_to is not None and queue.overflow_to not in config.queues:
            problems.append(
                f"queue {key!r} overflows to unknown queue {queue.overflow_to!r}"
            )
        if queue.overflow_to == key:
            problems.append(f"queue {key!r} overflows to itself")
        if (queue.overflow_to is None) != (queue.overflow_after_s is None):
            problems.append(
                f"queue {key!r} needs both overflow_to and overflow_after_s"
            )
        if queue.wrap_up_s < 0 or queue.ring_timeout_s <= 0:
            problems.append(f"queue {key!r} has a negative wrap-up or no ring timeout")
    for line, flow in config.flows.items():
        if line != flow.line:
            problems.append(
                f"flow of line {line!r} is registered under another line {flow.line!r}"
            )
        try:
            validate_flow(flow, config.queues, config.languages)
        except FlowError as exc:
            problems.extend(f"line {line!r}: {p}" for p in exc.problems)
    if problems:
        raise ConfigError(problems)
