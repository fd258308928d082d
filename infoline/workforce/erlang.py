"""Erlang B, C and A: waiting, abandonment and staffing of call queues (W2).

Pure module: NumPy and SciPy only, no I/O, no clock. Units: traffic in
Erlangs (calls per second x mean handling time in seconds), times in
seconds, rates per second. Functions marked "vectorised" accept NumPy
arrays for ``traffic`` (and ``agents``), broadcasting them together.

Rules this module guarantees:

1. Every probability keeps (close to) full double precision from a
   fraction of an Erlang up to 20,000 Erlangs and beyond: relative error
   at most 1e-12 against the mpmath reference in
   ``tests/workforce/test_erlang_reference.py``.
2. Erlang C refuses an unstable queue (``agents <= traffic``) with a
   ``ValueError`` instead of returning a meaningless number.
3. ``agents_for_service_level`` (Erlang C) and ``agents_for_erlang_a``
   return the smallest staffing meeting the target: with ``n - 1`` agents
   the public ``service_level`` / ``erlang_a`` falls short of it.
4. Every call takes bounded time and memory, whatever the inputs: no
   series is kept in memory (terms are streamed in chunks of ``_CHUNK``)
   and none runs past ``_SERIES_TERMS`` terms. ``erlang_a`` answers in a
   few milliseconds for any patience rate > 0, down to 1e-300 and below.

Theory of operation. Erlang B with load ``a`` and ``n`` agents is
``p(n; a) / Q(n + 1, a)``, the Poisson probability of ``n`` over the
Poisson probability of at most ``n``. ``p`` uses Loader's saddle-point
split (``_stirlerr`` and ``_bd0``), which avoids the catastrophic
cancellation of ``n log a - a - lgamma(n + 1)`` at large ``n``; ``Q`` is
SciPy's regularised incomplete gamma function. Where ``Q`` underflows
(``n`` far below ``a``) the finite sum ``1/B = sum_j n!/(n-j)! a^-j``
converges geometrically and is used instead. Erlang C, the service level
and the ASA follow from B in closed form, written so that no step
subtracts nearly equal numbers.

Erlang A (M/M/n+M, Palm's queue with exponential patience) follows
Mandelbaum and Zeltyn: with ``x = n mu / theta`` and ``y = lambda /
theta``, the queue's stationary weight is ``A(x, y) = 1F1(1; x + 1; y) =
P(x, y) / p(x; y)`` (``P`` the regularised lower incomplete gamma
function). Near or above saturation that ratio is taken from SciPy in log
space; well below saturation the defining series ``sum_j prod_{i<=j} y /
(x + i)`` converges geometrically and is summed directly, which also
gives the abandonment probability without the cancellation of the closed
form ``1 - 1/rho + 1/(rho A)``. The mean wait of answered callers has no
closed form in SciPy functions; it is a series in the first regime and a
log-concave integral (``scipy.integrate.quad``) in the second. The series
needs about ``41 / (1 - rho)`` terms, unbounded as patience tends to 0 near
saturation (``x``, ``y`` -> infinity); beyond ``_SERIES_TERMS`` the same
sums are taken as Laplace-type integrals ``int h(s) exp(-x s - y
expm1(-s)) ds`` by Gauss-Laguerre quadrature, written with ``n mu - lam``
and ``lam theta`` only, so that they neither cancel nor overflow.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import integrate, optimize, special

__all__ = [
    "ErlangAResult",
    "agents_for_erlang_a",
    "agents_for_service_level",
    "average_speed_of_answer",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "service_level",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_LOG_2PI = math.log(2.0 * math.pi)
# Below this the incomplete gamma ratios lose relative precision to
# underflow; the geometric series take over there.
_UNDERFLOW = 1e-280
_CHUNK = 4096
# Longest series below saturation (a few milliseconds); longer ones, as
# patience grows without bound, are integrated instead (_erlang_a_patient).
_SERIES_TERMS = 1 << 15
# Largest x = n mu / theta (and smallest theta) the formulas in x, y and
# 1 / theta take; patience -> 0 beyond it is handled without them.
_HUGE = 1e290
# Quadrature nodes and weights: Gauss-Laguerre (weight e^-z on [0, inf))
# and Gauss-Legendre on [-1, 1].
_LAGUERRE: tuple[FloatArray, FloatArray] = special.roots_laguerre(40)
_LEGENDRE: tuple[FloatArray, FloatArray] = special.roots_legendre(24)
# 1/k! for k = 20 down to 2: Taylor series of exp(-s) - 1 + s.
_PHI_SERIES = tuple(1.0 / math.factorial(k) for k in range(20, 1, -1))
# Stirling series coefficients 1/12, 1/360, 1/1260, 1/1680, 1/1188.
_S0, _S1, _S2, _S3, _S4 = 1 / 12, 1 / 360, 1 / 1260, 1 / 1680, 1 / 1188


@dataclass(frozen=True, slots=True)
class ErlangAResult:
    """Steady state of an M/M/n+M queue (Erlang A), per arriving caller.

    ``p_wait``: probability of finding every agent busy (the caller queues).
    ``p_abandon``: probability of hanging up before being answered.
    ``service_level``: probability of being answered within the target
    time (callers who abandon count as not answered); ``None`` when no
    target time was given.
    ``asa``: mean wait in seconds of the callers who are answered
    (average speed of answer), counting the zero waits.
    """

    p_wait: float
    p_abandon: float
    service_level: float | None
    asa: float


# --- validation ---------------------------------------------------------------


def _numbers(name: str, value: object) -> FloatArray:
    """Return ``value`` as a float array or raise ``ValueError`` naming it."""
    if isinstance(value, bool | str | bytes) or value is None:
        raise ValueError(f"{name} must be a number, got {value!r}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return array


def _non_negative(name: str, value: object) -> FloatArray:
    array = _numbers(name, value)
    if np.any(array < 0):
        bad = float(array[array < 0].flat[0])
        raise ValueError(f"{name} must not be negative, got {bad:g}")
    return array


def _positive(name: str, value: object) -> FloatArray:
    array = _numbers(name, value)
    if np.any(array <= 0):
        bad = float(array[array <= 0].flat[0])
        raise ValueError(f"{name} must be positive, got {bad:g}")
    return array


def _agents(value: object, minimum: int) -> FloatArray:
    array = _numbers("agents", value)
    if np.any(array != np.floor(array)):
        bad = float(array[array != np.floor(array)].flat[0])
        raise ValueError(f"agents must be a whole number, got {bad:g}")
    if np.any(array < minimum):
        bad = float(array[array < minimum].flat[0])
        raise ValueError(f"agents must be at least {minimum}, got {bad:g}")
    return array


def _fraction(name: str, value: object) -> float:
    array = _numbers(name, value)
    if array.ndim != 0:
        raise ValueError(f"{name} must be a single number, got {value!r}")
    level = float(array)
    if not 0.0 < level < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1, got {level:g}")
    return level


def _scalar(name: str, array: FloatArray) -> float:
    if array.ndim != 0:
        raise ValueError(f"{name} must be a single number, got an array")
    return float(array)


def _require_stable(traffic: FloatArray, agents: FloatArray) -> None:
    unstable = agents <= traffic
    if np.any(unstable):
        a = float(np.broadcast_to(traffic, unstable.shape)[unstable].flat[0])
        n = float(np.broadcast_to(agents, unstable.shape)[unstable].flat[0])
        raise ValueError(
            f"the queue is unstable: {n:g} agents for {a:g} Erlangs; Erlang C "
            "needs more agents than Erlangs of traffic (use erlang_a for "
            "queues where callers abandon)"
        )


def _result(value: FloatArray, *inputs: object) -> Any:
    """Return a Python float for scalar inputs, the array otherwise."""
    if all(np.ndim(x) == 0 for x in inputs):  # type: ignore[arg-type]
        return float(value)
    return value


# --- numerical kernels ----------------------------------------------------------


def _stirlerr(k: FloatArray) -> FloatArray:
    """Return ``lgamma(k + 1) - log(sqrt(2 pi k) (k / e)^k)`` for ``k > 0``."""
    out = np.empty_like(k)
    big = k >= 15.0
    kb = k[big]
    # Beyond 1e154 (patience -> 0) k^2 overflows and the correction is 0.
    with np.errstate(over="ignore"):
        k2 = 1.0 / (kb * kb)
    out[big] = (_S0 - (_S1 - (_S2 - (_S3 - _S4 * k2) * k2) * k2) * k2) / kb
    ks = k[~big]
    # Terms are below ~45 here, so the direct form loses only ~1e-14.
    out[~big] = (
        special.gammaln(ks + 1.0) - (ks + 0.5) * np.log(ks) + ks - 0.5 * _LOG_2PI
    )
    return out


def _bd0(k: FloatArray, m: FloatArray) -> FloatArray:
    """Return ``k log(k / m) + m - k`` without cancellation (``k, m > 0``)."""
    out = np.empty_like(k)
    d = k - m
    close = np.abs(d) < 0.1 * (k + m)
    v = d[close] / (k[close] + m[close])
    v2 = v * v
    term = 2.0 * k[close] * v
    total = d[close] * v
    # |v| < 0.1: each term is 100 times smaller than the previous one.
    for j in range(1, 12):
        term = term * v2
        total = total + term / (2 * j + 1)
    out[close] = total
    far = ~close
    r = d[far] / m[far]
    out[far] = m[far] * ((1.0 + r) * np.log1p(r) - r)
    return out


def _log_poisson_pmf(k: FloatArray, m: FloatArray) -> FloatArray:
    """Return ``log(m^k e^-m / Gamma(k + 1))`` for real ``k >= 0``, ``m > 0``."""
    k, m = np.broadcast_arrays(np.asarray(k, float), np.asarray(m, float))
    shape = k.shape
    k, m = k.reshape(-1), m.reshape(-1)
    out = -m.copy()
    pos = k > 0
    kp = k[pos]
    out[pos] = -_stirlerr(kp) - _bd0(kp, m[pos]) - 0.5 * (_LOG_2PI + np.log(kp))
    return out.reshape(shape)


def _product_chunks(
    factor: Callable[[FloatArray], FloatArray], limit: int
) -> Iterator[FloatArray]:
    """Yield ``1, f(1), f(1) f(2), ...`` in chunks until the tail is negligible.

    ``factor`` must be non-increasing and below 1 from some index on (all
    series here are); ``limit`` caps the number of factors. The terms are
    streamed, never kept: callers accumulate what they need chunk by chunk,
    so memory stays at one chunk however long the series is.
    """
    yield np.ones(1)
    last, total, start = 1.0, 1.0, 1
    while start <= limit:
        stop = min(start + _CHUNK, limit + 1)
        factors = factor(np.arange(start, stop, dtype=np.float64))
        terms: FloatArray = np.cumprod(factors, dtype=np.float64) * last
        yield terms
        total += float(terms.sum())
        last = float(terms[-1])
        start = stop
        ratio = float(factor(np.array([float(start)]))[0])
        # The remaining terms shrink at least geometrically by ``ratio``.
        if ratio < 1.0 and last * ratio / (1.0 - ratio) < 1e-18 * total:
            break


def _product_sum(factor: Callable[[FloatArray], FloatArray], limit: int) -> float:
    """Return the sum of the series ``1 + f(1) + f(1) f(2) + ...``."""
    return math.fsum(float(chunk.sum()) for chunk in _product_chunks(factor, limit))


def _log_erlang_b(traffic: FloatArray, agents: FloatArray) -> FloatArray:
    """Return ``log B(agents, traffic)`` elementwise (``traffic > 0``)."""
    a, n = np.broadcast_arrays(np.asarray(traffic, float), np.asarray(agents, float))
    shape = a.shape
    a, n = a.reshape(-1), n.reshape(-1)
    q = special.gammaincc(n + 1.0, a)
    with np.errstate(divide="ignore"):
        out = _log_poisson_pmf(n, a) - np.log(q)
    for index in np.flatnonzero(q < _UNDERFLOW):
        out[index] = -math.log(_inverse_erlang_b_sum(float(a[index]), int(n[index])))
    result: FloatArray = out.reshape(shape)
    return result


def _inverse_erlang_b_sum(a: float, n: int) -> float:
    """Return ``1 / B = sum_j n! / (n - j)! a^-j`` (fast when ``n`` << ``a``)."""

    def factor(i: FloatArray) -> FloatArray:
        return (n - i + 1.0) / a

    return _product_sum(factor, n)


def _erlang_c_from_b(a: FloatArray, n: FloatArray, b: FloatArray) -> FloatArray:
    return n * b / (n - a + a * b)


def _service_level_from_b(
    a: FloatArray, n: FloatArray, b: FloatArray, aht: float, target_time: float
) -> FloatArray:
    c = _erlang_c_from_b(a, n, b)
    decay = -(n - a) * (target_time / aht)
    late = c * np.exp(decay)
    # A service level near 0 is formed from 1 - C and 1 - exp(-z), without
    # subtracting nearly equal numbers; near 1, 1 - (late share) is exact
    # to an ulp and keeps the result monotone in the agents.
    not_waiting = (n - a) * (1.0 - b) / (n - a + a * b)
    low = not_waiting - c * np.expm1(decay)
    result: FloatArray = np.where(late < 0.5, 1.0 - late, low)
    return result


def _erlang_b_values(a: FloatArray, n: FloatArray) -> FloatArray:
    """Return Erlang B, treating zero traffic (no call is ever blocked)."""
    a, n = np.broadcast_arrays(a, n)
    busy = a > 0
    out = np.where(n == 0, 1.0, 0.0)
    if np.any(busy):
        # exp(log B) may round above 1 where B = 1 - (tiny).
        out[busy] = np.minimum(np.exp(_log_erlang_b(a[busy], n[busy])), 1.0)
    out[n == 0] = 1.0
    return out


# --- Erlang B and C -------------------------------------------------------------


@overload
def erlang_b(traffic: float, agents: int) -> float: ...
@overload
def erlang_b(traffic: ArrayLike, agents: ArrayLike) -> FloatArray: ...
def erlang_b(traffic: ArrayLike, agents: ArrayLike) -> float | FloatArray:
    """Return the blocking probability of a loss system (vectorised).

    ``agents`` may be any whole number from 0 (everything is blocked).
    """
    a = _non_negative("traffic", traffic)
    n = _agents(agents, minimum=0)
    return _result(_erlang_b_values(a, n), traffic, agents)  # type: ignore[no-any-return]


@overload
def erlang_c(traffic: float, agents: int) -> float: ...
@overload
def erlang_c(traffic: ArrayLike, agents: ArrayLike) -> FloatArray: ...
def erlang_c(traffic: ArrayLike, agents: ArrayLike) -> float | FloatArray:
    """Return the probability that a caller waits (M/M/n, vectorised)."""
    a = _non_negative("traffic", traffic)
    n = _agents(agents, minimum=1)
    _require_stable(a, n)
    a, n = np.broadcast_arrays(a, n)
    c = _erlang_c_from_b(a, n, _erlang_b_values(a, n))
    return _result(c, traffic, agents)  # type: ignore[no-any-return]


@overload
def service_level(
    traffic: float, agents: int, aht: float, target_time: float
) -> float: ...
@overload
def service_level(
    traffic: ArrayLike, agents: ArrayLike, aht: float, target_time: float
) -> FloatArray: ...
def service_level(
    traffic: ArrayLike, agents: ArrayLike, aht: float, target_time: float
) -> float | FloatArray:
    """Return the share of callers answered within ``target_time`` seconds.

    Erlang C (no abandonment); ``aht`` is the mean handling time in
    seconds. Vectorised over ``traffic`` and ``agents``.
    """
    a = _non_negative("traffic", traffic)
    n = _agents(agents, minimum=1)
    handling = _scalar("aht", _positive("aht", aht))
    target = _scalar("target_time", _non_negative("target_time", target_time))
    _require_stable(a, n)
    a, n = np.broadcast_arrays(a, n)
    sl = _service_level_from_b(a, n, _erlang_b_values(a, n), handling, target)
    return _result(sl, traffic, agents)  # type: ignore[no-any-return]


@overload
def average_speed_of_answer(traffic: float, agents: int, aht: float) -> float: ...
@overload
def average_speed_of_answer(
    traffic: ArrayLike, agents: ArrayLike, aht: float
) -> FloatArray: ...
def average_speed_of_answer(
    traffic: ArrayLike, agents: ArrayLike, aht: float
) -> float | FloatArray:
    """Return the mean wait in seconds over all callers (Erlang C, vectorised)."""
    a = _non_negative("traffic", traffic)
    n = _agents(agents, minimum=1)
    handling = _scalar("aht", _positive("aht", aht))
    _require_stable(a, n)
    a, n = np.broadcast_arrays(a, n)
    c = _erlang_c_from_b(a, n, _erlang_b_values(a, n))
    return _result(c * handling / (n - a), traffic, agents)  # type: ignore[no-any-return]


@overload
def occupancy(traffic: float, agents: int) -> float: ...
@overload
def occupancy(traffic: ArrayLike, agents: ArrayLike) -> FloatArray: ...
def occupancy(traffic: ArrayLike, agents: ArrayLike) -> float | FloatArray:
    """Return the share of time agents spend handling calls (vectorised)."""
    a = _non_negative("traffic", traffic)
    n = _agents(agents, minimum=1)
    _require_stable(a, n)
    return _result(a / n, traffic, agents)  # type: ignore[no-any-return]


@overload
def agents_for_service_level(
    traffic: float, aht: float, target_level: float, target_time: float
) -> int: ...
@overload
def agents_for_service_level(
    traffic: ArrayLike, aht: float, target_level: float, target_time: float
) -> IntArray: ...
def agents_for_service_level(
    traffic: ArrayLike, aht: float, target_level: float, target_time: float
) -> int | IntArray:
    """Return the fewest agents whose Erlang C service level meets the target.

    The search starts at ``floor(traffic) + 1``, the smallest stable
    staffing, so it never overshoots by starting too high. Zero traffic
    needs zero agents. Vectorised over ``traffic``: B is computed once at
    the start and then stepped up with the stable recurrence
    ``B(n + 1) = a B(n) / (n + 1 + a B(n))``.
    """
    a = _non_negative("traffic", traffic)
    handling = _scalar("aht", _positive("aht", aht))
    level = _fraction("target_level", target_level)
    target = _scalar("target_time", _non_negative("target_time", target_time))
    flat = a.reshape(-1)
    agents = np.where(flat > 0, np.floor(flat) + 1.0, 0.0)
    busy = np.flatnonzero(flat > 0)
    if busy.size:
        ab = flat[busy]
        nb = agents[busy]
        b = np.exp(_log_erlang_b(ab, nb))
        todo = np.arange(busy.size)
        while todo.size:
            sl = _service_level_from_b(ab[todo], nb[todo], b[todo], handling, target)
            todo = todo[sl < level]
            bt = ab[todo] * b[todo]
            nb[todo] += 1.0
            b[todo] = bt / (nb[todo] + bt)
        nb = _settle(ab, nb, handling, level, target)
        agents[busy] = nb
    out = agents.astype(np.int64).reshape(a.shape)
    if np.ndim(traffic) == 0:
        return int(out)
    return out


def _settle(
    a: FloatArray, n: FloatArray, aht: float, level: float, target: float
) -> FloatArray:
    """Align a recurrence result with the closed-form ``service_level``.

    The recurrence and the closed form agree to ~1e-15; at a target that
    falls exactly between them the public function decides, so that
    ``n`` meets the target and ``n - 1`` does not by the caller's measure.
    """

    def meets(agents: FloatArray) -> NDArray[np.bool_]:
        b = np.exp(_log_erlang_b(a, agents))
        return _service_level_from_b(a, agents, b, aht, target) >= level

    n = n.copy()
    while np.any(short := ~meets(n)):
        n[short] += 1.0
    lower = np.maximum(n - 1.0, np.floor(a) + 1.0)
    while np.any(drop := (lower < n) & meets(lower)):
        n[drop] -= 1.0
        lower = np.maximum(n - 1.0, np.floor(a) + 1.0)
    return n


# --- Erlang A -----------------------------------------------------------------


def _rate(name: str, value: object) -> float:
    return _scalar(name, _non_negative(name, value))


def erlang_a(
    arrival_rate: float,
    service_rate: float,
    patience_rate: float,
    agents: int,
    target_time: float | None = None,
) -> ErlangAResult:
    """Return waiting, abandonment, service level and ASA of M/M/n+M.

    Rates are per second: calls arriving, calls one agent completes
    (1 / AHT), callers giving up while waiting (1 / mean patience). A
    patience rate of 0 means nobody abandons, which is Erlang C and needs
    a stable queue. Unlike Erlang C, any number of agents is allowed:
    abandonment keeps an overloaded queue finite. Any patience rate > 0 is
    answered in milliseconds; at and above saturation rates below 1e-290 of
    ``n mu + lam`` are computed as that (see the comment in the body).
    """
    lam = _rate("arrival_rate", arrival_rate)
    mu = _scalar("service_rate", _positive("service_rate", service_rate))
    theta = _rate("patience_rate", patience_rate)
    n = int(_scalar("agents", _agents(agents, minimum=1)))
    target = (
        None
        if target_time is None
        else _scalar("target_time", _non_negative("target_time", target_time))
    )
    if lam == 0.0:
        return ErlangAResult(0.0, 0.0, None if target is None else 1.0, 0.0)
    a = lam / mu
    if theta == 0.0:
        return _erlang_a_without_abandonment(a, n, 1.0 / mu, target)
    capacity = n * mu
    log_b = float(_log_erlang_b(np.array(a), np.array(float(n))))
    spare = _spare_rate(n, mu, lam)
    # Below saturation: y < x and (x - y)^2 > 25 x, times theta^2 (no overflow
    # as theta -> 0).
    if spare > 5.0 * math.sqrt(capacity) * math.sqrt(theta):
        # The series works with x, y and 1 / theta themselves.
        if (
            capacity < _HUGE * theta
            and theta > 1.0 / _HUGE
            and _series_is_short(capacity, lam, spare, theta)
        ):
            x, y = capacity / theta, lam / theta
            return _erlang_a_below_saturation(a, n, theta, x, y, log_b, target)
        return _erlang_a_patient(lam, capacity, spare, theta, log_b, target)
    # At and above saturation x = n mu / theta and y = lam / theta enter the
    # incomplete gamma functions and must stay finite: patience rates below
    # 1e-290 of (n mu + lam) are raised to that. What it changes is already
    # beyond any use: p_wait is 1, abandonment 1 - n mu / lam (or below
    # 1e-140 at saturation), waits above 1e140 seconds.
    theta = max(theta, (capacity + lam) / _HUGE)
    x, y = capacity / theta, lam / theta
    window = (lam, capacity, spare)
    return _erlang_a_near_saturation(a, n, theta, x, y, log_b, target, window)


def agents_for_erlang_a(
    arrival_rate: float,
    service_rate: float,
    patience_rate: float,
    target_level: float,
    target_time: float,
) -> int:
    """Return the fewest agents whose Erlang A service level meets the target.

    The service level counts callers answered within ``target_time``
    among all callers (abandoned ones count as missed). It rises with the
    agents, so the answer is bracketed by doubling and then bisected: about
    two dozen ``erlang_a`` evaluations even at 20,000 Erlangs. A patience
    rate of 0 is Erlang C and gives ``agents_for_service_level``'s answer.
    """
    lam = _rate("arrival_rate", arrival_rate)
    mu = _scalar("service_rate", _positive("service_rate", service_rate))
    theta = _rate("patience_rate", patience_rate)
    level = _fraction("target_level", target_level)
    target = _scalar("target_time", _non_negative("target_time", target_time))
    if lam == 0.0:
        return 0
    if theta == 0.0:
        return agents_for_service_level(lam / mu, 1.0 / mu, level, target)

    def meets(agents: int) -> bool:
        result = erlang_a(lam, mu, theta, agents, target_time=target)
        assert result.service_level is not None  # a target time was given
        return result.service_level >= level

    # Invariant: ``low`` agents fail (0 always does), ``high`` agents meet.
    low, high = 0, max(1, math.ceil(lam / mu))
    while not meets(high):
        low, high = high, 2 * high
    while high - low > 1:
        middle = (low + high) // 2
        if meets(middle):
            high = middle
        else:
            low = middle
    return high


def _erlang_a_without_abandonment(
    a: float, n: int, aht: float, target: float | None
) -> ErlangAResult:
    p_wait = erlang_c(a, n)
    sl = None if target is None else service_level(a, n, aht, target)
    return ErlangAResult(p_wait, 0.0, sl, average_speed_of_answer(a, n, aht))


def _p_wait(log_b: float, log_big_a: float) -> tuple[float, float]:
    """Return ``P(W > 0)`` and ``P(W = 0)``, each to full relative precision."""
    # P(W > 0) = B A / (1 + (A - 1) B) = expit(log B + log A - log(1 - B)).
    z = log_b + log_big_a - math.log1p(-math.exp(log_b))
    return float(special.expit(z)), float(special.expit(-z))


def _answered_share(no_wait: float, p_wait: float, within: float) -> float:
    """Return ``P(W = 0) + P(W > 0) within``, precise near 0 and near 1."""
    missed = p_wait * (1.0 - within)
    # Near 1, one minus the small missed share is exact to an ulp and
    # monotone in the agents; near 0, the sum of small terms is precise.
    return 1.0 - missed if missed < 0.5 else no_wait + p_wait * within


def _series_is_short(capacity: float, lam: float, spare: float, theta: float) -> bool:
    """Tell whether the series ``t_j`` below saturation ends within the budget.

    With ``x = capacity / theta`` (``capacity = n mu``), ``y = lam / theta``
    and ``r = y / x``, ``t_j = r^j prod_{i<=j} 1 / (1 + i / x)`` and ``log(1
    + i / x) >= i / (x + j)`` for ``i <= j``, so ``log t_j <= -j L - j (j +
    1) / (2 (x + j))`` with ``L = log(1 / r)``. The summation stops once
    ``t_j r / (1 - r) < 1e-18``; if that bound is met at ``j =
    _SERIES_TERMS`` the series has at most one more chunk of terms.
    """
    if lam == 0.0:
        return True
    j = float(_SERIES_TERMS)
    needed = math.log(1e18) + math.log(lam / spare)
    gaussian = j * (j + 1.0) * theta / (2.0 * (capacity + j * theta))
    return j * math.log(capacity / lam) + gaussian > needed


def _erlang_a_below_saturation(
    a: float,
    n: int,
    theta: float,
    x: float,
    y: float,
    log_b: float,
    target: float | None,
) -> ErlangAResult:
    """Sum the geometric series of the queue's stationary weights.

    ``t_j = prod_{i<=j} y / (x + i)`` is the weight of ``j`` callers queued
    behind a full team; ``A = sum t_j`` and ``sum j t_j`` give the
    abandonment rate ``theta E[queue]`` without cancellation. Only used
    where ``_series_is_short``; the sums are accumulated chunk by chunk.
    """
    # The bound of _series_is_short stops every series one chunk after
    # _SERIES_TERMS; the cap only guards time should a caller skip the check.
    limit = _SERIES_TERMS + 2 * _CHUNK
    sums: list[float] = []
    moments: list[float] = []
    index = 0
    for chunk in _product_chunks(lambda i: y / (x + i), limit):
        sums.append(float(chunk.sum()))
        positions = np.arange(index, index + chunk.size, dtype=np.float64)
        moments.append(float(positions @ chunk))
        index += chunk.size
    big_a = math.fsum(sums)
    p_wait, no_wait = _p_wait(log_b, math.log(big_a))
    queued = math.fsum(moments)
    p_abandon = p_wait * queued / (y * big_a)
    # Series of A(x + 1, y): also the weights of the answered-wait sum, whose
    # harmonic factor H_j = sum_{i<=j} 1 / (x + 1 + i) is carried across chunks.
    sums, moments = [], []
    index, carry = 0, 0.0
    for chunk in _product_chunks(lambda i: y / (x + 1.0 + i), limit):
        steps = 1.0 / (x + 1.0 + np.arange(index, index + chunk.size, dtype=np.float64))
        harmonic = np.cumsum(np.concatenate(([carry], steps)))[1:]
        carry = float(harmonic[-1])
        sums.append(float(chunk.sum()))
        moments.append(float(chunk @ harmonic))
        index += chunk.size
    big_a1 = math.fsum(sums)
    answered_wait = x / ((x + 1.0) * big_a * theta) * math.fsum(moments)
    asa = p_wait * answered_wait / (1.0 - p_abandon)
    sl = None
    if target is not None:
        yu = y * math.exp(-theta * target)
        late = _product_sum(lambda i: yu / (x + 1.0 + i), limit)
        # u^(x+1) e^(y (1 - u)) with u = exp(-theta t).
        scale = math.exp(-(x + 1.0) * theta * target - y * math.expm1(-theta * target))
        within = x / ((x + 1.0) * big_a) * (big_a1 - late * scale)
        sl = _answered_share(no_wait, p_wait, within)
    return ErlangAResult(p_wait, p_abandon, sl, asa)


def _phi_over_square(s: FloatArray) -> FloatArray:
    """Return ``(exp(-s) - 1 + s) / s^2`` (``s >= 0``) to full precision."""
    out = np.full_like(s, 0.5)
    big = np.abs(s) >= 0.5
    sb = s[big]
    out[big] = (np.expm1(-sb) + sb) / (sb * sb)
    small = ~big
    ss = s[small]
    # Below 0.5 the direct form cancels: sum_{k>=2} (-s)^(k-2) / k! to k =
    # 20 (the next term is under 1e-25 of the sum), in Horner form.
    poly = np.zeros_like(ss)
    for coefficient in _PHI_SERIES:
        poly = poly * -ss + coefficient
    out[small] = poly
    return out


def _window_is_short(lam: float, spare: float, theta: float, target: float) -> bool:
    """Tell whether ``e^-s g(s)`` varies by less than ``e^8`` on ``[0, tau]``.

    Its exponent is ``-(x + 1 - y) s - y phi(s)``; at ``s = tau = theta t``
    the two parts are ``(spare + theta) t`` and ``lam theta t^2 / 2`` at most.
    """
    return abs(spare + theta) * target <= 4.0 and lam * theta * target**2 <= 8.0


def _window_sum(lam: float, spare: float, theta: float, target: float) -> float:
    """Return ``(2 / tau) int_0^tau e^-s g(s) ds`` by 24-point Gauss-Legendre.

    ``g(s) = exp(-x s - y expm1(-s))``, ``tau = theta t``; with ``s = tau h``
    the exponent of ``e^-s g`` is ``-(spare + theta) t h - lam theta t^2 h^2
    phi(s) / s^2``, free of the huge ``x`` and ``y``. On a short window (see
    ``_window_is_short``) the integrand is a smooth, mildly varying function
    and the rule is exact to rounding.
    """
    xi, wl = _LEGENDRE
    h = 0.5 * (1.0 + xi)
    tau = theta * target
    curve = lam * theta * target * target
    log_e = -(spare + theta) * target * h - curve * h * h * _phi_over_square(tau * h)
    return float(wl @ np.exp(log_e))


def _phi_scalar(d: float) -> float:
    """Return ``exp(-d) - 1 + d`` for any real ``d`` to full precision."""
    if abs(d) >= 0.5:
        return math.expm1(-d) + d
    # sum_{k>=2} (-d)^k / k! to k = 20, in Horner form.
    poly = 0.0
    for coefficient in _PHI_SERIES:
        poly = poly * -d + coefficient
    return poly * d * d


def _spare_rate(n: int, mu: float, lam: float) -> float:
    """Return ``n mu - lam`` rounded once (exact rational arithmetic).

    Near saturation ``n mu`` and ``lam`` agree to many digits; the
    product's own rounding would otherwise dominate their difference.
    """
    mu_num, mu_den = mu.as_integer_ratio()
    lam_num, lam_den = lam.as_integer_ratio()
    # int / int is correctly rounded in Python.
    return (n * mu_num * lam_den - lam_num * mu_den) / (mu_den * lam_den)


def _erlang_a_patient(
    lam: float,
    capacity: float,
    spare: float,
    theta: float,
    log_b: float,
    target: float | None,
) -> ErlangAResult:
    """Erlang A below saturation where the series is long: very patient callers.

    With ``x = capacity / theta``, ``y = lam / theta`` and ``g(s) = exp(-x
    s - y expm1(-s))``, the series are Laplace-type integrals (``s = -log(1
    - v)`` in Euler's integral of 1F1): ``A = x int g``, ``sum j t_j = x y
    int (1 - e^-s) g``, the answered wait is ``int s e^-s g / (theta int
    g)`` and the share answered within ``t`` is ``int_0^tau e^-s g / int g``
    with ``tau = theta t``. As ``g(s) = e^{-c s} exp(-y phi(s))`` with ``c =
    x - y = spare / theta`` and ``phi(s) = e^-s - 1 + s``, each is ``e^-z``
    times a smooth factor in ``z = c s``; below saturation ``y / c^2 <
    1/25``, so that factor is ``exp(-(y / c^2) z^2 / 2 + ...)`` and 40-point
    Gauss-Laguerre quadrature is exact to ~1e-16. Every ratio is of positive
    sums, so nothing cancels, and the cost does not depend on how many
    terms the series would need (10^9 and more as ``theta -> 0``). Only
    products like ``y / c^2 = lam theta / spare^2`` appear, never ``x`` or
    ``y`` alone, which overflow when ``theta`` is tiny.
    """
    z, w = _LAGUERRE
    # int g = (1 / c) sum w g0, with s = z / c.
    s0 = z * (theta / spare)
    g0 = np.exp(-(lam * theta / spare / spare) * z * z * _phi_over_square(s0))
    base = float(w @ g0)
    p_wait, no_wait = _p_wait(log_b, math.log(capacity / spare) + math.log(base))
    # 1 - e^-s = (z / c) q(s) with q(s) = (1 - e^-s) / s, q(0) = 1.
    q = np.ones_like(s0)
    positive = s0 > 0.0
    q[positive] = -np.expm1(-s0[positive]) / s0[positive]
    p_abandon = p_wait * (theta / spare) * float(w @ (g0 * z * q)) / base
    # e^-s g(s) decays at rate c + 1 from s = 0: s = z / (c + 1).
    rate1 = theta + spare  # (c + 1) theta
    s1 = z * (theta / rate1)
    g1 = np.exp(-(lam * theta / rate1**2) * z * z * _phi_over_square(s1))
    answered_wait = float(w @ (z * g1)) * spare / (rate1 * rate1 * base)
    asa = p_wait * answered_wait / (1.0 - p_abandon)
    sl = None
    if target is not None:
        tau = theta * target
        reach = spare * target  # c tau
        # y phi(s) at s = tau h is lam theta t^2 h^2 phi(s) / s^2.
        curve = lam * theta * target * target
        if reach <= 1.0:
            # Short window: c int_0^tau e^-s g, where e^-s g varies by < e^2.
            early = 0.5 * reach * _window_sum(lam, spare, theta, target)
        else:
            # Long window: everything answered minus the late tail from tau,
            # at most e^-1 of it. With s = tau + z / kappa, kappa the decay
            # rate of e^-s g at tau, phi(tau + d) - phi(tau) = d (1 - e^-tau)
            # + e^-tau phi(d) leaves exp(-y e^-tau phi(z / kappa)).
            rate = rate1 - lam * math.expm1(-tau)  # kappa theta
            s_late = z * (theta / rate)
            bend = lam * theta * math.exp(-tau) / rate**2
            g_late = np.exp(-bend * z * z * _phi_over_square(s_late))
            edge = -(tau + reach) - curve * float(_phi_over_square(np.array([tau]))[0])
            late = math.exp(edge) * spare / rate * float(w @ g_late)
            early = float(w @ g1) * spare / rate1 - late
        within = early / base
        sl = _answered_share(no_wait, p_wait, within)
    return ErlangAResult(p_wait, p_abandon, sl, asa)


def _erlang_a_near_saturation(
    a: float,
    n: int,
    theta: float,
    x: float,
    y: float,
    log_b: float,
    target: float | None,
    rates: tuple[float, float, float],
) -> ErlangAResult:
    """Use the incomplete gamma form ``A = P(x, y) / p(x; y)`` in log space.

    ``rates`` are ``lam``, ``n mu`` and their exact difference.
    """
    p_xy = float(special.gammainc(x, y))
    log_big_a = math.log(p_xy) - float(_log_poisson_pmf(np.array(x), np.array(y)))
    p_wait, no_wait = _p_wait(log_b, log_big_a)
    rho = a / n
    # 1 - 1/rho + 1/(rho A): at most ~25-fold cancellation in this regime.
    abandon_given_wait = (1.0 - 1.0 / rho) + math.exp(-log_big_a) / rho
    p_abandon = p_wait * abandon_given_wait
    answered_wait = _answered_wait_ratio(x, y) / theta
    asa = p_wait * answered_wait / (1.0 - p_abandon)
    sl = None
    if target is not None:
        lam, capacity, spare = rates
        yu = y * math.exp(-theta * target)
        if _window_is_short(lam, spare, theta, target):
            # Within a window shorter than the spread of the queue the two
            # incomplete gamma functions below agree to many digits; the
            # integral int_0^tau e^-s g = tau / 2 sum (A = x int g) has no
            # such difference.
            early = _window_sum(lam, spare, theta, target)
            # A >= 1 (its first term is 1), so exp(-log A) cannot overflow.
            within = 0.5 * capacity * target * early * math.exp(-log_big_a)
        elif yu > x + 1.0:
            # Both in the upper tail: the small complements differ accurately.
            log_q_late = _log_gamma_q(x + 1.0, yu)
            log_q_all = _log_gamma_q(x + 1.0, y)
            diff = -math.exp(log_q_late) * math.expm1(log_q_all - log_q_late)
            within = x * diff / (y * p_xy)
        else:
            diff = float(special.gammainc(x + 1.0, y) - special.gammainc(x + 1.0, yu))
            within = x * diff / (y * p_xy)
        sl = _answered_share(no_wait, p_wait, within)
    return ErlangAResult(p_wait, p_abandon, sl, asa)


def _log_gamma_q(a: float, z: float) -> float:
    """Return ``log Q(a, z)``, the regularised upper incomplete gamma, ``z > a``.

    Deep in the tail, where ``Q`` underflows, ``Q = p(a - 1; z) sum_k
    prod_{i<=k} (a - i) / z`` with geometrically shrinking terms.
    """
    q = float(special.gammaincc(a, z))
    if q >= _UNDERFLOW:
        return math.log(q)
    log_p = float(_log_poisson_pmf(np.array(a - 1.0), np.array(z)))
    if a <= 1.0 or _SERIES_TERMS * math.log(z / (a - 1.0)) > 50.0:
        total = _product_sum(lambda i: (a - i) / z, max(0, math.ceil(a - 1.0) - 1))
        return log_p + math.log(total)
    # The ratio (a - 1) / z is too close to 1 for the series (huge a, tiny
    # patience): sum = z int_0^inf exp(-z u) (1 + u)^(a - 1) du, with u = v /
    # kappa and kappa = z - a + 1 the decay rate at 0, is e^-v times
    # exp(-(a - 1) (u - log1p(u))); (a - 1) / kappa^2 < 1/1000 where Q
    # underflows, so Gauss-Laguerre is exact.
    kappa = z - (a - 1.0)
    nodes, weights = _LAGUERRE
    u = nodes / kappa
    total = z / kappa * float(weights @ np.exp(-(a - 1.0) * _chi(u)))
    return log_p + math.log(total)


def _chi(u: FloatArray) -> FloatArray:
    """Return ``u - log1p(u)`` (``u >= 0``) without cancellation."""
    out: FloatArray = u - np.log1p(u)
    small = u < 0.5
    us = u[small]
    # log1p(u) = 2 atanh(w) with w = u / (2 + u) <= 0.2, and u - 2 w = u^2 /
    # (2 + u): u - log1p(u) = u^2 / (2 + u) - 2 (atanh(w) - w).
    w = us / (2.0 + us)
    w2 = w * w
    poly = np.zeros_like(us)
    for k in range(12, 0, -1):
        poly = poly * w2 + 1.0 / (2 * k + 1)
    out[small] = us * us / (2.0 + us) - 2.0 * w * w2 * poly
    return out


def _answered_wait_ratio(x: float, y: float) -> float:
    """Return ``I1 / I0``: theta times the mean wait of answered queued callers.

    ``I1 = int_0^inf s exp(-(x + 1) s - y expm1(-s)) ds`` and ``I0 = int_0^inf
    exp(-x s - y expm1(-s)) ds`` (``I0 = A / x``). Both are integrated with
    the same scale, so a huge common factor (``A`` reaches ``e^40000`` in
    overloaded queues) cancels exactly instead of through its logarithm.
    The integrands are written in the offset ``d = s - s*`` from the peak
    ``s*`` of the first, so the large linear terms cancel analytically, and
    integrated with break points around the peak.
    """

    def slope(s: float) -> float:
        return 1.0 / s - (x + 1.0) + y * math.exp(-s)

    high = 2.0 + max(0.0, math.log(y / (x + 1.0)))
    peak = float(optimize.brentq(slope, 1e-300, high, xtol=1e-300, rtol=1e-15))
    # At the peak y e^-peak = x + 1 - 1/peak, so the exponent -(x + 1) d -
    # y e^-peak expm1(-d) is -d / peak - decay phi(d), phi(d) = e^-d - 1 +
    # d: no difference of terms of size x, which lose every digit (and
    # overflow exp) when x = n mu / theta is huge. Taking decay from the
    # identity instead of from y moves y by the peak's rounding only.
    decay = x + 1.0 - 1.0 / peak
    width = 1.0 / math.sqrt(1.0 / peak**2 + decay)

    slope0 = -1.0 / peak
    # expm1(-d) + d is exact but for expm1's rounding, 1e-16 |d|: up to
    # decay ~1e4 that costs ~1e-14 where the integrand matters, and it is
    # five times faster than the series of _phi_scalar needed beyond.
    if decay > 1e4:

        def log_common(d: float) -> float:
            return slope0 * d - decay * _phi_scalar(d)

    else:

        def log_common(d: float) -> float:
            return slope0 * d - decay * (math.expm1(-d) + d)

    def f1(d: float) -> float:
        return math.exp(math.log1p(d / peak) + log_common(d)) if d > -peak else 0.0

    def f0(d: float) -> float:
        # exp(s) / s times the first integrand, with s = peak + d.
        return math.exp(log_common(d) + peak + d - math.log(peak))

    def integral(f: Callable[[float], float]) -> float:
        end = 60.0 * width
        points = [p for p in (-8.0 * width, 0.0, 8.0 * width) if -peak < p < end]
        body = integrate.quad(
            f,
            -peak,
            end,
            points=points,
            epsabs=0.0,
            epsrel=1e-13,
            limit=400,
            full_output=1,
        )[0]
        tail = integrate.quad(f, end, math.inf, epsabs=0.0, epsrel=1e-13, full_output=1)
        return float(body) + float(tail[0])

    return integral(f1) / integral(f0)
