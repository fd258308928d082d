"""Tests of ``infoline.workforce.simulate`` against the closed form and rules."""

from __future__ import annotations

import math

import pytest

from infoline.workforce.erlang import erlang_a
from infoline.workforce.simulate import (
    AgentGroup,
    QueueSpec,
    SimulationResult,
    simulate,
    simulate_erlang_a,
)

MU = 1 / 180.0  # 3-minute calls


# --- M/M/n+M fast path vs erlang_a --------------------------------------------------

# (agents, Erlangs, patience rate / service rate): underloaded, near
# critical and overloaded; 99.9 % intervals keep the 12 comparisons jointly
# ~99 % likely to hold if the simulator is right (seeds are fixed).
CASES = [(10, 8.0, 0.5), (50, 48.0, 1.0), (40, 44.0, 2.0)]


@pytest.mark.parametrize(("agents", "traffic", "ratio"), CASES)
def test_fast_path_agrees_with_erlang_a_within_confidence_intervals(
    agents: int, traffic: float, ratio: float
) -> None:
    lam, theta = traffic * MU, ratio * MU
    exact = erlang_a(lam, MU, theta, agents, target_time=20.0)
    sim = simulate_erlang_a(
        lam, MU, theta, agents, customers=150_000, seed=agents, target_time=20.0,
        confidence=0.999,
    )  # fmt: skip
    assert sim.customers == 150_000
    assert sim.service_level is not None and sim.service_level_ci is not None
    assert exact.service_level is not None
    for value, (low, high), want in [
        (sim.p_wait, sim.p_wait_ci, exact.p_wait),
        (sim.p_abandon, sim.p_abandon_ci, exact.p_abandon),
        (sim.service_level, sim.service_level_ci, exact.service_level),
        (sim.asa, sim.asa_ci, exact.asa),
    ]:
        assert low <= value <= high
        assert low <= want <= high, (value, (low, high), want)
        # The agreement has teeth: no interval is wider than +-15 %.
        assert high - low <= 0.3 * want


def test_fast_path_without_patience_never_abandons() -> None:
    sim = simulate_erlang_a(8 * MU, MU, 0.0, 10, customers=5_000, seed=1)
    assert sim.p_abandon == 0.0
    assert sim.service_level is None and sim.service_level_ci is None


def test_fast_path_is_reproducible_from_its_seed() -> None:
    first = simulate_erlang_a(
        8 * MU, MU, MU, 10, customers=5_000, seed=3, target_time=20
    )
    again = simulate_erlang_a(
        8 * MU, MU, MU, 10, customers=5_000, seed=3, target_time=20
    )
    other = simulate_erlang_a(
        8 * MU, MU, MU, 10, customers=5_000, seed=4, target_time=20
    )
    assert first == again
    assert first != other


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"arrival_rate": 0.0}, r"arrival_rate must be positive, got 0"),
        ({"service_rate": -1.0}, r"service_rate must be positive, got -1"),
        ({"patience_rate": -1.0}, r"patience_rate must not be negative, got -1"),
        ({"patience_rate": "x"}, r"patience_rate must be a number, got 'x'"),
        ({"agents": 0}, r"agents must be at least 1, got 0"),
        ({"agents": 2.5}, r"agents must be a whole number, got 2.5"),
        ({"customers": 100}, r"customers must be at least 400, got 100"),
        ({"target_time": -2.0}, r"target_time must not be negative"),
        ({"confidence": 1.0}, r"confidence must be strictly between 0 and 1"),
    ],
)
def test_fast_path_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "arrival_rate": 0.1, "service_rate": MU, "patience_rate": MU, "agents": 5,
        "customers": 1_000, "seed": 1, "target_time": 20.0,
    }  # fmt: skip
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        simulate_erlang_a(**arguments)  # type: ignore[arg-type]


# --- the general simulator -----------------------------------------------------------


