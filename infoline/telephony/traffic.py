"""Simulated callers: arrivals by hour, service times and patience.

The default profile is derived from the "Anonymous Bank" call-centre log of
1-21 February 1999 (Technion Service Enterprise Engineering Center, Ilan
Guedj and Avi Mandelbaum; see ``/work/shared/data/anonymous-bank/README.md``
and ``profiles/anonymous_bank.json``). Only aggregates are kept: mean
arrivals per weekday and hour, service-time quantiles, the mean patience and
the share of call types.

Pure module: no Django, no I/O besides ``load_profile``/``build_profile``,
no wall clock. Arrivals are a non-homogeneous Poisson process generated per
hour from a seed, so the same seed gives the same callers whenever and
however often the generator is restarted (the runner relies on it after a
crash). Each caller's behaviour comes from its own random stream, seeded by
the call id, so it does not depend on what happened before.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_PROFILE",
    "Caller",
    "TrafficGenerator",
    "TrafficProfile",
    "build_profile",
    "busy_hour_shift",
    "load_profile",
]

DEFAULT_PROFILE = Path(__file__).resolve().parent / "profiles" / "anonymous_bank.json"

# The bank's week follows the Israeli calendar (Sunday to Thursday full days,
# Friday short, Saturday almost empty). Python's weekday (Monday = 0) of the
# simulated date picks the bank's weekday with the same role: Monday plays
# the bank's Sunday, ..., Saturday its Friday, Sunday its Saturday.
_BANK_DAY_FOR = {0: 6, 1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5}


@dataclass(frozen=True)
class TrafficProfile:
    """Aggregated traffic of a contact centre.

    ``hourly[d][h]``: mean arrivals in hour ``h`` (0-23) of the profile's
    weekday ``d`` (Python numbering of the source calendar, Monday = 0).
    ``service_quantiles``: talk times in seconds at probabilities
    0, 1/(n-1), ..., 1 (sampled by inverse transform with linear
    interpolation). ``patience_mean_s``: mean of an exponential patience.
    ``type_shares``: call type -> share of calls.
    """

    name: str
    source: str
    hourly: tuple[tuple[float, ...], ...]
    service_quantiles: tuple[float, ...]
    patience_mean_s: float
    type_shares: tuple[tuple[str, float], ...]

    def rate(self, weekday: int, hour: int) -> float:
        """Return mean arrivals per hour for a simulated weekday and hour."""
        return self.hourly[_BANK_DAY_FOR[weekday]][hour]

    def sample_service(self, rng: random.Random) -> float:
        """Draw a talk time in seconds from the empirical distribution."""
        q = self.service_quantiles
        x = rng.random() * (len(q) - 1)
        i = min(int(x), len(q) - 2)
        return q[i] + (q[i + 1] - q[i]) * (x - i)

    def to_json(self) -> dict[str, Any]:
        """Return the profile as JSON-ready data."""
        return {
            "name": self.name,
            "source": self.source,
            "hourly": [list(day) for day in self.hourly],
            "service_quantiles": list(self.service_quantiles),
            "patience_mean_s": self.patience_mean_s,
            "type_shares": [list(pair) for pair in self.type_shares],
        }


def load_profile(path: Path = DEFAULT_PROFILE) -> TrafficProfile:
    """Read a profile written by ``build_profile``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return TrafficProfile(
        name=data["name"],
        source=data["source"],
        hourly=tuple(tuple(float(x) for x in day) for day in data["hourly"]),
        service_quantiles=tuple(float(x) for x in data["service_quantiles"]),
        patience_mean_s=float(data["patience_mean_s"]),
        type_shares=tuple((str(k), float(v)) for k, v in data["type_shares"]),
    )


def _seconds(hms: str) -> int:
    h, m, s = (int(part) for part in hms.split(":"))
    return h * 3600 + m * 60 + s


def build_profile(log: Path, quantiles: int = 101) -> TrafficProfile:
    """Aggregate the Anonymous Bank log (tab-separated, header line).

    PHANTOM records are system artefacts and skipped. Arrivals count every
    other record by its VRU entry time. Service times are those of answered
    calls with a positive ``ser_time``. Patience uses the standard estimator
    for exponential patience under censoring: the total time callers spent
    queued (answered or not) over the number of abandonments.
    """
    days: dict[str, int] = {}
    counts: dict[tuple[int, int], int] = {}
    services: list[int] = []
    queued_total = 0
    abandons = 0
    types: dict[str, int] = {}
    calls = 0
    with log.open(encoding="utf-8", newline="") as handle:
        next(handle)
        for raw in handle:
            cols = raw.rstrip("\r\n").split("\t")
            outcome = cols[12]
            if outcome == "PHANTOM":
                continue
            date = datetime.strptime("19" + cols[5], "%Y%m%d").date()
            days[cols[5]] = date.weekday()
            hour = _seconds(cols[6]) // 3600
            key = (date.weekday(), hour)
            counts[key] = counts.get(key, 0) + 1
            calls += 1
            types[cols[4]] = types.get(cols[4], 0) + 1
            q_time = int(cols[11])
            queued_total += q_time
            if outcome == "HANG" and q_time > 0:
                abandons += 1
            ser_time = int(cols[15])
            if outcome == "AGENT" and ser_time > 0:
                services.append(ser_time)
    per_weekday = [sum(1 for wd in days.values() if wd == d) for d in range(7)]
    hourly = tuple(
        tuple(
            round(counts.get((d, h), 0) / per_weekday[d], 3) if per_weekday[d] else 0.0
            for h in range(24)
        )
        for d in range(7)
    )
    services.sort()
    n = len(services)
    service_quantiles = tuple(
        float(services[min(n - 1, round(i * (n - 1) / (quantiles - 1)))])
        for i in range(quantiles)
    )
    return TrafficProfile(
        name="anonymous-bank-1999-02",
        source=(
            "Anonymous Bank call-centre log, 1-21 February 1999, Technion SEE "
            "Center (Guedj, Mandelbaum); aggregates only"
        ),
        hourly=hourly,
        service_quantiles=service_quantiles,
        patience_mean_s=round(queued_total / max(1, abandons), 1),
        type_shares=tuple((k, round(v / calls, 4)) for k, v in sorted(types.items())),
    )


