"""Differential tests: ``erlang`` against an independent mpmath reference.

The reference shares no formula with the module under test. It sums the
birth-death stationary distribution of the queue term by term at 40
significant digits and follows a tagged caller through the
queue for the waiting-time quantities. The module uses incomplete gamma
functions, Loader's Poisson split, geometric series and quadrature.
Requirement: relative error at most 1e-12 from 0.05 to 20,000 Erlangs.
(One exception, stated at the assertion: Erlang A service levels below
1e-25, where the reference itself runs out of digits.)
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

from infoline.workforce.erlang import (
    average_speed_of_answer,
    erlang_a,
    erlang_b,
    erlang_c,
    service_level,
)

TOLERANCE = 1e-12
LOADS = [0.05, 0.7, 3.3, 12.5, 47.2, 180.4, 990.1, 2000.0, 5300.3, 12000.7, 20000.0]


def _low_sum(a: mp.mpf, n: int) -> tuple[mp.mpf, mp.mpf]:
    """Return ``sum_{k<n} a^k / k!`` and ``a^n / n!``."""
    term = mp.mpf(1)
    total = mp.mpf(0)
    for k in range(n):
        total += term
        term = term * a / (k + 1)
    return total, term


def reference_b(a: float, n: int) -> mp.mpf:
    """Erlang B: share of the stationary distribution at ``n`` busy lines."""
    with mp.workdps(40):
        low, top = _low_sum(mp.mpf(a), n)
        return top / (low + top)


def reference_c(a: float, n: int) -> mp.mpf:
    """Erlang C: stationary mass of the states with every agent busy."""
    with mp.workdps(40):
        low, top = _low_sum(mp.mpf(a), n)
        busy = top * n / (n - mp.mpf(a))
        return busy / (low + busy)


def reference_a(
    lam: float, mu: float, theta: float, n: int, target: float, dps: int = 40
) -> tuple[mp.mpf, mp.mpf, mp.mpf, mp.mpf]:
    """Return p_wait, p_abandon, service level and ASA of M/M/n+M.

    States ``n + j`` have weight ``q_j = a^n/n! prod_{i<=j} lam / (n mu + i
    theta)``. A caller arriving to ``j`` queued callers moves up at rate
    ``n mu + i theta`` and abandons at rate ``theta``: ``S_j`` and ``T_j``
    are its chance of being answered and its expected wait times that
    indicator, by first-step analysis. Its wait before answer is the sum of
    exponentials, whose survival at ``t`` with ``u = exp(-theta t)`` is a
    negative binomial sum (``nb_cdf`` below) of ``1 - u``.
    """
    with mp.workdps(dps):
        lam_, mu_, theta_ = mp.mpf(lam), mp.mpf(mu), mp.mpf(theta)
        low, q = _low_sum(lam_ / mu_, n)
        x = n * mu_ / theta_
        u = mp.exp(-theta_ * mp.mpf(target))
        nb_term = u ** (x + 1)
        nb_cdf = nb_term
        tot_q = tot_jq = tot_wait = tot_within = peak = mp.mpf(0)
        answered, answered_wait = mp.mpf(1), mp.mpf(0)
        j = 0
        while True:
            rate = n * mu_ + (j + 1) * theta_
            answered = answered * (n * mu_ + j * theta_) / rate
            answered_wait = (
                answered / rate + (n * mu_ + j * theta_) / rate * answered_wait
            )
            tot_q += q
            tot_jq += j * q
            tot_wait += q * answered_wait
            tot_within += q * x / (x + j + 1) * (1 - nb_cdf)
            nb_term = nb_term * (x + j + 1) / (j + 1) * (1 - u)
            nb_cdf += nb_term
            peak = max(peak, q)
            j += 1
            q = q * lam_ / (n * mu_ + j * theta_)
            small = mp.mpf(10) ** -(dps - 12)
            if q < peak * small and q * (j + 1) < tot_q * small:
                break
        z = low + tot_q
        p_abandon = theta_ * tot_jq / (lam_ * z)
        sl = low / z + tot_within / z
        return tot_q / z, p_abandon, sl, tot_wait / z / (1 - p_abandon)


def assert_close(got: float, want: mp.mpf) -> None:
    assert float(want) > 1e-300, "reference below the double range"
    error = abs(mp.mpf(got) - want) / want
    assert error <= TOLERANCE, f"got {got!r}, want {mp.nstr(want, 20)}, rel {error}"


def _stable_cases() -> list[tuple[float, int]]:
    cases = []
    for a in LOADS:
        root = math.sqrt(a)
        agents = {math.floor(a) + 1, int(a + 0.5 * root) + 1, int(a + 2 * root) + 1}
        agents |= {int(a + 5 * root) + 1, int(a + 10 * root) + 5}
        cases += [(a, n) for n in sorted(agents)]
    return cases


@pytest.mark.parametrize(("traffic", "agents"), _stable_cases())
def test_erlang_b_c_service_level_and_asa_match_reference(
    traffic: float, agents: int
) -> None:
    assert_close(erlang_b(traffic, agents), reference_b(traffic, agents))
    c = reference_c(traffic, agents)
    assert_close(erlang_c(traffic, agents), c)
    with mp.workdps(40):
        for target in (0.0, 20.0, 180.0):
            want = 1 - c * mp.exp(-(agents - mp.mpf(traffic)) * mp.mpf(target) / 180)
            assert_close(service_level(traffic, agents, 180.0, target), want)
        want_asa = c * 180 / (agents - mp.mpf(traffic))
    assert_close(average_speed_of_answer(traffic, agents, 180.0), want_asa)


@pytest.mark.parametrize(
    ("traffic", "agents"),
    [
        (a, n)
        for a in LOADS
        for n in sorted({0, int(a / 2), max(0, int(a - 3 * a**0.5))})
    ],
)
def test_erlang_b_matches_reference_below_the_load(traffic: float, agents: int) -> None:
    assert_close(erlang_b(traffic, agents), reference_b(traffic, agents))


def _erlang_a_cases() -> list[tuple[float, float, int]]:
    cases = []
    for a in [0.5, 8.0, 95.0, 1000.0, 20000.0]:
        for patience_ratio in [0.01, 0.1, 1.0, 5.0, 30.0]:
            root = math.sqrt(a)
            agents = {max(1, int(0.8 * a)), max(1, int(a)), int(a + root) + 1}
            agents.add(int(a + 4 * root) + 1)
            for n in sorted(agents):
                # The reference sums ~10^5 queue states one by one there.
                if a == 20000.0 and patience_ratio <= 0.1 and n < a:
                    continue
                cases.append((a, patience_ratio, n))
    return cases


@pytest.mark.parametrize(("traffic", "patience_ratio", "agents"), _erlang_a_cases())
def test_erlang_a_matches_reference(
    traffic: float, patience_ratio: float, agents: int
) -> None:
    mu = 1 / 180.0
    theta = mu * patience_ratio
    lam = traffic * mu
    want = reference_a(lam, mu, theta, agents, 20.0)
    got = erlang_a(lam, mu, theta, agents, target_time=20.0)
    assert_close(got.p_wait, want[0])
    assert_close(got.p_abandon, want[1])
    assert got.service_level is not None
    if want[2] > 1e-25:
        assert_close(got.service_level, want[2])
    else:
        # A queue answering (almost) nobody in time: the reference's
        # ``1 - nb_cdf`` cancels below ~1e-25 at 40 digits, so only the
        # order of magnitude is checked there.
        assert got.service_level < 1e-20
    assert_close(got.asa, want[3])


def test_reference_negative_binomial_wait_matches_hypoexponential() -> None:
    """Check the reference's own waiting-time law on a small queue.

    With ``j`` callers ahead the wait is a sum of exponentials with distinct
    rates ``n mu + i theta``; its explicit hypo-exponential law, with the
    caller's own patience, must give the same chance of an answer within
    ``t`` as the negative binomial sum used by ``reference_a``.
    """
    with mp.workdps(50):
        n, mu, theta, t = 3, mp.mpf(1) / 180, mp.mpf(1) / 90, mp.mpf(40)
        x = n * mu / theta
        u = mp.exp(-theta * t)
        nb_term = u ** (x + 1)
        nb_cdf = nb_term
        for j in range(5):
            rates = [n * mu + i * theta for i in range(j + 1)]
            within = mp.mpf(0)
            for i, r in enumerate(rates):
                weight = mp.fprod(rk / (rk - r) for k, rk in enumerate(rates) if k != i)
                # int_0^t r e^{-r s} e^{-theta s} ds
                within += weight * r / (r + theta) * (1 - mp.exp(-(r + theta) * t))
            assert abs(within - x / (x + j + 1) * (1 - nb_cdf)) < mp.mpf(10) ** -40
            nb_term = nb_term * (x + j + 1) / (j + 1) * (1 - u)
            nb_cdf += nb_term


# --- very patient callers (patience rate -> 0) ------------------------------------
#
# Below saturation the queue's series needs ~41 / (1 - rho) terms. Beyond
# 2^15 of them erlang_a integrates instead (Gauss-Laguerre); that method is
# checked here against the reference on every below-saturation case above,
# where both are cheap, and on one case that really takes that path.


def _below_saturation_cases() -> list[tuple[float, float, int, float]]:
    cases = []
    for traffic, patience_ratio, agents in _erlang_a_cases():
        x = agents / patience_ratio
        y = traffic / patience_ratio
        if y < x and (x - y) ** 2 > 25.0 * x:
            # Other target times only where the reference is quick.
            targets = (20.0,) if traffic >= 1000 else (0.0, 0.5, 20.0, 600.0)
            for target in targets:
                cases.append((traffic, patience_ratio, agents, target))
    return cases


@pytest.mark.parametrize(
    ("traffic", "patience_ratio", "agents", "target"), _below_saturation_cases()
)
def test_patient_queue_integral_matches_reference(
    traffic: float, patience_ratio: float, agents: int, target: float
) -> None:
    from infoline.workforce.erlang import _erlang_a_patient, _log_erlang_b, _spare_rate

    mu = 1 / 180.0
    theta = mu * patience_ratio
    lam = traffic * mu
    log_b = float(_log_erlang_b(np.array(lam / mu), np.array(float(agents))))
    spare = _spare_rate(agents, mu, lam)
    got = _erlang_a_patient(lam, agents * mu, spare, theta, log_b, target)
    want = reference_a(lam, mu, theta, agents, target)
    assert_close(got.p_wait, want[0])
    assert_close(got.p_abandon, want[1])
    assert got.service_level is not None
    if want[2] > 1e-25:
        assert_close(got.service_level, want[2])
    assert_close(got.asa, want[3])


def test_erlang_a_with_a_series_too_long_to_sum_matches_reference() -> None:
    from infoline.workforce.erlang import _series_is_short, _spare_rate

    mu, agents = 1 / 180.0, 1000
    lam, theta = agents * mu * 0.999, mu * 1e-5
    spare = _spare_rate(agents, mu, lam)
    assert not _series_is_short(agents * mu, lam, spare, theta)
    want = reference_a(lam, mu, theta, agents, 20.0)
    got = erlang_a(lam, mu, theta, agents, target_time=20.0)
    assert_close(got.p_wait, want[0])
    assert_close(got.p_abandon, want[1])
    assert got.service_level is not None
    assert_close(got.service_level, want[2])
    assert_close(got.asa, want[3])


@pytest.mark.parametrize(
    ("traffic", "agents", "patience_ratio"),
    [
        # The input that ran the test worker out of memory (23 GB): the
        # series needed ~1.2e9 terms and every one was kept.
        (2999.9999, 3000, 1e-30),
        (19999.9999999, 20000, 1e-40),
        (20000.0, 20001, 1e-25),
        (0.01, 1, 1e-200),
        (100.0, 101, 1e-280),
    ],
)
def test_erlang_a_without_patience_limit_is_exact_erlang_c(
    traffic: float, agents: int, patience_ratio: float
) -> None:
    """As theta -> 0 Erlang A tends to Erlang C of the exact rates.

    The relative corrections are of order ``lam theta / (n mu - lam)^2``,
    far below 1e-16 here, so the limits are exact references: C, ``1 - C
    exp(-(n mu - lam) t)``, ``C / (n mu - lam)`` and, to first order,
    ``p_abandon = C theta / (n mu - lam + theta)``. The rates are taken
    exactly as given (``lam / mu`` is not rounded), which matters where
    ``n mu - lam`` is a few ulps of ``n mu``.
    """
    mu = 1 / 180.0
    lam = traffic * mu
    with mp.workdps(60):
        spare = agents * mp.mpf(mu) - mp.mpf(lam)
        theta = float(mp.mpf(patience_ratio) * mu * (spare / (agents * mu)) ** 2)
        assert mp.mpf(lam) * theta / spare**2 < mp.mpf(10) ** -17
        c = reference_c(mp.mpf(lam) / mp.mpf(mu), agents)  # type: ignore[arg-type]
        results = {
            target: erlang_a(lam, mu, theta, agents, target_time=target)
            for target in (0.0, 1e-3, 20.0, 600.0)
        }
        for target, got in results.items():
            assert_close(got.p_wait, c)
            assert got.service_level is not None
            assert_close(got.service_level, 1 - c * mp.exp(-spare * target))
            assert_close(got.asa, c / spare)
            assert_close(got.p_abandon, c * theta / (spare + theta))
