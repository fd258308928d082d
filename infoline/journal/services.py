"""Acts on contacts. Status changes go through the pure table in ``transitions``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from infoline.accounts.choices import Role
from infoline.accounts.models import User
from infoline.journal import transitions as t
from infoline.journal.models import Contact, ContactHistory, Notification, Topic

__all__ = ["perform_act", "search_topics", "state_of"]


def state_of(contact: Contact) -> t.ContactState:
    """The lifecycle fields of ``contact`` as the pure table sees them."""
    extension = None
    if contact.extension_due is not None:
        assert contact.extension_requested_by_id is not None, (
            "a pending extension has a requester"
        )
        extension = t.ExtensionRequest(
            new_due=contact.extension_due,
            reason=contact.extension_reason,
            requested_by=contact.extension_requested_by_id,
        )
    return t.ContactState(
        status=t.Status(contact.status),
        assignee_id=contact.assignee_id,
        department_id=contact.department_id,
        due=contact.due,
        extension=extension,
        result=contact.result,
        comment=contact.comment,
    )


def _approvers(contact: Contact) -> list[int]:
    """Who approves results and extensions: team leads, supervisors, administrators."""
    roles = [Role.TEAM_LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR]
    return list(
        User.objects.filter(role__in=roles, is_active=True).values_list("pk", flat=True)
    )


def _department_members(department_id: int) -> list[int]:
    from infoline.accounts.models import Employee

    return list(
        Employee.objects.filter(
            department_id=department_id, user__isnull=False, active=True
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def perform_act(user: User, contact: Contact, act: t.Act) -> Contact:
    """Apply ``act`` to ``contact`` as ``user``: new state, history row and notifications.

    The caller has checked that the user may see the contact. An illegal act
    raises ``ValidationError`` with the table's translated message and
    changes nothing.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    try:
        new, effects = t.apply(
            state_of(contact),
            act,
            actor_role=user.role,
            actor_id=user.pk,
            today=timezone.localdate(),
        )
    except t.IllegalTransition as exc:
        raise ValidationError(gettext(exc.template) % exc.params) from None
    contact.status = new.status.value
    contact.assignee_id = new.assignee_id
    contact.department_id = new.department_id
    contact.due = new.due
    contact.extension_due = new.extension.new_due if new.extension else None
    contact.extension_reason = new.extension.reason if new.extension else ""
    contact.extension_requested_by_id = (
        new.extension.requested_by if new.extension else None
    )
    contact.result = new.result
    contact.comment = new.comment
    if new.status == t.Status.CLOSED and contact.closed_at is None:
        contact.closed_at = timezone.now()
    elif new.status != t.Status.CLOSED:
        contact.closed_at = None
    contact.save()
    recipients: dict[int, str] = {}
    for effect in effects:
        if isinstance(effect, t.RecordHistory):
            ContactHistory.objects.create(
                contact=contact,
                actor=user,
                act=effect.act.value,
                old_status=effect.old.value,
                new_status=effect.new.value,
                reason=effect.reason[:500],
            )
        elif isinstance(effect, t.Notify):
            recipients[effect.user_id] = effect.kind.value
        elif isinstance(effect, t.NotifyDepartment):
            for member in _department_members(effect.department_id):
                recipients.setdefault(member, effect.kind.value)
        elif isinstance(effect, t.NotifyApprovers):
            for approver in _approvers(contact):
                recipients.setdefault(approver, effect.kind.value)
    recipients.pop(user.pk, None)  # nobody is notified of their own act
    Notification.objects.bulk_create(
        [
            Notification(user_id=uid, contact=contact, kind=kind)
            for uid, kind in recipients.items()
        ]
    )
    return contact


def search_topics(contact_type: str, query: str, limit: int = 15) -> list[Topic]:
    """Topics of ``contact_type`` whose name, parents or keywords hold every word (J2).

    Case and diacritics are ignored; an empty query lists the top-level topics.
    """
    from django.db.models import Q

    from infoline.lib.text import search_tokens

    topics = Topic.objects.filter(type=contact_type, active=True).select_related(
        "parent__parent"
    )
    tokens = search_tokens(query)
    if not tokens:
        return list(topics.filter(parent__isnull=True)[:limit])
    condition = Q()
    for token in tokens:
        condition &= Q(search_text__contains=token)
    return list(topics.filter(condition)[:limit])
