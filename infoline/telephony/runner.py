"""The runner: the one process that owns the routing engine's live state.

Loop (single writer):

1. Take the next happening: a due engine timer, the adapter's next event,
   or a request from an agent's desk.
2. Log it: insert a ``RoutingEvent`` and commit. Only then
3. apply it: ``Engine.handle(event, now)``; a rejected event stays logged
   (the engine rejects it again on replay, deterministically).
4. Carry out the commands in order: timers here, call actions through the
   adapter, journal and report rows through their services, pushes to the
   desks and the wall-board through the channel layer (``outbox``).

Restart (``boot``): the logged events are replayed into a fresh engine;
their commands rebuild the timers and the adapter's bookkeeping
(``TelephonyAdapter.restore``), and the commands of the events logged after
the last checkpoint are carried out again. Every such command is
idempotent: ``open_contact`` per call id, rows unique per call or per
(event, command index). Events whose ids are already logged are not logged
twice (adapters give deterministic ids), so nothing is lost or doubled:
no waiting caller, no callback, no agent state, nobody left reserved (the
ring timer of a reserved agent is re-armed like every other timer).

Time: events are applied at the instant they happened (or the last applied
instant, if later), so under a ``VirtualClock`` the whole run is a function
of the traffic's seed; under a ``ScaledClock`` it follows the wall.

Known limit: replay starts from the first logged event; a production log
needs periodic engine snapshots (the snapshot is plain data) to bound the
restart time.
"""

from __future__ import annotations

import datetime
import functools
import heapq
import json
import logging
import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from infoline.routing import (
    AdapterEventError,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentSkillsChanged,
    AgentState,
    AgentStateChanged,
    Bridge,
    CallAnswered,
    CallEnded,
    CallHeld,
    CallRetrieved,
    CancelTimer,
    Command,
    ConsultAnswered,
    ConsultCancelled,
    CreateCallback,
    EmergencyMode,
    EmergencySwitched,
    EndedBy,
    Engine,
    Event,
    HoursFn,
    OpenContact,
    RecordAgentState,
    RecordOutcome,
    RingAgent,
    RingTimedOut,
    RoutingConfig,
    StartTimer,
    StopRinging,
    TimerFired,
    TransferCompleted,
    TransferRequested,
    WrapUpEnded,
    always_open,
)

from .base import Clock, TelephonyAdapter
from .codec import decode, encode
from .config import profile_of, user_id_of
from .models import (
    AgentStateInterval,
    CallRecord,
    DeskOp,
    DeskRequest,
    LiveState,
    QueueCallback,
    RoutingEvent,
    RunnerCheckpoint,
)

__all__ = ["WALLBOARD_GROUP", "Runner", "agent_group"]

log = logging.getLogger(__name__)

WALLBOARD_GROUP = "wallboard"


def agent_group(user_id: int) -> str:
    """Return the channel-layer group of one agent's desk."""
    return f"agent-{user_id}"


