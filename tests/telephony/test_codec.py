"""Engine events survive the trip through the event log's JSON."""

from __future__ import annotations

import json

import pytest

from infoline.routing import (
    AgentLoggedIn,
    CallArrived,
    CallEnded,
    EmergencyMode,
    EmergencySwitched,
    EndedBy,
    TimerFired,
    TransferRequested,
)
from infoline.telephony.codec import decode, encode

SAMPLES = [
    CallArrived("e1", "c1", "+37052000111", None, "7"),
    CallEnded("e2", "c1", EndedBy.AGENT, "abusive caller"),
    AgentLoggedIn("e3", "7", (("jobseekers", 2),), (("lt", 3), ("ru", 1))),
    TimerFired("e4", "ring:c1:3"),
    TransferRequested("e5", "c1", "7", to_agent="8", consult=True),
    EmergencySwitched("e6", "+37052000111", EmergencyMode.OVERFLOW, "", "office"),
]


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__name__)
def test_round_trip_through_json(event: object) -> None:
    kind, payload = encode(event)  # type: ignore[arg-type]  # samples are events
    assert decode(kind, json.loads(json.dumps(payload))) == event


def test_unknown_kinds_and_fields_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown event kind 'CallTeleported'"):
        decode("CallTeleported", {"event_id": "x"})
    with pytest.raises(ValueError, match="TimerFired has no field"):
        decode("TimerFired", {"event_id": "x", "timer_id": "t", "colour": "red"})
