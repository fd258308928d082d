"""Exports of a staffing plan and of a schedule: XLSX (openpyxl) and PDF (WeasyPrint)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font

from infoline.workforce.models import Schedule, ShiftAssignment
from infoline.workforce.services import StaffingPlan

_FORMULA_START = ("=", "+", "-", "@")


def _cell(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _bold_header(ws: Any, headers: Sequence[str]) -> None:
    ws.append([str(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def plan_xlsx(plan: StaffingPlan) -> bytes:
    """Return the plan per interval and its summary as a workbook with a chart."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook has one sheet
    ws.title = _("Staffing plan")[:31]
    _bold_header(
        ws, [_("Interval start"), _("Calls"), _("Handling time (s)"), _("Agents")]
    )
    for start, calls, aht, agents in plan.rows():
        ws.append([start, round(calls, 2), round(aht, 1), agents])
    for row in ws.iter_rows(min_row=2, max_col=1):
        row[0].number_format = "yyyy-mm-dd hh:mm"
    ws.column_dimensions["A"].width = 18
    n = len(plan.starts) + 1
    chart = LineChart()
    chart.title = _("Required agents")
    chart.add_data(
        Reference(ws, min_col=4, min_row=1, max_row=n), titles_from_data=True
    )
    calls = BarChart()
    calls.add_data(
        Reference(ws, min_col=2, min_row=1, max_row=n), titles_from_data=True
    )
    chart.width, chart.height = 28, 10
    ws.add_chart(chart, "F2")
    calls.title = _("Forecast calls")
    calls.width, calls.height = 28, 10
    ws.add_chart(calls, "F24")
    summary = wb.create_sheet(_("Summary")[:31])
    for label, value in _summary(plan):
        summary.append([label, value])
    summary.column_dimensions["A"].width = 40
    return _save(wb)


def _summary(plan: StaffingPlan) -> list[tuple[str, Any]]:
    i = plan.inputs
    return [
        (_("Line"), _cell(str(i.line))),
        (_("First day"), i.start.isoformat()),
        (_("Days"), i.days),
        (_("Interval (minutes)"), i.interval_minutes),
        (_("Forecast calls"), round(plan.total_calls, 1)),
        (_("Volume (percent of forecast)"), i.volume_percent),
        (_("Service level target (%)"), round(i.target_level * 100, 2)),
        (_("answered within (s)"), i.target_seconds),
        (
            _("Mean patience (s)"),
            round(1 / plan.patience_rate, 1) if plan.patience_rate else "",
        ),
        (_("Workload hours"), round(plan.workload_hours, 1)),
        (_("Scheduled agent hours"), round(plan.scheduled_hours, 1)),
        (_("Working days"), round(plan.working_days, 2)),
        (_("Shrinkage (%)"), round(plan.shrinkage_total * 100, 1)),
        (_("FTE"), round(plan.fte, 2)),
        (
            _("Backtest error (WAPE)"),
            round(plan.backtest_wape, 3) if plan.backtest_wape is not None else "",
        ),
    ]


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {**context, "now": timezone.now()})
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def plan_pdf(plan: StaffingPlan) -> bytes:
    """Return the plan as a PDF: summary and the table per interval."""
    return _pdf("workforce/plan_pdf.html", {"plan": plan, "summary": _summary(plan)})


def _shift_rows(shifts: Sequence[ShiftAssignment]) -> list[list[Any]]:
    rows = []
    for s in shifts:
        start = timezone.localtime(s.start)
        end = timezone.localtime(s.end)
        breaks = ", ".join(
            f"{timezone.localtime(_parse(a)):%H:%M}-{timezone.localtime(_parse(b)):%H:%M}"
            for a, b in s.breaks
        )
        rows.append(
            [
                _cell(s.user.get_full_name() or s.user.username),
                start.replace(tzinfo=None),
                end.replace(tzinfo=None),
                s.template,
                breaks,
            ]
        )
    return rows


def _parse(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value)


def schedule_xlsx(schedule: Schedule, shifts: Sequence[ShiftAssignment]) -> bytes:
    """Return the schedule's shifts as a workbook, one row per shift."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook has one sheet
    ws.title = _("Schedule")[:31]
    _bold_header(ws, [_("Employee"), _("Start"), _("End"), _("Shift"), _("Breaks")])
    for row in _shift_rows(shifts):
        ws.append(row)
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=3):
        for cell in row:
            cell.number_format = "yyyy-mm-dd hh:mm"
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 18
    ws.column_dimensions["E"].width = 24
    return _save(wb)


def schedule_pdf(schedule: Schedule, shifts: Sequence[ShiftAssignment]) -> bytes:
    """Return the schedule as a PDF table."""
    return _pdf(
        "workforce/schedule_pdf.html",
        {"schedule": schedule, "rows": _shift_rows(shifts)},
    )
