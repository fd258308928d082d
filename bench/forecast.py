"""Benchmark of the interval forecast (W1) against statsforecast.

Rows:

``forecast_wape_backtest``
    WAPE of our default method on the third week of the Anonymous Bank log
    (trained on weeks 1-2, hourly intervals, every interval of the week).
    The peer is the best of several statsforecast models fitted to the same
    hourly series in the same run; ratio = peer WAPE / our WAPE (> 1: ours
    is better).
``forecast_cli_seconds``
    Wall time of the evaluated command (``python -m
    infoline.workforce.forecast ... --days 7 --interval 60``), median of the
    runs, interpreter start-up included. No peer.

Data: "Anonymous Bank" call-center log, Technion Service Enterprise
Engineering Center (I. Guedj, A. Mandelbaum). ``BENCH_QUICK=1`` uses one
statsforecast model and one CLI run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from infoline.workforce.forecast import DEFAULT_METHOD, backtest, backtest_folds
from infoline.workforce.history import read_history

BANK_FILE = Path("/work/shared/data/anonymous-bank/data_anonymous_bank_feb01_21.txt")
REPO = Path(__file__).resolve().parents[1]
# The command exactly as the issue evaluates it (without --out).
CLI_ARGS = (
    "--history", str(BANK_FILE), "--format", "anonymous-bank",
    "--start", "1999-02-22", "--days", "7", "--interval", "60",
)  # fmt: skip


def _statsforecast_wapes(
    series: np.ndarray, train: int, horizon: int, quick: bool
) -> dict[str, float]:
    """Fit statsforecast models on ``series[:train]``; WAPE on the next part."""
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import (
        MSTL,
        AutoETS,
        AutoTheta,
        SeasonalNaive,
        SeasonalWindowAverage,
    )

    models: list[Any] = [SeasonalNaive(season_length=168)]
    if not quick:
        models += [
            SeasonalWindowAverage(season_length=168, window_size=train // 168),
            MSTL(season_length=[24, 168]),
            AutoTheta(season_length=168),
            AutoETS(season_length=24),
        ]
    frame = pd.DataFrame(
        {
            "unique_id": "calls",
            "ds": pd.date_range("1999-02-01", periods=train, freq="h"),
            "y": series[:train],
        }
    )
    actual = series[train : train + horizon]
    result: dict[str, float] = {}
    for model in models:
        engine = StatsForecast(models=[model], freq="h", n_jobs=1)
        predicted = engine.forecast(df=frame, h=horizon)
        column = next(c for c in predicted.columns if c not in ("unique_id", "ds"))
        values = np.maximum(predicted[column].to_numpy(dtype=np.float64), 0.0)
        column = {"SeasWA": "SeasonalWindowAverage"}.get(column, column)
        result[column] = float(np.abs(values - actual).sum() / actual.sum())
        print(
            f"forecast bench: statsforecast {column} {result[column]:.3f}",
            file=sys.stderr,
        )
    return result


def _cli_seconds(runs: int) -> float:
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "infoline.workforce.forecast",
                    *CLI_ARGS,
                    "--out",
                    str(Path(folder) / "forecast.csv"),
                ],
                cwd=REPO,
                check=True,
            )
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> list[dict[str, Any]]:
    """Return the forecast benchmark rows (see the module docstring)."""
    quick = os.environ.get("BENCH_QUICK") == "1"
    history = read_history(BANK_FILE, "anonymous-bank", 60)
    (fold,) = backtest_folds(history.days)["week 3"]
    ours = backtest(history, DEFAULT_METHOD, [fold])
    print(f"forecast bench: {DEFAULT_METHOD} {ours:.3f}", file=sys.stderr)
    peers = _statsforecast_wapes(
        history.calls.reshape(-1), len(fold.train) * 24, len(fold.test) * 24, quick
    )
    best = min(peers, key=lambda name: peers[name])
    cli_runs = 1 if quick else 5
    cli = _cli_seconds(cli_runs)
    workload = {
        "data": "Anonymous Bank, 1-21 Feb 1999",
        "interval_minutes": 60,
        "train_days": len(fold.train),
        "test_days": len(fold.test),
    }
    return [
        {
            "name": "forecast_wape_backtest",
            "value": round(ours, 4),
            "unit": "wape",
            "peer": f"statsforecast {best} (best of {', '.join(sorted(peers))})",
            "peer_value": round(peers[best], 4),
            "ratio": round(peers[best] / ours, 3),
            "params": {**workload, "method": DEFAULT_METHOD},
        },
        {
            "name": "forecast_cli_seconds",
            "value": round(cli, 3),
            "unit": "s",
            "peer": None,
            "peer_value": None,
            "ratio": None,
            "params": {**workload, "days": 7, "runs": cli_runs},
        },
    ]
