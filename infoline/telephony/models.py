"""What the telephony runner persists: its event log and what came of it.

``RoutingEvent`` is the routing engine's input log: append-only, written by
the runner alone (the single writer) before the engine applies the event,
in the order applied. A restarted runner replays it to rebuild the engine.

``DeskRequest`` is the desk's inbox to the runner (ready, not ready,
answer, hang up...): any web process may add a row; the runner takes rows
in order, turning each into exactly one logged event in the same
transaction, so a request is neither lost nor applied twice.

The other models are results of engine commands, each written idempotently
(unique on the call or on the command's place in the log), because after a
crash the runner re-executes the commands of the events logged after its
last checkpoint.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoutingEvent(models.Model):
    """One input of the routing engine, logged before it was applied.

    ``at`` is the engine time the event was applied at (seconds since the
    epoch, UTC; a virtual time under a fast simulation). ``payload`` holds
    the event's fields (``infoline.telephony.codec``).
    """

    seq = models.BigAutoField(primary_key=True)
    event_id = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    payload = models.JSONField()
    at = models.FloatField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("routing event")
        verbose_name_plural = _("routing events")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.event_id}"


class RunnerCheckpoint(models.Model):
    """Where a runner stands: its parameters and the last executed event.

    The commands of every event up to ``executed_seq`` have been carried
    out; after a crash the runner carries out again (idempotently) those of
    the events after it. ``params`` are the simulation's parameters (seed,
    origin...), so a restart continues the same traffic.
    """

    name = models.CharField(max_length=40, primary_key=True)
    adapter = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    executed_seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("runner checkpoint")
        verbose_name_plural = _("runner checkpoints")

    def __str__(self) -> str:
        return f"{self.name}: {self.executed_seq}"


class DeskOp(models.TextChoices):
    """What an agent asks of the telephony from the desk."""

    LOG_IN = "log_in", _("Start work")
    LOG_OUT = "log_out", _("End work")
    READY = "ready", _("Ready")
    NOT_READY = "not_ready", _("Not ready")
    ANSWER = "answer", _("Answer")
    HANG_UP = "hang_up", _("Hang up")
    HOLD = "hold", _("Hold")
    RETRIEVE = "retrieve", _("Retrieve")
    WRAP_UP_DONE = "wrap_up_done", _("Finish after-call work")
    TRANSFER = "transfer", _("Transfer")
    CONSULT = "consult", _("Consult a colleague")
    COMPLETE_TRANSFER = "complete_transfer", _("Join the caller with the colleague")
    CANCEL_CONSULT = "cancel_consult", _("Back to the caller")
    EMERGENCY = "emergency", _("Emergency switch")
    SKILLS = "skills", _("Change skills")


class DeskRequest(models.Model):
    """A request from an agent's desk, waiting for the runner to take it.

    ``agent`` is whose phone the request is about; ``actor`` is who asked
    when that was someone else (a team lead changing an agent's state from
    the wall-board, a supervisor switching a line's emergency mode), kept
    as the record of who did it. ``params`` hold the request's target:
    ``{"to_agent" | "to_queue" | "to_extension": ...}`` for a transfer,
    ``{"line", "mode", "announcement", "to_queue"}`` for an emergency switch.
    """

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    op = models.CharField(max_length=20, choices=DeskOp.choices)
    reason = models.CharField(max_length=100, blank=True)
    call_id = models.CharField(max_length=100, blank=True)
    params = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("desk request")
        verbose_name_plural = _("desk requests")
        ordering = ["pk"]
        indexes = [models.Index(fields=["taken_at", "id"])]

    def __str__(self) -> str:
        return f"{self.op} by {self.agent_id}"


class AgentProfile(models.Model):
    """An agent's skills and languages as a team lead set them (S1).

    Used when the agent starts work instead of the role's defaults
    (``config.profile_of``); ``skills`` and ``languages`` map a name to a
    level (1 is the lowest).
    """

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="phone_profile",
    )
    skills = models.JSONField(_("skills"), default=dict)
    languages = models.JSONField(_("languages"), default=dict)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agent skills")
        verbose_name_plural = _("agent skills")

    def __str__(self) -> str:
        return f"skills of {self.agent_id}"


class CallRecord(models.Model):
    """How one call ended (wall-board "today" figures and reports).

    Times are epoch seconds of the engine; ``waited_s`` is from joining the
    first queue to the answer (or to the end, when not answered).
    """

    call_id = models.CharField(max_length=100, unique=True)
    line = models.CharField(max_length=20)
    queue = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=20)
    arrived_at = models.FloatField()
    queued_at = models.FloatField(null=True)
    answered_at = models.FloatField(null=True)
    ended_at = models.FloatField(db_index=True)
    ended_by = models.CharField(max_length=20)
    reason = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("call record")
        verbose_name_plural = _("call records")

    def __str__(self) -> str:
        return f"{self.call_id}: {self.outcome}"


class AgentStateInterval(models.Model):
    """A closed interval of one agent state, for adherence and reports.

    ``source`` is the command's place in the log (``<event seq>:<index>``),
    which makes re-execution after a crash idempotent.
    """

    source = models.CharField(max_length=40, unique=True)
    agent_id = models.CharField(max_length=40, db_index=True)
    state = models.CharField(max_length=20)
    reason = models.CharField(max_length=100, blank=True)
    start = models.FloatField()
    end = models.FloatField()

    class Meta:
        verbose_name = _("agent state interval")
        verbose_name_plural = _("agent state intervals")

    def __str__(self) -> str:
        return f"{self.agent_id} {self.state} {self.start}-{self.end}"


class QueueCallback(models.Model):
    """A callback the engine created for a caller (C1 offer accepted, T8 abandon).

    Kept here, with the caller's place in the queue, until the journal's
    callback list takes it over (``journal.services.schedule_callback``
    needs an agent and a contact, which a caller in a queue does not have).
    """

    call_id = models.CharField(max_length=100, unique=True)
    number = models.CharField(max_length=20)
    line = models.CharField(max_length=20)
    queue = models.CharField(max_length=40)
    language = models.CharField(max_length=8)
    place = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("queue callback")
        verbose_name_plural = _("queue callbacks")
        ordering = ["place"]

    def __str__(self) -> str:
        return f"callback {self.call_id} ({self.reason})"


class LiveState(models.Model):
    """The latest live state the runner published, for consumers connecting.

    Keys: ``board`` (the wall-board) and ``agent:<user id>`` (one agent's
    state and current call). Overwritten, never appended.
    """

    key = models.CharField(max_length=60, primary_key=True)
    data = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("live state")
        verbose_name_plural = _("live states")

    def __str__(self) -> str:
        return self.key


class IvrFlow(models.Model):
    """The IVR flow of one public number (T1, T2, T12), as administrators saved it.

    ``data`` is the flow as plain data (``telephony.flows``); it is checked
    by ``flows.flow_from_data`` and ``routing.ivr.validate_flow`` before it
    is saved, so the engine never loads a flow with a dead end.
    """

    line = models.OneToOneField(
        "accounts.PublicLine",
        verbose_name=_("line"),
        on_delete=models.CASCADE,
        related_name="ivr_flow",
    )
    data = models.JSONField(_("flow"))
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("IVR flow")
        verbose_name_plural = _("IVR flows")

    def __str__(self) -> str:
        return f"IVR {self.line_id}"
