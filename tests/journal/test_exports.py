"""Issue 5 item 12: journal extracts in CSV and XLSX, filtered, permission-checked, access-logged."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from infoline.accounts.models import Department, User
from infoline.clients.models import AccessLog, Person
from infoline.journal.models import Contact, Topic

EET = datetime.timezone(datetime.timedelta(hours=2))
DAY = datetime.datetime(2026, 11, 10, 9, 30, tzinfo=EET)
URL = "records:export"


@pytest.fixture
def journal(agent_a: User, agent_a2: User, department: Department) -> dict[str, Any]:
    """Contacts on three days, of several channels, types and people."""
    ona = Person.objects.create(first_name="Ona", last_name="Pilietė")
    jonas = Person.objects.create(first_name="Jonas", last_name="Jonaitis")
    topic = Topic.objects.create(type="complaint", name="Late payment")
    other = Department.objects.create(name="Benefits", code="benefits")
    rows = [
        (
            DAY,
            {
                "agent": agent_a,
                "person": ona,
                "type": "complaint",
                "topic": topic,
                "department": department,
                "phone": "+37061234567",
                "summary": "Payment late",
            },
        ),
        (
            DAY + datetime.timedelta(hours=1),
            {
                "agent": agent_a2,
                "person": jonas,
                "channel": "email",
                "type": "consultation",
                "department": other,
                "summary": '=HYPERLINK("http://x")',
            },
        ),
        (
            DAY + datetime.timedelta(days=1),
            {
                "agent": agent_a,
                "person": ona,
                "status": "closed",
                "type": "consultation",
                "result": "Explained",
                "comment": "ok",
            },
        ),
        (DAY - datetime.timedelta(days=5), {"agent": agent_a, "summary": "Too early"}),
    ]
    contacts = []
    for at, fields in rows:
        with time_machine.travel(at, tick=False):
            contacts.append(Contact.objects.create(**fields))
    return {
        "contacts": contacts,
        "topic": topic,
        "other": other,
        "ona": ona,
        "jonas": jonas,
    }


def _export(client: Client, **params: Any) -> Any:
    query = {"start": "2026-11-10", "end": "2026-11-11", "format": "csv", **params}
    return client.get(reverse(URL), query)


def _csv_rows(response: Any) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_extract_with_the_journal_columns_and_access_log(
    team_lead: User, journal: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    response = _export(client_for(team_lead))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="journal-2026-11-10-2026-11-11.csv"'
    )
    rows = _csv_rows(response)
    assert rows[0][:3] == ["Number", "Date and time", "Channel"]
    first, second, third = journal["contacts"][:3]
    assert [int(r[0]) for r in rows[1:]] == [first.pk, second.pk, third.pk]
    assert rows[1][1] == "2026-11-10 09:30"
    assert rows[1][4:8] == ["Complaint", "Late payment", "In work", "Contact centre"]
    assert rows[1][12:15] == ["Ona Pilietė", "+37061234567", "Payment late"]
    assert rows[2][14] == '\'=HYPERLINK("http://x")'  # never a formula
    logs = AccessLog.objects.order_by("person_id")
    assert [log.person_id for log in logs] == sorted(
        [journal["ona"].pk, journal["jonas"].pk]
    )
    assert {log.user_id for log in logs} == {team_lead.pk}
    assert {log.category for log in logs} == {"case"}
    assert logs[0].reason == "journal export (csv, 3 contacts): 2026-11-10..2026-11-11"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"channel": "email"}, [1]),
        ({"type": "consultation"}, [1, 2]),
        ({"status": "closed"}, [2]),
        ({"topic": "topic"}, [0]),
        ({"department": "other"}, [1]),
        ({"agent": "agent_a2"}, [1]),
        ({"end": "2026-11-10"}, [0, 1]),
    ],
)
def test_each_filter_narrows_the_extract(
    supervisor: User,
    agent_a2: User,
    journal: dict[str, Any],
    client_for: Callable[[User], Client],
    filters: dict[str, str],
    expected: list[int],
) -> None:
    ids = {
        "topic": journal["topic"].pk,
        "other": journal["other"].pk,
        "agent_a2": agent_a2.pk,
    }
    params = {key: ids.get(value, value) for key, value in filters.items()}
    rows = _csv_rows(_export(client_for(supervisor), **params))
    assert [int(r[0]) for r in rows[1:]] == [
        journal["contacts"][i].pk for i in expected
    ]


def test_xlsx_extract_holds_text_cells_only(
    administrator: User, journal: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    from openpyxl import load_workbook

    response = _export(client_for(administrator), format="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Number" and len(values) == 4
    assert values[2][14] == '\'=HYPERLINK("http://x")'
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert AccessLog.objects.count() == 2


def test_the_form_page_and_bad_input(
    team_lead: User,
    journal: dict[str, Any],
    client_for: Callable[[User], Client],
    settings: Any,
) -> None:
    client = client_for(team_lead)
    page = client.get(reverse(URL))
    assert page.status_code == 200 and b"Journal extract" in page.content
    inverted = _export(client, start="2026-11-11", end="2026-11-10")
    assert inverted.status_code == 422
    assert "The period ends before it starts." in inverted.content.decode()
    wrong = _export(client, format="pdf")
    assert wrong.status_code == 422
    assert "Select a valid choice." in wrong.content.decode()
    settings.INFOLINE_EXPORT_MAX_ROWS = 2
    too_many = _export(client)
    assert too_many.status_code == 422
    assert (
        "The extract would hold 3 contacts; at most 2 fit in one file. "
        "Narrow the filters." in too_many.content.decode()
    )
    assert not AccessLog.objects.exists()


def test_agents_and_the_outsider_are_refused(
    agent_a: User,
    agent_b: User,
    evaluator: User,
    journal: dict[str, Any],
    client_for: Callable[[User], Client],
) -> None:
    for user in (agent_b, agent_a, evaluator):
        assert _export(client_for(user)).status_code == 403
        assert client_for(user).get(reverse(URL)).status_code == 403
    anonymous = Client().get(reverse(URL))
    assert anonymous.status_code == 302 and "/account/login/" in anonymous["Location"]
    assert not AccessLog.objects.exists()


def test_the_extract_needs_a_constant_number_of_queries(
    team_lead: User,
    agent_a: User,
    journal: dict[str, Any],
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(team_lead)
    for i in range(30):
        with time_machine.travel(DAY + datetime.timedelta(minutes=i), tick=False):
            Contact.objects.create(
                agent=agent_a,
                person=Person.objects.create(first_name=f"P{i}", last_name="X"),
            )
    with django_assert_max_num_queries(12):
        response = _export(client)
    assert len(_csv_rows(response)) == 34
