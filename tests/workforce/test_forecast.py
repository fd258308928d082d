"""Tests of the forecast: methods, backtest, holidays, peaks, re-forecast, CLI."""

from __future__ import annotations

import ast
import csv
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from infoline.workforce.forecast import (
    DEFAULT_METHOD,
    AnnouncedPeak,
    IntervalForecast,
    Training,
    apply_peaks,
    backtest,
    backtest_folds,
    country_holidays,
    forecast,
    forecast_aht,
    forecast_calls,
    forecast_monthly,
    main,
    reforecast_intraday,
    wape,
    weekday_groups,
)
from infoline.workforce.history import IntervalHistory, read_history

BANK_FILE = Path("/work/shared/data/anonymous-bank/data_anonymous_bank_feb01_21.txt")
REPO = Path(__file__).resolve().parents[2]

# Monday to Sunday volumes of a synthetic centre: a five-day week, a short
# Saturday, closed on Sunday.
WEEK_LEVELS = (1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 300.0, 0.0)


def day_shape(per_day: int = 24) -> np.ndarray:
    """Return a smooth office-hours shape summing to 1."""
    hours = np.arange(per_day) * 24 / per_day
    shape = np.where((hours >= 8) & (hours < 18), 1.0 + np.sin(hours / 3), 0.0)
    return shape / shape.sum()


def synthetic_history(
    first_day: date = date(2024, 1, 1),
    days: int = 21,
    levels: tuple[float, ...] = WEEK_LEVELS,
    growth_per_day: float = 0.0,
    aht: float = 200.0,
) -> IntervalHistory:
    """Return a noiseless history: weekday level x fixed shape."""
    rows = []
    for i in range(days):
        day = first_day + timedelta(days=i)
        rows.append(levels[day.weekday()] * (1 + growth_per_day * i) * day_shape())
    calls = np.array(rows)
    return IntervalHistory(first_day, 60, calls, calls.copy(), calls * aht)


@pytest.fixture(scope="module")
def bank() -> IntervalHistory:
    """The real Anonymous Bank log, hourly (read once)."""
    return read_history(BANK_FILE, "anonymous-bank", 60)


# --- methods and backtest -------------------------------------------------


def test_wape_is_absolute_error_over_actual_total() -> None:
    assert wape([1.0, 4.0], [2.0, 2.0]) == pytest.approx(0.75)


def test_wape_needs_some_actual_calls() -> None:
    with pytest.raises(ValueError, match="undefined when the actual total is 0"):
        wape([1.0], [0.0])


def test_pooled_profile_reproduces_a_noiseless_history() -> None:
    history = synthetic_history()
    predicted = forecast_calls(history, date(2024, 1, 22), 7)
    expected = synthetic_history(date(2024, 1, 22), 7).calls
    np.testing.assert_allclose(predicted, expected, atol=1e-9)


def test_weekdays_are_grouped_by_shape_and_volume(bank: IntervalHistory) -> None:
    training = Training(bank.calls, tuple(bank.day(i) for i in range(bank.days)))
    # Sun-Thu work days, short Friday, Saturday night only: the Israeli week.
    assert weekday_groups(training) == [[0, 1, 2, 3, 6], [4], [5]]


def test_one_day_burst_is_clipped_out_of_the_pooled_shape() -> None:
    history = synthetic_history()
    burst = history.calls.copy()
    burst[2, 13] += 400  # a one-off burst on a Wednesday at 13:00
    disturbed = IntervalHistory(
        history.first_day, 60, burst, history.served, history.handle_seconds
    )
    clean = forecast_calls(history, date(2024, 1, 22), 7)
    robust = forecast_calls(disturbed, date(2024, 1, 22), 7)
    mean = forecast_calls(disturbed, date(2024, 1, 22), 7, method="weekday-mean")
    assert abs(robust[2, 13] - clean[2, 13]) < 0.1 * abs(mean[2, 13] - clean[2, 13])
    # Nor does it raise the volume of the work days: only the part within
    # the Poisson bound stays, not the 400 / 15 days a plain mean would add.
    assert 0 <= robust[0].sum() - clean[0].sum() < 0.1 * 400 / 15


