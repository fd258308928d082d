"""Fixtures of the planner pages: a line, a synthetic call log, small teams."""

from __future__ import annotations

import datetime
import random

import pytest

from infoline.accounts.models import PublicLine

BANK_HEADER = (
    "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\t"
    "vru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver"
)


def _hms(seconds: int) -> str:
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def bank_log(first: datetime.date, days: int, per_hour: int = 12, seed: int = 1) -> str:
    """Return an Anonymous Bank log: calls 08:00-17:00, every 8th abandons.

    Every call queues ``30 s`` (abandoned ones ``60 s``) and is served for
    ``240 s``: the patience estimate is ``abandons / total queue seconds``.
    """
    rng = random.Random(seed)
    lines = [BANK_HEADER]
    call = 1
    for d in range(days):
        day = first + datetime.timedelta(days=d)
        if day.weekday() == 6:
            continue
        for hour in range(8, 17):
            for _k in range(per_hour):
                t = hour * 3600 + rng.randrange(3600)
                abandoned = call % 8 == 0
                wait = 60 if abandoned else 30
                q = t + 10
                fields = [
                    "AA0101",
                    str(call),
                    "0",
                    "0",
                    "PS",
                    day.strftime("%y%m%d"),
                    _hms(t),
                    _hms(t + 10),
                    "10",
                    _hms(q),
                    _hms(q + wait),
                    str(wait),
                    "HANG" if abandoned else "AGENT",
                    "0:00:00" if abandoned else _hms(q + wait),
                    "0:00:00" if abandoned else _hms(q + wait + 240),
                    "0" if abandoned else "240",
                    "NO_SERVER" if abandoned else "DORIT",
                ]
                lines.append("\t".join(fields))
                call += 1
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture
def line(db: None) -> PublicLine:
    """The general line the plans are for."""
    return PublicLine.objects.create(name="General", number="1883")