@dataclass(frozen=True)
class Caller:
    """What one simulated caller does; a pure function of (seed, call id).

    ``keys`` answer the IVR's digit requests in order (then "" forever);
    ``accepts_callback``: presses the callback key when offered one.
    """

    call_id: str
    number: str | None
    line: str
    keys: tuple[str, ...]
    patience_s: float
    service_s: float
    accepts_callback: bool
    key_delay_s: float


class TrafficGenerator:
    """Arrivals from ``origin`` (epoch seconds) on, and the callers' behaviour.

    ``scale`` multiplies the profile's rates; ``shift_s`` moves the profile
    in time (the demo maps the current hour onto a busy one); ``zone`` gives
    the local weekday and hour of an instant. ``lines`` are the public
    numbers callers dial, ``menu`` the keys of the lines' first menu with
    their weights.
    """

    def __init__(
        self,
        profile: TrafficProfile,
        seed: int,
        origin: float,
        lines: tuple[str, ...],
        *,
        scale: float = 1.0,
        shift_s: float = 0.0,
        zone: str = "UTC",
        languages: tuple[tuple[str, float], ...] = (("1", 1.0),),
        menu: tuple[tuple[str, float], ...] = (("1", 1.0),),
        anonymous_share: float = 0.1,
        callback_share: float = 0.3,
    ) -> None:
        """Prepare the generator; nothing is drawn until iterated."""
        if not lines:
            raise ValueError("the traffic generator needs at least one line")
        if scale < 0:
            raise ValueError("scale must not be negative")
        self.profile = profile
        self.seed = seed
        self.origin = origin
        self.lines = lines
        self.scale = scale
        self.shift_s = shift_s
        self.zone = ZoneInfo(zone)
        self.languages = languages
        self.menu = menu
        self.anonymous_share = anonymous_share
        self.callback_share = callback_share

    def rate_at(self, at: float) -> float:
        """Return the arrival rate (calls per hour) at instant ``at``."""
        local = datetime.fromtimestamp(at + self.shift_s, UTC).astimezone(self.zone)
        return self.scale * self.profile.rate(local.weekday(), local.hour)

    def arrivals(self) -> Iterator[tuple[float, str]]:
        """Yield (time, call id) in time order, for ever.

        Hour by hour from the hour containing ``origin``; each hour has its
        own random stream, so any hour's arrivals are the same whichever
        hour the iteration starts from.
        """
        start = math.floor(self.origin / 3600.0) * 3600.0
        hour = 0
        while True:
            begin = start + hour * 3600.0
            rng = random.Random(f"{self.seed}/arrivals/{begin:.0f}")
            rate = self.rate_at(begin)
            count = _poisson(rng, rate)
            times = sorted(begin + rng.random() * 3600.0 for _ in range(count))
            for n, at in enumerate(times):
                if at >= self.origin:
                    yield at, f"c{begin:.0f}-{n}"
            hour += 1

    def caller(self, call_id: str) -> Caller:
        """Return the behaviour of the caller of ``call_id``."""
        rng = random.Random(f"{self.seed}/caller/{call_id}")
        number = (
            None
            if rng.random() < self.anonymous_share
            else f"+3706{rng.randrange(10**7):07d}"
        )
        line = self.lines[rng.randrange(len(self.lines))]
        keys = (
            _weighted(rng, self.languages),
            # Identity code: eleven digits and "#", or nothing (timeout).
            "".join(str(rng.randrange(10)) for _ in range(11)) + "#"
            if rng.random() < 0.5
            else "",
            _weighted(rng, self.menu),
        )
        return Caller(
            call_id=call_id,
            number=number,
            line=line,
            keys=keys,
            patience_s=rng.expovariate(1.0 / self.profile.patience_mean_s),
            service_s=self.profile.sample_service(rng),
            accepts_callback=rng.random() < self.callback_share,
            key_delay_s=rng.uniform(1.0, 4.0),
        )


def _weighted(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    total = sum(w for _, w in options)
    x = rng.random() * total
    cumulative = 0.0
    for key, weight in options:
        cumulative += weight
        if x < cumulative:
            return key
    return options[-1][0]


def _poisson(rng: random.Random, mean: float) -> int:
    """Draw a Poisson count (inversion for small means, normal for large)."""
    if mean <= 0:
        return 0
    if mean > 500:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def busy_hour_shift(now: float, zone: str, target_hour: int = 10) -> float:
    """Return the shift mapping the hour of ``now`` onto a Tuesday's ``target_hour``.

    The demo uses it so that callers arrive at a busy weekday hour's rate
    whatever the day and time the demo starts.
    """
    local = datetime.fromtimestamp(now, UTC).astimezone(ZoneInfo(zone))
    days = 1 - local.weekday()
    return timedelta(days=days, hours=target_hour - local.hour).total_seconds()
