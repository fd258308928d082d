"""From agents per interval to paid staff: hours, shrinkage and FTE (W2).

Pure module: no I/O, no clock. Units are stated in every name: hours,
minutes, seconds, days.

The chain is: agents needed per interval (from ``erlang``) -> scheduled
hours (agents x interval length, summed over the period) -> FTE, the
number of full-time employees whose *productive* hours cover them:

    FTE = hours / (working_days x hours_per_day x (1 - shrinkage))

Shrinkage is the share of paid time in which an employee is not available
to take calls: sickness, leave, training and attrition (vacant posts and
new hires still learning). The four shares are *added* (each is a share
of the same paid hours, the convention of contact-center planning), so
their sum must stay below 1.

Worked example of PL 25, reproduced in ``tests/workforce/test_fte.py``:
200 calls a day x 5 min = 16.7 h of handling a day; x 23 working days =
383 h a month; 383 h / (23 days x 8 h) = 2.08, i.e. 2.1 FTE. The
assumptions that reproduce both figures: handling time only (agents fully
occupied, no queueing margin), an 8-hour paid day, 23 working days in the
month, no shrinkage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "Shrinkage",
    "fte",
    "fte_for_agents",
    "productive_hours_per_fte",
    "scheduled_hours",
    "workload_hours",
]


def _number(name: str, value: object) -> float:
    if isinstance(value, bool | str | bytes) or value is None:
        raise ValueError(f"{name} must be a number, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]  # checked just below
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return number


def _non_negative(name: str, value: object) -> float:
    number = _number(name, value)
    if number < 0:
        raise ValueError(f"{name} must not be negative, got {number:g}")
    return number


def _positive(name: str, value: object) -> float:
    number = _number(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be positive, got {number:g}")
    return number


@dataclass(frozen=True, slots=True)
class Shrinkage:
    """Shares of paid time lost to each cause, as fractions in [0, 1).

    ``attrition`` covers vacant posts and the unproductive weeks of new
    hires over the planning period.
    """

    sickness: float = 0.0
    leave: float = 0.0
    training: float = 0.0
    attrition: float = 0.0

    def __post_init__(self) -> None:
        for field in fields(self):
            share = _number(field.name, getattr(self, field.name))
            if not 0.0 <= share < 1.0:
                raise ValueError(
                    f"{field.name} shrinkage must be a fraction from 0 to below 1, "
                    f"got {share:g}"
                )
        if self.total >= 1.0:
            raise ValueError(
                f"shrinkage adds up to {self.total:.0%}: no productive time is left"
            )

    @property
    def total(self) -> float:
        """Return the share of paid time lost, the sum of the causes."""
        return self.sickness + self.leave + self.training + self.attrition


NO_SHRINKAGE = Shrinkage()


def workload_hours(calls: float, aht_seconds: float) -> float:
    """Return the handling hours of ``calls`` calls of ``aht_seconds`` each."""
    count = _non_negative("calls", calls)
    aht = _positive("aht_seconds", aht_seconds)
    return count * aht / 3600.0


def scheduled_hours(agents_per_interval: ArrayLike, interval_minutes: float) -> float:
    """Return the agent-hours of a staffing curve, summed over its intervals.

    ``agents_per_interval`` is any sequence covering the period of interest
    (a day, a week, a month); fractional agents are allowed (averages).
    """
    try:
        agents = np.asarray(agents_per_interval, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"agents_per_interval must be numbers, got {agents_per_interval!r}"
        ) from None
    if not np.all(np.isfinite(agents)):
        raise ValueError("agents_per_interval must be finite numbers")
    if np.any(agents < 0):
        raise ValueError(
            f"agents_per_interval must not be negative, got {float(agents.min()):g}"
        )
    minutes = _positive("interval_minutes", interval_minutes)
    return float(agents.sum()) * minutes / 60.0


def productive_hours_per_fte(
    working_days: float, hours_per_day: float = 8.0, shrinkage: Shrinkage = NO_SHRINKAGE
) -> float:
    """Return the hours one full-time employee is available to take calls."""
    days = _positive("working_days", working_days)
    day = _positive("hours_per_day", hours_per_day)
    if day > 24.0:
        raise ValueError(f"hours_per_day cannot exceed 24, got {day:g}")
    return days * day * (1.0 - shrinkage.total)


def fte(
    hours: float,
    working_days: float,
    hours_per_day: float = 8.0,
    shrinkage: Shrinkage = NO_SHRINKAGE,
) -> float:
    """Return the full-time equivalents needed to cover ``hours`` of work.

    ``hours`` and ``working_days`` refer to the same period (e.g. a month
    of 23 working days). Not rounded: callers round up to people, or to
    one decimal for reports.
    """
    needed = _non_negative("hours", hours)
    return needed / productive_hours_per_fte(working_days, hours_per_day, shrinkage)


def fte_for_agents(
    agents_per_interval: ArrayLike,
    interval_minutes: float,
    working_days: float,
    hours_per_day: float = 8.0,
    shrinkage: Shrinkage = NO_SHRINKAGE,
) -> float:
    """Return the FTE for a staffing curve over a period of ``working_days``.

    Convenience for the chain agents per interval -> scheduled hours ->
    FTE; the curve must cover the same period as ``working_days``.
    """
    hours = scheduled_hours(agents_per_interval, interval_minutes)
    return fte(hours, working_days, hours_per_day, shrinkage)
