"""Shared configuration and a small driver for the routing engine tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from infoline.routing import (
    CheckHours,
    ChooseLanguage,
    Closed,
    Command,
    End,
    Engine,
    EnterIdentityCode,
    Event,
    Flow,
    Menu,
    Queue,
    RecordingNotice,
    RoutingConfig,
    Say,
    ToQueue,
)

C = TypeVar("C", bound=Command)

MAIN = "+3726000000"  # general line: full flow
VACANCY = "+3726000001"  # vacancy line: straight to the employers' queue
INFO = "+3726000002"  # information-only line


def main_flow() -> Flow:
    """Return the general line's flow: greeting, notice, hours, language, code, menu."""
    return Flow(
        line=MAIN,
        start="greeting",
        language="et",
        nodes={
            "greeting": Say("greeting", next="notice"),
            "notice": RecordingNotice("recording-notice", next="hours"),
            "hours": CheckHours("main", open="language", closed="closed"),
            "closed": Closed("hours-main", take_message=True, max_message_s=60.0),
            "language": ChooseLanguage(
                "choose-language", {"1": "et", "2": "ru"}, next="code"
            ),
            "code": EnterIdentityCode("enter-code", next="menu"),
            "menu": Menu(
                "main-menu",
                {"1": "to-benefits", "2": "to-employers", "3": "info"},
                default="to-benefits",
                retries=1,
            ),
            "info": Say("info-opening-hours", next="menu"),
            "to-benefits": ToQueue("benefits"),
            "to-employers": ToQueue("employers"),
        },
    )


def config(**queue_overrides: object) -> RoutingConfig:
    """Return the test configuration; ``benefits`` fields may be overridden."""
    benefits: dict[str, object] = {
        "queue_id": "benefits",
        "skill": "benefits",
        "languages": ("et", "ru"),
        "overflow_after_s": 60.0,
        "overflow_to": "office",
        "callback_offer_s": 120.0,
        "announce_every_s": 30.0,
        "wrap_up_s": 20.0,
        "ring_timeout_s": 10.0,
        "default_handle_s": 60.0,
    }
    benefits.update(queue_overrides)
    queues = {
        "benefits": Queue(**benefits),  # type: ignore[arg-type]  # test overrides
        "employers": Queue(
            "employers",
            "employers",
            priority=1,
            languages=("et", "ru"),
            wrap_up_s=10.0,
            ring_timeout_s=10.0,
        ),
        "office": Queue(
            "office",
            "consult",
            wrap_up_s=10.0,
            ring_timeout_s=10.0,
            announce_every_s=None,
        ),
    }
    flows = {
        MAIN: main_flow(),
        VACANCY: Flow(
            VACANCY,
            "hello",
            {
                "hello": Say("vacancy-greeting", "hours"),
                "hours": CheckHours("vacancy", open="q", closed="closed"),
                "closed": Closed("hours-vacancy-and-department-phone"),
                "q": ToQueue("employers"),
            },
            "et",
        ),
        INFO: Flow(INFO, "hello", {"hello": End("info-recorded")}, "et"),
    }
    return RoutingConfig(
        queues=queues,
        flows=flows,
        skills=frozenset({"benefits", "employers", "consult"}),
        languages=frozenset({"et", "ru", "en"}),
    )


DAY_START = 8 * 3600.0  # 08:00 on the first day of the epoch


def business_hours(calendar: str, now: float) -> bool:
    """Say a calendar is open 08:00-18:00 every day (pure, for replay)."""
    return 8 <= (now // 3600) % 24 < 18


def new_engine(**queue_overrides: object) -> Engine:
    """Return an engine over the test configuration and business hours."""
    return Engine(config(**queue_overrides), is_open=business_hours)


class Driver:
    """Feed events with generated ids and a settable clock; keep the log."""

    def __init__(self, engine: Engine | None = None) -> None:
        """Start an engine over the test configuration at 08:00."""
        self.engine = engine or new_engine()
        self.now = DAY_START
        self.seq = 0
        self.accepted: list[tuple[Event, float]] = []
        self.log: list[tuple[Event, float]] = []

    def next_id(self) -> str:
        """Return a fresh event id."""
        self.seq += 1
        return f"e{self.seq}"

    def send(self, event: Event) -> list[Command]:
        """Handle ``event`` at the current time and remember it if accepted."""
        self.log.append((event, self.now))  # what a runner persists: everything
        out = self.engine.handle(event, self.now)
        self.accepted.append((event, self.now))
        return out

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += seconds


def of_type(commands: Iterable[Command], kind: type[C]) -> list[C]:
    """Return the commands of one type, in order."""
    return [c for c in commands if isinstance(c, kind)]
