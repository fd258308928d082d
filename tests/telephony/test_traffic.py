"""The traffic generator and the Anonymous Bank profile it plays."""

from __future__ import annotations

import itertools
import random
import statistics
from pathlib import Path

import pytest

from infoline.telephony.traffic import (
    DEFAULT_PROFILE,
    TrafficGenerator,
    build_profile,
    busy_hour_shift,
    load_profile,
)

DATA = Path("/work/shared/data/anonymous-bank/data_anonymous_bank_feb01_21.txt")
TUESDAY_9 = 1763362800.0  # 2026-11-17 09:00 Europe/Vilnius
LINES = ("+37052000111", "+37052000222")


def generator(seed: int = 3, origin: float = TUESDAY_9) -> TrafficGenerator:
    return TrafficGenerator(load_profile(), seed, origin, LINES, zone="Europe/Vilnius")


@pytest.mark.skipif(not DATA.exists(), reason="the shared data folder is absent")
def test_committed_profile_is_the_aggregate_of_the_bank_log() -> None:
    assert build_profile(DATA) == load_profile(DEFAULT_PROFILE)


def test_profile_facts_match_the_data_readme() -> None:
    profile = load_profile()
    # Median service about 107 s, heavy tail (mean about 177 s in the README).
    assert 95 <= profile.service_quantiles[50] <= 115
    rng = random.Random(1)
    mean = statistics.fmean(profile.sample_service(rng) for _ in range(20000))
    assert 150 <= mean <= 200
    # The bank's Friday is short and Saturday almost empty.
    weekday_total = sum(profile.hourly[1])  # a Tuesday of the bank
    assert sum(profile.hourly[4]) < weekday_total / 2
    assert sum(profile.hourly[5]) < weekday_total / 5
    assert dict(profile.type_shares)["PS"] > 0.6


def test_simulated_week_maps_the_israeli_week() -> None:
    profile = load_profile()
    # Monday plays the bank's Sunday (a full day), Sunday its Saturday.
    assert profile.rate(0, 10) == profile.hourly[6][10]
    assert profile.rate(6, 10) == profile.hourly[5][10]
    assert profile.rate(6, 10) < profile.rate(1, 10) / 5


def test_arrivals_are_reproducible_and_independent_of_the_start() -> None:
    first = list(itertools.islice(generator().arrivals(), 300))
    again = list(itertools.islice(generator().arrivals(), 300))
    assert first == again
    times = [at for at, _ in first]
    assert times == sorted(times) and times[0] >= TUESDAY_9
    later = generator(origin=TUESDAY_9 + 5400).arrivals()
    tail = [a for a in first if a[0] >= TUESDAY_9 + 5400]
    assert list(itertools.islice(later, len(tail))) == tail
    assert list(itertools.islice(generator(seed=4).arrivals(), 10)) != first[:10]


def test_arrival_counts_follow_the_profile() -> None:
    gen = generator()
    hours = 8
    end = TUESDAY_9 + hours * 3600
    count = sum(1 for _ in itertools.takewhile(lambda a: a[0] < end, gen.arrivals()))
    expected = sum(gen.rate_at(TUESDAY_9 + h * 3600) for h in range(hours))
    assert abs(count - expected) < 4 * expected**0.5


def test_callers_are_a_function_of_the_seed_and_call_id() -> None:
    gen = generator()
    assert gen.caller("c1") == gen.caller("c1")
    assert gen.caller("c1") != gen.caller("c2")
    callers = [gen.caller(f"c{n}") for n in range(2000)]
    assert {c.line for c in callers} == set(LINES)
    anonymous = sum(c.number is None for c in callers) / len(callers)
    assert 0.05 < anonymous < 0.15
    patience = statistics.fmean(c.patience_s for c in callers)
    assert abs(patience - load_profile().patience_mean_s) < 40


def test_bad_generator_input_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one line"):
        TrafficGenerator(load_profile(), 1, TUESDAY_9, ())
    with pytest.raises(ValueError, match="must not be negative"):
        TrafficGenerator(load_profile(), 1, TUESDAY_9, LINES, scale=-1)


def test_busy_hour_shift_lands_on_a_tuesday_morning() -> None:
    sunday_night = 1763852400.0  # 2026-11-23 01:00 Vilnius, a Monday
    shift = busy_hour_shift(sunday_night, "Europe/Vilnius", 10)
    gen = TrafficGenerator(
        load_profile(), 1, sunday_night, LINES, shift_s=shift, zone="Europe/Vilnius"
    )
    assert gen.rate_at(sunday_night) == load_profile().rate(1, 10)