def test_chosen_method_beats_seasonal_naive_on_the_held_out_third_week(
    bank: IntervalHistory,
) -> None:
    (fold,) = backtest_folds(bank.days)["week 3"]
    assert fold.train == tuple(range(14))
    ours = backtest(bank, DEFAULT_METHOD, [fold])
    naive = backtest(bank, "seasonal-naive", [fold])
    mean = backtest(bank, "weekday-mean", [fold])
    # The figures in the module docstring.
    assert ours == pytest.approx(0.170, abs=0.0005)
    assert naive == pytest.approx(0.327, abs=0.0005)
    assert ours < mean < naive


def test_chosen_method_wins_on_every_rolling_origin(bank: IntervalHistory) -> None:
    for name, folds in backtest_folds(bank.days).items():
        ours = backtest(bank, DEFAULT_METHOD, folds)
        assert ours < backtest(bank, "seasonal-naive", folds), name
        assert ours < backtest(bank, "weekday-mean", folds), name


def test_statsforecast_seasonal_naive_agrees_with_ours(bank: IntervalHistory) -> None:
    (fold,) = backtest_folds(bank.days)["week 3"]
    assert backtest(bank, "statsforecast-seasonal-naive", [fold]) == pytest.approx(
        backtest(bank, "seasonal-naive", [fold])
    )


def test_unknown_method_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown method 'prophet'"):
        forecast_calls(synthetic_history(), date(2024, 1, 22), 7, method="prophet")


def test_weekday_never_seen_falls_back_to_the_all_days_mean() -> None:
    history = synthetic_history(days=3)  # Monday to Wednesday only
    saturday = forecast_calls(history, date(2024, 1, 6), 1)[0]
    np.testing.assert_allclose(saturday, history.calls.mean(axis=0))


PROFILE_METHODS = ["pooled-profile", "weekday-mean", "weekday-median", "seasonal-naive"]


@settings(deadline=None, max_examples=40)
@given(
    calls=arrays(
        np.float64,
        st.tuples(st.integers(1, 21), st.just(24)),
        elements=st.integers(0, 300).map(float),
    ),
    method=st.sampled_from(PROFILE_METHODS),
)
def test_any_history_gives_finite_non_negative_forecasts(
    calls: np.ndarray, method: str
) -> None:
    served = np.floor(calls / 2)
    history = IntervalHistory(date(2024, 1, 1), 60, calls, served, served * 180.0)
    start = history.day(history.days)
    predicted = forecast_calls(history, start, 7, method=method)
    aht = forecast_aht(history, start, 7)
    assert predicted.shape == aht.shape == (7, 24)
    assert np.all(np.isfinite(predicted)) and np.all(predicted >= 0)
    assert np.all(np.isfinite(aht)) and np.all(aht >= 0)


@settings(deadline=None, max_examples=40)
@given(day=arrays(np.float64, 24, elements=st.integers(0, 300).map(float)))
def test_identical_days_are_forecast_as_that_day(day: np.ndarray) -> None:
    calls = np.tile(day, (14, 1))
    history = IntervalHistory(date(2024, 1, 1), 60, calls, calls, calls * 100.0)
    predicted = forecast_calls(history, date(2024, 1, 15), 7)
    np.testing.assert_allclose(predicted, np.tile(day, (7, 1)), atol=1e-9)


def test_days_without_calls_do_not_flatten_the_shape() -> None:
    history = synthetic_history()
    closed = history.calls.copy()
    closed[[2, 9]] = 0.0  # two Wednesdays closed, not declared as holidays
    with_closures = IntervalHistory(
        history.first_day, 60, closed, history.served, history.handle_seconds
    )
    predicted = forecast_calls(with_closures, date(2024, 1, 22), 7)
    # The shape is intact; only the volume of the work-day group drops.
    np.testing.assert_allclose(
        predicted[0] / predicted[0].sum(), day_shape(), atol=1e-12
    )
    assert predicted[0].sum() < 1000.0


# --- handling time ----------------------------------------------------------


def test_aht_is_never_nan_even_where_nobody_was_served(bank: IntervalHistory) -> None:
    aht = forecast_aht(bank, date(1999, 2, 22), 7)
    assert aht.shape == (7, 24)
    assert np.all(np.isfinite(aht))
    assert np.all((aht > 100) & (aht < 300))


