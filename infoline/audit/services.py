"""Writing to the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import models

from infoline.audit.models import AuditEvent
from infoline.lib.context import Actor, current_actor

__all__ = ["object_label", "record_event"]


def object_label(obj: models.Model) -> str:
    """Return ``app_label.model`` naming the object's type."""
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}"


def record_event(
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict[str, Any] | None = None,
    actor: Actor | None = None,
    user: Any = None,
    object_repr: str = "",
    reason: str = "",
) -> AuditEvent:
    """Append one event; ``user`` overrides the actor's user (e.g. at login)."""
    actor = actor or current_actor()
    who = user if user is not None else actor.user
    authenticated = who is not None and getattr(who, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor_id=who.pk if authenticated else None,
        actor_name=(who.get_username() if authenticated else "")[:150],
        action=action,
        object_type=object_label(obj) if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        changes=changes or {},
        ip=actor.ip,
        via=actor.via,
        reason=(reason or actor.reason)[:500],
    )
