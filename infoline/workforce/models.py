"""Workforce records: imported call histories, contracts, schedules, swaps (W1-W5).

The numerics live in the pure modules beside this file (``erlang``,
``forecast``, ``fte``, ``history``, ``schedule``); these models keep what
planners decide and agents see.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from infoline.accounts.models import PublicLine, Team


class CallHistory(models.Model):
    """An imported call history, binned on a day x interval grid (local time).

    ``calls``, ``served`` and ``handle_seconds`` are the rows of
    ``history.IntervalHistory`` as nested lists. ``patience_rate`` (per
    second) is the maximum-likelihood estimate ``abandoned / total queue
    time`` when the file records waits; None when it cannot be estimated.
    """

    name = models.CharField(_("name"), max_length=200)
    line = models.ForeignKey(
        PublicLine,
        verbose_name=_("line"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file_format = models.CharField(_("format"), max_length=20)
    interval_minutes = models.PositiveSmallIntegerField(_("interval (minutes)"))
    first_day = models.DateField(_("first day"))
    days = models.PositiveIntegerField(_("days"))
    calls = models.JSONField(default=list)
    served = models.JSONField(default=list)
    handle_seconds = models.JSONField(default=list)
    total_calls = models.PositiveIntegerField(_("calls"), default=0)
    abandoned = models.PositiveIntegerField(_("abandoned"), default=0)
    patience_rate = models.FloatField(_("patience rate (1/s)"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("call history")
        verbose_name_plural = _("call histories")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.first_day}, {self.days} days)"

    @property
    def next_day(self) -> date:
        """Return the first day after the history: where a forecast starts."""
        return self.first_day + timedelta(days=self.days)


class WorkContract(models.Model):
    """An employee's contract for rostering: weekly hours and skills.

    ``skills`` are the line numbers and language codes the employee can
    serve, separated by commas; an empty field means every line.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="work_contract",
    )
    min_hours_per_week = models.PositiveSmallIntegerField(
        _("minimum hours a week"), default=0
    )
    max_hours_per_week = models.PositiveSmallIntegerField(
        _("maximum hours a week"), default=40
    )
    skills = models.CharField(_("skills and languages"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("work contract")
        verbose_name_plural = _("work contracts")

    def __str__(self) -> str:
        return f"{self.user}: {self.min_hours_per_week}-{self.max_hours_per_week} h"

    def skill_set(self) -> frozenset[str]:
        """Return the skills as a set, without blanks."""
        return frozenset(s.strip() for s in self.skills.split(",") if s.strip())


class Schedule(models.Model):
    """A roster of one team for one line over whole weeks from ``start`` (a date).

    ``demand`` is the required agents per interval over the horizon, from
    the staffing plan at the time of creation. The solve runs as a
    background task; ``solve_status`` and ``progress`` are what the page
    polls, ``stop_requested`` asks the solver to stop with its best
    schedule so far. Only published schedules are shown to agents.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class SolveStatus(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Solving")
        DONE = "done", _("Solved")
        STOPPED = "stopped", _("Stopped: best schedule so far")
        INFEASIBLE = "infeasible", _("No schedule satisfies the rules")
        FAILED = "failed", _("Stopped by an error")

    line = models.ForeignKey(
        PublicLine, verbose_name=_("line"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("first day"))
    weeks = models.PositiveSmallIntegerField(_("weeks"), default=1)
    interval_minutes = models.PositiveSmallIntegerField(_("interval (minutes)"))
    demand = models.JSONField(default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    solve_status = models.CharField(
        _("solving"),
        max_length=12,
        choices=SolveStatus.choices,
        default=SolveStatus.QUEUED,
    )
    progress = models.JSONField(default=dict, blank=True)
    messages = models.JSONField(default=list, blank=True)
    stop_requested = models.BooleanField(default=False)
    under_coverage = models.PositiveIntegerField(null=True, blank=True)
    over_coverage = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return f"{self.team} {self.start} ({self.weeks} w, {self.status})"

    @property
    def solving(self) -> bool:
        """Return whether the solve has not ended yet."""
        return self.solve_status in (
            self.SolveStatus.QUEUED,
            self.SolveStatus.RUNNING,
        )


class ShiftAssignment(models.Model):
    """One shift of one employee in a schedule; ``breaks`` are [start, end] ISO pairs."""

    schedule = models.ForeignKey(
        Schedule, on_delete=models.CASCADE, related_name="shifts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="shifts",
    )
    template = models.CharField(_("shift"), max_length=40)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    breaks = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["start", "user_id"]
        indexes = [models.Index(fields=["user", "start"])]

    def __str__(self) -> str:
        return f"{self.user} {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M}"


class SwapRequest(models.Model):
    """An agent's request to exchange a published shift with a colleague's.

    A team lead or supervisor approves (the two shifts change hands) or
    rejects it; the decision is final.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    shift = models.ForeignKey(
        ShiftAssignment, on_delete=models.CASCADE, related_name="+"
    )
    other_shift = models.ForeignKey(
        ShiftAssignment, on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("shift swap request")
        verbose_name_plural = _("shift swap requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"swap {self.shift_id} <-> {self.other_shift_id}: {self.status}"
