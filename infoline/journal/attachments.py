"""Attachments of contacts (J7): checked by content, limited in size, served with a log.

Files are stored in the default storage (``MEDIA_ROOT``, under ``var/``,
outside the web root; no URL serves it) under random names. The type is
recognised from the content by ``journal/sniff.py``; a file whose content is
not on the allow-list, or whose name claims another type, is refused with a
specific message and nothing is saved. Reading an attachment is a disclosure
of personal data: :func:`open_attachment` writes the access log first.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext

from infoline.accounts.choices import Role
from infoline.accounts.models import User
from infoline.journal.models import Contact, ContactAttachment, ContactHistory
from infoline.journal.sniff import KINDS, name_matches, sniff

__all__ = [
    "access_record_contact",
    "add_attachment",
    "max_attachment_bytes",
    "open_attachment",
]


def max_attachment_bytes() -> int:
    """The size limit (``INFOLINE_ATTACHMENT_MAX_BYTES``, 10 MiB by default)."""
    return int(getattr(settings, "INFOLINE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def access_record_contact(user: User, contact_id: int) -> Contact:
    """Return a contact whose records ``user`` may see, or 404 that tells nothing.

    The same rule as the journal's contacts: the employee who registered it,
    the person it is assigned to, members of its department, the team lead
    of the registering agent's team, and supervisors and administrators.
    """
    from django.db.models import Q

    from infoline.accounts.models import Employee

    visible = Q(agent=user) | Q(assignee=user)
    if user.role in {Role.SUPERVISOR, Role.ADMINISTRATOR}:
        visible = Q()
    else:
        department_id = (
            Employee.objects.filter(user=user)
            .values_list("department_id", flat=True)
            .first()
        )
        if department_id is not None:
            visible |= Q(department_id=department_id)
        if user.role == Role.TEAM_LEAD and user.team_id is not None:
            visible |= Q(agent__team_id=user.team_id)
    contact = Contact.objects.filter(visible, pk=contact_id).first()
    if contact is None:
        raise Http404
    return contact


def _read_upload(upload: IO[bytes], limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes, so an oversized file is never held whole."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = upload.read(min(64 * 1024, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def add_attachment(
    user: User,
    contact: Contact,
    upload: IO[bytes],
    *,
    name: str,
    document_number: str,
    registered_on: datetime.date | None,
    size: int | None = None,
) -> ContactAttachment:
    """Attach a document to ``contact`` with its number and registration date (J7).

    The caller has checked that ``user`` may see the contact. Raises
    ``ValidationError`` with a specific, translated message and saves nothing
    when the number or date is missing or the date is in the future, the
    file is empty or over the limit, its content is not an allowed type, or
    its name claims another type than its content.
    """
    limit = max_attachment_bytes()
    number = document_number.strip()
    if not number:
        raise ValidationError(gettext("Enter the document number."))
    if registered_on is None:
        raise ValidationError(gettext("Enter the document's registration date."))
    if registered_on > timezone.localdate():
        raise ValidationError(gettext("The registration date is in the future."))
    if size is not None and size > limit:
        raise ValidationError(
            gettext("The file is %(size)s; attachments may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    data = _read_upload(upload, limit)
    if len(data) > limit:
        raise ValidationError(
            gettext("The file is larger than %(limit)s, the limit for attachments.")
            % {"limit": filesizeformat(limit)}
        )
    if not data:
        raise ValidationError(gettext("The file is empty."))
    kind = sniff(data)
    allowed = ", ".join(k.label for k in KINDS)
    if kind is None:
        raise ValidationError(
            gettext(
                "The file's content is not an allowed type (%(allowed)s); "
                "nothing was saved."
            )
            % {"allowed": allowed}
        )
    original = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "file"
    if not name_matches(original, kind):
        raise ValidationError(
            gettext(
                "The file is named %(name)s but its content is %(kind)s; "
                "nothing was saved."
            )
            % {"name": original, "kind": kind.label}
        )
    attachment = ContactAttachment(
        contact=contact,
        original_name=original,
        content_type=kind.mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        document_number=number[:100],
        registered_on=registered_on,
        uploaded_by=user,
    )
    # The file is written first; if the transaction fails it is removed again.
    attachment.file.save("upload", ContentFile(data), save=False)
    stored = attachment.file.name
    assert stored is not None, "the storage named the saved file"
    try:
        with transaction.atomic():
            attachment.save()
            ContactHistory.objects.create(
                contact=contact,
                actor=user,
                act="attach",
                old_status=contact.status,
                new_status=contact.status,
                reason=f"attachment #{attachment.pk}",
            )
    except BaseException:
        attachment.file.storage.delete(stored)
        raise
    return attachment


def open_attachment(user: User, attachment_id: int) -> ContactAttachment:
    """Return an attachment ``user`` may read, logging the read; 404 otherwise.

    The read is written to the personal-data access log (category "case")
    when the contact has a person, and to the contact's history in every
    case, in one transaction before the file is served.
    """
    from infoline.clients.choices import DataCategory
    from infoline.clients.models import AccessLog
    from infoline.lib.context import current_actor

    attachment = (
        ContactAttachment.objects.filter(pk=attachment_id)
        .select_related("contact")
        .first()
    )
    if attachment is None:
        raise Http404
    access_record_contact(user, attachment.contact_id)
    contact = attachment.contact
    with transaction.atomic():
        if contact.person_id is not None:
            AccessLog.objects.create(
                user_id=user.pk,
                user_name=user.get_username(),
                person_id=contact.person_id,
                category=DataCategory.CASE,
                contact_id=contact.pk,
                reason=f"contact #{contact.pk}: attachment #{attachment.pk} opened",
                via=current_actor().via,
            )
        ContactHistory.objects.create(
            contact=contact,
            actor=user,
            act="attachment_opened",
            old_status=contact.status,
            new_status=contact.status,
            reason=f"attachment #{attachment.pk}",
        )
    return attachment
