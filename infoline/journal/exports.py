"""Journal extracts in CSV and XLSX (issue 5 item 12), filtered and access-logged.

An extract holds personal data (the caller's name, phone, what they said),
so every export writes one access-log row per person it contains, in the
same transaction that reads the rows, before the file leaves the server.
Cells are written as text: a value that a spreadsheet would read as a
formula is neutralised (CSV/formula injection).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from infoline.accounts.models import User
from infoline.journal.models import Contact

__all__ = [
    "COLUMNS",
    "ExportFilters",
    "export_contacts",
    "filtered_contacts",
    "max_export_rows",
]

COLUMNS = [
    ("number", gettext_lazy("Number")),
    ("started", gettext_lazy("Date and time")),
    ("channel", gettext_lazy("Channel")),
    ("line", gettext_lazy("Line")),
    ("type", gettext_lazy("Type")),
    ("topic", gettext_lazy("Topic")),
    ("status", gettext_lazy("Status")),
    ("department", gettext_lazy("Department")),
    ("employee", gettext_lazy("Employee")),
    ("position", gettext_lazy("Position")),
    ("responsible", gettext_lazy("Responsible")),
    ("due", gettext_lazy("Answer due")),
    ("person", gettext_lazy("Person")),
    ("phone", gettext_lazy("Phone")),
    ("summary", gettext_lazy("Short content")),
    ("result", gettext_lazy("Result")),
    ("closed", gettext_lazy("Closed")),
]


def max_export_rows() -> int:
    """The most rows one extract may hold (``INFOLINE_EXPORT_MAX_ROWS``)."""
    return int(getattr(settings, "INFOLINE_EXPORT_MAX_ROWS", 100_000))


@dataclass(frozen=True)
class ExportFilters:
    """What to extract: a period of registration dates (inclusive) and equalities."""

    start: datetime.date
    end: datetime.date
    channel: str = ""
    type: str = ""
    topic_id: int | None = None
    status: str = ""
    department_id: int | None = None
    agent_id: int | None = None

    def describe(self) -> str:
        """A compact, non-personal description for the access log."""
        parts = [f"{self.start.isoformat()}..{self.end.isoformat()}"]
        for name in ("channel", "type", "status"):
            value = getattr(self, name)
            if value:
                parts.append(f"{name}={value}")
        for name in ("topic_id", "department_id", "agent_id"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value}")
        return " ".join(parts)


def filtered_contacts(filters: ExportFilters) -> QuerySet[Contact]:
    """The contacts the filters select, oldest first, with what the rows show."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(filters.start, datetime.time(0), zone)
    end = datetime.datetime.combine(
        filters.end + datetime.timedelta(days=1), datetime.time(0), zone
    )
    contacts = Contact.objects.filter(started_at__gte=start, started_at__lt=end)
    if filters.channel:
        contacts = contacts.filter(channel=filters.channel)
    if filters.type:
        contacts = contacts.filter(type=filters.type)
    if filters.topic_id is not None:
        contacts = contacts.filter(topic_id=filters.topic_id)
    if filters.status:
        contacts = contacts.filter(status=filters.status)
    if filters.department_id is not None:
        contacts = contacts.filter(department_id=filters.department_id)
    if filters.agent_id is not None:
        contacts = contacts.filter(agent_id=filters.agent_id)
    return contacts.select_related(
        "line", "topic", "department", "agent", "assignee", "person"
    ).order_by("started_at", "pk")


def _row(contact: Contact) -> list[Any]:
    local = timezone.localtime(contact.started_at)
    closed = timezone.localtime(contact.closed_at) if contact.closed_at else None
    person = contact.person
    return [
        contact.pk,
        local.strftime("%Y-%m-%d %H:%M"),
        contact.get_channel_display(),
        contact.line.name if contact.line else "",
        contact.get_type_display() if contact.type else "",
        contact.topic.name if contact.topic else "",
        contact.get_status_display(),
        contact.department.name if contact.department else "",
        str(contact.agent),
        contact.agent_position,
        str(contact.assignee) if contact.assignee else "",
        contact.due.isoformat() if contact.due else "",
        f"{person.first_name} {person.last_name}" if person else "",
        contact.phone,
        contact.summary,
        contact.result,
        closed.strftime("%Y-%m-%d %H:%M") if closed else "",
    ]


_FORMULA_START = ("=", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula; keep +370... numbers."""
    if not isinstance(value, str) or not value:
        return value
    risky = value.startswith(_FORMULA_START) or (
        value[0] in "+-" and not value[1:].replace(" ", "").isdigit()
    )
    return "'" + value if risky else value


def _csv(rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(label) for _key, label in COLUMNS])
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    # A byte-order mark so spreadsheet programs read UTF-8 (Lithuanian letters).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=gettext("Contacts")[:31])
    sheet.append([str(label) for _key, label in COLUMNS])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_safe(value))
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rows(contacts: QuerySet[Contact], people: set[int]) -> Iterator[list[Any]]:
    for contact in contacts.iterator(chunk_size=2000):
        if contact.person_id is not None:
            people.add(contact.person_id)
        yield _row(contact)


def export_contacts(
    user: User, filters: ExportFilters, fmt: str
) -> tuple[bytes, str, int]:
    """Build the extract; return its bytes, content type and number of rows.

    The caller has checked the ``journal.export`` permission. Raises
    ``ValidationError`` (nothing written) for an inverted period, an unknown
    format, or more rows than :func:`max_export_rows`. Every person in the
    extract gets an access-log row (category "case").
    """
    from infoline.clients.choices import DataCategory
    from infoline.clients.models import AccessLog
    from infoline.lib.context import current_actor

    if filters.end < filters.start:
        raise ValidationError(gettext("The period ends before it starts."))
    if fmt not in {"csv", "xlsx"}:
        raise ValidationError(gettext("Choose CSV or XLSX."))
    contacts = filtered_contacts(filters)
    limit = max_export_rows()
    with transaction.atomic():
        count = contacts.count()
        if count > limit:
            raise ValidationError(
                gettext(
                    "The extract would hold %(count)s contacts; at most %(limit)s "
                    "fit in one file. Narrow the filters."
                )
                % {"count": count, "limit": limit}
            )
        people: set[int] = set()
        data = (_csv if fmt == "csv" else _xlsx)(_rows(contacts, people))
        reason = f"journal export ({fmt}, {count} contacts): {filters.describe()}"
        via = current_actor().via
        AccessLog.objects.bulk_create(
            [
                AccessLog(
                    user_id=user.pk,
                    user_name=user.get_username(),
                    person_id=person_id,
                    category=DataCategory.CASE,
                    reason=reason[:500],
                    via=via,
                )
                for person_id in sorted(people)
            ],
            batch_size=1000,
        )
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return data, content_type, count
