"""The actor and reason of the current act, for the audit log.

Middleware sets the actor for a request; services, commands and tasks use
``acting_as`` so changes they make are attributed even without a request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

__all__ = ["Actor", "acting_as", "current_actor"]


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user (or None for the system), from where, and why."""

    user: Any = None
    ip: str = ""
    reason: str = ""
    via: str = "app"  # app, admin, api, command, task


_current: ContextVar[Actor | None] = ContextVar("infoline_actor", default=None)


def current_actor() -> Actor:
    """Return the actor of the running act; the system when nobody is set."""
    return _current.get() or Actor(via="system")


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Attribute everything done inside the block to ``actor``."""
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)
