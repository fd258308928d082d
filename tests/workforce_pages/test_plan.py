"""Issue 7 item 4: the staffing plan page, history import, what-if, exports."""

from __future__ import annotations

import datetime
import io
import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from infoline.accounts.models import PublicLine, User
from infoline.journal.models import Contact
from infoline.workforce.models import CallHistory
from tests.conftest import verified_client
from tests.workforce_pages.conftest import bank_log

FIRST = datetime.date(2026, 3, 2)  # a Monday
PLAN_URL = "/planning/staffing/"


def _upload(client: Any, text: str, **extra: Any) -> Any:
    data = {
        "name": "March",
        "file_format": "anonymous-bank",
        "interval": "60",
        "file": SimpleUploadedFile("calls.txt", text.encode()),
        **extra,
    }
    return client.post(reverse("workforce:histories"), data)


@pytest.fixture
def history(planner: User, line: PublicLine) -> CallHistory:
    response = _upload(verified_client(planner), bank_log(FIRST, 21), line=str(line.pk))
    assert response.status_code == 302
    return CallHistory.objects.get()


def _params(line: PublicLine, history: CallHistory, **extra: Any) -> dict[str, Any]:
    return {
        "line": line.pk,
        "source": history.pk,
        "start": "2026-03-23",
        "days": 7,
        **extra,
    }


def _figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1).strip()


def test_upload_stores_history_with_patience(history: CallHistory) -> None:
    assert history.days == 20  # the last day, a Sunday, has no calls
    assert history.first_day == FIRST
    # 9 hours x 12 calls x 18 working days; every 8th abandons after 60 s
    # and the others wait 30 s: rate = abandons / queue seconds.
    assert history.total_calls == 9 * 12 * 18
    abandons = history.total_calls // 8
    assert history.abandoned == abandons
    expected = abandons / (abandons * 60 + (history.total_calls - abandons) * 30)
    assert history.patience_rate == pytest.approx(expected, rel=1e-12)


def test_upload_redirects_to_the_plan_that_follows_the_history(
    planner: User, line: PublicLine
) -> None:
    client = verified_client(planner)
    response = _upload(client, bank_log(FIRST, 14), line=str(line.pk))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="staffing-data"' in html
    # The history ends on Saturday 14 March (Sundays are closed).
    assert "start=2026-03-15" in response["Location"]


def test_malformed_history_names_the_line_and_stores_nothing(
    planner: User, line: PublicLine
) -> None:
    text = bank_log(FIRST, 7).split("\r\n")
    text[2] = (
        text[2].replace("\t990302\t", "\t99030x\t").replace("\t260302\t", "\t26030x\t")
    )
    response = _upload(verified_client(planner), "\r\n".join(text))
    assert response.status_code == 422
    assert (
        "Line 3 of the history file: date &#x27;26030x&#x27; is not YYMMDD"
        in response.content.decode()
    )
    assert not CallHistory.objects.exists()


def test_empty_and_headerless_files_are_refused(planner: User) -> None:
    client = verified_client(planner)
    response = _upload(client, "")
    assert response.status_code == 422
    assert "The history file is empty." in response.content.decode()
    response = _upload(client, "a,b\n1,2\n")
    assert response.status_code == 422
    assert "Line 1 of the history file: header is not the Anonymous Bank header" in (
        response.content.decode()
    )
    assert not CallHistory.objects.exists()


def test_plan_shows_forecast_agents_fte_and_backtest(
    planner: User, line: PublicLine, history: CallHistory
) -> None:
    response = verified_client(planner).get(PLAN_URL, _params(line, history))
    assert response.status_code == 200
    html = response.content.decode()
    # 108 calls a working day, Sunday closed: 6 x 108 forecast.
    assert _figure(html, "calls") == "648"
    # 12 calls an hour of 240 s: 0.8 Erlang; 80 % in 20 s needs 2 agents.
    assert _figure(html, "peak") == "2"
    assert _figure(html, "wape") != "n/a"
    chart = re.search(
        r'<script type="application/json" id="staffing-data">(.*?)</script>',
        html,
        re.S,
    )
    assert chart
    figure = json.loads(chart.group(1))
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["Forecast calls", "Required agents"]
    assert max(figure["data"][1]["y"]) == 2
    assert "estimated from the history" in html


