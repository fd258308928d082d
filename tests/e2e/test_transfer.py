"""T7 in the browser: warm transfer between two agents, the wall-board following.

A simulated call reaches the agent (Rūta); she answers, puts the caller on
hold, finds the local-office specialist (Darius) in the directory by name,
consults him (his phone rings: "A colleague consults you"), he picks up,
she joins him with the caller and leaves; he has the caller and wraps up.
The team lead's wall-board shows each step. Screenshots in test-artifacts/.
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
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var = tmp_path_factory.mktemp("transfer")
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "infoline.settings",
            "INFOLINE_VAR_DIR": str(var),
            "DATABASE_URL": "",
            "REDIS_URL": "",
            "INFOLINE_DEMO_TRAFFIC": "1",
            "INFOLINE_DEMO_TRAFFIC_SCALE": "4",
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
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "tests.e2e.transfer_asgi:application",
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
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _page(browser: Browser, base: str, user: str, path: str) -> Page:
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{base}/account/login/?next={path}")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(f"{user}-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}{path}")
    return page


def test_warm_transfer_to_a_colleague_with_the_wallboard_following(
    server: str, browser: Browser, screenshot_dir: Path
) -> None:
    lead = _page(browser, server, "teamlead", "/wallboard/")
    expect(lead.get_by_role("status").filter(has_text="Live")).to_be_visible()
    people = lead.locator("[data-wb-people]")
    ruta_row = people.get_by_role("row", name="Rūta Petrauskienė")
    darius_row = people.get_by_role("row", name="Darius Vaitkus")

    darius_page = _page(browser, server, "specialist", "/phone/")
    darius = darius_page.get_by_role("region", name="Phone")
    darius.get_by_role("button", name="Start work").click()
    expect(darius.locator("[data-sp-state]")).to_have_text("Not ready · Just started")

    ruta_page = _page(browser, server, "agent", "/phone/")
    ruta = ruta_page.get_by_role("region", name="Phone")
    ruta.get_by_role("button", name="Start work").click()
    expect(ruta.locator("[data-sp-state]")).to_have_text("Not ready · Just started")
    ruta.get_by_role("button", name="Ready", exact=True).click()
    expect(ruta.get_by_text("Incoming call")).to_be_visible(timeout=60000)
    expect(ruta_row).to_contain_text("Ringing")
    ruta.get_by_role("button", name="Answer").click()
    expect(ruta.locator("[data-sp-state]")).to_have_text("Talking")
    expect(ruta_row).to_contain_text("Talking")
    number = ruta.locator("[data-sp-number]").inner_text()

    # Darius is free: the local-office queue has no caller for him yet.
    darius.get_by_role("button", name="Ready", exact=True).click()
    expect(darius.locator("[data-sp-state]")).to_have_text("Ready")

    ruta.get_by_role("button", name="Hold").click()
    expect(ruta.locator("[data-sp-state]")).to_have_text("On hold")
    expect(ruta_row).to_contain_text("On hold")
    ruta.get_by_text("Transfer", exact=True).click()
    ruta.get_by_label("Colleague's name or extension").fill("Vaitkus")
    ruta.get_by_role("button", name="Find").click()
    found = ruta.locator("[data-sp-colleagues] li").filter(has_text="Darius Vaitkus")
    expect(found).to_contain_text("free")
    expect(found).to_contain_text("ext. 2301")
    ruta_page.screenshot(
        path=str(screenshot_dir / "transfer-1-find-colleague.png"), full_page=True
    )
    found.get_by_role("button", name="Consult: Darius Vaitkus").click()

    expect(ruta.locator("[data-sp-consult]")).to_have_text(
        "Consulting: Darius Vaitkus — ringing…"
    )
    expect(
        ruta.get_by_role("button", name="Join the caller with the colleague")
    ).to_be_disabled()
    expect(darius.get_by_text("A colleague consults you")).to_be_visible()
    expect(darius.locator("[data-sp-number]")).to_have_text(number)
    expect(darius_row).to_contain_text("Ringing")
    darius_page.screenshot(
        path=str(screenshot_dir / "transfer-2-consult-ringing.png"), full_page=True
    )

    darius.get_by_role("button", name="Answer").click()
    expect(darius.get_by_text("Briefing by a colleague")).to_be_visible()
    expect(darius.locator("[data-sp-consult]")).to_have_text(
        "Consulted by: Rūta Petrauskienė"
    )
    expect(ruta.locator("[data-sp-consult]")).to_have_text(
        "Consulting: Darius Vaitkus — on the line with you"
    )
    expect(darius_row).to_contain_text("Talking")
    expect(ruta_row).to_contain_text("On hold")
    lead.screenshot(
        path=str(screenshot_dir / "transfer-3-wallboard-consulting.png"),
        full_page=True,
    )

    ruta.get_by_role("button", name="Join the caller with the colleague").click()
    expect(ruta.locator("[data-sp-state]")).to_have_text("After-call work")
    expect(ruta.locator("[data-sp-call]")).to_be_hidden()
    expect(darius.get_by_text("On the line")).to_be_visible()
    expect(darius.locator("[data-sp-number]")).to_have_text(number)
    expect(darius.get_by_role("link", name="Open the contact")).to_be_visible()
    expect(darius_row).to_contain_text("Talking")
    expect(ruta_row).to_contain_text("After-call work")
    darius_page.screenshot(
        path=str(screenshot_dir / "transfer-4-colleague-has-the-caller.png"),
        full_page=True,
    )

    darius.get_by_role("button", name="Hang up").click()
    expect(darius.locator("[data-sp-state]")).to_have_text("After-call work")
    expect(darius_row).to_contain_text("After-call work")
    darius.get_by_role("button", name="Finish after-call work").click()
    expect(darius.locator("[data-sp-state]")).not_to_have_text("After-call work")
    lead.screenshot(
        path=str(screenshot_dir / "transfer-5-wallboard-after.png"), full_page=True
    )


def test_leads_change_states_and_supervisors_switch_a_line_live(
    server: str, browser: Browser, screenshot_dir: Path
) -> None:
    tomas_page = _page(browser, server, "agent2", "/phone/")
    tomas = tomas_page.get_by_role("region", name="Phone")
    tomas.get_by_role("button", name="Start work").click()
    expect(tomas.locator("[data-sp-state]")).to_have_text("Not ready · Just started")

    lead = _page(browser, server, "teamlead", "/wallboard/")
    expect(lead.get_by_role("status").filter(has_text="Live")).to_be_visible()
    form = lead.get_by_role("region", name="Change an agent’s state")
    form.get_by_label("Agent").select_option(label="Tomas Žukauskas")
    form.get_by_label("State").select_option("not_ready")
    form.get_by_label("Reason").select_option("meeting")
    form.get_by_role("button", name="Change").click()
    expect(
        lead.get_by_text("Asked the phone system to change the state of")
    ).to_be_visible()
    expect(tomas.locator("[data-sp-state]")).to_have_text("Not ready · Meeting")
    row = lead.locator("[data-wb-people]").get_by_role("row", name="Tomas Žukauskas")
    expect(row).to_contain_text("Not ready · Meeting")
    # The team lead has no emergency switch.
    expect(lead.locator('form[action="/wallboard/emergency/"]')).to_have_count(0)

    boss = _page(browser, server, "supervisor", "/wallboard/")
    expect(boss.get_by_role("status").filter(has_text="Live")).to_be_visible()
    line = boss.locator("tr[data-line]").filter(has_text="General line")
    line.get_by_label("Mode", exact=True).select_option("close")
    line.get_by_label("Announcement", exact=True).fill("storm-closed")
    line.get_by_role("button", name="Switch").click()
    expect(
        boss.get_by_text("Emergency switch sent to the phone system.")
    ).to_be_visible()
    general = boss.locator("tr[data-line]").filter(has_text="General line")
    expect(general.locator("[data-wb-emergency]")).to_have_text(
        "Closed with an announcement"
    )
    # Everyone's wall-board follows without reloading.
    expect(
        lead.locator("tr[data-line]")
        .filter(has_text="General line")
        .locator("[data-wb-emergency]")
    ).to_have_text("Closed with an announcement")
    boss.screenshot(
        path=str(screenshot_dir / "wallboard-emergency-closed.png"), full_page=True
    )
    general.get_by_label("Mode", exact=True).select_option("off")
    general.get_by_role("button", name="Switch").click()
    expect(
        boss.locator("tr[data-line]")
        .filter(has_text="General line")
        .locator("[data-wb-emergency]")
    ).to_have_text("Normal")