def test_aht_error_on_week_three_is_the_documented_figure(
    bank: IntervalHistory,
) -> None:
    predicted = forecast_aht(bank.slice_days(0, 14), date(1999, 2, 15), 7)
    served = bank.served[14:21]
    handle = bank.handle_seconds[14:21]
    actual = np.divide(handle, served, out=np.zeros_like(handle), where=served > 0)
    # Served-call weighted absolute error, as in the module docstring.
    error = (served * np.abs(predicted - actual)).sum() / handle.sum()
    assert error == pytest.approx(0.165, abs=0.0005)


def test_aht_of_a_constant_history_is_that_constant() -> None:
    aht = forecast_aht(synthetic_history(aht=240.0), date(2024, 1, 22), 7)
    np.testing.assert_allclose(aht, 240.0)


def test_aht_without_any_served_call_is_zero() -> None:
    history = synthetic_history()
    empty = IntervalHistory(
        history.first_day,
        60,
        history.calls,
        np.zeros_like(history.calls),
        np.zeros_like(history.calls),
    )
    assert np.all(forecast_aht(empty, date(2024, 1, 22), 7) == 0.0)


# --- holidays ---------------------------------------------------------------


def test_holiday_in_the_horizon_is_forecast_like_the_quietest_weekday() -> None:
    history = synthetic_history()
    holiday = date(2024, 1, 24)  # a Wednesday
    predicted = forecast_calls(history, date(2024, 1, 22), 7, holidays={holiday})
    assert predicted[2].sum() == 0.0  # like Sunday, the closed day
    assert predicted[1].sum() == pytest.approx(1000.0)


def test_holiday_can_be_forecast_like_a_chosen_weekday() -> None:
    history = synthetic_history()
    predicted = forecast_calls(
        history, date(2024, 1, 22), 7, holidays={date(2024, 1, 24)}, holiday_weekday=5
    )
    assert predicted[2].sum() == pytest.approx(300.0)


def test_holiday_in_the_history_is_left_out_of_training() -> None:
    history = synthetic_history()
    closed = history.calls.copy()
    closed[9] = 0.0  # Wednesday 10 Jan: closed for a holiday
    with_holiday = IntervalHistory(
        history.first_day, 60, closed, history.served, history.handle_seconds
    )
    clean = forecast_calls(history, date(2024, 1, 22), 7)
    ignored = forecast_calls(
        with_holiday, date(2024, 1, 22), 7, holidays={date(2024, 1, 10)}
    )
    np.testing.assert_allclose(ignored, clean)


def test_country_holidays_come_from_the_holidays_package() -> None:
    israel_1999 = country_holidays("IL", [1999])
    assert date(1999, 9, 20) in israel_1999  # Yom Kippur
    assert not [d for d in israel_1999 if date(1999, 2, 1) <= d <= date(1999, 2, 28)]
    assert date(2024, 12, 25) in country_holidays("LT", [2024])


def test_unknown_country_is_rejected() -> None:
    with pytest.raises(ValueError, match="no holiday calendar for country 'XX'"):
        country_holidays("XX", [2024])


# --- announced peaks --------------------------------------------------------


def flat_forecast() -> IntervalForecast:
    return IntervalForecast(
        date(2024, 1, 22), 60, np.full((2, 24), 10.0), np.full((2, 24), 180.0)
    )


def test_peak_multiplies_only_the_intervals_inside_it() -> None:
    peak = AnnouncedPeak(datetime(2024, 1, 23, 10), datetime(2024, 1, 23, 12), 1.5)
    result = apply_peaks(flat_forecast(), [peak])
    expected = np.full((2, 24), 10.0)
    expected[1, 10:12] = 15.0
    np.testing.assert_array_equal(result.calls, expected)
    np.testing.assert_array_equal(result.aht_seconds, flat_forecast().aht_seconds)


def test_overlapping_peaks_multiply() -> None:
    peaks = [
        AnnouncedPeak(datetime(2024, 1, 22, 9), datetime(2024, 1, 22, 11), 2.0),
        AnnouncedPeak(datetime(2024, 1, 22, 10), datetime(2024, 1, 22, 12), 1.5),
    ]
    calls = apply_peaks(flat_forecast(), peaks).calls[0]
    assert list(calls[8:13]) == [10.0, 20.0, 30.0, 15.0, 10.0]


