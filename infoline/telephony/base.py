"""The telephony adapter contract: engine commands in, call progress out.

The routing engine (``infoline.routing``) decides; an adapter moves calls.
``infoline.telephony.runner`` sits between them: it persists every event
before the engine applies it, hands the engine's commands to the adapter
and asks the adapter for what happened on the network.

Theory of operation (one runner process, the single writer):

1. ``start(clock)`` once. The adapter may connect (SIP: the evapi socket to
   Kamailio, the ng socket to rtpengine) and must not emit anything yet.
2. After a restart the runner replays the persisted events into a fresh
   engine and calls ``restore(command, now)`` for every command they
   produce, in order. ``restore`` rebuilds the adapter's own bookkeeping and
   must not act on the network: those commands were (or were about to be)
   executed before the crash. A network adapter reconciles afterwards in
   ``resume``: the simulated one has nothing to reconcile; the SIP adapter
   compares with Kamailio's dialogs (``dlg.list``) and rtpengine's calls
   (``list``) and reports what ended meanwhile as events.
3. Live: ``execute(command, now)`` for each command of an accepted event,
   in order. Commands the adapter has nothing to do with (journal and
   timer commands, which the runner executes itself) are ignored.
4. ``next_due()`` tells when the adapter next has something to report;
   ``due(now)`` returns the events that happened up to ``now``, oldest
   first, each with the instant it happened. A push-driven adapter (SIP)
   returns ``now`` from ``next_due`` while its inbound buffer is not empty.
5. ``close()`` releases sockets; it is called on SIGTERM after the current
   event is finished.

Rules every adapter keeps (the contract suite in ``tests/telephony`` runs
them against ``simulated``; a ``sip`` adapter must pass the same suite):

- Event ids are deterministic: the same network happening always gets the
  same id (SIP: derived from the Call-ID and CSeq), so a retried or
  re-reported happening is rejected by the engine as a duplicate instead of
  acting twice.
- ``due`` never returns an event whose instant is earlier than an event it
  returned before.
- Errors are ``TelephonyError``; ``permanent=False`` means the runner may
  retry the command, ``permanent=True`` that the call is gone (the adapter
  then reports the end of the call as an event).

Mapping to Kamailio + rtpengine (``/work/shared/TELEPHONY.md``): ``Play``
with ``loop`` = ng ``play media`` on the caller's early-media leg;
``StopPlaying`` = ``stop media``; ``RingAgent`` = evapi ``route`` resuming
the suspended INVITE towards the agent; ``Bridge`` = the agent's 200 and
``rtpengine_answer``; ``Hold``/``Unhold``/``Redirect`` = B2BUA re-INVITE or
REFER; ``StartRecording`` = ng ``start recording``; ``Hangup`` = evapi
``reject`` or a BYE; ``CollectDigits`` = RFC 4733 DTMF collection.

Files to keep in sync: ``infoline/routing/commands.py`` and ``events.py``,
``runner.py``, ``simulated.py``.
"""

from __future__ import annotations

import abc
from typing import Protocol

from infoline.routing import Command, Event

__all__ = [
    "ADAPTER_COMMANDS",
    "Clock",
    "TelephonyAdapter",
    "TelephonyError",
    "TimedEvent",
]

# (instant the happening took place, the engine event reporting it)
TimedEvent = tuple[float, Event]

# Commands an adapter acts on; the runner executes the others itself
# (timers, journal, reports).
ADAPTER_COMMANDS = frozenset(
    {
        "Play",
        "StopPlaying",
        "AnnounceWait",
        "CollectDigits",
        "RingAgent",
        "StopRinging",
        "Bridge",
        "Hold",
        "Unhold",
        "StartRecording",
        "RecordMessage",
        "Redirect",
        "Hangup",
    }
)


class TelephonyError(Exception):
    """A telephony operation failed; ``permanent`` says whether to retry."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        """Keep the message and whether a retry can help."""
        super().__init__(message)
        self.permanent = permanent


class Clock(Protocol):
    """The runner's time source (seconds since the epoch, UTC).

    ``now`` never goes backwards. ``sleep_until`` returns at ``deadline``
    or earlier when woken (a virtual clock jumps there at once).
    """

    def now(self) -> float:
        """Return the current instant."""

    def sleep_until(self, deadline: float) -> None:
        """Wait until ``deadline`` (or less)."""


class TelephonyAdapter(abc.ABC):
    """Base of every adapter; see the module docstring for the protocol."""

    #: Name used by ``manage.py run_telephony --adapter``.
    name: str = ""
    #: Whether ``execute`` acts on the world (calls, media). The runner then
    #: calls it only once the event is committed (group commit); an adapter
    #: whose world lives in the runner's own process (``simulated``) is
    #: called at once, which keeps its schedule exact.
    acts_on_network: bool = True

    @abc.abstractmethod
    def start(self, clock: Clock) -> None:
        """Prepare to run under ``clock``; emit nothing yet."""

    @abc.abstractmethod
    def restore(self, command: Command, now: float) -> None:
        """Rebuild bookkeeping from a replayed command; never act on calls."""

    def resume(self, now: float) -> None:  # noqa: B027 -- optional hook, no-op by default
        """Reconcile with the network after ``restore``; default: nothing.

        Called once, after the replay and before the first ``due``.
        """

    @abc.abstractmethod
    def execute(self, command: Command, now: float) -> None:
        """Carry out ``command`` at ``now``; ignore commands not in
        ``ADAPTER_COMMANDS``. Raise ``TelephonyError`` on failure."""

    @abc.abstractmethod
    def next_due(self) -> float | None:
        """Return the instant of the next happening, ``None`` if none known."""

    @abc.abstractmethod
    def due(self, now: float) -> list[TimedEvent]:
        """Return the events that happened up to ``now``, oldest first."""

    def close(self) -> None:  # noqa: B027 -- optional hook, no-op by default
        """Release sockets and files; default: nothing to release."""
