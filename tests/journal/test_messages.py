"""Issue 5 item 10 (C4–C6): a message reaches the colleague, or their substitute while away."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from infoline.accounts.models import Absence, Department, Employee, User
from infoline.journal.models import ColleagueMessage, Contact, Notification
from infoline.journal.services import (
    close_message,
    open_messages,
    read_message,
    take_message,
)


@pytest.fixture
def staff(
    department: Department, agent_a2: User, specialist: User
) -> dict[str, Employee]:
    colleague = Employee.objects.create(
        first_name="Ona", last_name="Onaitė", department=department, user=specialist
    )
    substitute = Employee.objects.create(
        first_name="Petras", last_name="Petraitis", department=department, user=agent_a2
    )
    colleague.substitutes.set([substitute])
    return {"colleague": colleague, "substitute": substitute}


def test_message_reaches_the_colleague_who_reads_and_closes_it(
    agent_a: User, specialist: User, agent_a2: User, staff: dict[str, Employee]
) -> None:
    contact = Contact.objects.create(agent=agent_a)
    message = take_message(
        agent_a,
        staff["colleague"],
        caller_name="Jonas",
        phone="8 612 34567",
        reason="Asks about his application",
        contact=contact,
    )
    assert (
        message.delivered_to == staff["colleague"] and message.phone == "+37061234567"
    )
    assert Notification.objects.filter(user=specialist, kind="message_taken").exists()
    assert open_messages(specialist) == [message]
    with pytest.raises(
        ValidationError, match="This message was delivered to someone else."
    ):
        read_message(agent_a2, message)
    assert read_message(specialist, message).read_at is not None
    with pytest.raises(ValidationError, match="Write the outcome of the call back."):
        close_message(specialist, message, "  ")
    closed = close_message(specialist, message, "Called back, explained the next steps")
    assert closed.closed_at is not None and open_messages(specialist) == []
    with pytest.raises(ValidationError, match="This message is already closed."):
        close_message(specialist, message, "again")


def test_message_for_an_absent_colleague_goes_to_the_substitute(
    agent_a: User, agent_a2: User, staff: dict[str, Employee]
) -> None:
    now = timezone.now()
    Absence.objects.create(
        employee=staff["colleague"],
        kind="leave",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(days=3),
    )
    message = take_message(
        agent_a,
        staff["colleague"],
        caller_name="Jonas",
        phone="+37061234567",
        reason="Call me",
    )
    assert (
        message.intended_for == staff["colleague"]
        and message.delivered_to == staff["substitute"]
    )
    assert open_messages(agent_a2) == [message]


def test_incomplete_messages_are_refused(
    agent_a: User, staff: dict[str, Employee]
) -> None:
    cases = [
        (
            {
                "intended_for": None,
                "caller_name": "J",
                "phone": "+37061234567",
                "reason": "r",
            },
            "Choose the colleague",
        ),
        (
            {
                "intended_for": staff["colleague"],
                "caller_name": " ",
                "phone": "+37061234567",
                "reason": "r",
            },
            "Write the caller's name.",
        ),
        (
            {
                "intended_for": staff["colleague"],
                "caller_name": "J",
                "phone": "+37061234567",
                "reason": "",
            },
            "Write what the caller wants.",
        ),
        (
            {
                "intended_for": staff["colleague"],
                "caller_name": "J",
                "phone": "",
                "reason": "r",
            },
            "Give the number to call back.",
        ),
        (
            {
                "intended_for": staff["colleague"],
                "caller_name": "J",
                "phone": "12",
                "reason": "r",
            },
            "is not a",
        ),
    ]
    for kwargs, message in cases:
        intended = kwargs.pop("intended_for")
        with pytest.raises(ValidationError, match=message):
            take_message(agent_a, intended, **kwargs)  # type: ignore[arg-type]
    assert not ColleagueMessage.objects.exists()
