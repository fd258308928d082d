"""Issue 6: simulated calls flow to the agent's softphone and the wall-board, live.

The embedded demo (``INFOLINE_DEMO_TRAFFIC=1``, as ``make demo`` runs it)
runs in a real uvicorn process with WebSockets: a team lead watches the
wall-board while an agent starts work, gets a call with number, line and
IVR choice, answers (the journal contact opens), holds, hangs up. Two
browser pages; screenshots in test-artifacts/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var = tmp_path_factory.mktemp("demo")
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "infoline.settings",
            "INFOLINE_VAR_DIR": str(var),
            "DATABASE_URL": "",
            "REDIS_URL": "",
            "INFOLINE_DEMO_TRAFFIC": "1",
            "INFOLINE_DEMO_TRAFFIC_SCALE": "12",
        }
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput", "-v", "0"], ["load_demo"]):
        subprocess.run(
            [*manage, *command, "--skip-checks"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    port = _free_port()
    log = (var / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "infoline.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "on",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _sign_in(page: Page, base: str, user: str, password: str, path: str) -> None:
    page.goto(f"{base}/account/login/?next={path}")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}{path}")


def test_calls_flow_to_the_softphone_and_the_wallboard_follows(
    demo_server: str, browser: Browser, screenshot_dir: Path
) -> None:
    lead = browser.new_context(viewport={"width": 1366, "height": 800}).new_page()
    _sign_in(lead, demo_server, "teamlead", "teamlead-demo-2026", "/wallboard/")
    expect(lead.get_by_role("status").filter(has_text="Live")).to_be_visible()
    # Robot agents and simulated callers: figures move without anyone signed in.
    expect(lead.locator('[data-total="answered"]')).not_to_have_text("0", timeout=30000)
    expect(lead.locator('[data-state-count="talking"]')).not_to_have_text("0")

    agent = browser.new_context(viewport={"width": 1366, "height": 800}).new_page()
    _sign_in(agent, demo_server, "agent", "agent-demo-2026", "/phone/")
    phone = agent.get_by_role("region", name="Phone")
    phone.get_by_role("button", name="Start work").click()
    expect(phone.locator("[data-sp-state]")).to_have_text("Not ready · Just started")
    people = lead.locator("[data-wb-people]")
    expect(people.get_by_role("row", name="Rūta Petrauskienė")).to_contain_text(
        "Not ready"
    )

    phone.get_by_role("button", name="Ready", exact=True).click()
    expect(phone.get_by_text("Incoming call")).to_be_visible(timeout=60000)
    expect(phone.locator("[data-sp-number]")).not_to_be_empty()
    expect(phone.locator("[data-sp-line]")).not_to_be_empty()
    expect(phone.locator("[data-sp-ivr]")).to_contain_text(" / ")
    expect(people.get_by_role("row", name="Rūta Petrauskienė")).to_contain_text(
        "Ringing"
    )
    agent.screenshot(
        path=str(screenshot_dir / "softphone-incoming.png"), full_page=True
    )

    phone.get_by_role("button", name="Answer").click()
    expect(phone.get_by_role("link", name="Open the contact")).to_be_visible()
    expect(phone.locator("[data-sp-state]")).to_have_text("Talking")
    expect(people.get_by_role("row", name="Rūta Petrauskienė")).to_contain_text(
        "Talking"
    )
    lead.screenshot(path=str(screenshot_dir / "wallboard-live.png"), full_page=True)

    phone.get_by_role("button", name="Hold").click()
    expect(phone.locator("[data-sp-state]")).to_have_text("On hold")
    expect(people.get_by_role("row", name="Rūta Petrauskienė")).to_contain_text(
        "On hold"
    )
    phone.get_by_role("button", name="Retrieve").click()
    expect(phone.locator("[data-sp-state]")).to_have_text("Talking")
    phone.get_by_role("button", name="Hang up").click()
    expect(phone.locator("[data-sp-state]")).to_have_text("After-call work")
    expect(people.get_by_role("row", name="Rūta Petrauskienė")).to_contain_text(
        "After-call work"
    )
    agent.screenshot(
        path=str(screenshot_dir / "softphone-after-call.png"), full_page=True
    )

    # The contact opened on answer is the agent's, with the call's facts.
    phone.get_by_role("button", name="Not ready").click()
    expect(phone.locator("[data-sp-state]")).to_have_text("Not ready · Break")


def test_wallboard_is_for_leads_only(demo_server: str, browser: Browser) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{demo_server}/account/login/?next=/")
    page.get_by_label("User name").fill("agent2")
    page.get_by_label("Password").fill("agent2-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    response = page.goto(f"{demo_server}/wallboard/")
    assert response is not None and response.status == 403
