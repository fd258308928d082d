"""Escalation of a contact to a tier-2 specialist or a department (J4).

The act itself is the lifecycle table's ``Escalate`` (``transitions`` rule 7),
carried out by ``services.perform_act`` in one transaction with its history
row and the notifications of the specialist and the department. This module
resolves who is responsible when only a department is named, refuses bad
input with a specific message before anything is written, and e-mails the
specialist through the sender adapter once the act has committed.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from infoline.accounts.choices import Role
from infoline.accounts.models import Department, Team, User
from infoline.journal import transitions as t
from infoline.journal.models import Contact

__all__ = ["escalate_contact", "leads_for", "resolve_responsible"]

#: Roles a contact can be escalated to (those who handle contacts).
HANDLING_ROLES = (
    Role.AGENT,
    Role.SPECIALIST,
    Role.TEAM_LEAD,
    Role.SUPERVISOR,
    Role.ADMINISTRATOR,
)


def resolve_responsible(department: Department, contact: Contact) -> User | None:
    """Who in ``department`` answers an escalated contact, or None.

    The employee the department's case split names for the contact's person
    (K1), else the lead of one of the department's teams, else the
    department's secretary; only active staff with a handling role count.
    """
    from infoline.accounts.services import who_handles

    candidates: list[User | None] = []
    if department.split_rule and contact.person_id is not None:
        person = contact.person
        assert person is not None, "person_id is set"
        try:
            employee = who_handles(
                department,
                surname=person.last_name,
                identity_code=person.identity_code,
                birth_date=person.birth_date,
                postal_code=person.postal_code,
            )
        except (ValidationError, TypeError):
            employee = None
        if employee is not None and employee.active:
            candidates.append(employee.user)
    for team in Team.objects.filter(department=department).select_related("lead"):
        candidates.append(team.lead)
    if department.secretary is not None and department.secretary.active:
        candidates.append(department.secretary.user)
    for user in candidates:
        if user is not None and user.is_active and user.role in HANDLING_ROLES:
            return user
    return None


def leads_for(
    *,
    user_id: int | None = None,
    team_id: int | None = None,
    department_id: int | None = None,
) -> list[int]:
    """The team leads to escalate to: of the user's team, the team, the department.

    The first of these that names an active lead wins; when none does, every
    active supervisor, so an escalation never goes nowhere.
    """
    leads: list[int] = []
    if user_id is not None:
        lead = (
            User.objects.filter(pk=user_id, team__lead__is_active=True)
            .values_list("team__lead_id", flat=True)
            .first()
        )
        if lead is not None and lead != user_id:
            leads = [lead]
    if not leads and team_id is not None:
        leads = list(
            Team.objects.filter(pk=team_id, lead__is_active=True).values_list(
                "lead_id", flat=True
            )
        )
    if not leads and department_id is not None:
        leads = list(
            Team.objects.filter(department_id=department_id, lead__is_active=True)
            .values_list("lead_id", flat=True)
            .distinct()
        )
    leads = [pk for pk in leads if pk is not None]
    if not leads:
        leads = list(
            User.objects.filter(role=Role.SUPERVISOR, is_active=True).values_list(
                "pk", flat=True
            )
        )
    return leads


def _email_assignee(contact: Contact, assignee: User, due: datetime.date) -> None:
    """Tell the specialist by e-mail too; the message names no personal data."""
    from infoline.notify.base import OutboundMessage
    from infoline.notify.services import send_message

    if not assignee.email:
        return
    subject = gettext("Contact #%(number)s was escalated to you") % {
        "number": contact.pk
    }
    body = gettext(
        "Contact #%(number)s was escalated to you. The answer is due on "
        "%(due)s. Open it on your desk in Infoline."
    ) % {"number": contact.pk, "due": due.isoformat()}
    send_message(
        OutboundMessage(channel="email", to=assignee.email, subject=subject, body=body),
        purpose="escalation",
        contact=contact,
    )


def escalate_contact(
    user: User,
    contact: Contact,
    *,
    due: datetime.date | None,
    reason: str,
    to_user_id: int | None = None,
    to_department_id: int | None = None,
) -> Contact:
    """Escalate ``contact`` to a specialist and/or a department with a deadline (J4).

    With only a department, its responsible person is resolved
    (:func:`resolve_responsible`). The caller has checked that ``user`` may
    see the contact. Bad input (nobody named, an unknown or inactive
    colleague, an unknown department, no deadline) and every refusal of the
    lifecycle table raise ``ValidationError`` with a translated message;
    nothing is saved then.
    """
    from infoline.journal.services import perform_act

    if to_user_id is None and to_department_id is None:
        raise ValidationError(
            gettext("Choose a specialist or a department to escalate the contact to.")
        )
    assignee: User | None = None
    if to_user_id is not None:
        assignee = User.objects.filter(
            pk=to_user_id, is_active=True, role__in=HANDLING_ROLES
        ).first()
        if assignee is None:
            raise ValidationError(
                gettext("There is no active colleague to escalate the contact to.")
            )
    department: Department | None = None
    if to_department_id is not None:
        department = Department.objects.filter(pk=to_department_id).first()
        if department is None:
            raise ValidationError(gettext("There is no such department."))
    if due is None:
        raise ValidationError(gettext("Give the deadline for the answer."))
    if assignee is None:
        assert department is not None, "checked above: a person or a department"
        assignee = resolve_responsible(department, contact)
        if assignee is None:
            raise ValidationError(
                gettext(
                    "Nobody in %(department)s is set to take escalated contacts; "
                    "choose a specialist."
                )
                % {"department": department.name}
            )
    act = t.Escalate(
        assignee_id=assignee.pk,
        department_id=department.pk if department is not None else None,
        due=due,
        reason=reason,
    )
    with transaction.atomic():
        contact = perform_act(user, contact, act)
        transaction.on_commit(lambda: _email_assignee(contact, assignee, due))
    return contact
