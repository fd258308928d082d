"""Plotly figures of the planner pages, as JSON for ``static/js/charts.js``.

Figures are built on the server (the Python plotly package) and embedded
as ``<script type="application/json">``; the vendored plotly.js draws them.
``<``, ``>`` and ``&`` are escaped so no text in a figure (an employee's
name) can close the script element.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

import plotly.graph_objects as go
from django.utils import timezone
from django.utils.translation import gettext as _

from infoline.workforce.models import Schedule, ShiftAssignment
from infoline.workforce.services import StaffingPlan

_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
_LAYOUT = {
    "margin": {"l": 56, "r": 56, "t": 40, "b": 48},
    "legend": {"orientation": "h", "y": -0.18},
    "hovermode": "x unified",
    "template": "plotly_white",
    "font": {"family": "system-ui, sans-serif", "size": 13},
}


def to_json(fig: go.Figure) -> str:
    """Return the figure as JSON that is safe inside a script element."""
    text: str = fig.to_json(pretty=False, remove_uids=True)
    return text.translate(_ESCAPES)


def staffing_figure(plan: StaffingPlan) -> str:
    """Forecast (and actual) calls as bars, required agents as a step line."""
    fig = go.Figure()
    fig.add_bar(
        x=plan.starts,
        y=[round(c, 1) for c in plan.calls],
        name=_("Forecast calls"),
        marker_color="#9ecae1",
    )
    if plan.actual is not None:
        fig.add_scatter(
            x=plan.starts,
            y=plan.actual,
            name=_("Actual calls"),
            mode="lines",
            line={"color": "#636363", "width": 1, "dash": "dot"},
        )
    fig.add_scatter(
        x=plan.starts,
        y=plan.agents,
        name=_("Required agents"),
        yaxis="y2",
        line={"shape": "hv", "color": "#d94801", "width": 2},
    )
    fig.update_layout(
        **_LAYOUT,
        title={"text": _("Forecast and required agents per interval")},
        yaxis={"title": {"text": _("Calls")}, "rangemode": "tozero"},
        yaxis2={
            "title": {"text": _("Agents")},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            # Whole agents only: a step of at least 1.
            "dtick": max(1, math.ceil(plan.peak_agents / 8)),
            "showgrid": False,
        },
        bargap=0.05,
    )
    return to_json(fig)


def coverage_figure(
    schedule: Schedule, staffed: Sequence[int], demand: Sequence[int]
) -> str:
    """Required vs scheduled agents per interval of a schedule."""
    first = datetime.combine(schedule.start, datetime.min.time())
    step = timedelta(minutes=schedule.interval_minutes)
    x = [first + i * step for i in range(len(demand))]
    fig = go.Figure()
    fig.add_scatter(
        x=x,
        y=list(demand),
        name=_("Required"),
        line={"shape": "hv", "color": "#d94801", "width": 2},
    )
    fig.add_scatter(
        x=x,
        y=list(staffed),
        name=_("Scheduled"),
        fill="tozeroy",
        line={"shape": "hv", "color": "#3182bd", "width": 1},
    )
    fig.update_layout(
        **_LAYOUT,
        title={"text": _("Required and scheduled agents per interval")},
        yaxis={"title": {"text": _("Agents")}, "rangemode": "tozero"},
    )
    return to_json(fig)


def gantt_figure(schedule: Schedule, shifts: Sequence[ShiftAssignment]) -> str:
    """The schedule as a Gantt chart: one row per employee, breaks marked."""
    fig = go.Figure()
    names = {s.user_id: s.user.get_full_name() or s.user.username for s in shifts}

    def local(value: datetime | str) -> datetime:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return timezone.localtime(moment).replace(tzinfo=None)

    def bars(
        spans: list[tuple[datetime, datetime, str, str]], label: str, color: str
    ) -> None:
        if not spans:
            return
        fig.add_bar(
            base=[a.isoformat() for a, _b, _n, _t in spans],
            x=[(b - a).total_seconds() * 1000 for a, b, _n, _t in spans],
            y=[n for _a, _b, n, _t in spans],
            text=[t for _a, _b, _n, t in spans],
            orientation="h",
            name=label,
            marker_color=color,
            hovertemplate="%{y}: %{text}<extra></extra>",
            textposition="none",
        )

    work = [
        (
            local(s.start),
            local(s.end),
            names[s.user_id],
            f"{local(s.start):%a %H:%M}-{local(s.end):%H:%M}",
        )
        for s in shifts
    ]
    rest = [
        (local(a), local(b), names[s.user_id], f"{local(a):%a %H:%M}-{local(b):%H:%M}")
        for s in shifts
        for a, b in s.breaks
    ]
    bars(work, _("Shift"), "#3182bd")
    bars(rest, _("Break"), "#fdae6b")
    rows = sorted(set(names.values()))
    fig.update_layout(
        **{
            **_LAYOUT,
            "hovermode": "closest",
            "margin": {"l": 56, "r": 56, "t": 40, "b": 64},
        },
        title={"text": _("Shifts per employee")},
        barmode="overlay",
        xaxis={
            "type": "date",
            # The whole horizon, aligned with the coverage chart above.
            "range": [
                datetime.combine(schedule.start, datetime.min.time()).isoformat(),
                datetime.combine(
                    schedule.start + timedelta(days=7 * schedule.weeks),
                    datetime.min.time(),
                ).isoformat(),
            ],
        },
        yaxis={
            "categoryorder": "array",
            "categoryarray": rows[::-1],
            "automargin": True,
        },
        height=max(260, 90 + 34 * len(rows)),
    )
    return to_json(fig)