def test_what_if_recomputes_as_a_fragment(
    planner: User, line: PublicLine, history: CallHistory
) -> None:
    client = verified_client(planner)
    base = client.get(PLAN_URL, _params(line, history), HTTP_HX_REQUEST="true")
    assert base.status_code == 200
    html = base.content.decode()
    assert "<html" not in html
    more = client.get(
        PLAN_URL,
        _params(line, history, volume_percent=400, aht_seconds=300),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert int(_figure(more, "peak")) > int(_figure(html, "peak"))
    assert _figure(more, "calls") == "2592"
    # Shrinkage changes the FTE, not the agents.
    shrunk = client.get(
        PLAN_URL,
        _params(line, history, sickness=30),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert _figure(shrunk, "peak") == _figure(html, "peak")
    assert float(_figure(shrunk, "fte")) > float(_figure(html, "fte"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "target_percent",
            "100",
            "The service level target must lie strictly between 0 and 100%.",
        ),
        (
            "target_percent",
            "0",
            "The service level target must lie strictly between 0 and 100%.",
        ),
        ("aht_seconds", "-5", "The average handling time must be above zero."),
        ("target_seconds", "-1", "The target answer time cannot be negative."),
        ("sickness", "100", "A shrinkage share lies from 0 to below 100%."),
    ],
)
def test_bad_inputs_get_specific_errors(
    planner: User,
    line: PublicLine,
    history: CallHistory,
    field: str,
    value: str,
    message: str,
) -> None:
    response = verified_client(planner).get(
        PLAN_URL, _params(line, history, **{field: value})
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert 'id="staffing-data"' not in html


def test_shrinkage_adding_up_to_everything_is_refused(
    planner: User, line: PublicLine, history: CallHistory
) -> None:
    response = verified_client(planner).get(
        PLAN_URL, _params(line, history, sickness=50, leave=50)
    )
    assert response.status_code == 422
    assert "together below 100%" in response.content.decode()


def _journal_calls(line: PublicLine, agent: User, days: int) -> None:
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    for d in range(1, days + 1):
        day = today - datetime.timedelta(days=d)
        for hour in (9, 10, 11):
            for minute in (5, 25, 45):
                contact = Contact.objects.create(agent=agent, line=line)
                at = datetime.datetime.combine(day, datetime.time(hour, minute))
                Contact.objects.filter(pk=contact.pk).update(
                    started_at=timezone.make_aware(at, tz)
                )


def test_journal_source_needs_a_handling_time(
    planner: User, agent_a: User, line: PublicLine
) -> None:
    _journal_calls(line, agent_a, 14)
    client = verified_client(planner)
    start = timezone.localdate().isoformat()
    params = {"line": line.pk, "source": "journal", "start": start, "days": 1}
    response = client.get(PLAN_URL, params)
    assert response.status_code == 422
    assert (
        "The history records no handling times: enter the average handling time."
        in response.content.decode()
    )
    response = client.get(PLAN_URL, {**params, "aht_seconds": 300})
    assert response.status_code == 200
    html = response.content.decode()
    # Nine calls a day, three in each of 09-12: the forecast keeps that.
    assert _figure(html, "calls") == "9"
    assert "staffed with Erlang C" in html


def test_journal_without_contacts_says_so(planner: User, line: PublicLine) -> None:
    response = verified_client(planner).get(
        PLAN_URL, {"line": line.pk, "source": "journal", "start": "2026-03-23"}
    )
    assert response.status_code == 422
    assert "There is no call history for this line before 2026-03-23" in (
        response.content.decode()
    )


def test_exports_xlsx_and_pdf(
    planner: User, line: PublicLine, history: CallHistory
) -> None:
    client = verified_client(planner)
    url = reverse("workforce:plan-export")
    response = client.get(url, {**_params(line, history), "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.max_row == 1 + 7 * 24
    assert [c.value for c in sheet[1]] == [
        "Interval start",
        "Calls",
        "Handling time (s)",
        "Agents",
    ]
    assert max(row[3].value for row in sheet.iter_rows(min_row=2)) == 2
    summary = dict(book.worksheets[1].iter_rows(values_only=True))
    assert summary["Forecast calls"] == 648
    response = client.get(url, {**_params(line, history), "format": "pdf"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    # Bad inputs are not exported: back to the page with the inputs.
    response = client.get(
        url, {**_params(line, history), "target_percent": "120", "format": "xlsx"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(PLAN_URL)


def test_agent_cannot_open_planner_pages(agent_a: User, planner: User) -> None:
    """Allowed (planner) then forbidden (agent) with the same URLs."""
    urls = [
        PLAN_URL,
        reverse("workforce:plan-export"),
        reverse("workforce:histories"),
        reverse("workforce:schedules"),
        reverse("workforce:adherence"),
    ]
    for url in urls:
        assert verified_client(planner).get(url).status_code in {200, 302}, url
        assert verified_client(agent_a).get(url).status_code == 403, url
    response = verified_client(agent_a).post(
        reverse("workforce:histories"), {"name": "x"}
    )
    assert response.status_code == 403
    assert not CallHistory.objects.exists()


def test_journal_takes_handling_and_patience_from_telephony_records(
    planner: User, agent_a: User, line: PublicLine
) -> None:
    from infoline.telephony.models import CallRecord

    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    n = 0
    for d in range(1, 15):
        day = today - datetime.timedelta(days=d)
        for minute in range(0, 60, 5):
            n += 1
            at = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(10, minute)), tz
            )
            contact = Contact.objects.create(agent=agent_a, line=line, call_id=f"c{n}")
            Contact.objects.filter(pk=contact.pk).update(started_at=at)
            t = at.timestamp()
            abandoned = n % 4 == 0
            CallRecord.objects.create(
                call_id=f"c{n}",
                line=line.number,
                outcome="abandoned" if abandoned else "answered",
                arrived_at=t,
                queued_at=t + 5,
                answered_at=None if abandoned else t + 25,
                ended_at=t + 65 if abandoned else t + 25 + 180,
                ended_by="caller",
            )
    response = verified_client(planner).get(
        PLAN_URL,
        {"line": line.pk, "source": "journal", "start": today.isoformat(), "days": 1},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert _figure(html, "calls") == "12"
    # 180 s handled by every answered call: 12 calls x 180 s = 0.6 h.
    assert _figure(html, "workload") == "0.6"
    # Abandons wait 60 s, the answered 20 s: rate = 1 / (60 + 3 x 20).
    assert f"rate {1 / 120:.6f}/s" in html


def test_forecast_against_actual_when_the_period_is_in_the_history(
    planner: User, line: PublicLine, history: CallHistory
) -> None:
    # Week 3 of the history: the forecast (from all of it) beside what came.
    response = verified_client(planner).get(
        PLAN_URL, _params(line, history, start="2026-03-16")
    )
    assert response.status_code == 200
    chart = re.search(
        r'<script type="application/json" id="staffing-data">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert chart
    traces = {t["name"]: t for t in json.loads(chart.group(1))["data"]}
    assert set(traces) == {"Forecast calls", "Actual calls", "Required agents"}
    # Monday to Saturday came; Sunday 22 March is past the history.
    assert sum(y for y in traces["Actual calls"]["y"] if y) == 6 * 108
    assert traces["Actual calls"]["y"][-1] is None


def test_announced_peak_of_the_line_is_added_to_the_forecast(
    planner: User, line: PublicLine, history: CallHistory
) -> None:
    from infoline.knowledge.models import PeakAnnouncement

    tz = timezone.get_current_timezone()

    def at(hour: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime(2026, 3, 24, hour), tz)

    mine = PeakAnnouncement.objects.create(
        title="Tax cards",
        starts_at=at(9),
        ends_at=at(12),
        expected_extra=30,
        created_by=planner,
    )
    mine.lines.add(line)
    other = PeakAnnouncement.objects.create(
        title="Vacancy fair",
        starts_at=at(9),
        ends_at=at(12),
        expected_extra=500,
        created_by=planner,
    )
    other.lines.add(PublicLine.objects.create(name="Vacancies", number="1884"))
    response = verified_client(planner).get(PLAN_URL, _params(line, history))
    html = response.content.decode()
    assert _figure(html, "calls") == "678"  # 648 + 30
    assert "Announced peak “Tax cards”: 30 extra calls a day added." in html
    assert "Vacancy fair" not in html
