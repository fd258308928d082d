"""Run the benchmarks: ``python -m bench [name ...]``.

Imports every module ``bench/<name>.py`` (not starting with ``_``), calls its
``run()``, prints the rows as a table and writes ``bench/results/latest.json``
with the machine's facts. ``--append`` keeps the rows already in the file
(the Makefile's second pass on PostgreSQL uses it).
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KEYS = ("name", "value", "unit", "peer", "peer_value", "ratio", "params")


def machine() -> dict[str, Any]:
    """Facts that make figures comparable between runs."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = int(line.split()[1]) // 1024
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=HERE,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": memory,
        "quick": os.environ.get("BENCH_QUICK") == "1",
    }


def modules(selected: list[str]) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))
    if selected:
        unknown = set(selected) - set(names)
        if unknown:
            raise SystemExit(
                f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join(names)}"
            )
        return [n for n in names if n in selected]
    return names


def check_row(module: str, row: dict[str, Any]) -> dict[str, Any]:
    missing = [key for key in KEYS if key not in row]
    if missing:
        raise ValueError(
            f"bench/{module}.py returned a row without {', '.join(missing)}: {row}"
        )
    return {key: row[key] for key in KEYS}


def fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def print_table(rows: list[dict[str, Any]]) -> None:
    header = ["name", "value", "unit", "peer", "peer value", "ratio"]
    table = [
        [
            r["name"],
            fmt(r["value"]),
            r["unit"],
            r["peer"] or "—",
            fmt(r["peer_value"]),
            fmt(r["ratio"]),
        ]
        for r in rows
    ]
    widths = [
        max(len(str(x)) for x in col) for col in zip(header, *table, strict=False)
    ]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in table:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE.parent))
    append = "--append" in argv
    argv = [arg for arg in argv if arg != "--append"]
    rows: list[dict[str, Any]] = []
    failures = []
    for name in modules(argv):
        print(f"[bench] {name} …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            rows.extend(check_row(name, row) for row in module.run())
        except Exception:  # a broken benchmark must not hide the others' figures
            failures.append(name)
            traceback.print_exc()
        print(
            f"[bench] {name} done in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    out = HERE / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    if append and out.exists():
        # A second pass (e.g. on PostgreSQL) adds its rows to the first pass's.
        previous = json.loads(out.read_text())["rows"]
        names = {row["name"] for row in rows}
        rows = [row for row in previous if row["name"] not in names] + rows
    out.write_text(
        json.dumps({"machine": machine(), "rows": rows}, indent=2, ensure_ascii=False)
        + "\n"
    )
    print_table(rows)
    print(f"\nwritten {out.relative_to(HERE.parent)}")
    if failures:
        print(f"failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
