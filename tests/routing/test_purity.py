"""The pure cores stay pure: no Django, no Channels, no sockets, no asyncio,
no wall clock (STYLE "The pure core"), checked on the source's syntax tree.

Covers every module of ``infoline/routing`` and the workforce cores
``erlang``, ``forecast``, ``simulate`` and ``fte`` (modules not written yet
are skipped). ``forecast.py`` has a command-line ``main`` that reads and
writes files, so file I/O is checked everywhere except there.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "infoline"
FORBIDDEN_MODULES = {"django", "channels", "socket", "asyncio"}
CLOCK_CALLS = {
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "perf_counter"),
    ("time", "perf_counter_ns"),
    ("time", "monotonic"),
    ("time", "monotonic_ns"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("timezone", "now"),
}
CLOCK_NAMES = {name for module, name in CLOCK_CALLS if module == "time"}
FILE_CALLS = {"open", "fdopen", "read_text", "write_text", "read_bytes", "write_bytes"}


def _modules() -> list[Path]:
    found = sorted((ROOT / "routing").glob("*.py"))
    for name in ("erlang", "forecast", "simulate", "fte"):
        path = ROOT / "workforce" / f"{name}.py"
        if path.exists():
            found.append(path)
    return found


def impurities(source: str, *, routing: bool, allow_file_io: bool) -> list[str]:
    """Return one message per impure construct in ``source``."""
    problems: list[str] = []
    tree = ast.parse(source)
    # ``import time as t``: calls through the alias count as the module's.
    aliases = {
        alias.asname: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.asname
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in FORBIDDEN_MODULES or (routing and top == "time"):
                    problems.append(f"line {node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            top = node.module.split(".")[0]
            if top in FORBIDDEN_MODULES or (routing and top == "time"):
                problems.append(f"line {node.lineno}: imports from {node.module}")
            elif top == "time" and any(a.name in CLOCK_NAMES for a in node.names):
                problems.append(f"line {node.lineno}: imports a clock from time")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                base = func.value
                if isinstance(base, ast.Name):
                    base_name: str | None = aliases.get(base.id, base.id)
                else:
                    base_name = getattr(base, "attr", None)
                if (base_name, func.attr) in CLOCK_CALLS:
                    problems.append(
                        f"line {node.lineno}: reads the clock ({base_name}.{func.attr})"
                    )
                if not allow_file_io and func.attr in FILE_CALLS:
                    problems.append(f"line {node.lineno}: file I/O ({func.attr})")
            elif (
                isinstance(func, ast.Name)
                and not allow_file_io
                and func.id in FILE_CALLS
            ):
                problems.append(f"line {node.lineno}: file I/O ({func.id})")
    return problems


@pytest.mark.parametrize("path", _modules(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_pure_module_imports_no_framework_and_reads_no_clock(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    routing = path.parent.name == "routing"
    assert (
        impurities(source, routing=routing, allow_file_io=path.name == "forecast.py")
        == []
    )


def test_routing_package_is_checked() -> None:
    names = {p.name for p in _modules()}
    assert {
        "engine.py",
        "state.py",
        "events.py",
        "commands.py",
        "policies.py",
        "ivr.py",
        "errors.py",
    } <= names


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("import django.db", "imports django.db"),
        (
            "from channels.layers import get_channel_layer",
            "imports from channels.layers",
        ),
        ("import socket", "imports socket"),
        ("import asyncio", "imports asyncio"),
        ("import time", "imports time"),
        ("import time as t\nt.time()", "reads the clock (time.time)"),
        (
            "from datetime import datetime\ndatetime.now()",
            "reads the clock (datetime.now)",
        ),
        ("import datetime\ndatetime.datetime.now()", "reads the clock (datetime.now)"),
        (
            "from django.utils import timezone\ntimezone.now()",
            "reads the clock (timezone.now)",
        ),
        ("time.perf_counter()", "reads the clock (time.perf_counter)"),
        ("open('x')", "file I/O (open)"),
        ("from pathlib import Path\nPath('x').read_text()", "file I/O (read_text)"),
    ],
)
def test_checker_catches_each_impurity(source: str, message: str) -> None:
    found = impurities(source, routing=True, allow_file_io=False)
    assert any(message in p for p in found), found


def test_checker_allows_clock_free_workforce_code_and_forecast_file_io() -> None:
    source = "import math\nfrom time import sleep\nopen('history.csv')"
    assert impurities(source, routing=False, allow_file_io=True) == []
    assert impurities(
        "from time import perf_counter", routing=False, allow_file_io=True
    ) == ["line 1: imports a clock from time"]
