"""Issue 6 item 5: SIGKILL the runner in the middle of traffic, start it again.

Two runs of the same simulated traffic on a virtual clock: one left alone,
one killed with SIGKILL after a few thousand events and started again. The
restarted runner replays its log and carries on; at the end both have the
same engine state, the same call outcomes and the same callbacks: no
waiting caller, callback or voice message lost, nobody left reserved.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "1763362800"  # a Tuesday, 09:00 in Vilnius
# System checks are skipped: they import every URL module, which is not this
# test's subject (and others' work in progress must not fail it).
RUN = [
    "run_telephony",
    "--skip-checks",
    "--adapter",
    "simulated",
    "--speed",
    "0",
    "--seed",
    "11",
    "--robots",
    "7",
    "--origin",
    ORIGIN,
    "--hours",
    "8",
    "--progress-every",
    "2000",
]

pytestmark = pytest.mark.e2e


def _env(var: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "infoline.settings",
            "INFOLINE_VAR_DIR": str(var),
            "DATABASE_URL": "",
            "REDIS_URL": "",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(var: Path, *args: str, **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=_env(var),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def _finish(proc: subprocess.Popen[str], timeout: float = 300) -> str:
    out, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, out
    return out


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql))


def _results(db: Path) -> dict[str, Any]:
    return {
        "calls": set(
            _rows(db, "SELECT call_id, outcome, answered_at FROM telephony_callrecord")
        ),
        "callbacks": set(
            _rows(
                db, "SELECT call_id, number, place, reason FROM telephony_queuecallback"
            )
        ),
        "intervals": set(
            _rows(
                db,
                "SELECT agent_id, state, start, [end] FROM telephony_agentstateinterval",
            )
        ),
    }


def test_sigkill_mid_traffic_loses_nothing(tmp_path: Path) -> None:
    calm, crash = tmp_path / "calm", tmp_path / "crash"
    calm.mkdir()
    crash.mkdir()
    _finish(_manage(calm, "migrate", "--noinput", "-v", "0", "--skip-checks"))
    src = sqlite3.connect(calm / "infoline.sqlite3")
    dst = sqlite3.connect(crash / "infoline.sqlite3")
    src.backup(dst)
    src.close()
    dst.close()
    (crash / "secret_key").write_text((calm / "secret_key").read_text())

    out = _finish(_manage(calm, *RUN, "--snapshot-out", str(calm / "final.json")))
    assert "replayed 0 events" in out
    expected = json.loads((calm / "final.json").read_text())
    total = expected["accepted"]
    assert total > 5000, total

    victim = _manage(crash, *RUN)
    db = crash / "infoline.sqlite3"
    deadline = time.monotonic() + 120
    logged = 0
    while time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            logged = _rows(db, "SELECT count(*) FROM telephony_routingevent")[0][0]
        except sqlite3.OperationalError:
            continue  # the table is being written; try again
        if logged >= total // 3:
            break
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate()
    assert victim.returncode == -signal.SIGKILL
    logged = _rows(db, "SELECT count(*) FROM telephony_routingevent")[0][0]
    assert total // 4 < logged < total, (logged, total)
    # In the middle of traffic: callers were waiting or talking when it died.
    waiting = (
        _rows(
            db,
            "SELECT count(*) FROM telephony_routingevent WHERE kind = 'CallArrived'",
        )[0][0]
        - _rows(db, "SELECT count(*) FROM telephony_callrecord")[0][0]
    )
    assert waiting > 0

    out = _finish(_manage(crash, *RUN, "--snapshot-out", str(crash / "final.json")))
    replayed = int(out.split("replayed ", 1)[1].split(" ", 1)[0])
    assert total // 4 < replayed <= logged  # rejected events are logged, not counted
    assert json.loads((crash / "final.json").read_text()) == expected
    calm_results = _results(calm / "infoline.sqlite3")
    crash_results = _results(db)
    assert crash_results["calls"] == calm_results["calls"]
    assert crash_results["callbacks"] == calm_results["callbacks"]
    assert crash_results["intervals"] == calm_results["intervals"]
    assert calm_results["callbacks"], "the traffic must create callbacks"
    assert {o for _c, o, _a in calm_results["calls"]} >= {
        "answered",
        "abandoned",
        "closed_message",
    }
