"""WebSocket consumers: authenticate, subscribe, forward (STYLE).

``/ws/agent/``: one agent's desk (the softphone). Sends the initial state,
forwards the runner's pushes, and takes the agent's own requests
(``{"op": "state", "state": "ready"}``, ``{"op": "call", "action":
"answer"}``, ``{"op": "transfer", "kind": "agent", "target": "12",
"consult": true}``) to ``infoline.telephony.services``. ``{"op": "find",
"q": "..."}`` answers with ``{"op": "colleagues", "q", "results"}``:
colleagues by name or extension with their presence (T7, T10).

``/ws/wallboard/``: the wall-board, for those allowed to see it.

A refused connection is closed with code 4403 (forbidden) or 4401 (not
signed in), so the page can say why.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import ValidationError

from infoline.accounts.permissions import has_action
from infoline.telephony.runner import WALLBOARD_GROUP, agent_group
from infoline.telephony.services import (
    find_colleagues,
    request_call_action,
    request_transfer,
    set_agent_state,
)

from .state import initial_agent_state, initial_board

__all__ = ["AgentConsumer", "WallboardConsumer"]

NOT_SIGNED_IN = 4401
FORBIDDEN = 4403


class _Guarded(AsyncJsonWebsocketConsumer):  # type: ignore[misc]  # channels is untyped
    action = ""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=NOT_SIGNED_IN)
            return
        if not has_action(user, self.action):
            await self.close(code=FORBIDDEN)
            return
        self.user = user
        self.group = self.group_name()
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(await database_sync_to_async(self.initial)())

    async def disconnect(self, code: int) -> None:
        group = getattr(self, "group", None)
        if group is not None:
            await self.channel_layer.group_discard(group, self.channel_name)

    def group_name(self) -> str:
        raise NotImplementedError

    def initial(self) -> dict[str, Any]:
        raise NotImplementedError


class AgentConsumer(_Guarded):
    """The softphone of one agent."""

    action = "telephony.softphone"

    def group_name(self) -> str:
        return agent_group(self.user.pk)

    def initial(self) -> dict[str, Any]:
        return {"type": "agent", "op": "initial", **initial_agent_state(self.user.pk)}

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Pass the agent's request to the services; errors come back."""
        try:
            reply = await database_sync_to_async(self._request)(content)
            if reply is not None:
                await self.send_json({"type": "agent", **reply})
        except ValidationError as exc:
            await self.send_json(
                {"type": "agent", "op": "error", "message": " ".join(exc.messages)}
            )

    def _request(self, content: Any) -> dict[str, Any] | None:
        from django.utils.translation import gettext as _

        if not isinstance(content, dict):
            raise ValidationError(_("Unknown request."))
        op = content.get("op")
        if op == "state":
            set_agent_state(
                self.user, str(content.get("state", "")), str(content.get("reason", ""))
            )
        elif op == "call":
            request_call_action(
                self.user,
                str(content.get("action", "")),
                str(content.get("call_id", "")),
            )
        elif op == "transfer":
            request_transfer(
                self.user,
                str(content.get("kind", "")),
                str(content.get("target", "")),
                consult=content.get("consult") is True,
                call_id=str(content.get("call_id", "")),
            )
        elif op == "find":
            query = str(content.get("q", ""))[:100]
            return {
                "op": "colleagues",
                "q": query,
                "results": find_colleagues(self.user, query),
            }
        else:
            raise ValidationError(_("Unknown request."))
        return None

    async def agent_event(self, message: dict[str, Any]) -> None:
        """Forward a push of the runner to the desk."""
        await self.send_json({"type": "agent", **message["event"]})


class WallboardConsumer(_Guarded):
    """The live wall-board of queues and agents."""

    action = "wallboard.view"

    def group_name(self) -> str:
        return WALLBOARD_GROUP

    def initial(self) -> dict[str, Any]:
        return {"type": "board", "op": "initial", "board": initial_board()}

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The wall-board only listens."""

    async def board_update(self, message: dict[str, Any]) -> None:
        """Forward a new wall-board."""
        await self.send_json(
            {"type": "board", "op": "update", "board": message["board"]}
        )