@pytest.mark.parametrize("factor", [0.0, -1.0, float("nan"), float("inf")])
def test_peak_factor_must_be_positive_and_finite(factor: float) -> None:
    with pytest.raises(ValueError, match="peak factor must be positive"):
        AnnouncedPeak(datetime(2024, 1, 22, 9), datetime(2024, 1, 22, 10), factor)


def test_peak_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        AnnouncedPeak(datetime(2024, 1, 22, 9), datetime(2024, 1, 22, 9), 2.0)


# --- intraday re-forecast ---------------------------------------------------


def test_morning_above_plan_scales_the_rest_of_the_day() -> None:
    plan = [100.0] * 10
    result = reforecast_intraday(plan, [150.0, 150.0], prior_calls=0.0)
    assert result == [150.0, 150.0] + [150.0] * 8


def test_prior_damps_the_scaling_of_thin_evidence() -> None:
    result = reforecast_intraday([4.0] * 5, [8.0], prior_calls=4.0)
    # (8 + 4) / (4 + 4) = 1.5, not the raw ratio 2.
    assert result == [8.0] + [6.0] * 4


def test_scaling_is_clipped() -> None:
    result = reforecast_intraday([10.0] * 4, [1000.0], prior_calls=0.0, max_factor=2.0)
    assert result[1:] == [20.0] * 3


def test_reforecast_from_ten_improves_the_rest_of_week_three(
    bank: IntervalHistory,
) -> None:
    plan = forecast_calls(bank.slice_days(0, 14), date(1999, 2, 15), 7)
    actual = bank.calls[14:21]
    rest = actual[:, 10:]
    updated = np.array(
        [reforecast_intraday(plan[d], actual[d, :10])[10:] for d in range(7)]
    )
    # The figures in the module docstring.
    assert wape(plan[:, 10:], rest) == pytest.approx(0.168, abs=0.0005)
    assert wape(updated, rest) == pytest.approx(0.163, abs=0.0005)


def test_no_actuals_keeps_the_plan() -> None:
    assert reforecast_intraday([3.0, 5.0], []) == [3.0, 5.0]