def one_queue(
    agents: int, traffic: float, ratio: float, seconds: float
) -> SimulationResult:
    queue = QueueSpec("hotline", traffic * MU, MU, patience_rate=ratio * MU)
    group = AgentGroup("team", agents, frozenset({"hotline"}))
    return simulate([queue], [group], seconds, seed=11, target_time=20.0, warmup=3_600)


def test_general_simulator_agrees_with_erlang_a_on_one_queue() -> None:
    # ~70,000 callers; tolerances are several standard errors wide.
    result = one_queue(50, 48.0, 1.0, seconds=72 * 3_600)
    stats = result.queues["hotline"]
    exact = erlang_a(48.0 * MU, MU, MU, 50, target_time=20.0)
    assert exact.service_level is not None
    assert stats.offered > 60_000
    assert stats.abandonment == pytest.approx(exact.p_abandon, abs=0.006)
    assert stats.service_level == pytest.approx(exact.service_level, abs=0.03)
    assert stats.mean_wait == pytest.approx(exact.asa, rel=0.15)
    assert result.occupancy["team"] == pytest.approx(
        48.0 * (1 - exact.p_abandon) / 50, abs=0.015
    )


def test_every_counted_caller_has_an_outcome() -> None:
    queues = [
        QueueSpec("a", 30 * MU, MU, patience_rate=MU, callback_threshold=60.0),
        QueueSpec("b", 10 * MU, MU, patience_rate=2 * MU, priority=1),
    ]
    groups = [
        AgentGroup("a-only", 20, frozenset({"a"})),
        AgentGroup("both", 15, frozenset({"a", "b"})),
    ]
    result = simulate(queues, groups, 8 * 3_600, seed=5, warmup=1_800)
    for stats in result.queues.values():
        assert (
            stats.offered == stats.answered + stats.abandoned + stats.callbacks_accepted
        )
        assert 0 <= stats.answered_within_target <= stats.answered
    assert all(0.0 <= share <= 1.0 for share in result.occupancy.values())


def test_same_seed_gives_the_same_run() -> None:
    assert one_queue(10, 9.0, 1.0, 7_200) == one_queue(10, 9.0, 1.0, 7_200)


def test_higher_priority_queue_is_served_first() -> None:
    queues = [
        QueueSpec("urgent", 20 * MU, MU, patience_rate=MU, priority=2),
        QueueSpec("general", 20 * MU, MU, patience_rate=MU, priority=1),
    ]
    groups = [AgentGroup("all", 40, frozenset({"urgent", "general"}))]
    result = simulate(queues, groups, 10 * 3_600, seed=2, warmup=1_800)
    urgent, general = result.queues["urgent"], result.queues["general"]
    assert urgent.service_level > general.service_level + 0.1
    assert urgent.mean_wait < general.mean_wait / 3
    assert urgent.abandonment < general.abandonment


def test_equal_priority_queues_share_agents_first_come_first_served() -> None:
    queues = [
        QueueSpec("north", 20 * MU, MU, patience_rate=MU),
        QueueSpec("south", 20 * MU, MU, patience_rate=MU),
    ]
    groups = [AgentGroup("all", 40, frozenset({"north", "south"}))]
    result = simulate(queues, groups, 20 * 3_600, seed=6, warmup=1_800)
    north, south = result.queues["north"], result.queues["south"]
    assert north.mean_wait == pytest.approx(south.mean_wait, rel=0.2)
    assert north.service_level == pytest.approx(south.service_level, abs=0.03)


def test_agents_answer_only_queues_of_their_skills() -> None:
    queues = [QueueSpec("russian", 0.0, MU), QueueSpec("estonian", 12 * MU, MU, MU)]
    groups = [
        AgentGroup("russian-speakers", 5, frozenset({"russian"})),
        AgentGroup("estonian-speakers", 10, frozenset({"estonian"})),
    ]
    result = simulate(queues, groups, 4 * 3_600, seed=3)
    assert result.occupancy["russian-speakers"] == 0.0
    assert result.queues["estonian"].abandoned > 0  # busy queue, idle strangers