class _Timers:
    """The engine's timers: a heap with lazy cancellation."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, str]] = []
        self._live: dict[str, int] = {}
        self._seq = 0

    def start(self, timer_id: str, at: float) -> None:
        self._seq += 1
        self._live[timer_id] = self._seq
        heapq.heappush(self._heap, (at, self._seq, timer_id))

    def cancel(self, timer_id: str) -> None:
        self._live.pop(timer_id, None)

    def _clean(self) -> None:
        heap = self._heap
        while heap and self._live.get(heap[0][2]) != heap[0][1]:
            heapq.heappop(heap)

    def next_due(self) -> float | None:
        self._clean()
        return self._heap[0][0] if self._heap else None

    def pop(self) -> tuple[float, str]:
        self._clean()
        at, _seq, timer_id = heapq.heappop(self._heap)
        del self._live[timer_id]
        return at, timer_id


class Runner:
    """Feeds the engine, logs its inputs, carries out its commands."""

    def __init__(
        self,
        config: RoutingConfig,
        adapter: TelephonyAdapter,
        clock: Clock,
        *,
        name: str = "default",
        params: dict[str, Any] | None = None,
        is_open: HoursFn = always_open,
        checkpoint_every: int = 500,
        board_every_s: float = 1.0,
        desk_poll_s: float = 0.2,
        publish: bool = True,
        flush_every_s: float = 1.0,
        synchronous_commit: bool = True,
        batch_max: int = 100,
    ) -> None:
        """Prepare; nothing is read or written until ``boot``.

        ``synchronous_commit=False`` (PostgreSQL only) lets each commit of
        the log return before the server has flushed it to disk: about 15
        times faster. A killed runner still loses nothing (the server has
        the rows); a crash of the database server itself may lose the last
        fraction of a second of the log, which stays a consistent prefix.
        """
        self.synchronous_commit = synchronous_commit
        self.batch_max = batch_max
        self._batch: Any = None  # the open transaction of the current batch
        self._batch_n = 0
        self._after_commit: list[Callable[[], None]] = []
        self._held: list[tuple[str, dict[str, Any]]] = []
        self._rows: list[tuple[Any, ...]] = []
        self.config = config
        self.adapter = adapter
        self.clock = clock
        self.name = name
        self.params = params or {}
        self.is_open = is_open
        self.checkpoint_every = checkpoint_every
        self.board_every_s = board_every_s
        self.desk_poll_s = desk_poll_s
        self.publish = publish
        self.engine = Engine(config, is_open)
        self.outbox: list[tuple[str, dict[str, Any]]] = []
        self.applied = 0
        self.rejected = 0
        self.replayed = 0
        self._timers = _Timers()
        self._logged: set[str] = set()
        self._last_at = float("-inf")
        self._executed_seq = 0
        self._last_seq = 0
        self._since_checkpoint = 0
        self._next_board = 0.0
        self._next_desk_poll = 0.0
        self._call_agent: dict[str, str] = {}
        self._desk: dict[str, dict[str, Any]] = {}
        self._names: dict[str, str] = {}
        self._zone = ZoneInfo(settings.TIME_ZONE)
        self._today: tuple[datetime.date | None, dict[str, dict[str, int]]] = (
            None,
            {},
        )
        self._replaying = False
        # Lines in an emergency mode (S1): line -> mode, announcement, queue.
        self.emergency: dict[str, dict[str, Any]] = {}
        self._pending: list[Any] = []
        self.flush_every_s = flush_every_s
        self._next_flush = 0.0

    # --- start and restart ----------------------------------------------------

    def boot(self) -> int:
        """Replay the log (if any) and start the adapter; return events replayed.

        Raises ``ValueError`` when the log was written with other parameters
        (another seed or adapter): continuing it would not be the same run.
        """
        checkpoint, created = RunnerCheckpoint.objects.get_or_create(
            name=self.name,
            defaults={"adapter": self.adapter.name, "params": self.params},
        )
        if not created and (
            checkpoint.adapter != self.adapter.name or checkpoint.params != self.params
        ):
            raise ValueError(
                f"the event log of runner {self.name!r} was written by adapter "
                f"{checkpoint.adapter!r} with {checkpoint.params}; start it with the "
                "same parameters or clear it first"
            )
        self._executed_seq = checkpoint.executed_seq
        if not self.synchronous_commit and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO OFF")
        self.adapter.start(self.clock)
        self._replaying = True
        count = 0
        rows = RoutingEvent.objects.order_by("seq").values_list(
            "seq", "kind", "payload", "at"
        )
        for seq, kind, payload, at in rows.iterator(chunk_size=2000):
            event = decode(kind, payload)
            self._logged.add(event.event_id)
            self._last_at = max(self._last_at, at)
            self._last_seq = seq
            try:
                commands = self.engine.handle(event, at)
            except AdapterEventError:
                continue
            self._note(event)
            self._carry_out(commands, at, seq, live=seq > self._executed_seq)
            count += 1
        self._replaying = False
        self.replayed = count
        if count:
            log.info("runner %s: replayed %d events", self.name, count)
        self.adapter.resume(max(self._last_at, self.clock.now()))
        self._checkpoint()
        self._desk_states()
        return count

    @staticmethod
    def clear(name: str = "default") -> None:
        """Forget a runner's log and results (a fresh simulation)."""
        with transaction.atomic():
            RoutingEvent.objects.all().delete()
            RunnerCheckpoint.objects.filter(name=name).delete()
            DeskRequest.objects.filter(taken_at__isnull=True).delete()
            LiveState.objects.all().delete()

    # --- the loop -------------------------------------------------------------

    def next_due(self) -> float | None:
        """Return the instant of the next timer or adapter happening."""
        due = [
            t
            for t in (self._timers.next_due(), self.adapter.next_due())
            if t is not None
        ]
        return min(due) if due else None

    def step(self) -> bool:
        """Handle one due happening (timers first on a tie); desk requests
        are polled every ``desk_poll_s``. Return whether anything was done."""
        now = self.clock.now()
        did = False
        timer_at = self._timers.next_due()
        adapter_at = self.adapter.next_due()
        if (
            timer_at is not None
            and timer_at <= now
            and (adapter_at is None or timer_at <= adapter_at)
        ):
            at, timer_id = self._timers.pop()
            self.feed(TimerFired(f"timer:{timer_id}", timer_id), at)
            did = True
        elif adapter_at is not None and adapter_at <= now:
            for at, event in self.adapter.due(now):
                self.feed(event, at)
                did = True
        if not did or self._batch_n >= self.batch_max or not self._more_due(now):
            self.commit()
        real = time.monotonic()
        if self._pending and real >= self._next_flush:
            self._checkpoint()
        if real >= self._next_desk_poll:
            self._next_desk_poll = real + self.desk_poll_s
            did = self.take_desk_requests() or did
        if real >= self._next_board:
            self._next_board = real + self.board_every_s
            self.publish_board()
        return did

    def _more_due(self, now: float) -> bool:
        due = self.next_due()
        return due is not None and due <= now

    def run(
        self,
        *,
        until: float | None = None,
        max_events: int | None = None,
        stop: Callable[[], bool] = lambda: False,
        progress: Callable[[Runner], None] | None = None,
        progress_every: int = 1000,
    ) -> None:
        """Run until ``until`` (engine time), ``max_events`` or ``stop()``."""
        next_progress = progress_every
        try:
            while not stop():
                if max_events is not None and self.applied >= max_events:
                    break
                if self.step():
                    if progress is not None and self.applied >= next_progress:
                        next_progress = self.applied + progress_every
                        progress(self)
                    continue
                now = self.clock.now()
                due = self.next_due()
                target = due if due is not None else now + 1.0
                if until is not None and target > until:
                    if now >= until:
                        break
                    target = until
                self.clock.sleep_until(target)
        except BaseException:
            self.rollback()
            raise
        self._checkpoint()
        self.publish_board()
        self.commit()

    # --- one event ------------------------------------------------------------

    def feed(self, event: Event, at: float) -> list[Command]:
        """Log ``event``, apply it at ``at`` (or later) and carry out its commands.

        An event id already logged is skipped (it was handled before a
        restart, or an adapter reported it twice).
        """
        if event.event_id in self._logged:
            return []
        at = max(at, self._last_at)
        return self._apply(event, at, self._log(event, at))

    def _log(self, event: Event, at: float) -> int:
        """Add the event to the batch's log rows and return its sequence number.

        The rows go to the database in one statement when the batch
        commits, before anything the batch decided reaches the world
        (``commit``). The runner is the single writer, so it numbers the
        rows itself; a second runner on the same log fails on the key.
        """
        self._begin()
        self._batch_n += 1
        kind, payload = encode(event)
        seq = self._last_seq + 1
        self._rows.append(
            (seq, event.event_id, kind, json.dumps(payload), at, timezone.now())
        )
        self._last_seq = seq
        return seq

    def _write_rows(self) -> None:
        rows, self._rows = self._rows, []
        if not rows:
            return
        table = connection.ops.quote_name(RoutingEvent._meta.db_table)
        cast = "::jsonb" if connection.vendor == "postgresql" else ""
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (seq, event_id, kind, payload, at, recorded_at)"
                f" VALUES (%s, %s, %s, %s{cast}, %s, %s)",
                rows,
            )

    # --- group commit -----------------------------------------------------------

    def _begin(self) -> None:
        """Open the batch's transaction if none is open."""
        if self._batch is None:
            self._batch = transaction.atomic()
            self._batch.__enter__()

    def commit(self) -> None:
        """Commit the batch of logged events, then act on the world.

        Group commit: events of a batch are applied as they come (the
        engine and the runner's own bookkeeping), but everything the world
        sees (call actions of a network adapter, journal contacts, pushes)
        waits until the events are durable. A crash before the commit
        loses the batch and nothing that anyone saw.
        """
        if self._batch is not None:
            try:
                self._write_rows()
            except BaseException:
                self.rollback()
                raise
            batch, self._batch = self._batch, None
            self._batch_n = 0
            batch.__exit__(None, None, None)
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            action()
        if self._held:
            self.outbox.extend(self._held)
            self._held = []

    def rollback(self) -> None:
        """Abandon the open batch (after an unexpected error)."""
        self._rows = []
        if self._batch is not None:
            batch, self._batch = self._batch, None
            self._batch_n = 0
            batch.__exit__(RuntimeError, RuntimeError("rollback"), None)
        self._after_commit = []
        self._held = []

    def _apply(self, event: Event, at: float, seq: int) -> list[Command]:
        self._logged.add(event.event_id)
        self._last_at = at
        self._last_seq = seq
        try:
            commands = self.engine.handle(event, at)
        except AdapterEventError as exc:
            self.rejected += 1
            log.info("rejected %s: %s", event, exc)
            self._desk_error(event, str(exc))
            return []
        self.applied += 1
        self._note(event)
        self._carry_out(
            commands, at, seq, live=True, agent=getattr(event, "agent_id", None)
        )
        self._since_checkpoint += 1
        if self._since_checkpoint >= self.checkpoint_every:
            self._checkpoint()
        elif self._batch_n >= self.batch_max:
            self.commit()
        return commands

    def _note(self, event: Event) -> None:
        """Keep what the wall-board shows of an accepted supervisor event."""
        if isinstance(event, EmergencySwitched):
            if event.mode is EmergencyMode.OFF:
                self.emergency.pop(event.line, None)
            else:
                self.emergency[event.line] = {
                    "mode": event.mode.value,
                    "announcement": event.announcement,
                    "to_queue": event.to_queue,
                }

    def _checkpoint(self) -> None:
        """Write the buffered result rows, then move the checkpoint past them.

        Result rows (outcomes, intervals, callbacks) are written in batches:
        if the runner dies first, the checkpoint has not moved and the
        restart writes them again from the log (unique keys make that
        idempotent).
        """
        self.commit()
        self._since_checkpoint = 0
        self._next_flush = time.monotonic() + self.flush_every_s
        pending, self._pending = self._pending, []
        by_model: dict[type[Any], list[Any]] = {}
        for row in pending:
            by_model.setdefault(type(row), []).append(row)
        with transaction.atomic():
            for model, rows in by_model.items():
                model.objects.bulk_create(rows, ignore_conflicts=True)
            self._executed_seq = max(self._executed_seq, self._last_seq)
            RunnerCheckpoint.objects.filter(name=self.name).update(
                executed_seq=self._executed_seq
            )

    # --- commands ---------------------------------------------------------------

    def _carry_out(
        self,
        commands: list[Command],
        at: float,
        seq: int,
        *,
        live: bool,
        agent: str | None = None,
    ) -> None:
        """Execute commands; ``live`` False while replaying already executed ones.

        ``agent``: the agent the event was about, whose desk is updated even
        when no command names them (a log-in).
        """
        touched: dict[str, None] = {} if agent is None else {agent: None}
        for index, cmd in enumerate(commands):
            if isinstance(cmd, StartTimer):
                self._timers.start(cmd.timer_id, cmd.at)
                continue
            if isinstance(cmd, CancelTimer):
                self._timers.cancel(cmd.timer_id)
                continue
            if self._replaying:
                self.adapter.restore(cmd, at)
            elif self.adapter.acts_on_network:
                self._after_commit.append(
                    functools.partial(self.adapter.execute, cmd, at)
                )
            else:
                self.adapter.execute(cmd, at)
            if isinstance(cmd, RecordOutcome):
                self._count_outcome(cmd)
                self._call_ended(cmd.call_id)
            elif isinstance(cmd, Bridge) and not cmd.consult:
                self._count_answer(cmd.call_id, at)
            if isinstance(cmd, RingAgent):
                self._call_agent[cmd.call_id] = cmd.agent_id
                touched[cmd.agent_id] = None
                self._offer(cmd)
            elif isinstance(cmd, StopRinging | Bridge | RecordAgentState):
                touched[cmd.agent_id] = None
                if isinstance(cmd, Bridge) and cmd.consult:
                    # The consulting agent sees that the colleague picked up.
                    handler = (self.engine.call_details(cmd.call_id) or {}).get("agent")
                    if handler is not None:
                        touched[handler] = None
            if not live:
                continue
            if isinstance(cmd, OpenContact):
                self._after_commit.append(functools.partial(self._open_contact, cmd))
            elif isinstance(cmd, CreateCallback):
                self._after_commit.append(
                    functools.partial(self._journal_callback, cmd, at)
                )
                self._pending.append(
                    QueueCallback(
                        call_id=cmd.call_id,
                        number=cmd.number,
                        line=cmd.line,
                        queue=cmd.queue_id,
                        language=cmd.language,
                        place=cmd.place,
                        reason=cmd.reason,
                    )
                )
            elif isinstance(cmd, RecordOutcome):
                self._record_outcome(cmd)
            elif isinstance(cmd, RecordAgentState):
                self._record_interval(cmd, f"{seq}:{index}")
        for agent_id in touched:
            self._sync_desk(agent_id)

    def _record_outcome(self, cmd: RecordOutcome) -> None:
        self._pending.append(
            CallRecord(
                call_id=cmd.call_id,
                line=cmd.line,
                queue=cmd.queue_id or "",
                outcome=cmd.outcome,
                arrived_at=cmd.arrived_at,
                queued_at=cmd.queued_at,
                answered_at=cmd.answered_at,
                ended_at=cmd.ended_at,
                ended_by=cmd.ended_by,
                reason=(cmd.reason or "")[:100],
            )
        )

    def _call_ended(self, call_id: str) -> None:
        agent_id = self._call_agent.pop(call_id, None)
        if agent_id is None or user_id_of(agent_id) is None:
            return
        desk = self._desk.setdefault(agent_id, {})
        if (desk.get("call") or {}).get("call_id") == call_id:
            desk["call"] = None
        self._send_agent(agent_id, {"op": "ended", "call_id": call_id})

    def _record_interval(self, cmd: RecordAgentState, source: str) -> None:
        self._pending.append(
            AgentStateInterval(
                source=source,
                agent_id=cmd.agent_id,
                state=cmd.state,
                reason=(cmd.reason or "")[:100],
                start=cmd.start,
                end=cmd.end,
            )
        )

    def _journal_callback(self, cmd: CreateCallback, at: float) -> None:
        """Put the line's callback on the agents' work lists (C1, T6, T8).

        Idempotent per call, so re-executing commands after a crash adds none.
        """
        import datetime

        from infoline.journal.choices import CallbackOrigin
        from infoline.journal.services import schedule_line_callback

        schedule_line_callback(
            phone=cmd.number,
            line_number=cmd.line,
            origin=CallbackOrigin.DROPPED
            if cmd.reason == "abandoned"
            else CallbackOrigin.QUEUE,
            call_id=cmd.call_id,
            at=datetime.datetime.fromtimestamp(at, tz=datetime.UTC),
        )

    def _open_contact(self, cmd: OpenContact) -> None:
        """Open the journal contact for a person (robots have no journal)."""
        from infoline.accounts.models import PublicLine, User
        from infoline.journal.services import open_contact

        user_id = user_id_of(cmd.agent_id)
        if user_id is None:
            return
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            log.warning("open contact: no user %s", user_id)
            return
        line_id = (
            PublicLine.objects.filter(number=cmd.line)
            .values_list("pk", flat=True)
            .first()
        )
        contact = open_contact(
            user,
            channel="phone",
            phone=cmd.caller or "",
            line_id=line_id,
            ivr_choice=_ivr_choice(cmd.language, cmd.queue_id, cmd.choices),
            call_id=cmd.call_id,
        )
        try:
            url = reverse("clients:card", kwargs={"pk": contact.pk})
        except NoReverseMatch:  # pragma: no cover - the clients app provides it
            url = ""
        desk = self._desk.setdefault(cmd.agent_id, {})
        if desk.get("call"):
            desk["call"]["contact_id"] = contact.pk
            desk["call"]["contact_url"] = url
        self._send_agent(
            cmd.agent_id,
            {
                "op": "answered",
                "call_id": cmd.call_id,
                "contact_id": contact.pk,
                "contact_url": url,
            },
        )
        self._sync_desk(cmd.agent_id)  # stored for desks that connect later

    # --- desks ------------------------------------------------------------------

    def _offer(self, cmd: RingAgent) -> None:
        if user_id_of(cmd.agent_id) is None or self._replaying:
            return
        details = self.engine.call_details(cmd.call_id) or {}
        call = {
            "call_id": cmd.call_id,
            "number": details.get("caller") or "",
            "line": details.get("line", ""),
            "line_name": _line_name(details.get("line", "")),
            "ivr_choice": _ivr_choice(
                details.get("language", ""),
                details.get("queue"),
                tuple(details.get("choices", ())),
            ),
            "consult": cmd.consult,
            "contact_id": None,
            "contact_url": "",
        }
        self._desk.setdefault(cmd.agent_id, {})["call"] = call
        self._send_agent(cmd.agent_id, {"op": "offer", **call})

    def _sync_desk(self, agent_id: str) -> None:
        """Push the agent's state and keep it for desks that connect later."""
        user_id = user_id_of(agent_id)
        if user_id is None or self._replaying:
            return
        board = self.engine.agent_board().get(agent_id)
        if board is None:
            return
        desk = self._desk.setdefault(agent_id, {})
        if board["call"] is None and desk.get("call"):
            desk["call"] = None
        if board["call"] is not None and desk.get("call"):
            desk["call"] = self._call_phase(agent_id, board["call"], desk["call"])
        state = {
            "state": board["state"],
            "reason": board["reason"],
            "since": board["since"],
            "call": desk.get("call"),
        }
        LiveState.objects.update_or_create(
            key=f"agent:{user_id}", defaults={"data": state}
        )
        self._send_agent(agent_id, {"op": "state", **state})

    def _call_phase(
        self, agent_id: str, call_id: str, call: dict[str, Any]
    ) -> dict[str, Any]:
        """Return the desk's call with where it stands: held, consulting...

        ``consult`` is true for the colleague being consulted (T7);
        ``colleague`` names the other agent of a consultation and
        ``colleague_state`` says whether the consulted one has picked up.
        """
        details = self.engine.call_details(call_id)
        if details is None:
            return call
        handler, consulted = details["agent"], details["consult_agent"]
        call = {
            **call,
            "phase": details["state"],
            "consult": consulted == agent_id,
            "colleague": "",
            "colleague_state": "",
        }
        if consulted is not None and handler == agent_id:
            state = self.engine.agent_state(consulted)
            call["colleague"] = self._name(consulted)
            call["colleague_state"] = "" if state is None else state.value
        elif consulted == agent_id and handler is not None:
            call["colleague"] = self._name(handler)
        return call

    def _desk_states(self) -> None:
        """After a restart: the state of every known person, for their desk."""
        for agent_id in self.engine.agent_board():
            self._sync_desk(agent_id)

    def _send_agent(self, agent_id: str, event: dict[str, Any]) -> None:
        user_id = user_id_of(agent_id)
        if user_id is None or self._replaying or not self.publish:
            return
        message = (agent_group(user_id), {"type": "agent.event", "event": event})
        if self._batch is None:
            self.outbox.append(message)  # the event is durable already
        else:
            self._held.append(message)

    def _desk_error(self, event: Event, message: str) -> None:
        """Tell the person why the phone refused their request, in their language.

        The engine's own message (English, for the log) is kept as ``detail``.
        """
        if not event.event_id.startswith("desk:"):
            return
        agent_id = getattr(event, "agent_id", None)
        user_id = None if agent_id is None else user_id_of(agent_id)
        if agent_id is None or user_id is None:
            return
        from infoline.accounts.models import User

        user = User.objects.filter(pk=user_id).first()
        language = (user.language if user else "") or settings.LANGUAGE_CODE
        with translation.override(language):
            text = _refusal(event)
        self._send_agent(
            agent_id, {"op": "refused", "message": text, "detail": message}
        )

    def take_desk_requests(self) -> bool:
        """Turn waiting desk requests into logged events, oldest first."""
        did = False
        while True:
            self._begin()
            with transaction.atomic():
                request = (
                    DeskRequest.objects.filter(taken_at__isnull=True)
                    .select_related("agent")
                    .order_by("pk")
                    .first()
                )
                if request is None:
                    break
                event = self._desk_event(request)
                at = max(self.clock.now(), self._last_at)
                seq = self._log(event, at)
                request.taken_at = timezone.now()
                request.save(update_fields=["taken_at"])
            self._apply(event, at, seq)
            did = True
        self.commit()  # a person waits for the answer
        return did

    def _desk_event(self, request: DeskRequest) -> Event:
        """Translate a desk request into the engine event it stands for."""
        agent_id = str(request.agent_id)
        eid = f"desk:{request.pk}"
        op = request.op
        if op == DeskOp.LOG_IN:
            skills, languages = profile_of(request.agent.role)
            from .models import AgentProfile

            # Skills a team lead set (S1) replace the role's defaults.
            profile = AgentProfile.objects.filter(agent_id=request.agent_id).first()
            if profile is not None:
                skills = tuple(sorted(profile.skills.items()))
                languages = tuple(sorted(profile.languages.items()))
            return AgentLoggedIn(eid, agent_id, skills, languages)
        if op == DeskOp.LOG_OUT:
            return AgentLoggedOut(eid, agent_id)
        if op == DeskOp.READY:
            return AgentStateChanged(eid, agent_id, True)
        if op == DeskOp.NOT_READY:
            return AgentStateChanged(eid, agent_id, False, request.reason or "break")
        if op == DeskOp.WRAP_UP_DONE:
            return WrapUpEnded(eid, agent_id)
        params = request.params or {}
        if op == DeskOp.SKILLS:
            return AgentSkillsChanged(
                eid,
                agent_id,
                tuple(sorted(params.get("skills", {}).items())),
                tuple(sorted(params.get("languages", {}).items())),
            )
        if op == DeskOp.EMERGENCY:
            return EmergencySwitched(
                eid,
                str(params.get("line", "")),
                EmergencyMode(params.get("mode", "off")),
                str(params.get("announcement") or ""),
                params.get("to_queue"),
            )
        current = self.engine.agent_board().get(agent_id, {}).get("call")
        call_id = request.call_id or current or ""
        if op == DeskOp.ANSWER:
            details = self.engine.call_details(call_id) or {}
            if details.get("consult_agent") == agent_id:
                return ConsultAnswered(eid, call_id, agent_id)
            return CallAnswered(eid, call_id, agent_id)
        if op == DeskOp.HOLD:
            return CallHeld(eid, call_id, agent_id)
        if op == DeskOp.RETRIEVE:
            return CallRetrieved(eid, call_id, agent_id)
        if op in (DeskOp.TRANSFER, DeskOp.CONSULT):
            return TransferRequested(
                eid,
                call_id,
                agent_id,
                to_agent=params.get("to_agent"),
                to_queue=params.get("to_queue"),
                to_extension=params.get("to_extension"),
                consult=op == DeskOp.CONSULT,
            )
        if op == DeskOp.COMPLETE_TRANSFER:
            return TransferCompleted(eid, call_id, agent_id)
        if op == DeskOp.CANCEL_CONSULT:
            return ConsultCancelled(eid, call_id, agent_id)
        assert op == DeskOp.HANG_UP, op  # DeskOp is exhaustive
        details = self.engine.call_details(call_id) or {}
        if details.get("consult_agent") == agent_id:
            # The consulted colleague declines or leaves: the caller goes
            # back to the consulting agent (who may take a message, T7).
            return ConsultCancelled(eid, call_id, agent_id)
        if self.engine.agent_state(agent_id) is AgentState.RINGING:
            # Declining an offer is not ending the caller's call: the call
            # goes back to its place and the agent becomes not ready.
            return RingTimedOut(eid, call_id, agent_id)
        return CallEnded(eid, call_id, EndedBy.AGENT, request.reason or None)

    # --- wall-board ---------------------------------------------------------------

    def _today_entry(self, at: float, queue_id: str) -> dict[str, int]:
        """Return today's counters of a queue (the local date of ``at``)."""
        day = datetime.datetime.fromtimestamp(at, self._zone).date()
        current, counts = self._today
        if current != day:
            counts = {}
            self._today = (day, counts)
        return counts.setdefault(
            queue_id,
            {"answered": 0, "answered_in_sl": 0, "abandoned": 0, "callbacks": 0},
        )

    def _count_answer(self, call_id: str, at: float) -> None:
        """Count a call as answered when first answered (not at its end)."""
        details = self.engine.call_details(call_id)
        if details is None or details["answered_at"] != at:
            return  # a transfer's bridge, not the first answer
        queue_id = details["queue"]
        entry = self._today_entry(at, queue_id)
        entry["answered"] += 1
        if at - details["queued_at"] <= self.config.queues[queue_id].service_level_s:
            entry["answered_in_sl"] += 1

    def _count_outcome(self, cmd: RecordOutcome) -> None:
        """Count an abandoned call or a callback on the day it ended."""
        if cmd.queue_id is None or cmd.outcome not in ("abandoned", "callback"):
            return
        entry = self._today_entry(cmd.ended_at, cmd.queue_id)
        entry["abandoned" if cmd.outcome == "abandoned" else "callbacks"] += 1

    def board(self) -> dict[str, Any]:
        """Return the wall-board: queues, agents by state, today's figures.

        Service level = calls answered within the queue's target over calls
        answered or abandoned today (callbacks are neither).
        """
        now = max(self._last_at, self.clock.now())
        live = self.engine.queue_board(now)
        _day, today = self._today
        queues = []
        totals = {"waiting": 0, "answered": 0, "answered_in_sl": 0, "abandoned": 0}
        longest = 0.0
        for queue_id, queue in self.config.queues.items():
            counts = today.get(queue_id, {})
            answered = counts.get("answered", 0)
            in_sl = counts.get("answered_in_sl", 0)
            abandoned = counts.get("abandoned", 0)
            waiting = live[queue_id]["waiting"]
            queues.append(
                {
                    "id": queue_id,
                    "waiting": waiting,
                    "longest_wait_s": round(live[queue_id]["longest_wait_s"]),
                    "answered": answered,
                    "abandoned": abandoned,
                    "callbacks": counts.get("callbacks", 0),
                    "service_level": _percent(in_sl, answered + abandoned),
                    "target_s": queue.service_level_s,
                }
            )
            totals["waiting"] += waiting
            totals["answered"] += answered
            totals["answered_in_sl"] += in_sl
            totals["abandoned"] += abandoned
            longest = max(longest, live[queue_id]["longest_wait_s"])
        agents = self.engine.agent_board()
        by_state: dict[str, int] = {}
        people = []
        for agent_id, entry in agents.items():
            if entry["state"] == "logged_out":
                continue
            by_state[entry["state"]] = by_state.get(entry["state"], 0) + 1
            people.append(
                {
                    "name": self._name(agent_id),
                    "robot": user_id_of(agent_id) is None,
                    "state": entry["state"],
                    "reason": entry["reason"] or "",
                    "for_s": round(now - entry["since"]),
                }
            )
        people.sort(key=lambda p: (p["state"], p["name"]))
        return {
            "at": now,
            "queues": queues,
            "total": {
                "waiting": totals["waiting"],
                "longest_wait_s": round(longest),
                "answered": totals["answered"],
                "abandoned": totals["abandoned"],
                "service_level": _percent(
                    totals["answered_in_sl"], totals["answered"] + totals["abandoned"]
                ),
            },
            "agents": by_state,
            "people": people,
            "emergency": dict(self.emergency),
        }

    def publish_board(self) -> None:
        """Store the wall-board for new viewers and push it to the open ones."""
        data = self.board()
        LiveState.objects.update_or_create(key="board", defaults={"data": data})
        if self.publish:
            message = (WALLBOARD_GROUP, {"type": "board.update", "board": data})
            (self.outbox if self._batch is None else self._held).append(message)

    def _name(self, agent_id: str) -> str:
        name = self._names.get(agent_id)
        if name is None:
            from infoline.accounts.models import User

            user_id = user_id_of(agent_id)
            user = User.objects.filter(pk=user_id).first() if user_id else None
            name = (user.get_full_name() or user.username) if user else agent_id
            self._names[agent_id] = name
        return name

    def drain_outbox(self) -> list[tuple[str, dict[str, Any]]]:
        """Return and forget the messages to publish, oldest first."""
        out, self.outbox = self.outbox, []
        return out


