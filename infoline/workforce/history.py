"""Call history import for forecasting (W1): parse, validate, bin into intervals.

Pure: no Django, no sockets, no clock. Text in, plain data out; the only I/O
is :func:`read_history`, which reads one file and hands its text to the
parsers.

Formats (the ``fmt`` argument, also the CLI's ``--format``):

``anonymous-bank``
    The Technion "Anonymous Bank" call log: tab-separated, CRLF (LF and CR
    are accepted too), one header line, 17 columns ``vru+line, call_id,
    customer_id, priority, type, date (YYMMDD), vru_entry, vru_exit,
    vru_time, q_start, q_exit, q_time, outcome, ser_start, ser_exit,
    ser_time, server``. Times are ``H:MM:SS``; ``0:00:00`` in ``q_start``
    and ``ser_start`` means "did not happen" (never queued, never served).
    ``vru_entry`` is always a real time: it is the call's arrival.
    ``q_time`` and ``ser_time`` must be non-negative whole seconds;
    ``vru_time`` is not used and may be negative (clock skew in the log).
    Two-digit years 70-99 are 1970-1999, 00-69 are 2000-2069.

    Outcomes: ``AGENT`` (served), ``HANG`` (the caller hung up in the VRU or
    in the queue: offered, abandoned), ``PHANTOM`` (a system artefact, not a
    customer: dropped at parse time). A served call's handling time is its
    ``ser_time``; an ``AGENT`` record with ``ser_time`` 0 and no
    ``ser_start`` has no recorded service, so it counts as an offered call but
    contributes nothing to the average handling time.

``calls-csv``
    One row per call, comma-separated, header ``start,handle_seconds`` or
    ``start,handle_seconds,abandoned``. ``start`` is the arrival in local
    time, ISO 8601 without a UTC offset (``1999-02-22T07:03:10``; a space
    instead of ``T`` and omitted seconds are accepted). ``handle_seconds``
    is a non-negative number, empty when the call was not served.
    ``abandoned`` is one of ``0 1 true false yes no`` (empty = false); an
    abandoned call cannot have a handling time above zero.

``counts-csv``
    Per-interval counts, header ``interval_start,calls`` or
    ``interval_start,calls,aht_seconds``. ``calls`` is a non-negative number
    of offered calls starting in the interval; ``aht_seconds`` (optional,
    non-negative, may be empty when ``calls`` is 0) is their average handling
    time, weighted by ``calls`` when rows are merged into longer intervals.
    The file's own grid is inferred from its starts (the largest number of
    minutes dividing every start's minute of the day); the interval asked
    for must be a multiple of it, so rows are only ever merged, never split.

Only the fields the forecast and the staffing plan use are validated
(dates, times, durations, outcome); identifiers and agent names pass as they
are. Intervals are wall-clock local time: on a daylight-saving change day
the skipped hour holds no calls and the repeated hour holds both of its
occurrences, which is how the centre's opening hours see the day too.

"Calls" everywhere means *offered* calls: every non-PHANTOM call that
arrived, served or not, including callers who hung up in the VRU or the
queue. That is the load a staffing plan must meet, and what the forecast is
scored against.

Bad input raises :class:`HistoryFormatError` naming the line, e.g.
``line 17: date '99022x' is not YYMMDD``; nothing partial is returned.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = [
    "FORMATS",
    "CallRecord",
    "CountRow",
    "HistoryFormatError",
    "IntervalHistory",
    "bin_calls",
    "bin_counts",
    "load_history",
    "parse_anonymous_bank",
    "parse_calls_csv",
    "parse_counts_csv",
    "read_history",
    "split_lines",
]

FORMATS = ("anonymous-bank", "calls-csv", "counts-csv")

ANONYMOUS_BANK_COLUMNS = (
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
)
_OUTCOMES = ("AGENT", "HANG", "PHANTOM")
_NOT_HAPPENED = "0:00:00"
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})$")
_DATE_RE = re.compile(r"^\d{6}$")
_INT_RE = re.compile(r"^\d+$")
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES_RE = re.compile(rb"\r\n|\r|\n")
_TRUE = frozenset({"1", "true", "yes"})
_FALSE = frozenset({"", "0", "false", "no"})


class HistoryFormatError(ValueError):
    """The history file is empty or malformed; ``line`` is 1-based or None."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        self.reason = message
        super().__init__(message if line is None else f"line {line}: {message}")


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One offered call.

    ``arrival`` is local wall-clock time. ``handle_seconds`` is the talk plus
    wrap-up time recorded for a served call, None when the call was not
    served (or its service was not recorded). ``wait_seconds`` is the time
    in queue when known (None when the call never queued or the format does
    not say).
    """

    arrival: datetime
    handle_seconds: float | None
    abandoned: bool
    wait_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class CountRow:
    """Offered calls starting in one interval, with their AHT if known."""

    start: datetime
    calls: float
    aht_seconds: float | None


@dataclass(frozen=True)
class IntervalHistory:
    """History binned on a day x interval grid of local wall-clock time.

    Row ``i`` of each array is the day ``first_day + i``; column ``j`` the
    interval starting ``j * interval_minutes`` after midnight. Days between
    the first and the last day of the history with no calls hold zeros: a
    closed day is information, not a gap. ``calls`` counts offered calls,
    ``served`` the calls with a handling time and ``handle_seconds`` the sum
    of their handling times.
    """

    first_day: date
    interval_minutes: int
    calls: npt.NDArray[np.float64]
    served: npt.NDArray[np.float64]
    handle_seconds: npt.NDArray[np.float64]

    @property
    def days(self) -> int:
        """Return the number of days covered."""
        return int(self.calls.shape[0])

    @property
    def per_day(self) -> int:
        """Return the number of intervals in a day."""
        return 1440 // self.interval_minutes

    def day(self, index: int) -> date:
        """Return the date of row ``index``."""
        return self.first_day + timedelta(days=index)

    def slice_days(self, start: int, stop: int) -> IntervalHistory:
        """Return the days ``start <= i < stop`` (for backtests)."""
        if not 0 <= start < stop <= self.days:
            raise ValueError(f"day range {start}..{stop} outside 0..{self.days}")
        return IntervalHistory(
            first_day=self.day(start),
            interval_minutes=self.interval_minutes,
            calls=self.calls[start:stop],
            served=self.served[start:stop],
            handle_seconds=self.handle_seconds[start:stop],
        )


def split_lines(text: str) -> list[str]:
    """Split on CRLF, CR or LF (CR-only files exist); drop one final break."""
    lines = _LINE_BREAK_RE.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _is_blank(line: str) -> bool:
    return line.strip() == ""


def _content(lines: Sequence[str]) -> list[tuple[int, str]]:
    """Return (1-based line number, line) pairs, blank lines skipped."""
    return [(n, line) for n, line in enumerate(lines, start=1) if not _is_blank(line)]


def _parse_yymmdd(value: str, line: int) -> date:
    if not _DATE_RE.match(value):
        raise HistoryFormatError(f"date {value!r} is not YYMMDD", line)
    yy, mm, dd = int(value[:2]), int(value[2:4]), int(value[4:])
    year = 1900 + yy if yy >= 70 else 2000 + yy
    try:
        return date(year, mm, dd)
    except ValueError:
        raise HistoryFormatError(
            f"date {value!r} is not a calendar date", line
        ) from None


def _parse_hms(value: str, column: str, line: int) -> int:
    """Return seconds after midnight of an ``H:MM:SS`` time."""
    match = _TIME_RE.match(value)
    if not match:
        raise HistoryFormatError(f"{column} {value!r} is not H:MM:SS", line)
    h, m, s = (int(g) for g in match.groups())
    if h > 23 or m > 59 or s > 59:
        raise HistoryFormatError(f"{column} {value!r} is not a time of day", line)
    return h * 3600 + m * 60 + s


def _parse_count(value: str, column: str, line: int) -> int:
    """Return a non-negative integer of seconds (durations in the bank log)."""
    if not _INT_RE.match(value):
        if value.startswith("-") and _INT_RE.match(value[1:]):
            raise HistoryFormatError(f"{column} {value!r} is negative", line)
        raise HistoryFormatError(f"{column} {value!r} is not a whole number", line)
    return int(value)


def _parse_number(value: str, column: str, line: int) -> float:
    """Return a finite non-negative number."""
    try:
        number = float(value)
    except ValueError:
        raise HistoryFormatError(f"{column} {value!r} is not a number", line) from None
    if not math.isfinite(number):
        raise HistoryFormatError(f"{column} {value!r} is not a finite number", line)
    if number < 0:
        raise HistoryFormatError(f"{column} {value!r} is negative", line)
    return number


def _parse_local_datetime(value: str, column: str, line: int) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise HistoryFormatError(
            f"{column} {value!r} is not an ISO date and time", line
        ) from None
    if len(value) <= 10:
        # A bare date parses as midnight; a call start needs its time.
        raise HistoryFormatError(f"{column} {value!r} has no time of day", line)
    if moment.tzinfo is not None:
        raise HistoryFormatError(
            f"{column} {value!r} has a UTC offset; give local time", line
        )
    return moment


def _require_rows(
    lines: Sequence[str],
) -> tuple[tuple[int, str], list[tuple[int, str]]]:
    """Return the header and the data rows, or raise for an empty file."""
    content = _content(lines)
    if not content:
        raise HistoryFormatError("history file is empty")
    header, rows = content[0], content[1:]
    if not rows:
        raise HistoryFormatError("history has a header but no records", header[0] + 1)
    return header, rows


def parse_anonymous_bank(lines: Sequence[str]) -> list[CallRecord]:
    """Parse an Anonymous Bank log (lines without breaks); drop PHANTOM calls."""
    (header_no, header), rows = _require_rows(lines)
    columns = tuple(c.strip() for c in header.lstrip("\ufeff").split("\t"))
    if columns != ANONYMOUS_BANK_COLUMNS:
        raise HistoryFormatError(
            "header is not the Anonymous Bank header "
            f"({' '.join(ANONYMOUS_BANK_COLUMNS)})",
            header_no,
        )
    width = len(ANONYMOUS_BANK_COLUMNS)
    records: list[CallRecord] = []
    for n, line in rows:
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != width:
            raise HistoryFormatError(
                f"expected {width} tab-separated fields, found {len(fields)}", n
            )
        day = _parse_yymmdd(fields[5], n)
        entry = _parse_hms(fields[6], "vru_entry", n)
        # vru_time is unused and may be negative in the real log (the VRU
        # clock runs up to about 70 s behind the switch in 23 of 25,890
        # records), so only its shape is checked.
        if not _INT_RE.match(fields[8].removeprefix("-")):
            raise HistoryFormatError(f"vru_time {fields[8]!r} is not a whole number", n)
        q_start = fields[9]
        _parse_hms(q_start, "q_start", n)
        q_time = _parse_count(fields[11], "q_time", n)
        outcome = fields[12]
        if outcome not in _OUTCOMES:
            raise HistoryFormatError(
                f"outcome {outcome!r} is not one of {', '.join(_OUTCOMES)}", n
            )
        ser_start = fields[13]
        _parse_hms(ser_start, "ser_start", n)
        ser_time = _parse_count(fields[15], "ser_time", n)
        if outcome == "PHANTOM":
            continue
        served = outcome == "AGENT" and not (
            ser_time == 0 and ser_start == _NOT_HAPPENED
        )
        records.append(
            CallRecord(
                arrival=datetime(day.year, day.month, day.day)
                + timedelta(seconds=entry),
                handle_seconds=float(ser_time) if served else None,
                abandoned=outcome == "HANG",
                wait_seconds=None if q_start == _NOT_HAPPENED else float(q_time),
            )
        )
    if not records:
        raise HistoryFormatError("history holds only PHANTOM records, no calls")
    return records


def _check_csv_header(
    header: tuple[int, str], required: tuple[str, ...], optional: str
) -> int:
    """Validate a CSV header; return its number of columns."""
    n, line = header
    names = tuple(c.strip() for c in line.lstrip("\ufeff").split(","))
    allowed = (required, (*required, optional))
    if names not in allowed:
        raise HistoryFormatError(
            f"header must be '{','.join(required)}' or "
            f"'{','.join((*required, optional))}', found {line.strip()!r}",
            n,
        )
    return len(names)


def _csv_fields(line: str, width: int, n: int) -> list[str]:
    fields = [f.strip() for f in line.split(",")]
    if len(fields) != width:
        raise HistoryFormatError(
            f"expected {width} comma-separated fields, found {len(fields)}", n
        )
    return fields


def parse_calls_csv(lines: Sequence[str]) -> list[CallRecord]:
    """Parse ``start,handle_seconds[,abandoned]`` rows, one per offered call."""
    header, rows = _require_rows(lines)
    width = _check_csv_header(header, ("start", "handle_seconds"), "abandoned")
    records: list[CallRecord] = []
    for n, line in rows:
        fields = _csv_fields(line, width, n)
        start = _parse_local_datetime(fields[0], "start", n)
        handle = (
            None if fields[1] == "" else _parse_number(fields[1], "handle_seconds", n)
        )
        abandoned = False
        if width == 3:
            flag = fields[2].lower()
            if flag in _TRUE:
                abandoned = True
            elif flag not in _FALSE:
                raise HistoryFormatError(
                    f"abandoned {fields[2]!r} is not one of 0 1 true false yes no", n
                )
        if abandoned and handle:
            raise HistoryFormatError("an abandoned call cannot have a handling time", n)
        records.append(
            CallRecord(
                arrival=start,
                handle_seconds=None if abandoned else handle,
                abandoned=abandoned,
            )
        )
    return records


def parse_counts_csv(lines: Sequence[str]) -> list[CountRow]:
    """Parse ``interval_start,calls[,aht_seconds]`` rows, one per interval."""
    header, rows = _require_rows(lines)
    width = _check_csv_header(header, ("interval_start", "calls"), "aht_seconds")
    seen: dict[datetime, int] = {}
    out: list[CountRow] = []
    for n, line in rows:
        fields = _csv_fields(line, width, n)
        start = _parse_local_datetime(fields[0], "interval_start", n)
        if start in seen:
            raise HistoryFormatError(
                f"interval_start {fields[0]!r} repeats line {seen[start]}", n
            )
        seen[start] = n
        calls = _parse_number(fields[1], "calls", n)
        aht: float | None = None
        if width == 3 and fields[2] != "":
            aht = _parse_number(fields[2], "aht_seconds", n)
        elif width == 3 and calls > 0:
            raise HistoryFormatError("aht_seconds is empty but calls is above 0", n)
        out.append(CountRow(start=start, calls=calls, aht_seconds=aht))
    return out


def _check_interval(interval_minutes: int) -> None:
    if (
        not isinstance(interval_minutes, int)
        or interval_minutes <= 0
        or 1440 % interval_minutes
    ):
        raise ValueError(
            f"interval of {interval_minutes!r} minutes does not divide a day "
            "(use e.g. 15, 30 or 60)"
        )


def _empty_grid(days: int, per_day: int) -> npt.NDArray[np.float64]:
    return np.zeros((days, per_day), dtype=np.float64)


def bin_calls(records: Iterable[CallRecord], interval_minutes: int) -> IntervalHistory:
    """Count offered calls per interval of arrival; sum served handling times."""
    _check_interval(interval_minutes)
    calls = list(records)
    if not calls:
        raise ValueError("no calls to bin")
    first = min(c.arrival for c in calls).date()
    last = max(c.arrival for c in calls).date()
    days = (last - first).days + 1
    per_day = 1440 // interval_minutes
    grid_calls = _empty_grid(days, per_day)
    grid_served = _empty_grid(days, per_day)
    grid_handle = _empty_grid(days, per_day)
    for c in calls:
        row = (c.arrival.date() - first).days
        col = (c.arrival.hour * 60 + c.arrival.minute) // interval_minutes
        grid_calls[row, col] += 1
        if c.handle_seconds is not None:
            grid_served[row, col] += 1
            grid_handle[row, col] += c.handle_seconds
    return IntervalHistory(
        first, interval_minutes, grid_calls, grid_served, grid_handle
    )


def bin_counts(rows: Sequence[CountRow], interval_minutes: int) -> IntervalHistory:
    """Merge per-interval rows into ``interval_minutes`` bins.

    Raises ``HistoryFormatError`` when the rows are coarser than the bins
    (hourly counts cannot be split into quarter-hours without inventing an
    intraday shape).
    """
    _check_interval(interval_minutes)
    if not rows:
        raise ValueError("no rows to bin")
    if any(r.start.second or r.start.microsecond for r in rows):
        raise HistoryFormatError("interval_start values must be whole minutes")
    offsets = [r.start.hour * 60 + r.start.minute for r in rows]
    # The file's own grid is inferred from its starts: the largest step
    # dividing every start's minute of the day (a day when all are midnight).
    grid = 0
    for o in offsets:
        grid = math.gcd(grid, o)
    grid = grid or 1440
    if interval_minutes % grid:
        raise HistoryFormatError(
            f"counts are on a {grid}-minute grid; the interval must be a "
            f"multiple of it, not {interval_minutes} minutes"
        )
    first = min(r.start for r in rows).date()
    last = max(r.start for r in rows).date()
    days = (last - first).days + 1
    per_day = 1440 // interval_minutes
    grid_calls = _empty_grid(days, per_day)
    grid_served = _empty_grid(days, per_day)
    grid_handle = _empty_grid(days, per_day)
    for r, offset in zip(rows, offsets, strict=True):
        row = (r.start.date() - first).days
        col = offset // interval_minutes
        grid_calls[row, col] += r.calls
        if r.aht_seconds is not None and r.calls > 0:
            # Every counted call is taken as served at the given average.
            grid_served[row, col] += r.calls
            grid_handle[row, col] += r.calls * r.aht_seconds
    return IntervalHistory(
        first, interval_minutes, grid_calls, grid_served, grid_handle
    )


def load_history(text: str, fmt: str, interval_minutes: int) -> IntervalHistory:
    """Parse ``text`` in format ``fmt`` and bin it into intervals."""
    _check_interval(interval_minutes)
    lines = split_lines(text)
    if fmt == "anonymous-bank":
        return bin_calls(parse_anonymous_bank(lines), interval_minutes)
    if fmt == "calls-csv":
        return bin_calls(parse_calls_csv(lines), interval_minutes)
    if fmt == "counts-csv":
        return bin_counts(parse_counts_csv(lines), interval_minutes)
    raise ValueError(f"unknown history format {fmt!r}; use one of {', '.join(FORMATS)}")


def read_history(path: str | Path, fmt: str, interval_minutes: int) -> IntervalHistory:
    """Read a history file (UTF-8, BOM allowed) and bin it into intervals."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = len(_LINE_BREAK_BYTES_RE.findall(data, 0, exc.start)) + 1
        raise HistoryFormatError("text is not UTF-8", line) from None
    return load_history(text, fmt, interval_minutes)
