"""Discrete-event simulation of queues, skills and agents for what-if (W2).

Pure module: a seeded ``numpy.random.Generator`` drives every draw and
simulated time is a plain float in seconds; no clock is read and nothing
is written anywhere. Two entry points:

``simulate(queues, groups, duration, seed, ...)``
    The general simulator of the routing policies: several queues with
    priorities, agent groups with skills, exponential patience
    (abandonment), and callbacks offered when the expected wait exceeds a
    queue's threshold. A heap of events (arrival, end of a call,
    abandonment) in time order; ties are broken by insertion order, so a
    seed always gives the same result.

``simulate_erlang_a(arrival_rate, service_rate, patience_rate, agents,
customers, seed, target_time)``
    The single FIFO queue with exponential times (M/M/n+M), specialised:
    with first-come-first-served, a caller's wait before an agent frees up
    is fixed by the callers ahead who are answered, so each caller needs
    one heap operation on the agents' free times, with every random draw
    made up front. Returns the quantities of ``erlang.erlang_a`` with
    batch-means confidence intervals.

Routing rules of ``simulate`` (the policy being simulated):

1. An arriving caller goes to an idle agent with the skill if there is one,
   taken from the group with the fewest skills, so that versatile agents
   stay free for the queues only they can serve.
2. An agent who becomes free takes, among the queues of its skills, the
   waiting caller of the highest priority; within equal priority the one
   who has waited longest. Accepted callbacks come after every live caller.
3. A caller who must wait is offered a callback when the queue has a
   threshold and the expected wait (callers ahead + 1, divided by the
   service rate of the skilled agents) exceeds it; a share
   ``callback_acceptance`` accepts and leaves the live queue.
4. A waiting caller abandons after an exponential patience; callbacks do
   not abandon.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "AgentGroup",
    "ErlangASimulation",
    "QueueSpec",
    "QueueStats",
    "SimulationResult",
    "simulate",
    "simulate_erlang_a",
]

_BATCHES = 20


def _check_rate(name: str, value: float, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {value!r}")
    rate = float(value)
    if not math.isfinite(rate):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and rate <= 0:
        raise ValueError(f"{name} must be positive, got {rate:g}")
    if rate < 0:
        raise ValueError(f"{name} must not be negative, got {rate:g}")
    return rate


def _check_count(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


# --- the general simulator ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """One queue (hotline line, language, topic) and its callers.

    Rates per second: Poisson arrivals, exponential handling by any
    skilled agent, exponential patience (0: nobody abandons). A higher
    ``priority`` is served first. ``callback_threshold`` (seconds of
    expected wait) turns on callback offers.
    """

    name: str
    arrival_rate: float
    service_rate: float
    patience_rate: float = 0.0
    priority: int = 0
    callback_threshold: float | None = None
    callback_acceptance: float = 1.0

    def __post_init__(self) -> None:
        _check_rate(f"{self.name}: arrival_rate", self.arrival_rate, positive=False)
        _check_rate(f"{self.name}: service_rate", self.service_rate, positive=True)
        _check_rate(f"{self.name}: patience_rate", self.patience_rate, positive=False)
        if self.callback_threshold is not None:
            _check_rate(
                f"{self.name}: callback_threshold",
                self.callback_threshold,
                positive=False,
            )
        share = _check_rate(
            f"{self.name}: callback_acceptance",
            self.callback_acceptance,
            positive=False,
        )
        if share > 1.0:
            raise ValueError(
                f"{self.name}: callback_acceptance must be a fraction from 0 to 1, "
                f"got {share:g}"
            )


@dataclass(frozen=True, slots=True)
class AgentGroup:
    """Agents sharing the same skills: the queue names they may answer."""

    name: str
    agents: int
    skills: frozenset[str]

    def __post_init__(self) -> None:
        _check_count(f"{self.name}: agents", self.agents, 0)


@dataclass(frozen=True, slots=True)
class QueueStats:
    """Outcome of the callers of one queue who arrived after the warm-up.

    ``service_level`` is the share of live callers answered within the
    target time; callers who accepted a callback are not live callers.
    ``mean_wait`` is over answered live callers, ``mean_callback_delay``
    from the request to the start of the callback.
    """

    offered: int
    answered: int
    abandoned: int
    answered_within_target: int
    callbacks_offered: int
    callbacks_accepted: int
    mean_wait: float
    mean_callback_delay: float

    @property
    def service_level(self) -> float:
        """Return the share of live callers answered within the target."""
        live = self.offered - self.callbacks_accepted
        return self.answered_within_target / live if live else 1.0

    @property
    def abandonment(self) -> float:
        """Return the share of live callers who hung up while waiting."""
        live = self.offered - self.callbacks_accepted
        return self.abandoned / live if live else 0.0


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """Per-queue outcomes and per-group occupancy over the measured window."""

    measured_seconds: float
    queues: Mapping[str, QueueStats]
    occupancy: Mapping[str, float]


class _Caller:
    __slots__ = ("arrival", "queue", "state")

    def __init__(self, arrival: float, queue: int) -> None:
        self.arrival = arrival
        self.queue = queue
        self.state = _WAITING


_WAITING, _SERVED, _ABANDONED, _CALLBACK = range(4)
_ARRIVAL, _DEPARTURE, _ABANDONMENT = range(3)


def _blocks(draw: Callable[[int], np.ndarray]) -> Iterator[float]:
    """Yield draws one by one, fetched from the generator 4,096 at a time."""
    while True:
        yield from draw(4096).tolist()


class _Tally:
    __slots__ = (
        "abandoned",
        "answered",
        "callback_delay",
        "callbacks_accepted",
        "callbacks_done",
        "callbacks_offered",
        "offered",
        "wait",
        "within",
    )

    def __init__(self) -> None:
        self.offered = self.answered = self.abandoned = self.within = 0
        self.callbacks_offered = self.callbacks_accepted = self.callbacks_done = 0
        self.wait = self.callback_delay = 0.0

    def freeze(self) -> QueueStats:
        return QueueStats(
            offered=self.offered,
            answered=self.answered,
            abandoned=self.abandoned,
            answered_within_target=self.within,
            callbacks_offered=self.callbacks_offered,
            callbacks_accepted=self.callbacks_accepted,
            mean_wait=self.wait / self.answered if self.answered else 0.0,
            mean_callback_delay=(
                self.callback_delay / self.callbacks_done
                if self.callbacks_done
                else 0.0
            ),
        )


def simulate(
    queues: Sequence[QueueSpec],
    groups: Sequence[AgentGroup],
    duration: float,
    seed: int,
    target_time: float = 20.0,
    warmup: float = 0.0,
) -> SimulationResult:
    """Simulate ``duration`` seconds of arrivals and return what happened.

    Statistics cover callers arriving between ``warmup`` and ``duration``;
    after ``duration`` no one new arrives and the simulation runs until
    every caller is answered, has abandoned or got the callback, so each
    counted caller has an outcome. Raises ``ValueError`` for a queue no
    group can answer, duplicate names and bad numbers.
    """
    horizon = _check_rate("duration", duration, positive=True)
    start = _check_rate("warmup", warmup, positive=False)
    target = _check_rate("target_time", target_time, positive=False)
    if start >= horizon:
        raise ValueError(
            f"warmup ({start:g} s) must end before duration ({horizon:g} s)"
        )
    names = [q.name for q in queues]
    if not names:
        raise ValueError("at least one queue is needed")
    if len(set(names)) != len(names):
        raise ValueError(f"queue names must be unique, got {names}")
    if len({g.name for g in groups}) != len(groups):
        raise ValueError("agent group names must be unique")
    index = {name: i for i, name in enumerate(names)}
    for group in groups:
        unknown = sorted(group.skills - index.keys())
        if unknown:
            raise ValueError(
                f"{group.name}: unknown queue in skills: {', '.join(unknown)}"
            )
    skilled = [
        sum(g.agents for g in groups if q.name in g.skills and g.agents) for q in queues
    ]
    for q, count in zip(queues, skilled, strict=True):
        if count == 0 and q.arrival_rate > 0:
            raise ValueError(f"{q.name}: no agent has the skill to answer this queue")
    return _Simulation(
        queues, groups, index, skilled, seed, target, start, horizon
    ).run()


class _Simulation:
    """State of one run of ``simulate``; see the module docstring for rules."""

    def __init__(
        self,
        queues: Sequence[QueueSpec],
        groups: Sequence[AgentGroup],
        index: Mapping[str, int],
        skilled: Sequence[int],
        seed: int,
        target: float,
        start: float,
        horizon: float,
    ) -> None:
        self.queues = list(queues)
        self.groups = list(groups)
        self.skilled = list(skilled)
        self.target, self.start, self.horizon = target, start, horizon
        self.rng = np.random.default_rng(seed)
        # next(self.exponential) / rate is an exponential draw of that rate.
        self.exponential = _blocks(self.rng.standard_exponential)
        self.uniform = _blocks(self.rng.random)
        self.idle = [g.agents for g in groups]
        self.busy_seconds = [0.0] * len(groups)
        # Group order for rule 1: fewest skills first, then as given.
        self.arrival_order = [
            sorted(
                (g for g, group in enumerate(groups) if q.name in group.skills),
                key=lambda g: (len(groups[g].skills), g),
            )
            for q in queues
        ]
        # Queues each group serves, highest priority first (rule 2).
        self.group_queues = [
            sorted(
                (index[name] for name in group.skills),
                key=lambda i: (-queues[i].priority, i),
            )
            for group in groups
        ]
        self.waiting: list[deque[_Caller]] = [deque() for _ in queues]
        self.live = [0] * len(queues)
        self.callbacks: list[deque[tuple[float, bool]]] = [deque() for _ in queues]
        self.tallies = [_Tally() for _ in queues]
        self.events: list[tuple[float, int, int, int, _Caller | None]] = []
        # Insertion order breaks ties between simultaneous events.
        self.sequence = itertools.count()

    def push(self, time: float, kind: int, where: int, caller: _Caller | None) -> None:
        heapq.heappush(self.events, (time, next(self.sequence), kind, where, caller))

    def run(self) -> SimulationResult:
        for i, q in enumerate(self.queues):
            if q.arrival_rate > 0:
                self.push(next(self.exponential) / q.arrival_rate, _ARRIVAL, i, None)
        while self.events:
            now, _, kind, where, caller = heapq.heappop(self.events)
            if kind == _ARRIVAL:
                self.arrive(now, where)
            elif kind == _DEPARTURE:
                self.depart(now, where)
            elif caller is not None and caller.state == _WAITING:
                caller.state = _ABANDONED
                self.live[caller.queue] -= 1
                if caller.arrival >= self.start:
                    self.tallies[caller.queue].abandoned += 1
        measured = self.horizon - self.start
        occupancy = {
            g.name: (self.busy_seconds[i] / (g.agents * measured) if g.agents else 0.0)
            for i, g in enumerate(self.groups)
        }
        return SimulationResult(
            measured_seconds=measured,
            queues={
                q.name: t.freeze()
                for q, t in zip(self.queues, self.tallies, strict=True)
            },
            occupancy=occupancy,
        )

    def arrive(self, now: float, q: int) -> None:
        spec = self.queues[q]
        following = now + next(self.exponential) / spec.arrival_rate
        if following < self.horizon:
            self.push(following, _ARRIVAL, q, None)
        counted = now >= self.start
        tally = self.tallies[q]
        tally.offered += counted
        for g in self.arrival_order[q]:
            if self.idle[g]:
                tally.answered += counted
                tally.within += counted
                self.serve(now, g, q)
                return
        threshold = spec.callback_threshold
        if threshold is not None:
            expected = (self.live[q] + 1) / (self.skilled[q] * spec.service_rate)
            if expected > threshold:
                tally.callbacks_offered += counted
                if next(self.uniform) < spec.callback_acceptance:
                    tally.callbacks_accepted += counted
                    self.callbacks[q].append((now, counted))
                    return
        caller = _Caller(now, q)
        self.waiting[q].append(caller)
        self.live[q] += 1
        if spec.patience_rate > 0:
            self.push(
                now + next(self.exponential) / spec.patience_rate,
                _ABANDONMENT,
                q,
                caller,
            )

    def serve(self, now: float, g: int, q: int) -> None:
        self.idle[g] -= 1
        end = now + next(self.exponential) / self.queues[q].service_rate
        # Busy time inside the measured window only (conditionals, not
        # min/max: this runs once per call).
        overlap = (end if end < self.horizon else self.horizon) - (
            now if now > self.start else self.start
        )
        if overlap > 0:
            self.busy_seconds[g] += overlap
        heapq.heappush(self.events, (end, next(self.sequence), _DEPARTURE, g, None))

    def depart(self, now: float, g: int) -> None:
        self.idle[g] += 1
        best: _Caller | None = None
        for q in self.group_queues[g]:
            line = self.waiting[q]
            while line and line[0].state != _WAITING:
                line.popleft()
            if not line:
                continue
            head = line[0]
            if best is None:
                best = head
            elif self.queues[q].priority < self.queues[best.queue].priority:
                break
            elif head.arrival < best.arrival:
                best = head
        if best is not None:
            self.waiting[best.queue].popleft()
            best.state = _SERVED
            self.live[best.queue] -= 1
            if best.arrival >= self.start:
                tally = self.tallies[best.queue]
                tally.answered += 1
                wait = now - best.arrival
                tally.wait += wait
                tally.within += wait <= self.target
            self.serve(now, g, best.queue)
            return
        oldest: tuple[float, int] | None = None
        for q in self.group_queues[g]:
            if self.callbacks[q] and (
                oldest is None or self.callbacks[q][0][0] < oldest[0]
            ):
                oldest = (self.callbacks[q][0][0], q)
        if oldest is not None:
            requested, counted = self.callbacks[oldest[1]].popleft()
            if counted:
                tally = self.tallies[oldest[1]]
                tally.callbacks_done += 1
                tally.callback_delay += now - requested
            self.serve(now, g, oldest[1])


# --- the M/M/n+M fast path -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ErlangASimulation:
    """Simulated M/M/n+M, with the fields of ``erlang.ErlangAResult``.

    Each ``*_ci`` is a (low, high) confidence interval from batch means
    (20 batches of consecutive callers after the warm-up).
    """

    p_wait: float
    p_abandon: float
    service_level: float | None
    asa: float
    p_wait_ci: tuple[float, float]
    p_abandon_ci: tuple[float, float]
    service_level_ci: tuple[float, float] | None
    asa_ci: tuple[float, float]
    customers: int


def simulate_erlang_a(
    arrival_rate: float,
    service_rate: float,
    patience_rate: float,
    agents: int,
    customers: int,
    seed: int,
    target_time: float | None = None,
    confidence: float = 0.95,
) -> ErlangASimulation:
    """Simulate ``customers`` callers of one FIFO queue with abandonment.

    The first tenth of the callers warms the system up from empty and is
    not measured. ``service_level`` counts callers answered within
    ``target_time`` among all measured callers, as ``erlang_a`` does; ASA
    is the mean wait of answered callers.
    """
    lam = _check_rate("arrival_rate", arrival_rate, positive=True)
    mu = _check_rate("service_rate", service_rate, positive=True)
    theta = _check_rate("patience_rate", patience_rate, positive=False)
    n = _check_count("agents", agents, 1)
    total = _check_count("customers", customers, 20 * _BATCHES)
    target = (
        None
        if target_time is None
        else _check_rate("target_time", target_time, positive=False)
    )
    level = _check_rate("confidence", confidence, positive=True)
    if level >= 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {level:g}")
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.standard_exponential(total) / lam)
    services = rng.standard_exponential(total) / mu
    patience = (
        rng.standard_exponential(total) / theta
        if theta > 0
        else np.full(total, math.inf)
    )
    waits, answered = _fifo_waits(
        arrivals.tolist(), services.tolist(), patience.tolist(), n
    )

    warm = total // 10
    batch = (total - warm) // _BATCHES
    used = slice(warm, warm + batch * _BATCHES)
    wait = np.asarray(waits)[used].reshape(_BATCHES, batch)
    served = np.asarray(answered)[used].reshape(_BATCHES, batch)
    quantile = float(stats.t.ppf(0.5 + level / 2, _BATCHES - 1))

    def estimate(per_batch: np.ndarray) -> tuple[float, tuple[float, float]]:
        mean = float(per_batch.mean())
        half = quantile * float(per_batch.std(ddof=1)) / math.sqrt(_BATCHES)
        return mean, (mean - half, mean + half)

    p_wait, p_wait_ci = estimate((wait > 0).mean(axis=1))
    p_abandon, p_abandon_ci = estimate((~served).mean(axis=1))
    answered_per_batch = served.sum(axis=1)
    asa, asa_ci = estimate(
        np.where(served, wait, 0.0).sum(axis=1) / np.maximum(answered_per_batch, 1)
    )
    sl: float | None = None
    sl_ci: tuple[float, float] | None = None
    if target is not None:
        sl, sl_ci = estimate((served & (wait <= target)).mean(axis=1))
    return ErlangASimulation(
        p_wait=p_wait,
        p_abandon=p_abandon,
        service_level=sl,
        asa=asa,
        p_wait_ci=p_wait_ci,
        p_abandon_ci=p_abandon_ci,
        service_level_ci=sl_ci,
        asa_ci=asa_ci,
        customers=total,
    )


def _fifo_waits(
    arrivals: list[float], services: list[float], patience: list[float], agents: int
) -> tuple[list[float], list[bool]]:
    """Return each caller's wait and whether it was answered (FIFO, n agents).

    ``free`` holds the times the agents next become free. Under FIFO the
    callers ahead have already taken their agents, so a caller's offered
    wait is ``max(0, earliest free - arrival)``: answered if its patience
    lasts that long (then it occupies that agent), abandoned otherwise
    after waiting its patience.
    """
    free = [0.0] * agents
    waits: list[float] = []
    answered: list[bool] = []
    replace = heapq.heapreplace
    for arrival, service, limit in zip(arrivals, services, patience, strict=True):
        earliest = free[0]
        if earliest <= arrival:
            replace(free, arrival + service)
            waits.append(0.0)
            answered.append(True)
        elif earliest - arrival <= limit:
            replace(free, earliest + service)
            waits.append(earliest - arrival)
            answered.append(True)
        else:
            waits.append(limit)
            answered.append(False)
    return waits, answered
