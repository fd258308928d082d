"""Clocks for the runner: scaled wall time, or virtual time that jumps.

The engine never reads a clock; the runner does, through one of these.
"""

from __future__ import annotations

import time

__all__ = ["ScaledClock", "VirtualClock"]


class ScaledClock:
    """Wall time, optionally sped up: ``start + elapsed * speed``.

    With ``speed`` 1 and ``start`` = ``time.time()`` this is the real clock.
    ``sleep_until`` sleeps at most ``max_sleep_s`` real seconds so that the
    runner keeps polling the desk's requests.
    """

    def __init__(
        self, start: float, speed: float = 1.0, max_sleep_s: float = 0.2
    ) -> None:
        """Start counting from ``start`` now."""
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.start = start
        self.speed = speed
        self.max_sleep_s = max_sleep_s
        self._m0 = time.monotonic()

    def now(self) -> float:
        """Return the scaled current instant."""
        return self.start + (time.monotonic() - self._m0) * self.speed

    def sleep_until(self, deadline: float) -> None:
        """Sleep towards ``deadline`` (scaled), at most ``max_sleep_s``."""
        wait = (deadline - self.now()) / self.speed
        if wait > 0:
            time.sleep(min(wait, self.max_sleep_s))


class VirtualClock:
    """Virtual time for fast simulation: it stands still until told to jump."""

    def __init__(self, start: float) -> None:
        """Stand at ``start``."""
        self._now = start

    def now(self) -> float:
        """Return the virtual instant."""
        return self._now

    def sleep_until(self, deadline: float) -> None:
        """Jump to ``deadline`` (never backwards)."""
        self._now = max(self._now, deadline)
