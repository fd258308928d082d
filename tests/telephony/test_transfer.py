"""T7 on the desk: warm transfer (consult, brief, join) and blind transfers.

A simulated call reaches the agent; the agent holds, consults a local-office
specialist (found in the directory), the specialist picks up, the agent
joins them and leaves; the specialist has the caller and wraps up.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from infoline.accounts.choices import LineKind
from infoline.accounts.models import Department, Employee, PublicLine, User
from infoline.telephony.models import DeskOp, DeskRequest, RoutingEvent
from infoline.telephony.runner import Runner, agent_group
from infoline.telephony.services import (
    SimulationParams,
    build_simulated_runner,
    find_colleagues,
    request_call_action,
    request_transfer,
    set_agent_state,
)

pytestmark = pytest.mark.django_db

ORIGIN = 1763362800.0  # a Tuesday, 09:00 in Vilnius


def _runner() -> Runner:
    PublicLine.objects.create(
        name="General line", kind=LineKind.GENERAL, number="+37052000111"
    )
    params = SimulationParams(seed=5, origin=ORIGIN, robots=0, scale=0.2)
    runner = build_simulated_runner(params, speed=0, desk_poll_s=0.0)
    runner.boot()
    return runner


def _events(runner: Runner, *users: User) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {u.pk: [] for u in users}
    for group, message in runner.drain_outbox():
        for user in users:
            if group == agent_group(user.pk):
                out[user.pk].append(message["event"])
    return out


def _state(events: list[dict[str, Any]]) -> dict[str, Any]:
    return [e for e in events if e["op"] == "state"][-1]


def _offered(runner: Runner, user: User) -> dict[str, Any]:
    seen: list[dict[str, Any]] = []

    def stop() -> bool:
        seen.extend(_events(runner, user)[user.pk])
        return any(e["op"] == "offer" for e in seen)

    runner.run(until=ORIGIN + 4 * 3600, stop=stop)
    return next(e for e in seen if e["op"] == "offer")


@pytest.fixture
def directory(agent_a: User, specialist: User) -> Department:
    office = Department.objects.create(name="Vacancies", code="vac")
    Employee.objects.create(
        first_name="Darius",
        last_name="Vaitkus",
        department=office,
        extension="2301",
        user=specialist,
    )
    Employee.objects.create(
        first_name="Ona", last_name="Jonaitė", department=office, extension="2302"
    )
    return office


def test_warm_transfer_to_a_colleague_found_in_the_directory(
    agent_a: User, specialist: User, directory: Department
) -> None:
    runner = _runner()
    set_agent_state(agent_a, "logged_in")
    set_agent_state(agent_a, "ready")
    runner.take_desk_requests()
    offer = _offered(runner, agent_a)
    call_id = offer["call_id"]
    request_call_action(agent_a, "answer")
    set_agent_state(specialist, "logged_in")
    set_agent_state(specialist, "ready")
    runner.take_desk_requests()
    _events(runner, agent_a, specialist)

    # The agent finds the specialist by name, free on the phone.
    found = find_colleagues(agent_a, "vaitkus")
    assert found == [
        {
            "name": "Darius Vaitkus",
            "department": "Vacancies",
            "extension": "2301",
            "agent_id": str(specialist.pk),
            "presence": "free",
        }
    ]
    by_extension = find_colleagues(agent_a, "230")
    # Ona Jonaitė has no staff account: a blind transfer to her extension only.
    assert [(c["name"], c["agent_id"], c["presence"]) for c in by_extension] == [
        ("Ona Jonaitė", "", "away"),
        ("Darius Vaitkus", str(specialist.pk), "free"),
    ]

    request_call_action(agent_a, "hold")
    request_transfer(agent_a, "agent", found[0]["agent_id"], consult=True)
    runner.take_desk_requests()
    pushed = _events(runner, agent_a, specialist)
    mine = _state(pushed[agent_a.pk])
    assert mine["state"] == "on_hold"
    assert mine["call"]["phase"] == "consulting"
    assert mine["call"]["colleague"] == (
        specialist.get_full_name() or specialist.username
    )
    assert mine["call"]["colleague_state"] == "ringing"
    consult_offer = next(e for e in pushed[specialist.pk] if e["op"] == "offer")
    assert consult_offer["call_id"] == call_id and consult_offer["consult"] is True
    assert runner.engine.call_state(call_id).value == "consulting"  # type: ignore[union-attr]

    # Joining before the colleague picked up is refused, nothing changes.
    request_call_action(agent_a, "complete_transfer")
    runner.take_desk_requests()
    refused = [e for e in _events(runner, agent_a)[agent_a.pk] if e["op"] == "refused"]
    assert [e["message"] for e in refused] == ["The colleague has not picked up yet."]

    request_call_action(specialist, "answer")
    runner.take_desk_requests()
    pushed = _events(runner, agent_a, specialist)
    assert _state(pushed[agent_a.pk])["call"]["colleague_state"] == "talking"
    theirs = _state(pushed[specialist.pk])
    assert theirs["state"] == "talking"
    assert theirs["call"]["consult"] is True
    assert theirs["call"]["colleague"]

    request_call_action(agent_a, "complete_transfer")
    runner.take_desk_requests()
    pushed = _events(runner, agent_a, specialist)
    assert _state(pushed[agent_a.pk]) | {"since": 0} == {
        "op": "state",
        "state": "after_call_work",
        "reason": None,
        "since": 0,
        "call": None,
    }
    theirs = _state(pushed[specialist.pk])
    assert theirs["state"] == "talking"
    assert theirs["call"]["call_id"] == call_id
    assert theirs["call"]["consult"] is False
    assert theirs["call"]["phase"] == "talking"
    answered = next(e for e in pushed[specialist.pk] if e["op"] == "answered")
    assert answered["call_id"] == call_id and answered["contact_id"]

    request_call_action(specialist, "hang_up")
    runner.take_desk_requests()
    assert _state(_events(runner, specialist)[specialist.pk])["state"] == (
        "after_call_work"
    )
    set_agent_state(specialist, "wrap_up_done")
    runner.take_desk_requests()
    assert _state(_events(runner, specialist)[specialist.pk])["state"] == "ready"
    kinds = list(
        RoutingEvent.objects.filter(event_id__startswith="desk:").values_list(
            "kind", flat=True
        )
    )
    assert "TransferRequested" in kinds and "TransferCompleted" in kinds
    assert "ConsultAnswered" in kinds


def test_the_colleague_declines_and_the_caller_comes_back(
    agent_a: User, specialist: User, directory: Department
) -> None:
    runner = _runner()
    set_agent_state(agent_a, "logged_in")
    set_agent_state(agent_a, "ready")
    runner.take_desk_requests()
    call_id = _offered(runner, agent_a)["call_id"]
    request_call_action(agent_a, "answer")
    set_agent_state(specialist, "logged_in")
    set_agent_state(specialist, "ready")
    request_transfer(agent_a, "agent", str(specialist.pk), consult=True)
    request_call_action(specialist, "hang_up")  # declines the consultation
    runner.take_desk_requests()
    pushed = _events(runner, agent_a, specialist)
    mine = _state(pushed[agent_a.pk])
    assert mine["state"] == "talking"
    assert mine["call"]["call_id"] == call_id
    assert mine["call"]["phase"] == "talking" and mine["call"]["colleague"] == ""
    assert _state(pushed[specialist.pk])["state"] == "ready"


def test_blind_transfers_to_a_queue_and_to_an_extension(
    agent_a: User, specialist: User, directory: Department
) -> None:
    runner = _runner()
    set_agent_state(agent_a, "logged_in")
    set_agent_state(agent_a, "ready")
    runner.take_desk_requests()
    first = _offered(runner, agent_a)["call_id"]
    request_call_action(agent_a, "answer")
    request_transfer(agent_a, "queue", "office")
    runner.take_desk_requests()
    assert _state(_events(runner, agent_a)[agent_a.pk])["state"] == "after_call_work"
    assert runner.engine.call_state(first).value == "queued"  # type: ignore[union-attr]
    set_agent_state(specialist, "logged_in")
    set_agent_state(specialist, "ready")
    runner.take_desk_requests()
    offer = next(
        e for e in _events(runner, specialist)[specialist.pk] if e["op"] == "offer"
    )
    assert offer["call_id"] == first  # the office queue's consultant gets it

    set_agent_state(agent_a, "wrap_up_done")
    runner.take_desk_requests()
    second = _offered(runner, agent_a)["call_id"]
    request_call_action(agent_a, "answer")
    request_transfer(agent_a, "extension", "2302")
    runner.take_desk_requests()
    assert runner.engine.call_state(second) is None
    assert runner.engine.outcome(second).value == "answered"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("kind", "target", "consult", "message"),
    [
        ("person", "1", False, "Choose whom to transfer the call to."),
        ("queue", "nowhere", False, "Unknown queue."),
        ("queue", "office", True, "Only a colleague can be consulted."),
        ("extension", "9999", False, "No one in the directory has this extension."),
        ("agent", "999999", True, "This colleague does not take calls."),
        ("agent", "99999999999999999999", True, "This colleague does not take calls."),
    ],
)
def test_bad_transfer_requests_are_refused_and_change_nothing(
    agent_a: User,
    directory: Department,
    kind: str,
    target: str,
    consult: bool,
    message: str,
) -> None:
    with pytest.raises(ValidationError) as caught:
        request_transfer(agent_a, kind, target, consult=consult)
    assert caught.value.messages == [message]
    assert not DeskRequest.objects.exists()


def test_no_transfer_to_oneself_nor_for_roles_without_a_phone(
    agent_a: User, evaluator: User, directory: Department
) -> None:
    with pytest.raises(ValidationError) as caught:
        request_transfer(agent_a, "agent", str(agent_a.pk))
    assert caught.value.messages == ["You cannot transfer a call to yourself."]
    with pytest.raises(ValidationError) as caught:
        request_transfer(evaluator, "queue", "office")
    assert caught.value.messages == ["Your role does not take calls."]
    with pytest.raises(ValidationError):
        find_colleagues(evaluator, "vaitkus")
    assert not DeskRequest.objects.filter(op=DeskOp.TRANSFER).exists()


def test_an_abusive_call_ends_with_its_reason_recorded(agent_a: User) -> None:
    from infoline.telephony.models import CallRecord

    runner = _runner()
    set_agent_state(agent_a, "logged_in")
    set_agent_state(agent_a, "ready")
    runner.take_desk_requests()
    call_id = _offered(runner, agent_a)["call_id"]
    request_call_action(agent_a, "answer")
    request = request_call_action(agent_a, "end_abusive")
    assert (request.op, request.reason) == ("hang_up", "abusive")
    runner.take_desk_requests()
    assert _state(_events(runner, agent_a)[agent_a.pk])["state"] == "after_call_work"
    runner._checkpoint()
    record = CallRecord.objects.get(call_id=call_id)
    assert (record.outcome, record.ended_by, record.reason) == (
        "answered",
        "agent",
        "abusive",
    )
