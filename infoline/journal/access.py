"""Object-level access to contacts: who may open a contact in the journal."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from infoline.accounts.choices import Role
from infoline.accounts.models import Employee, User
from infoline.journal.models import Contact


def visible_contacts(user: User) -> Q:
    """The contacts ``user`` may open: their own, assigned to them or their department,
    their team's (team lead), every contact (supervisor, administrator)."""
    if user.role in {Role.SUPERVISOR, Role.ADMINISTRATOR}:
        return Q()
    condition = Q(agent=user) | Q(assignee=user)
    department_id = (
        Employee.objects.filter(user=user)
        .values_list("department_id", flat=True)
        .first()
    )
    if department_id is not None:
        condition |= Q(department_id=department_id)
    if user.role == Role.TEAM_LEAD and user.team_id is not None:
        condition |= Q(agent__team_id=user.team_id)
    return condition


def access_journal_contact(user: User, contact_id: int) -> Contact:
    """The contact if ``user`` may open it; 404 otherwise, without saying whether it exists."""
    contact = (
        Contact.objects.filter(visible_contacts(user), pk=contact_id)
        .select_related("person", "line", "topic", "agent", "assignee", "department")
        .first()
    )
    if contact is None:
        raise Http404
    return contact
