"""Engine events to JSON and back, for the runner's event log.

Events are frozen dataclasses of strings, numbers, booleans, ``None``,
enums (``EndedBy``, ``EmergencyMode``) and tuples of (name, level) pairs;
``encode`` keeps the class name and the fields, ``decode`` rebuilds an equal
event (``decode(*encode(e)) == e``). An unknown kind or field raises
``ValueError``: a log written by a newer version is refused, not guessed.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from infoline.routing import events as routing_events
from infoline.routing.events import EmergencyMode, EndedBy, Event

__all__ = ["decode", "encode"]

_KINDS: dict[str, type[Event]] = {
    name: cls
    for name in routing_events.__all__
    if isinstance(cls := getattr(routing_events, name), type)
    and issubclass(cls, Event)
    and cls is not Event
}
_ENUMS: dict[str, type[enum.Enum]] = {"by": EndedBy, "mode": EmergencyMode}
_PAIRS = {"skills", "languages"}


def encode(event: Event) -> tuple[str, dict[str, Any]]:
    """Return (kind, payload) for ``event``; the event id is in the payload."""
    payload: dict[str, Any] = {}
    for field in dataclasses.fields(event):
        value = getattr(event, field.name)
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, tuple):
            value = [list(pair) for pair in value]
        payload[field.name] = value
    return type(event).__name__, payload


def decode(kind: str, payload: dict[str, Any]) -> Event:
    """Rebuild the event ``encode`` described."""
    cls = _KINDS.get(kind)
    if cls is None:
        raise ValueError(f"unknown event kind {kind!r}")
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(payload) - names
    if unknown:
        raise ValueError(f"{kind} has no field(s) {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name, value in payload.items():
        if name in _ENUMS:
            value = _ENUMS[name](value)
        elif name in _PAIRS:
            value = tuple((str(n), int(level)) for n, level in value)
        values[name] = value
    return cls(**values)
