"""Issue 3: every role signs in, searches the directory, switches to Lithuanian (real Chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from infoline.accounts.choices import Role
from infoline.accounts.demo import DEMO_LOGINS, load_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/account/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Infoline")).to_be_visible()


def test_every_role_signs_in_and_searches_the_directory(
    live_server, page: Page, screenshot_dir: Path
) -> None:
    load_demo()
    for login in DEMO_LOGINS:
        if login.username in {"agent2", "agentb"}:
            continue
        _sign_in(page, live_server.url, login.username, login.password)
        if login.role in {Role.ADMINISTRATOR, Role.DPO}:
            # First sign-in: enrol an authenticator, as the page asks.
            expect(
                page.get_by_role("heading", name="Set up two-factor authentication")
            ).to_be_visible()
            device = TOTPDevice.objects.get(
                user__username=login.username, confirmed=False
            )
            page.get_by_label("Code from your authenticator app").fill(
                f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
            )
            page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_role("heading", name="Good day")).to_be_visible()
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Directory")).to_be_visible()
        audit_link = nav.get_by_role("link", name="Audit log")
        if login.role in {Role.ADMINISTRATOR, Role.DPO}:
            more = nav.locator(".nav-more summary")
            if more.count():
                more.click()  # the rest of a long menu is under "More"
            expect(audit_link).to_be_visible()
            if more.count():
                more.click()
        else:
            expect(audit_link).to_have_count(0)
        nav.get_by_role("link", name="Directory").click()
        page.wait_for_load_state()  # htmx binds the search box on load
        box = page.get_by_label("Search by name, department, task keyword or extension")
        box.fill("jonaitiene")  # typed without diacritics
        results = page.locator("#results")
        expect(results.get_by_role("link", name="Asta Jonaitienė")).to_be_visible()
        if login.username == "agent":
            box.fill("EURES")
            expect(results.get_by_role("link", name="Darius Vaitkus")).to_be_visible()
            expect(results.get_by_text("Away")).to_be_visible()
            page.screenshot(
                path=str(screenshot_dir / "directory-agent.png"), full_page=True
            )
        _sign_out(page)


def test_agent_switches_to_lithuanian(
    live_server, page: Page, screenshot_dir: Path
) -> None:
    load_demo()
    _sign_in(page, live_server.url, "agent", "agent-demo-2026")
    page.screenshot(path=str(screenshot_dir / "home-agent-en.png"), full_page=True)
    page.get_by_label("Language").select_option("lt")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "lt")
    with translation.override("lt"):
        directory = translation.gettext("Directory")
    page.get_by_role("navigation").get_by_role("link", name=directory).click()
    page.wait_for_load_state()
    page.locator("[data-search-box]").fill("kaunas")
    expect(
        page.locator("#results").get_by_role("link", name="Kristina Navickienė")
    ).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "directory-agent-lt.png"), full_page=True)
    page.goto(f"{live_server.url}/hours/")
    page.screenshot(path=str(screenshot_dir / "hours-agent-lt.png"), full_page=True)
