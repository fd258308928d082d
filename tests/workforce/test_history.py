"""Tests of call-history import: formats, line-numbered errors, binning."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infoline.workforce.history import (
    CallRecord,
    HistoryFormatError,
    bin_calls,
    bin_counts,
    load_history,
    parse_anonymous_bank,
    parse_calls_csv,
    parse_counts_csv,
    read_history,
    split_lines,
)

BANK_FILE = Path("/work/shared/data/anonymous-bank/data_anonymous_bank_feb01_21.txt")
HEADER = (
    "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\t"
    "vru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver"
)
# Real rows of the log: served without queueing, abandoned in the queue,
# a PHANTOM, a served call whose service was not recorded, and a VRU clock
# running behind (negative vru_time).
SERVED = (
    "AA0101\t34536\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\t"
    "AGENT\t7:02:55\t7:05:41\t166\tDORIT"
)
HANG = (
    "AA0101\t34539\t23317894\t2\tPS\t990201\t8:09:16\t8:09:22\t6\t8:09:22\t8:09:27\t"
    "5\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER"
)
PHANTOM = (
    "AA0101\t34645\t24442634\t2\tPS\t990202\t13:13:33\t13:13:42\t9\t13:13:42\t"
    "13:14:12\t30\tPHANTOM\t13:13:40\t13:14:18\t38\tNO_SERVER"
)
UNRECORDED = (
    "AA0101\t34648\t24442634\t2\tPS\t990202\t13:44:47\t13:44:53\t6\t13:44:53\t"
    "13:45:06\t13\tAGENT\t0:00:00\t0:00:00\t0\tYIFAT"
)
SKEWED = (
    "AA0102\t30456\t25627027\t2\tPS\t990207\t9:48:14\t9:47:17\t-57\t9:47:17\t"
    "9:50:11\t174\tAGENT\t9:50:11\t9:51:28\t77\tKAZAV"
)


def bank(*rows: str, newline: str = "\r\n") -> str:
    """Return an Anonymous Bank file with the header and ``rows``."""
    return newline.join((HEADER, *rows)) + newline


def with_field(row: str, index: int, value: str) -> str:
    """Return ``row`` with tab-separated field ``index`` replaced."""
    fields = row.split("\t")
    fields[index] = value
    return "\t".join(fields)


# --- Anonymous Bank -------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_parses_crlf_lf_and_cr_line_endings_alike(newline: str) -> None:
    records = parse_anonymous_bank(split_lines(bank(SERVED, HANG, newline=newline)))
    assert [r.arrival for r in records] == [
        datetime(1999, 2, 1, 7, 2, 47),
        datetime(1999, 2, 1, 8, 9, 16),
    ]


def test_served_call_carries_its_service_time_and_no_wait() -> None:
    (record,) = parse_anonymous_bank(split_lines(bank(SERVED)))
    assert record == CallRecord(
        arrival=datetime(1999, 2, 1, 7, 2, 47),
        handle_seconds=166.0,
        abandoned=False,
        wait_seconds=None,
    )


def test_hang_up_is_an_abandoned_offered_call_with_its_wait() -> None:
    (record,) = parse_anonymous_bank(split_lines(bank(HANG)))
    assert record.abandoned is True
    assert record.handle_seconds is None
    assert record.wait_seconds == 5.0


def test_zero_time_means_did_not_happen_for_service() -> None:
    (record,) = parse_anonymous_bank(split_lines(bank(UNRECORDED)))
    assert record.handle_seconds is None
    assert record.abandoned is False
    assert record.wait_seconds == 13.0


def test_phantom_records_are_dropped() -> None:
    records = parse_anonymous_bank(split_lines(bank(SERVED, PHANTOM, HANG)))
    assert len(records) == 2
    assert all(r.arrival.date() == date(1999, 2, 1) for r in records)


def test_only_phantom_records_is_an_error() -> None:
    with pytest.raises(HistoryFormatError, match="only PHANTOM records, no calls"):
        parse_anonymous_bank(split_lines(bank(PHANTOM)))


def test_negative_vru_time_from_clock_skew_is_accepted() -> None:
    (record,) = parse_anonymous_bank(split_lines(bank(SKEWED)))
    assert record.arrival == datetime(1999, 2, 7, 9, 48, 14)


def test_blank_trailing_lines_are_ignored() -> None:
    assert len(parse_anonymous_bank(split_lines(bank(SERVED) + "\r\n\r\n"))) == 1


def test_real_log_has_25669_non_phantom_calls_over_21_days() -> None:
    history = read_history(BANK_FILE, "anonymous-bank", 60)
    assert history.first_day == date(1999, 2, 1)
    assert history.days == 21
    assert history.calls.shape == (21, 24)
    # 25,890 records, 221 of them PHANTOM.
    assert history.calls.sum() == 25_669
    # 20,899 AGENT records, 42 of them without a recorded service.
    assert history.served.sum() == 20_857
    assert history.handle_seconds.sum() / history.served.sum() == pytest.approx(
        171.85, abs=0.01
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            (SERVED, with_field(HANG, 5, "99022x")),
            "line 3: date '99022x' is not YYMMDD",
        ),
        (
            (with_field(SERVED, 5, "990230"),),
            "line 2: date '990230' is not a calendar date",
        ),
        (
            (with_field(SERVED, 6, "7:2:47"),),
            "line 2: vru_entry '7:2:47' is not H:MM:SS",
        ),
        (
            (with_field(SERVED, 6, "25:02:47"),),
            "line 2: vru_entry '25:02:47' is not a time of day",
        ),
        ((with_field(SERVED, 15, "-3"),), "line 2: ser_time '-3' is negative"),
        (
            (with_field(SERVED, 11, "abc"),),
            "line 2: q_time 'abc' is not a whole number",
        ),
        (
            (with_field(SERVED, 12, "LOST"),),
            "line 2: outcome 'LOST' is not one of AGENT, HANG, PHANTOM",
        ),
        (
            (SERVED, "\t".join(SERVED.split("\t")[:10])),
            "line 3: expected 17 tab-separated fields, found 10",
        ),
    ],
)
def test_malformed_rows_name_the_line(rows: tuple[str, ...], message: str) -> None:
    with pytest.raises(HistoryFormatError) as excinfo:
        parse_anonymous_bank(split_lines(bank(*rows)))
    assert str(excinfo.value) == message


def test_wrong_header_is_rejected_on_line_1() -> None:
    with pytest.raises(
        HistoryFormatError, match=r"^line 1: header is not the Anonymous"
    ):
        parse_anonymous_bank(split_lines("a\tb\tc\r\n" + SERVED + "\r\n"))


def test_empty_file_is_rejected() -> None:
    with pytest.raises(HistoryFormatError, match=r"^history file is empty$"):
        parse_anonymous_bank(split_lines("\r\n  \r\n"))


def test_header_without_records_is_rejected() -> None:
    with pytest.raises(
        HistoryFormatError, match=r"^line 2: history has a header but no records$"
    ):
        parse_anonymous_bank(split_lines(bank()))


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bank.txt"
    path.write_bytes(bank(SERVED, HANG).encode() + b"\xff\xfe\r\n")
    with pytest.raises(HistoryFormatError, match=r"^line 4: text is not UTF-8$"):
        read_history(path, "anonymous-bank", 60)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bank.txt"
    path.write_bytes(b"\xef\xbb\xbf" + bank(SERVED).encode())
    assert read_history(path, "anonymous-bank", 60).calls.sum() == 1


# --- calls CSV --------------------------------------------------------------


def test_calls_csv_reads_served_unserved_and_abandoned_calls() -> None:
    records = parse_calls_csv(
        split_lines(
            "start,handle_seconds,abandoned\n"
            "2024-03-04T09:00:10,120,0\n"
            "2024-03-04 09:14,,yes\n"
            "2024-03-04T09:20:00,,\n"
        )
    )
    assert records == [
        CallRecord(datetime(2024, 3, 4, 9, 0, 10), 120.0, False),
        CallRecord(datetime(2024, 3, 4, 9, 14), None, True),
        CallRecord(datetime(2024, 3, 4, 9, 20), None, False),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2024-03-04T09:00,-5,", "line 2: handle_seconds '-5' is negative"),
        ("2024-03-04T09:00,abc,", "line 2: handle_seconds 'abc' is not a number"),
        (
            "2024-03-04T09:00,nan,",
            "line 2: handle_seconds 'nan' is not a finite number",
        ),
        ("2024-13-04T09:00,5,", "line 2: start '2024-13-04T09:00' is not an ISO"),
        ("2024-03-04,5,", "line 2: start '2024-03-04' has no time of day"),
        ("2024-03-04T09:00+02:00,5,", "line 2: start .* has a UTC offset"),
        ("2024-03-04T09:00,5,1", "line 2: an abandoned call cannot have a handling"),
        ("2024-03-04T09:00,5,maybe", "line 2: abandoned 'maybe' is not one of"),
        ("2024-03-04T09:00", "line 2: expected 3 comma-separated fields, found 1"),
    ],
)
def test_calls_csv_rejects_bad_values_with_line(row: str, message: str) -> None:
    with pytest.raises(HistoryFormatError, match=f"^{message}"):
        parse_calls_csv(split_lines(f"start,handle_seconds,abandoned\n{row}\n"))


def test_calls_csv_requires_its_header() -> None:
    with pytest.raises(HistoryFormatError, match=r"^line 1: header must be"):
        parse_calls_csv(split_lines("2024-03-04T09:00,5\n2024-03-04T09:01,5\n"))


def test_calls_csv_bins_by_arrival_and_averages_served_only() -> None:
    history = load_history(
        "start,handle_seconds\n"
        "2024-03-04T09:00:00,100\n"
        "2024-03-04T09:59:59,300\n"
        "2024-03-04T10:00:00,\n"
        "2024-03-06T23:30:00,50\n",
        "calls-csv",
        60,
    )
    assert history.first_day == date(2024, 3, 4)
    assert history.days == 3
    assert history.calls[0, 9] == 2
    assert history.handle_seconds[0, 9] / history.served[0, 9] == 200
    assert history.calls[0, 10] == 1
    assert history.served[0, 10] == 0
    # The day between holds zeros: a day without calls, not a gap.
    assert history.calls[1].sum() == 0
    assert history.calls[2, 23] == 1


# --- counts CSV -------------------------------------------------------------


def test_counts_csv_merges_quarter_hours_with_weighted_aht() -> None:
    history = load_history(
        "interval_start,calls,aht_seconds\n"
        "2024-03-04T09:00,10,100\n"
        "2024-03-04T09:15,30,200\n"
        "2024-03-04T09:30,0,\n"
        "2024-03-04T10:45,4,50\n",
        "counts-csv",
        60,
    )
    assert history.calls[0, 9] == 40
    assert history.handle_seconds[0, 9] / history.served[0, 9] == 175
    assert history.calls[0, 10] == 4


def test_counts_coarser_than_the_interval_are_rejected() -> None:
    with pytest.raises(HistoryFormatError, match="counts are on a 60-minute grid"):
        load_history(
            "interval_start,calls\n2024-03-04T09:00,10\n2024-03-04T10:00,5\n",
            "counts-csv",
            15,
        )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            "2024-03-04T09:00,10,100\n2024-03-04T09:00,1,1\n",
            "line 3: interval_start '2024-03-04T09:00' repeats line 2",
        ),
        ("2024-03-04T09:00,-1,100\n", "line 2: calls '-1' is negative"),
        ("2024-03-04T09:00,ten,100\n", "line 2: calls 'ten' is not a number"),
        ("2024-03-04T09:00,4,\n", "line 2: aht_seconds is empty but calls is above 0"),
    ],
)
def test_counts_csv_rejects_bad_rows(rows: str, message: str) -> None:
    with pytest.raises(HistoryFormatError, match=f"^{message}$"):
        parse_counts_csv(split_lines("interval_start,calls,aht_seconds\n" + rows))


@pytest.mark.parametrize("interval", [0, -15, 7, 25])
def test_interval_must_divide_the_day(interval: int) -> None:
    with pytest.raises(ValueError, match="does not divide a day"):
        load_history(
            "start,handle_seconds\n2024-03-04T09:00,5\n", "calls-csv", interval
        )


def test_unknown_format_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown history format 'xlsx'"):
        load_history("x", "xlsx", 60)


@settings(deadline=None, max_examples=50)
@given(
    offsets=st.lists(st.integers(0, 3 * 1440 - 1), min_size=1, max_size=60),
    interval=st.sampled_from([15, 30, 60]),
)
def test_binning_puts_every_call_in_its_interval(
    offsets: list[int], interval: int
) -> None:
    origin = datetime(2024, 3, 4)
    records = [CallRecord(origin + timedelta(minutes=m), 60.0, False) for m in offsets]
    history = bin_calls(records, interval)
    assert history.calls.sum() == len(offsets)
    first = min(offsets) // 1440
    expected = np.zeros_like(history.calls)
    for m in offsets:
        expected[m // 1440 - first, (m % 1440) // interval] += 1
    assert np.array_equal(history.calls, expected)
    assert np.array_equal(history.served, expected)


def test_bin_counts_needs_rows() -> None:
    with pytest.raises(ValueError, match="no rows to bin"):
        bin_counts([], 60)
