"""Issue 4 (A3): a representative authenticates and asks about the person they act for (Chromium)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from infoline.accounts.demo import load_demo
from infoline.clients.demo import load_demo_clients
from infoline.clients.models import AuthQuestion, Verification

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Ona Jonaitienė's answers in the demo registry.
ANSWERS = {"registered_on": "2023-09-01", "phone_digits": "4503"}


def test_representative_sees_whom_she_acts_for_and_only_that_scope(
    live_server: Any, page: Page, screenshot_dir: Path
) -> None:
    load_demo()
    load_demo_clients()
    AuthQuestion.objects.filter(kind="last_office").update(active=False)
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("User name").fill("agent")
    page.get_by_label("Password").fill("agent-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Desk").click()
    page.get_by_label("Caller's number").fill("+370 699 99998")
    page.get_by_role("button", name="Open the contact").click()
    page.get_by_label("Name, identity code or phone").fill("ona jonaitiene")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="This is the caller").click()
    expect(page.get_by_text("May act for")).to_have_count(0)

    page.get_by_label("Identity code the caller gives").fill("48501151230")
    page.get_by_role("button", name="Start authentication").click()
    verification = Verification.objects.latest("pk")
    for qid in verification.asked:
        question = AuthQuestion.objects.get(pk=qid)
        page.get_by_label(question.text).fill(ANSWERS[question.kind])
        page.get_by_role("button", name="Check").first.click()
        page.wait_for_load_state()
    expect(page.get_by_text("May act for Jonas Petraitis")).to_be_visible()
    page.screenshot(
        path=str(screenshot_dir / "caller-representations.png"), full_page=True
    )

    page.get_by_role("button", name="Ask about Jonas Petraitis").click()
    expect(
        page.get_by_text("Shown to Ona Jonaitienė, who represents this person")
    ).to_be_visible()
    # Contact details and case data are in Ona's scope; identity and login are not.
    expect(page.locator('[data-field="address"]')).to_contain_text(
        "Taikos pr. 5-12, Klaipėda"
    )
    expect(page.locator('[data-field="identity_code"]')).to_have_text("•••")
    expect(page.locator('[data-field="eservice_login"]')).to_have_text("•••")
    page.screenshot(
        path=str(screenshot_dir / "caller-as-representative.png"), full_page=True
    )
    page.get_by_role("button", name="Back to Ona").click()
    expect(page.get_by_text("May act for Jonas Petraitis")).to_be_visible()