def test_arrivals_go_to_the_least_skilled_idle_group_first() -> None:
    queues = [QueueSpec("a", 2 * MU, MU), QueueSpec("b", 0.0, MU)]
    groups = [
        AgentGroup("generalists", 5, frozenset({"a", "b"})),
        AgentGroup("specialists", 5, frozenset({"a"})),
    ]
    result = simulate(queues, groups, 8 * 3_600, seed=4)
    assert result.occupancy["specialists"] > 0.3
    assert result.occupancy["generalists"] < result.occupancy["specialists"] / 10


def test_callbacks_are_offered_only_above_the_threshold_and_all_made() -> None:
    def run(threshold: float | None) -> SimulationResult:
        queue = QueueSpec(
            "hotline", 55 * MU, MU, patience_rate=MU / 2,
            callback_threshold=threshold, callback_acceptance=0.5,
        )  # fmt: skip
        group = AgentGroup("team", 50, frozenset({"hotline"}))
        return simulate([queue], [group], 6 * 3_600, seed=8, warmup=600)

    never = run(None).queues["hotline"]
    assert never.callbacks_offered == never.callbacks_accepted == 0
    unreachable = run(24 * 3_600.0).queues["hotline"]
    assert unreachable.callbacks_offered == 0
    offered = run(30.0).queues["hotline"]
    assert offered.callbacks_offered > 100
    # About half accept; each accepted callback is made after the queue
    # empties (rule 2), so its delay is positive.
    assert 0.4 < offered.callbacks_accepted / offered.callbacks_offered < 0.6
    assert offered.mean_callback_delay > 0.0
    # Taking callers out of the live queue shortens it for the rest.
    assert offered.abandonment < never.abandonment


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: QueueSpec("q", -1.0, MU), r"q: arrival_rate must not be negative"),
        (lambda: QueueSpec("q", 1.0, 0.0), r"q: service_rate must be positive, got 0"),
        (lambda: QueueSpec("q", 1.0, MU, "slow"), r"q: patience_rate must be a number"),
        (
            lambda: QueueSpec("q", 1.0, MU, callback_acceptance=1.5),
            r"q: callback_acceptance must be a fraction from 0 to 1, got 1.5",
        ),
        (
            lambda: AgentGroup("g", -1, frozenset()),
            r"g: agents must be at least 0, got -1",
        ),
        (
            lambda: simulate([QueueSpec("q", MU, MU)], [], 100.0, seed=1),
            r"q: no agent has the skill to answer this queue",
        ),
        (
            lambda: simulate(
                [QueueSpec("q", MU, MU)],
                [AgentGroup("g", 1, frozenset({"x"}))],
                100.0,
                1,
            ),
            r"g: unknown queue in skills: x",
        ),
        (
            lambda: simulate([QueueSpec("q", MU, MU)] * 2, [], 100.0, seed=1),
            r"queue names must be unique",
        ),
        (lambda: simulate([], [], 100.0, seed=1), r"at least one queue is needed"),
        (
            lambda: simulate(
                [QueueSpec("q", MU, MU)],
                [AgentGroup("g", 1, frozenset({"q"})), AgentGroup("g", 2, frozenset())],
                100.0,
                seed=1,
            ),
            r"agent group names must be unique",
        ),
        (lambda: QueueSpec("q", math.inf, MU), r"q: arrival_rate must be finite"),
        (
            lambda: simulate([QueueSpec("q", MU, MU)], [], 100.0, seed=1, warmup=100.0),
            r"warmup \(100 s\) must end before duration \(100 s\)",
        ),
        (
            lambda: simulate([QueueSpec("q", MU, MU)], [], 0.0, seed=1),
            r"duration must be positive, got 0",
        ),
    ],
)
def test_rejects_bad_input_with_a_specific_message(build: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()  # type: ignore[operator]
