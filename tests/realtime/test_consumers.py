"""The WebSocket consumers, driven by channels' testing communicator.

Permissions are tested from the outside: a connection refused is closed with
4401 (not signed in) or 4403 (role not allowed).
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from infoline.accounts.models import User
from infoline.realtime.consumers import AgentConsumer, WallboardConsumer
from infoline.realtime.state import apply_agent_events, initial_agent_state
from infoline.telephony.models import DeskRequest, LiveState
from infoline.telephony.runner import WALLBOARD_GROUP, agent_group

# Consumers close stale connections around each database call: real
# transactions, not the test wrapper's, or PostgreSQL loses the connection.
pytestmark = pytest.mark.django_db(transaction=True)


def _communicator(consumer: Any, path: str, user: Any) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(consumer.as_asgi(), path)
    communicator.scope["user"] = user
    return communicator


def test_agent_socket_refuses_strangers(evaluator: User) -> None:
    async def run() -> list[tuple[bool, int | None]]:
        results = []
        for user in (AnonymousUser(), evaluator):
            communicator = _communicator(AgentConsumer, "/ws/agent/", user)
            connected, code = await communicator.connect()
            results.append((connected, code))
        return results

    assert async_to_sync(run)() == [(False, 4401), (False, 4403)]


def test_agent_socket_sends_state_takes_requests_and_forwards_pushes(
    agent_a: User,
) -> None:
    LiveState.objects.create(
        key=f"agent:{agent_a.pk}",
        data={"state": "ready", "reason": None, "since": 10.0, "call": None},
    )
    offer = {
        "op": "offer",
        "call_id": "c1",
        "number": "+37060000001",
        "line": "+37052000111",
        "line_name": "General line",
        "ivr_choice": "lt / jobseekers (11)",
        "consult": False,
        "contact_id": None,
        "contact_url": "",
    }

    async def run() -> list[dict[str, Any]]:
        communicator = _communicator(AgentConsumer, "/ws/agent/", agent_a)
        connected, _ = await communicator.connect()
        assert connected
        received = [await communicator.receive_json_from()]
        await communicator.send_json_to(
            {"op": "state", "state": "not_ready", "reason": "lunch"}
        )
        await communicator.send_json_to({"op": "call", "action": "answer"})
        await communicator.send_json_to({"op": "state", "state": "asleep"})
        received.append(await communicator.receive_json_from())
        await communicator.send_json_to(["nonsense"])
        received.append(await communicator.receive_json_from())
        layer = get_channel_layer()
        await layer.group_send(
            agent_group(agent_a.pk), {"type": "agent.event", "event": offer}
        )
        received.append(await communicator.receive_json_from())
        await communicator.disconnect()
        return received

    received = async_to_sync(run)()
    assert received[0] == {
        "type": "agent",
        "op": "initial",
        "state": "ready",
        "reason": None,
        "since": 10.0,
        "call": None,
    }
    assert received[1] == {
        "type": "agent",
        "op": "error",
        "message": "Unknown agent state.",
    }
    assert received[2] == {
        "type": "agent",
        "op": "error",
        "message": "Unknown request.",
    }
    assert received[3] == {"type": "agent", **offer}
    assert list(DeskRequest.objects.values_list("op", "reason")) == [
        ("not_ready", "lunch"),
        ("answer", ""),
    ]
    # The desk's own rule for pushes gives the state a reload would show.
    after = apply_agent_events(initial_agent_state(agent_a.pk), [offer])
    assert after["call"]["number"] == "+37060000001"  # type: ignore[index]  # set by the offer


def test_wallboard_socket_for_leads_only(
    agent_a: User, team_lead: User, supervisor: User
) -> None:
    LiveState.objects.create(key="board", data={"queues": [], "total": {"waiting": 3}})

    async def run() -> list[Any]:
        out: list[Any] = []
        refused = _communicator(WallboardConsumer, "/ws/wallboard/", agent_a)
        out.append(await refused.connect())
        for user in (team_lead, supervisor):
            communicator = _communicator(WallboardConsumer, "/ws/wallboard/", user)
            connected, _ = await communicator.connect()
            assert connected
            out.append(await communicator.receive_json_from())
            await communicator.send_json_to({"op": "anything"})  # ignored
            await get_channel_layer().group_send(
                WALLBOARD_GROUP,
                {"type": "board.update", "board": {"total": {"waiting": 4}}},
            )
            out.append(await communicator.receive_json_from())
            await communicator.disconnect()
        return out

    out = async_to_sync(run)()
    assert out[0] == (False, 4403)
    assert out[1] == {
        "type": "board",
        "op": "initial",
        "board": {"queues": [], "total": {"waiting": 3}},
    }
    assert out[2] == {
        "type": "board",
        "op": "update",
        "board": {"total": {"waiting": 4}},
    }
    assert out[3]["op"] == "initial" and out[4]["op"] == "update"


def test_agent_socket_finds_colleagues_and_asks_for_transfers(
    agent_a: User, agent_a2: User, department: Any
) -> None:
    from infoline.accounts.models import Employee

    office = department
    Employee.objects.create(
        first_name="Tomas",
        last_name="Žukauskas",
        department=office,
        extension="2202",
        user=agent_a2,
    )
    LiveState.objects.create(
        key=f"agent:{agent_a2.pk}",
        data={"state": "talking", "reason": None, "since": 1.0, "call": None},
    )

    async def run() -> list[dict[str, Any]]:
        communicator = _communicator(AgentConsumer, "/ws/agent/", agent_a)
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()  # initial
        await communicator.send_json_to({"op": "find", "q": "zukauskas"})
        received = [await communicator.receive_json_from()]
        await communicator.send_json_to(
            {
                "op": "transfer",
                "kind": "agent",
                "target": str(agent_a2.pk),
                "consult": True,
            }
        )
        await communicator.send_json_to(
            {"op": "transfer", "kind": "queue", "target": "office", "consult": "yes"}
        )
        await communicator.send_json_to(
            {"op": "transfer", "kind": "extension", "target": "7777"}
        )
        received.append(await communicator.receive_json_from())
        await communicator.send_json_to({"op": "call", "action": "complete_transfer"})
        await communicator.disconnect()
        return received

    received = async_to_sync(run)()
    assert received[0] == {
        "type": "agent",
        "op": "colleagues",
        "q": "zukauskas",
        "results": [
            {
                "name": "Tomas Žukauskas",
                "department": office.name,
                "extension": "2202",
                "agent_id": str(agent_a2.pk),
                "presence": "talking",
            }
        ],
    }
    assert received[1] == {
        "type": "agent",
        "op": "error",
        "message": "No one in the directory has this extension.",
    }
    # "consult": only JSON true asks for a consultation.
    assert list(DeskRequest.objects.values_list("op", "params")) == [
        ("consult", {"to_agent": str(agent_a2.pk), "consult": True}),
        ("transfer", {"to_queue": "office", "consult": False}),
        ("complete_transfer", {}),
    ]
