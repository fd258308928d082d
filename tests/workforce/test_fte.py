"""Tests of ``infoline.workforce.fte``: hours, shrinkage and FTE (W2)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infoline.workforce.fte import (
    Shrinkage,
    fte,
    fte_for_agents,
    productive_hours_per_fte,
    scheduled_hours,
    workload_hours,
)


def test_reproduces_the_worked_example_of_pl_25() -> None:
    # 200 calls a day x 5 min -> 383 h a month -> 2.1 FTE at 23 days,
    # assuming handling time only, 8 paid hours a day and no shrinkage.
    daily = workload_hours(200, 5 * 60)
    assert daily == pytest.approx(16.667, abs=1e-3)
    monthly = daily * 23
    assert round(monthly) == 383
    needed = fte(monthly, working_days=23, hours_per_day=8.0)
    assert needed == pytest.approx(2.0833, abs=1e-4)
    assert round(needed, 1) == 2.1


def test_worked_example_through_agents_per_interval() -> None:
    # The same month as a staffing curve: 16 2/3 agent-hours every working
    # day, here 2 agents for 8 hours plus one agent for 40 minutes, in
    # 5-minute intervals.
    day = [2.0] * 96 + [1.0] * 8
    assert scheduled_hours(day, 5) == pytest.approx(200 * 5 / 60)
    month = day * 23
    assert round(scheduled_hours(month, 5)) == 383
    assert round(fte_for_agents(month, 5, working_days=23), 1) == 2.1


def test_shrinkage_adds_its_causes_and_inflates_fte() -> None:
    shrinkage = Shrinkage(sickness=0.05, leave=0.10, training=0.03, attrition=0.02)
    assert shrinkage.total == pytest.approx(0.20)
    assert productive_hours_per_fte(20, 8, shrinkage) == pytest.approx(128.0)
    assert fte(128.0, 20, 8, shrinkage) == pytest.approx(1.0)
    assert fte(160.0, 20, 8) == pytest.approx(1.0)


@settings(deadline=None, max_examples=100)
@given(
    hours=st.floats(0.0, 1e5),
    sickness=st.floats(0.0, 0.2),
    leave=st.floats(0.0, 0.2),
    training=st.floats(0.0, 0.2),
    attrition=st.floats(0.0, 0.2),
)
def test_more_shrinkage_never_needs_fewer_people(
    hours: float, sickness: float, leave: float, training: float, attrition: float
) -> None:
    base = fte(hours, 21, 7.5)
    shrunk = fte(hours, 21, 7.5, Shrinkage(sickness, leave, training, attrition))
    assert shrunk >= base
    total = sickness + leave + training + attrition
    assert shrunk == pytest.approx(base / (1 - total), rel=1e-12, abs=1e-300)


def test_scheduled_hours_of_an_empty_curve_is_zero() -> None:
    assert scheduled_hours([], 15) == 0.0
    assert fte_for_agents([], 15, 23) == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Shrinkage(sickness=-0.1), r"sickness shrinkage must be a fraction"),
        (lambda: Shrinkage(leave=1.0), r"leave shrinkage must be a fraction .* got 1"),
        (lambda: Shrinkage(training="5%"), r"training must be a number, got '5%'"),
        (
            lambda: Shrinkage(sickness=0.5, leave=0.3, training=0.2),
            r"shrinkage adds up to 100%: no productive time is left",
        ),
        (lambda: workload_hours(-1, 300), r"calls must not be negative, got -1"),
        (lambda: workload_hours(10, 0), r"aht_seconds must be positive, got 0"),
        (lambda: workload_hours(10, math.nan), r"aht_seconds must be finite"),
        (
            lambda: scheduled_hours([1, -2], 15),
            r"agents_per_interval must not be negative",
        ),
        (lambda: scheduled_hours(["x"], 15), r"agents_per_interval must be numbers"),
        (lambda: scheduled_hours([1, math.inf], 15), r"must be finite numbers"),
        (lambda: scheduled_hours([1], 0), r"interval_minutes must be positive"),
        (lambda: fte(100, 0), r"working_days must be positive, got 0"),
        (lambda: fte(-5, 20), r"hours must not be negative, got -5"),
        (lambda: fte(100, 20, 25), r"hours_per_day cannot exceed 24, got 25"),
        (lambda: fte(None, 20), r"hours must be a number, got None"),
    ],
)
def test_rejects_bad_input_with_a_specific_message(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]
