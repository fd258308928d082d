"""The runner: logs every event before applying it, replays the log on restart."""

from __future__ import annotations

from typing import Any

import pytest

from infoline.routing import AgentState, CallState, Engine
from infoline.telephony.codec import decode
from infoline.telephony.models import (
    AgentStateInterval,
    CallRecord,
    QueueCallback,
    RoutingEvent,
    RunnerCheckpoint,
)
from infoline.telephony.runner import Runner
from infoline.telephony.services import (
    SimulationParams,
    build_simulated_runner,
)

pytestmark = pytest.mark.django_db

# A Tuesday 09:00 in Vilnius (2026-11-17 07:00 UTC): the profile is busy.
ORIGIN = 1763362800.0
HOUR = 3600.0


def params(**overrides: Any) -> SimulationParams:
    values: dict[str, Any] = {"seed": 7, "origin": ORIGIN, "robots": 6, "scale": 0.5}
    values.update(overrides)
    return SimulationParams(**values)


def fast_runner(p: SimulationParams | None = None, **options: Any) -> Runner:
    p = p or params()
    last = RoutingEvent.objects.order_by("-seq").values_list("at", flat=True).first()
    runner = build_simulated_runner(
        p, speed=0, resume_at=last, publish=False, **options
    )
    runner.boot()
    return runner


def test_every_applied_event_is_logged_in_order_and_replays_to_the_same_state() -> None:
    runner = fast_runner()
    runner.run(until=ORIGIN + HOUR)
    assert runner.applied > 300
    rows = list(RoutingEvent.objects.order_by("seq"))
    assert len(rows) == runner.applied + runner.rejected
    times = [row.at for row in rows]
    assert times == sorted(times)
    rebuilt = Engine.rebuild(
        runner.config, ((decode(r.kind, r.payload), r.at) for r in rows)
    )
    assert rebuilt.snapshot() == runner.engine.snapshot()
    # Commands were carried out: outcomes, intervals, callbacks for abandons.
    records = CallRecord.objects.count()
    assert records == len(runner.engine.snapshot()["outcomes"])
    assert AgentStateInterval.objects.count() > 0
    assert set(CallRecord.objects.values_list("outcome", flat=True)) >= {
        "answered",
        "abandoned",
    }
    # Known abandoning callers get a callback (T8), accepted offers too (C1).
    expected_callbacks = set(
        CallRecord.objects.filter(outcome="callback").values_list("call_id", flat=True)
    )
    assert expected_callbacks <= set(
        QueueCallback.objects.values_list("call_id", flat=True)
    )
    assert QueueCallback.objects.count() > 0
    assert RunnerCheckpoint.objects.get(name="default").executed_seq == rows[-1].seq


def test_restart_continues_the_same_run() -> None:
    whole = fast_runner(params(), name="default")
    whole.run(until=ORIGIN + HOUR)
    expected = whole.engine.snapshot()
    expected_records = set(CallRecord.objects.values_list("call_id", "outcome"))
    Runner.clear("default")
    CallRecord.objects.all().delete()

    first = fast_runner(params())
    first.run(until=ORIGIN + HOUR / 3)
    assert first.engine.snapshot()["calls"], "the stop must leave calls in progress"
    second = fast_runner(params())
    assert second.replayed == first.applied
    assert second.engine.snapshot() == first.engine.snapshot()
    second.run(until=ORIGIN + HOUR)
    assert second.engine.snapshot() == expected
    assert set(CallRecord.objects.values_list("call_id", "outcome")) == expected_records


def test_restart_with_other_parameters_is_refused() -> None:
    fast_runner(params()).run(max_events=10)
    with pytest.raises(ValueError, match="same parameters or clear it first"):
        fast_runner(params(seed=8))


def test_robots_log_in_and_take_calls() -> None:
    runner = fast_runner()
    runner.run(until=ORIGIN + 600)
    agents = runner.engine.agent_board()
    assert set(agents) == {f"robot-{n}" for n in range(1, 7)}
    assert any(runner.engine.agent_state(a) is not AgentState.NOT_READY for a in agents)
    assert CallRecord.objects.filter(outcome="answered").exists()
    assert all(
        runner.engine.call_state(c) is not None
        for c in runner.engine.snapshot()["calls"]
    )
    assert CallState.TALKING.value == "talking"
