"""Issue 7 items 4 and 8: the staffing plan and the schedule's Gantt chart (Chromium).

The charts are drawn by the vendored plotly.js under the page's CSP: no
console error (a refused script or style) is allowed.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from infoline.accounts.choices import Role
from infoline.accounts.models import PublicLine, Team, User
from infoline.workforce.models import CallHistory, Schedule
from tests.conftest import _user, verified_client
from tests.workforce_pages.conftest import bank_log

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
# plotly.js is 4.8 MB: on a busy two-core machine parsing it takes seconds.
DRAW = 30_000


def _sign_in(page: Page, live_server: Any, user: User) -> None:
    client = verified_client(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": cookie.value,
                "url": live_server.url,
            }
        ]
    )


def _watch_console(page: Page) -> list[str]:
    problems: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        # Responses with errors (the refused upload's 422) are the page's own.
        if "Failed to load resource" in message.text:
            return
        if message.type in {"error", "warning"} or "Content Security" in message.text:
            problems.append(message.text)

    page.on("console", seen)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def _monday_ahead() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=14 - today.weekday())


def test_planner_uploads_history_and_plays_what_if(
    live_server: Any, page: Page, screenshot_dir: Path, planner: User
) -> None:
    line = PublicLine.objects.create(name="General", number="1883")
    problems = _watch_console(page)
    _sign_in(page, live_server, planner)
    page.goto(f"{live_server.url}/planning/histories/")
    first = _monday_ahead() - datetime.timedelta(days=28)
    page.get_by_label("Name").fill("Three weeks")
    page.get_by_label("Line").select_option(str(line.pk))
    page.get_by_label("Format").select_option("anonymous-bank")
    page.get_by_label("Interval").select_option("30")

    # A broken line is refused with its number.
    text = bank_log(first, 21).split("\r\n")
    text[4] = text[4].replace("\tAGENT\t", "\tANSWERED\t")
    page.get_by_label("File").set_input_files(
        {
            "name": "calls.txt",
            "mimeType": "text/plain",
            "buffer": "\r\n".join(text).encode(),
        }
    )
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".errorlist")).to_contain_text(
        "Line 5 of the history file: outcome 'ANSWERED' is not one of"
    )
    page.screenshot(
        path=str(screenshot_dir / "planner-history-refused.png"), full_page=True
    )

    page.get_by_label("File").set_input_files(
        {
            "name": "calls.txt",
            "mimeType": "text/plain",
            "buffer": bank_log(first, 21).encode(),
        }
    )
    page.get_by_label("Interval").select_option("30")
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(re.compile(r"/planning/staffing/\?"))
    chart = page.locator("#staffing-chart")
    expect(chart).to_have_attribute("data-drawn", "true", timeout=DRAW)
    expect(chart.locator(".main-svg").first).to_be_visible()
    peak = page.locator('[data-figure="peak"]')
    before = int(peak.inner_text())
    fte = page.locator('[data-figure="fte"]').inner_text()
    page.screenshot(path=str(screenshot_dir / "planner-staffing.png"), full_page=True)

    # What-if: three times the calls; the page is not reloaded.
    page.evaluate("window.__marker = 1")
    page.get_by_label("Volume (percent of forecast)").fill("300")
    page.get_by_label("Volume (percent of forecast)").dispatch_event("change")
    expect(peak).not_to_have_text(str(before))
    assert int(peak.inner_text()) > before
    assert page.evaluate("window.__marker") == 1
    expect(page.locator("#staffing-chart")).to_have_attribute(
        "data-drawn", "true", timeout=DRAW
    )
    assert page.locator('[data-figure="fte"]').inner_text() != fte

    # A target of 100 % is refused in place.
    page.get_by_label("Service level target (%)").fill("100")
    page.get_by_label("Service level target (%)").dispatch_event("change")
    expect(page.locator("#plan-result")).to_contain_text(
        "The service level target must lie strictly between 0 and 100%."
    )
    page.screenshot(
        path=str(screenshot_dir / "planner-what-if-error.png"), full_page=True
    )
    page.get_by_label("Service level target (%)").fill("90")
    page.get_by_label("Service level target (%)").dispatch_event("change")
    expect(page.locator('[data-figure="peak"]')).to_be_visible()
    expect(page.locator("#staffing-chart")).to_have_attribute(
        "data-drawn", "true", timeout=DRAW
    )
    page.screenshot(path=str(screenshot_dir / "planner-what-if.png"), full_page=True)
    assert problems == []


def test_schedule_gantt_and_my_schedule(
    live_server: Any,
    page: Page,
    screenshot_dir: Path,
    planner: User,
    team_a: Team,
    agent_a: User,
    agent_a2: User,
    settings: Any,
    browser: Browser,
) -> None:
    settings.INFOLINE_SCHEDULE_SECONDS = 4.0
    settings.INFOLINE_SCHEDULE_WORKERS = 1
    _user("agent_a3", Role.AGENT, team_a)
    _user("agent_a4", Role.AGENT, team_a)
    line = PublicLine.objects.create(name="General", number="1883")
    client = verified_client(planner)
    first = _monday_ahead() - datetime.timedelta(days=28)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        "/planning/histories/",
        {
            "name": "Weeks",
            "line": line.pk,
            "file_format": "anonymous-bank",
            "interval": "60",
            "file": SimpleUploadedFile(
                "calls.txt", bank_log(first, 21, per_hour=20).encode()
            ),
        },
    )
    problems = _watch_console(page)
    _sign_in(page, live_server, planner)
    page.goto(f"{live_server.url}/planning/schedules/")
    page.get_by_label("Line").select_option(str(line.pk))
    page.get_by_label("Call history").select_option(str(CallHistory.objects.get().pk))
    page.get_by_label("First day").fill(_monday_ahead().isoformat())
    page.get_by_label("Team").select_option(str(team_a.pk))
    page.get_by_role("button", name="Create and solve").click()
    expect(page.locator("#solve-progress")).to_have_attribute(
        "data-status", "done", timeout=DRAW
    )
    schedule = Schedule.objects.get()
    assert schedule.shifts.exists()
    gantt = page.locator("#gantt-chart")
    expect(gantt).to_have_attribute("data-drawn", "true", timeout=DRAW)
    expect(gantt.locator(".main-svg").first).to_be_visible()
    expect(page.locator("#coverage-chart")).to_have_attribute(
        "data-drawn", "true", timeout=DRAW
    )
    page.screenshot(
        path=str(screenshot_dir / "planner-schedule-gantt.png"), full_page=True
    )
    page.get_by_role("button", name="Publish to the agents").click()
    expect(page.locator("#schedule-status")).to_have_text("Published")
    assert problems == []

    agent_page = browser.new_context().new_page()
    _sign_in(agent_page, live_server, agent_a)
    agent_page.goto(f"{live_server.url}/my-schedule/")
    rows = agent_page.locator("#my-shifts tbody tr")
    expect(rows.first).not_to_contain_text("No published shifts ahead.")
    agent_page.screenshot(
        path=str(screenshot_dir / "agent-my-schedule.png"), full_page=True
    )
    # The agent cannot open the planner's pages.
    response = agent_page.goto(f"{live_server.url}/planning/schedules/{schedule.pk}/")
    assert response is not None and response.status == 403
