"""Errors of the routing engine, named by whose fault they are.

- ``AdapterEventError``: the outside world (an adapter, the desk, a timer
  service) sent an event that does not fit the state: an answer for a call
  that already ended, an unknown agent, a timer that fired early. The engine
  rejects it, records it in ``Engine.rejected`` and changes nothing.
- ``DuplicateEvent``: an ``AdapterEventError`` for an event id seen before
  (adapters retry; the engine must not act twice).
- ``IllegalTransition``: the engine itself tried a move its transition table
  forbids; a bug in this package, never the caller's fault.
- ``ConfigError`` and ``FlowError``: configuration (queues, skills, IVR flows)
  that cannot work, reported with one specific message per problem.
"""

from __future__ import annotations

__all__ = [
    "AdapterEventError",
    "ConfigError",
    "DuplicateEvent",
    "FlowError",
    "IllegalTransition",
    "RoutingError",
]


class RoutingError(Exception):
    """Base class of every error the routing engine raises."""


class AdapterEventError(RoutingError):
    """An event from outside does not fit the engine's state; it is rejected."""


class DuplicateEvent(AdapterEventError):
    """An event id was already accepted; the event is rejected."""


class IllegalTransition(RoutingError):
    """The engine attempted a transition its own table forbids (a bug)."""


class ConfigError(RoutingError):
    """Routing configuration that cannot work; ``problems`` lists each one."""

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        """Keep every problem so a form can show them all at once."""
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("; ".join(self.problems))


class FlowError(ConfigError):
    """A malformed IVR flow; ``problems`` lists each defect by node."""
