"""J3, J4, K4: an agent searches the knowledge base as they type (no accents) and opens a script."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from infoline.accounts.demo import load_demo
from infoline.knowledge.demo import load_demo_knowledge

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_agent_searches_knowledge_and_opens_a_script(
    live_server, page: Page, screenshot_dir: Path
) -> None:
    load_demo()
    load_demo_knowledge()
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("User name").fill("agent")
    page.get_by_label("Password").fill("agent-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Knowledge").click()
    expect(page.get_by_role("heading", name="Knowledge base")).to_be_visible()
    page.wait_for_load_state()  # htmx binds the search box on load
    # The peak announced by the planner is on the page.
    expect(page.get_by_text("Letters on the new benefit rules")).to_be_visible()
    expect(page.get_by_role("heading", name="Answer scripts by topic")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "knowledge-browse.png"), full_page=True)
    box = page.get_by_label("Search scripts and articles")
    box.press_sequentially("nedarbo ismoka", delay=20)  # typed without diacritics
    results = page.locator("#kb-results")
    link = results.get_by_role(
        "link", name="Nedarbo išmoka: kas ją moka ir kaip kreiptis"
    )
    expect(link).to_be_visible()
    expect(results.locator("mark").first).to_have_text("nedarbo")
    page.screenshot(path=str(screenshot_dir / "knowledge-search.png"), full_page=True)
    link.click()
    expect(
        page.get_by_role("heading", name="Nedarbo išmoka: kas ją moka ir kaip kreiptis")
    ).to_be_visible()
    expect(page.get_by_text("Tier-2: escalate to")).to_be_visible()
    tier2 = page.locator(".kb-tier2")
    expect(tier2.get_by_role("link", name="Kristina Navickienė")).to_be_visible()
    expect(tier2.get_by_text("Employment counsellor").first).to_be_visible()
    # The agent reads the version in force; the pending draft is not shown.
    expect(page.get_by_text("Nuo sausio 1 d.")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "knowledge-script.png"), full_page=True)