def _refusal(event: Event) -> str:
    """Return the translated reason a desk request was refused."""
    if isinstance(event, CallAnswered | ConsultAnswered):
        return gettext("The call is no longer waiting for you.")
    if isinstance(event, TransferRequested):
        return gettext(
            "The call cannot be transferred now: the colleague is not free, "
            "or you have no call to transfer."
        )
    if isinstance(event, AgentSkillsChanged):
        return gettext("Your new skills apply when you start work.")
    if isinstance(event, TransferCompleted):
        return gettext("The colleague has not picked up yet.")
    if isinstance(event, ConsultCancelled):
        return gettext("You have no consultation to end.")
    if isinstance(event, CallHeld | CallRetrieved | CallEnded | RingTimedOut):
        return gettext("You have no call to do that with.")
    if isinstance(event, AgentLoggedIn):
        return gettext("You have already started work.")
    if isinstance(event, AgentLoggedOut):
        return gettext("Finish the call before you end work.")
    if isinstance(event, WrapUpEnded):
        return gettext("You are not in after-call work.")
    return gettext("Not possible in your present state.")


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def _ivr_choice(language: str, queue: str | None, choices: tuple[str, ...]) -> str:
    """Describe what the caller chose: language, queue, keys pressed."""
    keys = "".join(choices)
    return f"{language} / {queue or '-'} ({keys})"[:100]


def _line_name(number: str) -> str:
    from infoline.accounts.models import PublicLine

    return (
        PublicLine.objects.filter(number=number).values_list("name", flat=True).first()
        or number
    )
