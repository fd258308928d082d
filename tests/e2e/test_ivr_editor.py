"""Issue 6 item 2: an administrator edits an IVR flow in Chromium; a dead end is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from infoline.accounts.demo import load_demo
from infoline.telephony.models import IvrFlow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_administrator_edits_a_flow_and_a_dead_end_is_refused(
    live_server, page: Page, screenshot_dir: Path
) -> None:
    load_demo()
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password").fill("admin-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    device = TOTPDevice.objects.get(user__username="admin", confirmed=False)
    page.get_by_label("Code from your authenticator app").fill(
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    )
    page.get_by_role("button", name="Confirm").click()
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("More").click()
    nav.get_by_role("link", name="IVR").click()
    page.get_by_role("link", name="Edit").first.click()
    expect(page.get_by_text("The standard flow")).to_be_visible()
    menu_row = page.locator("tr").filter(
        has=page.locator("input[name$='-name'][value='menu']")
    )
    menu_keys = menu_row.locator("input[name$='-options']")
    menu_keys.fill(menu_keys.input_value() + " 9=nowhere")
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_role("alert")).to_contain_text("nowhere")
    page.screenshot(path=str(screenshot_dir / "ivr-refused.png"), full_page=True)
    assert not IvrFlow.objects.exists()
    menu_keys = (
        page.locator("tr")
        .filter(has=page.locator("input[name$='-name'][value='menu']"))
        .locator("input[name$='-options']")
    )
    menu_keys.fill(menu_keys.input_value().replace("9=nowhere", "9=employers"))
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_text("The flow is saved and checked.")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "ivr-saved.png"), full_page=True)
    assert IvrFlow.objects.get().data["nodes"]["menu"]["options"]["9"] == "employers"
