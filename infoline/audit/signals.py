"""Capture every change to audited models, and the security events.

Infrastructure, as STYLE allows for signals: services still write their own
history rows with reasons; this trail makes sure that nothing changed through
the application or the admin goes unrecorded, whoever wrote the code.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.contrib.auth import signals as auth_signals
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from infoline.audit.choices import AuditAction
from infoline.audit.services import record_event

# Apps whose models are audited; each new app with data of its own joins here.
AUDITED_APPS = {
    "accounts",
    "auth",
    "otp_totp",
    "otp_static",
    "clients",
    "journal",
    "notify",
    "knowledge",
    "telephony",
    "workforce",
}
# Models that are themselves logs (an audit row per row would only double them),
# or the runner's and solver's own records, written by machines at high rates.
UNAUDITED_MODELS = {
    "clients.accesslog",
    "knowledge.searchentry",
    "telephony.routingevent",
    "telephony.runnercheckpoint",
    "telephony.deskrequest",
    "telephony.callrecord",
    "telephony.agentstateinterval",
    "telephony.queuecallback",
    "telephony.livestate",
    "workforce.callhistory",
}
# Fields whose values never enter the trail (only the fact that they changed).
SECRET_FIELDS = {"password", "key", "token_hash", "secret", "token"}
IGNORED_FIELDS = {
    "last_login",
    "last_used_at",
    "search_text",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_t",
    "drift",
    # Progress of long jobs (a schedule being solved), rewritten every second.
    "progress",
    "stop_requested",
}
CHANGED = "(changed)"


def _audited(sender: type[models.Model]) -> bool:
    meta = sender._meta
    return (
        meta.app_label in AUDITED_APPS
        and not meta.auto_created
        and meta.label_lower not in UNAUDITED_MODELS
    )


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return str(value)


def _snapshot(instance: models.Model) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in IGNORED_FIELDS:
            continue
        values[field.name] = _jsonable(getattr(instance, field.attname))
    return values


def _hidden(sender: type[models.Model]) -> set[str]:
    """Fields recorded only as changed: secrets, and a model's personal data.

    A model lists its personal fields in ``AUDIT_REDACTED_FIELDS``; the audit
    trail is read by administrators, who must not see personal data through it.
    """
    return SECRET_FIELDS | set(getattr(sender, "AUDIT_REDACTED_FIELDS", ()))


def _diff(old: dict[str, Any], new: dict[str, Any], hidden: set[str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name, value in new.items():
        if old.get(name) != value:
            if name in hidden:
                changes[name] = CHANGED
            else:
                changes[name] = [old.get(name), value]
    return changes


def _repr(instance: models.Model) -> str:
    """The object's name in the trail, unless the model says its name is personal."""
    if getattr(type(instance), "AUDIT_REDACT_REPR", False):
        return f"{instance._meta.verbose_name} #{instance.pk}"
    return str(instance)


def _before_save(
    sender: type[models.Model], instance: models.Model, **kwargs: Any
) -> None:
    if not _audited(sender) or kwargs.get("raw"):
        return
    old = None
    if instance.pk is not None:
        previous = sender._base_manager.filter(pk=instance.pk).first()
        if previous is not None:
            old = _snapshot(previous)
    instance._audit_old = old  # type: ignore[attr-defined]  # transient, per save


def _after_save(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    if not _audited(sender) or kwargs.get("raw"):
        return
    old = getattr(instance, "_audit_old", None)
    new = _snapshot(instance)
    if created or old is None:
        hidden = _hidden(sender)
        changes = {
            name: (CHANGED if name in hidden else [None, value])
            for name, value in new.items()
            if value not in (None, "")
        }
        record_event(
            AuditAction.CREATE, instance, changes=changes, object_repr=_repr(instance)
        )
        return
    changes = _diff(old, new, _hidden(sender))
    if not changes:
        return
    record_event(
        AuditAction.UPDATE, instance, changes=changes, object_repr=_repr(instance)
    )
    if "role" in changes and sender._meta.label_lower == "accounts.user":
        record_event(
            AuditAction.ROLE_CHANGED, instance, changes={"role": changes["role"]}
        )


def _after_delete(
    sender: type[models.Model], instance: models.Model, **kwargs: Any
) -> None:
    if not _audited(sender):
        return
    old = _snapshot(instance)
    hidden = _hidden(sender)
    changes = {
        name: (CHANGED if name in hidden else [value, None])
        for name, value in old.items()
        if value not in (None, "")
    }
    record_event(
        AuditAction.DELETE, instance, changes=changes, object_repr=_repr(instance)
    )


def _m2m_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    if not _audited(type(instance)) or action not in {
        "post_add",
        "post_remove",
        "post_clear",
    }:
        return
    if action != "post_clear" and not pk_set:
        return
    field = next(
        (
            f.name
            for f in type(instance)._meta.many_to_many
            if getattr(type(instance), f.name).through is sender
        ),
        sender._meta.model_name or "",
    )
    ids = sorted(str(pk) for pk in (pk_set or []))
    op = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[
        action
    ]
    record_event(AuditAction.UPDATE, instance, changes={field: {op: ids}})


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(AuditAction.LOGIN, user, user=user)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(AuditAction.LOGOUT, user, user=user)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    record_event(
        AuditAction.LOGIN_FAILED, object_repr=username, changes={"username": username}
    )


def _locked_out(
    sender: Any,
    request: Any,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    record_event(
        AuditAction.LOCKOUT,
        object_repr=(username or "")[:150],
        changes={"username": username or "", "ip": ip_address or ""},
    )


def connect() -> None:
    """Connect the receivers; called once from ``AuditConfig.ready``."""
    from axes.signals import user_locked_out

    pre_save.connect(_before_save, dispatch_uid="audit_pre_save")
    post_save.connect(_after_save, dispatch_uid="audit_post_save")
    post_delete.connect(_after_delete, dispatch_uid="audit_post_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="audit_m2m")
    auth_signals.user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    auth_signals.user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
    auth_signals.user_login_failed.connect(
        _login_failed, dispatch_uid="audit_login_failed"
    )
    user_locked_out.connect(_locked_out, dispatch_uid="audit_lockout")
