"""Random event sequences (hypothesis) checking the engine's guarantees.

After every event: no caller lost or counted twice; no agent offered two
calls; priority then FIFO within each requirement; work conservation; no
stuck reservation or wrap-up; every call ends with exactly one outcome;
rejected events change nothing; replaying the accepted events into a fresh
engine gives an equal snapshot.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import event as note_event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from infoline.routing import (
    AdapterEventError,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentSkillsChanged,
    AgentStateChanged,
    CallAnswered,
    CallArrived,
    CallbackAccepted,
    CallEnded,
    CallHeld,
    CallRetrieved,
    CallState,
    Command,
    ConsultAnswered,
    ConsultCancelled,
    DigitsPressed,
    EmergencyMode,
    EmergencySwitched,
    EndedBy,
    Event,
    RecordAgentState,
    RecordOutcome,
    RingAgent,
    RingTimedOut,
    TimerFired,
    TransferCompleted,
    TransferRequested,
    WrapUpEnded,
)

from .helpers import INFO, MAIN, VACANCY, Driver, new_engine

AGENTS = {
    "a1": ((("benefits", 2),), (("et", 3), ("ru", 1))),
    "a2": ((("benefits", 1), ("employers", 1)), (("et", 2),)),
    "a3": ((("employers", 2),), (("ru", 3), ("et", 1))),
    "a4": ((("consult", 1),), (("et", 1),)),
}
SKILL_SETS = [
    ((("benefits", 1),), (("ru", 1),)),
    ((("employers", 1), ("consult", 1)), (("et", 1), ("ru", 1))),
    ((), ()),
]
LINES = [MAIN, MAIN, VACANCY, INFO]
DIGITS = ["1", "2", "3", "", "9", "38001010000#"]
OUTCOMES = {"ANSWERED", "ABANDONED", "CALLBACK", "CLOSED_MESSAGE"}

pick = st.integers(min_value=0, max_value=10**6)


class RoutingMachine(RuleBasedStateMachine):
    """Drive one engine with random but mostly plausible events."""

    def __init__(
        self, record_events: bool = True, check_each_event: bool = True
    ) -> None:
        super().__init__()
        self.record_events = record_events
        self.check_each_event = check_each_event
        self.d = Driver()
        self.calls: list[str] = []
        self.recorded: set[str] = set()
        self.interval_end: dict[str, float] = {}

    # --- plumbing ---------------------------------------------------------

    def note(self, text: str) -> None:
        if self.record_events:
            note_event(text)

    @property
    def snap(self) -> dict[str, Any]:
        return self.d.engine.snapshot()

    def send(self, event: Event) -> None:
        engine = self.d.engine
        before = engine.snapshot()
        rejected = len(engine.rejected)
        try:
            out = self.d.send(event)
        except AdapterEventError:
            self.note(f"rejected {type(event).__name__}")
            assert engine.snapshot() == before, "a rejected event changed the state"
            assert len(engine.rejected) == rejected + 1
            assert engine.rejected[-1].event is event
            return
        self.note(f"accepted {type(event).__name__}")
        self.check_commands(event, out, before)
        if self.check_each_event:
            # After every accepted event, not only after every rule (a rule
            # may send several events); replay is checked after every rule.
            self.no_caller_lost_or_counted_twice()
            self.no_agent_offered_two_calls()
            self.nobody_idle_while_a_call_waits()
            self.nothing_sticks()

    def check_commands(
        self, event: Event, out: list[Command], before: dict[str, Any]
    ) -> None:
        after = self.snap
        for cmd in out:
            if isinstance(cmd, RecordOutcome):
                assert cmd.call_id not in self.recorded, f"{cmd.call_id} ended twice"
                self.note(f"outcome {cmd.outcome}")
                self.recorded.add(cmd.call_id)
            elif isinstance(cmd, RecordAgentState):
                assert cmd.end >= cmd.start
                prev = self.interval_end.get(cmd.agent_id)
                assert prev is None or prev == cmd.start, (
                    "agent intervals must be contiguous"
                )
                self.interval_end[cmd.agent_id] = cmd.end
            elif (
                isinstance(cmd, RingAgent)
                and not cmd.consult
                and not isinstance(event, TransferRequested)
            ):
                self.note("offered from a queue")
                self.check_fifo(cmd.call_id, cmd.agent_id, after)

    def check_fifo(self, call_id: str, agent_id: str, after: dict[str, Any]) -> None:
        """The offered call was first, by priority then FIFO, of every
        requirement the call waited under and the agent meets."""
        call = after["calls"].get(call_id)
        if call is None or call["state"] != "RINGING" or call["agent"] != agent_id:
            return  # offered, then ended or re-queued within the same event
        for label in call["requirements"]:
            if label not in after["agents"][agent_id]["requirements"]:
                continue
            for other, priority, place in after["waiting"].get(label, []):
                assert priority < call["priority"] or (
                    priority == call["priority"] and place > call["place"]
                ), (
                    f"{other} (priority {priority}, place {place}) was passed over by {call_id}"
                )

    def pick_call(
        self, n: int, states: tuple[str, ...] | None = None
    ) -> tuple[str, dict[str, Any]] | None:
        calls = self.snap["calls"]
        ids = [
            cid for cid, c in calls.items() if states is None or c["state"] in states
        ]
        if not ids:
            return None
        cid = ids[n % len(ids)]
        return cid, calls[cid]

    # --- rules: calls -------------------------------------------------------

    @initialize(ready=st.lists(st.sampled_from(list(AGENTS)), max_size=4, unique=True))
    def staff(self, ready: list[str]) -> None:
        """Start with everyone logged in and some ready, so calls flow early."""
        for agent, (skills, languages) in AGENTS.items():
            self.send(AgentLoggedIn(self.d.next_id(), agent, skills, languages))
        for agent in ready:
            self.send(AgentStateChanged(self.d.next_id(), agent, True))

    @rule(
        line=st.sampled_from(LINES),
        anonymous=st.booleans(),
        prev=st.sampled_from([None, "a1", "a2"]),
        keys=st.lists(st.sampled_from(DIGITS), max_size=3),
    )
    def arrive(
        self, line: str, anonymous: bool, prev: str | None, keys: list[str]
    ) -> None:
        call_id = f"c{len(self.calls) + 1}"
        self.calls.append(call_id)
        caller = None if anonymous else f"+3725{len(self.calls):07d}"
        self.send(CallArrived(self.d.next_id(), call_id, line, caller, prev))
        # Walk part of the IVR at once, so that calls reach the queues often.
        for digits in keys:
            if self.d.engine.call_state(call_id) is not CallState.IVR:
                break
            self.send(DigitsPressed(self.d.next_id(), call_id, digits))

    @rule(n=pick, digits=st.sampled_from(DIGITS))
    def press(self, n: int, digits: str) -> None:
        found = self.pick_call(n, ("IVR", "QUEUED"))
        if found:
            self.send(DigitsPressed(self.d.next_id(), found[0], digits))

    @rule(n=pick)
    def answer(self, n: int) -> None:
        found = self.pick_call(n, ("RINGING", "CONSULTING"))
        if found:
            cid, call = found
            if call["state"] == "RINGING":
                self.send(CallAnswered(self.d.next_id(), cid, call["agent"]))
            elif call["consult_agent"]:
                self.send(ConsultAnswered(self.d.next_id(), cid, call["consult_agent"]))

    @rule(n=pick)
    def ring_times_out(self, n: int) -> None:
        found = self.pick_call(n, ("RINGING", "CONSULTING"))
        if found:
            cid, call = found
            agent = (
                call["agent"] if call["state"] == "RINGING" else call["consult_agent"]
            )
            if agent:
                self.send(RingTimedOut(self.d.next_id(), cid, agent))

    @rule(n=pick, hold=st.booleans())
    def hold_or_retrieve(self, n: int, hold: bool) -> None:
        found = self.pick_call(n, ("TALKING", "HELD"))
        if found:
            cid, call = found
            kind = CallHeld if hold else CallRetrieved
            self.send(kind(self.d.next_id(), cid, call["agent"]))

    @rule(
        n=pick,
        kind=st.sampled_from(["queue", "agent", "extension", "consult"]),
        who=st.sampled_from(list(AGENTS)),
    )
    def transfer(self, n: int, kind: str, who: str) -> None:
        found = self.pick_call(n, ("TALKING", "HELD"))
        if found:
            cid, call = found
            targets: dict[str, dict[str, Any]] = {
                "queue": {"to_queue": "employers"},
                "agent": {"to_agent": who},
                "extension": {"to_extension": "1234"},
                "consult": {"to_agent": who, "consult": True},
            }
            event = TransferRequested(
                self.d.next_id(), cid, call["agent"], **targets[kind]
            )
            self.send(event)

    @rule(n=pick, complete=st.booleans())
    def finish_consult(self, n: int, complete: bool) -> None:
        found = self.pick_call(n, ("CONSULTING",))
        if found:
            cid, call = found
            if complete:
                self.send(TransferCompleted(self.d.next_id(), cid, call["agent"]))
            else:
                self.send(ConsultCancelled(self.d.next_id(), cid, call["agent"]))

    @rule(n=pick, by=st.sampled_from(list(EndedBy)))
    def end(self, n: int, by: EndedBy) -> None:
        found = self.pick_call(n)
        if found:
            self.send(CallEnded(self.d.next_id(), found[0], by))

    @rule(n=pick, by=st.sampled_from(list(EndedBy)))
    def end_conversation(self, n: int, by: EndedBy) -> None:
        found = self.pick_call(n, ("TALKING", "HELD", "CONSULTING"))
        if found:
            self.send(CallEnded(self.d.next_id(), found[0], by))

    @rule(n=pick)
    def accept_callback(self, n: int) -> None:
        found = self.pick_call(n, ("QUEUED",))
        if found:
            self.send(CallbackAccepted(self.d.next_id(), found[0]))

    # --- rules: agents --------------------------------------------------------

    @rule(agent=st.sampled_from(list(AGENTS)), ready=st.booleans())
    def log_in(self, agent: str, ready: bool) -> None:
        skills, languages = AGENTS[agent]
        self.send(AgentLoggedIn(self.d.next_id(), agent, skills, languages))
        if ready:
            self.send(AgentStateChanged(self.d.next_id(), agent, True))

    @rule(agent=st.sampled_from(list(AGENTS)))
    def log_out(self, agent: str) -> None:
        self.send(AgentLoggedOut(self.d.next_id(), agent))

    @rule(agent=st.sampled_from(list(AGENTS)), ready=st.booleans())
    def set_state(self, agent: str, ready: bool) -> None:
        self.send(
            AgentStateChanged(
                self.d.next_id(), agent, ready, None if ready else "break"
            )
        )

    @rule(agent=st.sampled_from(list(AGENTS)))
    def make_ready(self, agent: str) -> None:
        # Readiness is what makes calls flow; give it its own, likelier rule.
        self.send(AgentStateChanged(self.d.next_id(), agent, True))

    @rule(agent=st.sampled_from(list(AGENTS)), n=pick)
    def change_skills(self, agent: str, n: int) -> None:
        skills, languages = SKILL_SETS[n % len(SKILL_SETS)]
        self.send(AgentSkillsChanged(self.d.next_id(), agent, skills, languages))

    @rule(agent=st.sampled_from(list(AGENTS)))
    def wrap_up(self, agent: str) -> None:
        self.send(WrapUpEnded(self.d.next_id(), agent))

    # --- rules: time, supervision, nonsense ---------------------------------------

    @rule(n=pick, early=st.booleans())
    def fire_timer(self, n: int, early: bool) -> None:
        timers = self.snap["timers"]
        if not timers:
            return
        timer_id = sorted(timers)[n % len(timers)]
        at = timers[timer_id][2]
        if not early:
            self.d.now = max(self.d.now, at)
        self.send(TimerFired(self.d.next_id(), timer_id))

    @rule(seconds=st.sampled_from([1.0, 5.0, 30.0, 120.0, 1.0, 5.0, 30.0, 12 * 3600.0]))
    def advance(self, seconds: float) -> None:
        self.d.advance(seconds)

    @rule(
        line=st.sampled_from([MAIN, VACANCY]), mode=st.sampled_from(list(EmergencyMode))
    )
    def emergency(self, line: str, mode: EmergencyMode) -> None:
        queue = "office" if mode is EmergencyMode.OVERFLOW else None
        self.send(
            EmergencySwitched(self.d.next_id(), line, mode, "emergency-closed", queue)
        )

    @rule(n=pick)
    def resend_accepted(self, n: int) -> None:
        if self.d.accepted:
            event, _ = self.d.accepted[n % len(self.d.accepted)]
            self.send(event)

    @rule(n=pick, agent=st.sampled_from([*AGENTS, "ghost"]))
    def nonsense(self, n: int, agent: str) -> None:
        call = self.calls[n % len(self.calls)] if self.calls else "nowhere"
        events: list[Event] = [
            CallAnswered(self.d.next_id(), call, agent),
            CallHeld(self.d.next_id(), call, agent),
            ConsultAnswered(self.d.next_id(), call, agent),
            TransferCompleted(self.d.next_id(), call, agent),
            DigitsPressed(self.d.next_id(), call, "1"),
            TimerFired(self.d.next_id(), "ring:nowhere:1"),
        ]
        self.send(events[n % len(events)])

    # --- invariants -------------------------------------------------------

    def no_caller_lost_or_counted_twice(self) -> None:
        snap = self.snap
        active, ended = set(snap["calls"]), set(snap["outcomes"])
        assert not active & ended
        accepted = {e.call_id for e, _ in self.d.accepted if isinstance(e, CallArrived)}
        assert active | ended == accepted
        assert set(snap["outcomes"].values()) <= OUTCOMES
        assert ended == self.recorded
        listed: dict[str, int] = {}
        for label, entries in snap["waiting"].items():
            for cid, _, _ in entries:
                listed[cid] = listed.get(cid, 0) + 1
                assert label in snap["calls"][cid]["requirements"]
        for cid, call in snap["calls"].items():
            expected = len(call["requirements"]) if call["state"] == "QUEUED" else 0
            assert listed.get(cid, 0) == expected, (
                f"{cid} listed {listed.get(cid, 0)} times"
            )

    def no_agent_offered_two_calls(self) -> None:
        snap = self.snap
        holders: dict[tuple[str, str], str] = {}
        for aid, agent in snap["agents"].items():
            cid = agent["call"]
            busy = agent["state"] in ("RINGING", "TALKING", "ON_HOLD")
            assert (cid is not None) == busy, (
                f"{aid} in {agent['state']} with call {cid}"
            )
            if cid is None:
                continue
            call = snap["calls"][cid]
            role = "consult" if agent["consult"] else "handler"
            key = (cid, role)
            assert key not in holders, f"{cid} offered to {holders.get(key)} and {aid}"
            holders[key] = aid
            assert call["consult_agent" if agent["consult"] else "agent"] == aid
        for cid, call in snap["calls"].items():
            if call["state"] in ("RINGING", "TALKING", "HELD", "CONSULTING"):
                assert holders.get((cid, "handler")) == call["agent"]
                expected_agent_state = {
                    "RINGING": "RINGING",
                    "TALKING": "TALKING",
                    "HELD": "ON_HOLD",
                    "CONSULTING": "ON_HOLD",
                }[call["state"]]
                assert snap["agents"][call["agent"]]["state"] == expected_agent_state
            else:
                assert call["agent"] is None
            if call["state"] == "CONSULTING":
                assert holders.get((cid, "consult")) == call["consult_agent"]

    def nobody_idle_while_a_call_waits(self) -> None:
        snap = self.snap
        for label in snap["waiting"]:
            assert not snap["ready"].get(label), (
                f"{label}: agents ready while calls wait"
            )

    def nothing_sticks(self) -> None:
        snap = self.snap
        for aid, agent in snap["agents"].items():
            if agent["state"] == "AFTER_CALL_WORK":
                kind, subject, _ = snap["timers"][agent["timer"]]
                assert (kind, subject) == ("wrapup", aid)
            else:
                assert agent["timer"] is None
        for cid, call in snap["calls"].items():
            ringing = call["state"] == "RINGING" or (
                call["state"] == "CONSULTING"
                and snap["agents"][call["consult_agent"]]["state"] == "RINGING"
            )
            assert ("ring" in call["timers"]) == ringing, (
                f"{cid} ring timer vs {call['state']}"
            )
        owned = {t for c in snap["calls"].values() for t in c["timers"].values()}
        owned |= {a["timer"] for a in snap["agents"].values() if a["timer"]}
        assert owned == set(snap["timers"])

    @invariant()
    def replay_gives_the_same_state(self) -> None:
        fresh = new_engine()
        for event, now in self.d.accepted:
            fresh.handle(event, now)
        assert fresh.snapshot() == self.snap


RoutingMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestRoutingInvariants = RoutingMachine.TestCase


def test_long_random_walks_keep_every_invariant() -> None:
    """Seeded walks of thousands of plausible events: invariants hold, replay equal."""
    import random

    outcomes: dict[str, int] = {}
    for seed in range(3):
        rnd = random.Random(seed)
        machine = RoutingMachine(record_events=False, check_each_event=False)
        machine.staff(["a1", "a2", "a3"])
        agents = list(AGENTS)
        for step in range(1500):
            n = rnd.randrange(10**6)
            roll = rnd.randrange(14)
            if roll < 2:
                keys = [rnd.choice(DIGITS) for _ in range(3)]
                machine.arrive(
                    rnd.choice(LINES),
                    rnd.random() < 0.3,
                    rnd.choice([None, "a1"]),
                    keys,
                )
            elif roll < 4:
                machine.answer(n)
            elif roll == 4:
                machine.end(n, rnd.choice(list(EndedBy)))
                machine.end_conversation(n, rnd.choice(list(EndedBy)))
            elif roll == 5:
                machine.fire_timer(n, rnd.random() < 0.1)
            elif roll == 6:
                machine.advance(rnd.choice([1.0, 5.0, 30.0]))
            elif roll == 7:
                machine.make_ready(rnd.choice(agents))
            elif roll == 8:
                kind = rnd.choice(["queue", "agent", "extension", "consult"])
                machine.transfer(n, kind, rnd.choice(agents))
            elif roll == 9:
                machine.finish_consult(n, rnd.random() < 0.5)
            elif roll == 10:
                machine.hold_or_retrieve(n, rnd.random() < 0.5)
            elif roll == 11:
                machine.set_state(rnd.choice(agents), rnd.random() < 0.7)
            elif roll == 12:
                machine.press(n, rnd.choice(DIGITS))
            else:
                machine.accept_callback(n)
            if step % 50 == 0:
                machine.no_caller_lost_or_counted_twice()
                machine.no_agent_offered_two_calls()
                machine.nobody_idle_while_a_call_waits()
                machine.nothing_sticks()
        machine.replay_gives_the_same_state()
        for outcome in machine.snap["outcomes"].values():
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    # The walks must really exercise every ending, or they prove little.
    assert set(outcomes) == OUTCOMES, outcomes


def test_rebuild_after_a_crash_restores_state_and_timers() -> None:
    """The runner's restart path: persisted events (rejected ones included)
    rebuild an equal engine whose timers can be re-armed."""
    import random

    from infoline.routing import Engine, StartTimer

    from .helpers import business_hours, config

    rnd = random.Random(7)
    machine = RoutingMachine(record_events=False, check_each_event=False)
    machine.staff(["a1", "a2"])
    for _ in range(300):
        n = rnd.randrange(10**6)
        machine.arrive(
            rnd.choice(LINES), False, None, [rnd.choice(DIGITS) for _ in range(3)]
        )
        machine.answer(n)
        machine.nonsense(n, "a1")  # persisted too, rejected again on rebuild
        machine.advance(5.0)
        machine.end_conversation(n, EndedBy.CALLER)
        machine.fire_timer(n, False)
    live = machine.d.engine
    rebuilt = Engine.rebuild(config(), machine.d.log, is_open=business_hours)
    assert rebuilt.snapshot() == live.snapshot()
    assert len(rebuilt.rejected) == len(live.rejected)
    timers = live.snapshot()["timers"]
    assert timers  # calls are still waiting and agents wrapping up
    assert rebuilt.active_timers() == [
        StartTimer(t, at) for t, (_, _, at) in timers.items()
    ]
