"""The adapter contract, run against the ``simulated`` adapter.

A ``sip`` adapter must pass the same checks: time order, deterministic event
ids, ``restore`` rebuilding what ``execute`` built, errors as TelephonyError.
"""

from __future__ import annotations

from infoline.routing import (
    AdapterEventError,
    CancelTimer,
    Command,
    Engine,
    Event,
    StartTimer,
    TimerFired,
)
from infoline.telephony.base import ADAPTER_COMMANDS, TelephonyError
from infoline.telephony.clock import VirtualClock
from infoline.telephony.config import (
    LANGUAGE_KEYS,
    MENU_KEYS,
    default_config,
    robot_profile,
)
from infoline.telephony.simulated import SimulatedAdapter
from infoline.telephony.traffic import TrafficGenerator, load_profile

ORIGIN = 1763362800.0
LINES = ("+37052000111",)


def adapter(robots: int = 4) -> SimulatedAdapter:
    traffic = TrafficGenerator(
        load_profile(),
        9,
        ORIGIN,
        LINES,
        zone="Europe/Vilnius",
        languages=LANGUAGE_KEYS,
        menu=MENU_KEYS,
    )
    return SimulatedAdapter(
        traffic, {f"robot-{n}": robot_profile() for n in range(1, robots + 1)}
    )


def play(
    sim: SimulatedAdapter, until: float
) -> tuple[list[tuple[float, Event]], list[tuple[Command, float]]]:
    """Drive an engine with the adapter alone (timers fire as scheduled)."""
    engine = Engine(default_config(LINES))
    sim.start(VirtualClock(ORIGIN))
    timers: dict[str, float] = {}
    events: list[tuple[float, Event]] = []
    commands: list[tuple[Command, float]] = []
    while True:
        due = [t for t in (sim.next_due(), min(timers.values(), default=None)) if t]
        now = min(due)
        if now > until:
            return events, commands
        fired = [tid for tid, at in timers.items() if at == now]
        if fired:
            del timers[fired[0]]
            batch = [(now, TimerFired(f"timer:{fired[0]}", fired[0]))]
        else:
            batch = sim.due(now)
        for at, event in batch:
            events.append((at, event))
            try:
                out = engine.handle(event, at)
            except AdapterEventError:
                continue
            for cmd in out:
                commands.append((cmd, at))
                if isinstance(cmd, StartTimer):
                    timers[cmd.timer_id] = cmd.at
                elif isinstance(cmd, CancelTimer):
                    timers.pop(cmd.timer_id, None)
                sim.execute(cmd, at)


def test_events_come_in_time_order_with_deterministic_ids() -> None:
    events, _ = play(adapter(), ORIGIN + 1800)
    times = [at for at, _ in events]
    assert times == sorted(times)
    ids = [e.event_id for _, e in events]
    assert len(ids) == len(set(ids))
    again, _ = play(adapter(), ORIGIN + 1800)
    assert [e for _, e in again] == [e for _, e in events]
    kinds = {type(e).__name__ for _, e in events}
    assert {"CallArrived", "DigitsPressed", "CallAnswered", "CallEnded"} <= kinds


def test_restore_rebuilds_the_schedule_execute_built() -> None:
    _events, commands = play(adapter(), ORIGIN + 900)
    live = adapter()
    live.start(VirtualClock(ORIGIN))
    restored = adapter()
    restored.start(VirtualClock(ORIGIN))
    for cmd, at in commands:
        live.execute(cmd, at)
        restored.restore(cmd, at)
    restored.resume(ORIGIN)
    live_next = [live.due(ORIGIN + 3600) for _ in range(50)]
    restored_next = [restored.due(ORIGIN + 3600) for _ in range(50)]
    assert live_next == restored_next
    assert any(live_next)


def test_commands_for_others_are_ignored_and_errors_say_if_permanent() -> None:
    sim = adapter(0)
    sim.start(VirtualClock(ORIGIN))
    before = sim.next_due()
    sim.execute(StartTimer("t", ORIGIN), ORIGIN)
    assert sim.next_due() == before
    assert "StartTimer" not in ADAPTER_COMMANDS and "RingAgent" in ADAPTER_COMMANDS
    error = TelephonyError("Kamailio is unreachable", permanent=False)
    assert not error.permanent and str(error) == "Kamailio is unreachable"