@pytest.mark.parametrize(
    ("plan", "actuals", "message"),
    [
        ([1.0], [1.0, 2.0], "2 actual intervals but the plan has only 1"),
        ([1.0, -1.0], [], "plan must hold finite non-negative numbers"),
        ([1.0, 1.0], [float("nan")], "actuals_so_far must hold finite non-negative"),
    ],
)
def test_reforecast_rejects_bad_input(
    plan: list[float], actuals: list[float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        reforecast_intraday(plan, actuals)


# --- monthly ----------------------------------------------------------------


def test_monthly_total_follows_the_weekday_composition() -> None:
    history = synthetic_history()
    weekly = sum(WEEK_LEVELS)
    totals = forecast_monthly(history, [(2024, 2), (2024, 4)])
    # February 2024: 4 weeks and Thursday the 29th; April: 4 weeks, Mon, Tue.
    assert totals[(2024, 2)] == pytest.approx(4 * weekly + 1000.0)
    assert totals[(2024, 4)] == pytest.approx(4 * weekly + 2000.0)


def test_monthly_holidays_take_the_quietest_weekday_volume() -> None:
    totals = forecast_monthly(
        synthetic_history(), [(2024, 4)], holidays={date(2024, 4, 1)}
    )
    assert totals[(2024, 4)] == pytest.approx(4 * sum(WEEK_LEVELS) + 1000.0)


def test_monthly_trend_needs_enough_weeks() -> None:
    short = synthetic_history(days=21, growth_per_day=0.01)
    long = synthetic_history(days=70, growth_per_day=0.01)
    flat = forecast_monthly(synthetic_history(days=70), [(2024, 6)])[(2024, 6)]
    assert forecast_monthly(long, [(2024, 6)])[(2024, 6)] > 1.3 * flat
    short_flat = forecast_monthly(synthetic_history(days=21), [(2024, 6)])
    short_total = forecast_monthly(short, [(2024, 6)])[(2024, 6)]
    # Three weeks of growth are not extrapolated: only the level moves.
    assert short_total < 1.15 * short_flat[(2024, 6)]


def test_monthly_yearly_factors_from_two_years_of_history() -> None:
    base = synthetic_history(first_day=date(2022, 1, 1), days=731)
    calls = base.calls.copy()
    for i in range(base.days):
        if base.day(i).month == 12:
            calls[i] *= 2.0
    busy_december = IntervalHistory(
        base.first_day, 60, calls, base.served, base.handle_seconds
    )
    plain = forecast_monthly(base, [(2024, 11), (2024, 12)])
    seasonal = forecast_monthly(busy_december, [(2024, 11), (2024, 12)])
    ratio_nov = seasonal[(2024, 11)] / plain[(2024, 11)]
    ratio_dec = seasonal[(2024, 12)] / plain[(2024, 12)]
    assert ratio_dec / ratio_nov == pytest.approx(2.0, rel=0.02)


def test_cli_months_writes_monthly_totals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        ["--history", str(BANK_FILE), "--format", "anonymous-bank",
         "--months", "1999-03,1999-09"]
    )  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert status == 0
    assert lines[0] == "month,calls"
    march, september = (float(line.split(",")[1]) for line in lines[1:])
    assert [line.split(",")[0] for line in lines[1:]] == ["1999-03", "1999-09"]
    # Four Israeli holidays fall in September 1999 (forecast like Saturday);
    # March has one more day and none.
    assert september < march * 30 / 31
    history = read_history(BANK_FILE, "anonymous-bank", 60)
    assert march == pytest.approx(
        forecast_monthly(history, [(1999, 3)])[(1999, 3)], abs=0.05
    )


# --- forecast() and the command line -----------------------------------------


def test_forecast_combines_calls_aht_and_peaks(bank: IntervalHistory) -> None:
    peak = AnnouncedPeak(datetime(1999, 2, 22, 9), datetime(1999, 2, 22, 10), 2.0)
    plain = forecast(bank, date(1999, 2, 22), 7)
    peaked = forecast(bank, date(1999, 2, 22), 7, peaks=[peak])
    assert peaked.calls[0, 9] == pytest.approx(2 * plain.calls[0, 9])
    assert np.array_equal(peaked.calls[1:], plain.calls[1:])
    rows = plain.rows()
    assert rows[0][0] == datetime(1999, 2, 22, 0, 0)
    assert rows[-1][0] == datetime(1999, 2, 28, 23, 0)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infoline.workforce.forecast", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_cli_writes_one_row_per_hour_of_the_week(tmp_path: Path) -> None:
    out = tmp_path / "forecast.csv"
    done = run_cli(
        "--history", str(BANK_FILE), "--format", "anonymous-bank",
        "--start", "1999-02-22", "--days", "7", "--interval", "60",
        "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with out.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["interval_start", "calls", "aht_seconds"]
    assert len(rows) == 1 + 7 * 24
    start = datetime(1999, 2, 22)
    assert [r[0] for r in rows[1:]] == [
        (start + timedelta(hours=i)).isoformat() for i in range(7 * 24)
    ]
    calls = np.array([float(r[1]) for r in rows[1:]]).reshape(7, 24)
    aht = np.array([float(r[2]) for r in rows[1:]])
    assert np.all(calls >= 0) and np.all(np.isfinite(calls))
    assert np.all(np.isfinite(aht)) and np.all(aht > 0)
    # Monday 22 Feb is a work day; Saturday 27 Feb opens after the Sabbath.
    assert calls[0, 10] > 90 and calls[5, 10] < 5 and calls[5, 20] > 25


def test_cli_does_not_import_statsforecast_for_the_chosen_method(
    tmp_path: Path,
) -> None:
    script = (
        "import sys\n"
        "from infoline.workforce.forecast import main\n"
        f"status = main(['--history', {str(BANK_FILE)!r}, '--format',"
        f" 'anonymous-bank', '--start', '1999-02-22', '--out',"
        f" {str(tmp_path / 'f.csv')!r}])\n"
        "print(status, 'statsforecast' in sys.modules, 'pandas' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True
    )
    assert done.stdout.split() == ["0", "False", "False"], done.stderr


def test_cli_applies_peaks_and_holidays_by_country(tmp_path: Path) -> None:
    history = tmp_path / "counts.csv"
    lines = ["interval_start,calls,aht_seconds"]
    synthetic = synthetic_history(first_day=date(2024, 11, 25), days=28)
    for i in range(synthetic.days):
        for h in range(24):
            moment = datetime.combine(synthetic.day(i), datetime.min.time())
            lines.append(
                f"{(moment + timedelta(hours=h)).isoformat()},"
                f"{synthetic.calls[i, h]:.6f},200"
            )
    history.write_text("\n".join(lines) + "\n")
    out = tmp_path / "forecast.csv"
    done = run_cli(
        "--history", str(history), "--format", "counts-csv",
        "--start", "2024-12-23", "--days", "3", "--country", "LT",
        "--peak", "2024-12-23T09:00,2024-12-23T10:00,3",
        "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_day = [
        sum(float(r["calls"]) for r in rows[d * 24 : d * 24 + 24]) for d in range(3)
    ]
    plain_nine = 1000.0 * day_shape()[9]
    assert float(rows[9]["calls"]) == pytest.approx(3 * plain_nine, abs=0.01)
    # Christmas Eve and Christmas Day are Lithuanian holidays: like Sunday.
    assert by_day[1] == 0.0 and by_day[2] == 0.0


MALFORMED = (
    "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\t"
    "vru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\t"
    "server\r\n"
    "AA0101\t34536\t0\t0\tPS\t99022x\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\t"
    "AGENT\t7:02:55\t7:05:41\t166\tDORIT\r\n"
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (MALFORMED, "line 2: date '99022x' is not YYMMDD"),
        ("", "history file is empty"),
        (MALFORMED.split("\r\n")[0] + "\r\n", "line 2: history has a header but no"),
    ],
)
def test_cli_rejects_bad_history_without_writing(
    tmp_path: Path, content: str, message: str
) -> None:
    history = tmp_path / "bad.txt"
    history.write_text(content, newline="")
    out = tmp_path / "forecast.csv"
    status = main(
        ["--history", str(history), "--format", "anonymous-bank",
         "--start", "1999-02-22", "--out", str(out)]
    )  # fmt: skip
    assert status == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [history]


def test_cli_error_goes_to_stderr_with_the_file_name(tmp_path: Path) -> None:
    history = tmp_path / "bad.txt"
    history.write_text(MALFORMED, newline="")
    out = tmp_path / "forecast.csv"
    done = run_cli(
        "--history", str(history), "--format", "anonymous-bank",
        "--start", "1999-02-22", "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"python -m infoline.workforce.forecast: error: {history}: "
        "line 2: date '99022x' is not YYMMDD\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--interval", "7"], "does not divide a day"),
        (["--days", "0"], "--days must be at least 1"),
        (["--country", "XX"], "no holiday calendar for country 'XX'"),
    ],
)
def test_cli_rejects_bad_arguments_without_writing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    out = tmp_path / "forecast.csv"
    status = main(
        ["--history", str(BANK_FILE), "--format", "anonymous-bank",
         "--start", "1999-02-22", "--out", str(out), *extra]
    )  # fmt: skip
    assert status == 1
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_cli_rejects_a_missing_history_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        ["--history", str(tmp_path / "nope.txt"), "--format", "anonymous-bank",
         "--start", "1999-02-22", "--out", str(tmp_path / "f.csv")]
    )  # fmt: skip
    assert status == 1
    assert "No such file or directory" in capsys.readouterr().err


def test_cli_backtest_prints_every_method(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        ["--history", str(BANK_FILE), "--format", "anonymous-bank", "--backtest"]
    )
    report = capsys.readouterr().out.splitlines()
    assert status == 0
    assert report[0].split() == [
        "method",
        "week",
        "2",
        "week",
        "3",
        "day-ahead",
        "LOWO",
    ]
    assert report[1].split() == ["pooled-profile", "0.261", "0.170", "0.246", "0.212"]


# --- purity -----------------------------------------------------------------


@pytest.mark.parametrize("module", ["history.py", "forecast.py"])
def test_pure_module_imports_no_django_sockets_or_clock(module: str) -> None:
    tree = ast.parse((REPO / "infoline" / "workforce" / module).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Attribute):
            assert node.attr not in {"now", "today", "utcnow", "perf_counter"}, module
            assert not (
                node.attr == "time"
                and isinstance(node.value, ast.Name)
                and node.value.id == "time"
            ), module
    assert not imported & {"django", "channels", "socket", "time", "asyncio"}
