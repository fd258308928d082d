"""Differential test: the engine's indexes choose exactly what a brute-force
scan of every agent and every waiting call would choose."""

from __future__ import annotations

import random

from infoline.routing import AgentState, CallState, EndedBy, Engine, Requirement
from infoline.routing.state import Agent, Call

from .helpers import business_hours, config
from .test_invariants import AGENTS, DIGITS, LINES, RoutingMachine


class ScanEngine(Engine):
    """The engine with its two selection seams replaced by full scans."""

    def _best_agent(self, reqs: tuple[Requirement, ...]) -> Agent | None:
        ready = [
            a
            for a in self._agents.values()
            if a.state is AgentState.READY and any(r in a.profiles for r in reqs)
        ]
        return min(ready, key=lambda a: (a.idle_since, a.ready_seq), default=None)

    def _best_call(self, agent: Agent) -> Call | None:
        waiting = [
            c
            for c in self._calls.values()
            if c.state is CallState.QUEUED
            and any(r in agent.profiles for r in c.profiles)
        ]
        return min(waiting, key=lambda c: (-c.priority, c.place), default=None)


def test_indexed_selection_equals_brute_force_on_random_walks() -> None:
    decisions = 0
    for seed in range(4):
        rnd = random.Random(100 + seed)
        machine = RoutingMachine(record_events=False, check_each_event=False)
        machine.staff(list(AGENTS))
        for _ in range(1500):
            n = rnd.randrange(10**6)
            roll = rnd.randrange(8)
            if roll < 2:
                keys = [rnd.choice(DIGITS) for _ in range(3)]
                machine.arrive(rnd.choice(LINES), rnd.random() < 0.3, None, keys)
            elif roll == 2:
                machine.answer(n)
            elif roll == 3:
                machine.end(n, rnd.choice(list(EndedBy)))
                machine.end_conversation(n, rnd.choice(list(EndedBy)))
            elif roll == 4:
                machine.fire_timer(n, False)
            elif roll == 5:
                machine.advance(rnd.choice([1.0, 5.0, 30.0]))
            elif roll == 6:
                machine.wrap_up(rnd.choice(list(AGENTS)))
                machine.set_state(rnd.choice(list(AGENTS)), rnd.random() < 0.8)
            elif n % 10 == 0:  # rarely: skills changes starve the queues
                machine.change_skills(rnd.choice(list(AGENTS)), n)
            else:
                machine.log_in(rnd.choice(list(AGENTS)), True)
        fast = Engine(config(), is_open=business_hours)
        scan = ScanEngine(config(), is_open=business_hours)
        for event, now in machine.d.accepted:
            expected = scan.handle(event, now)
            assert fast.handle(event, now) == expected, event
            decisions += sum(1 for c in expected if type(c).__name__ == "RingAgent")
        assert fast.snapshot() == scan.snapshot()
    assert decisions > 300, decisions  # the walks really made routing decisions
