"""Access getters: objects with personal data are fetched only through these."""

from __future__ import annotations

from django.http import Http404

from infoline.accounts.models import User
from infoline.clients.models import Person
from infoline.journal.models import Contact


def access_contact(user: User, contact_id: int) -> Contact:
    """Return the user's own contact, or 404 without saying whether it exists."""
    contact = (
        Contact.objects.filter(pk=contact_id)
        .select_related("person", "line", "employer")
        .first()
    )
    if contact is None:
        raise Http404
    if contact.agent_id != user.pk:
        raise Http404
    return contact


def access_person(user: User, person_id: int) -> Person:
    """Return a person record (names only are general information; see ``disclose``)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person
