"""Issue 5 J6: status acts on real contacts — one transaction with history and notifications."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from infoline.accounts.models import User
from infoline.journal import transitions as t
from infoline.journal.models import Contact, ContactHistory, Notification
from infoline.journal.services import perform_act


def test_deferred_answer_review_and_approval(
    agent_a: User, specialist: User, team_lead: User
) -> None:
    contact = Contact.objects.create(agent=agent_a, assignee=agent_a)
    due = timezone.localdate() + datetime.timedelta(days=3)
    perform_act(agent_a, contact, t.Defer(due=due, responsible_id=specialist.pk))
    contact.refresh_from_db()
    assert (contact.status, contact.assignee_id, contact.due) == (
        "deferred_answer",
        specialist.pk,
        due,
    )
    assert Notification.objects.filter(
        user=specialist, kind="deferred_answer_assigned"
    ).exists()
    perform_act(
        specialist,
        contact,
        t.SubmitForReview(result="Benefit granted", comment="Letter sent"),
    )
    assert Notification.objects.filter(user=team_lead, kind="review_requested").exists()
    perform_act(team_lead, contact, t.Approve(note="ok"))
    contact.refresh_from_db()
    assert (
        contact.status == "closed"
        and contact.closed_at is not None
        and not contact.is_open
    )
    history = list(
        ContactHistory.objects.filter(contact=contact).values_list(
            "act", "old_status", "new_status"
        )
    )
    assert history == [
        ("defer", "in_work", "deferred_answer"),
        ("submit_for_review", "deferred_answer", "under_review"),
        ("approve", "under_review", "closed"),
    ]
    assert not Notification.objects.filter(
        user=team_lead, kind="result_approved"
    ).exists()  # not of own act


def test_illegal_act_raises_the_table_message_and_changes_nothing(
    agent_a: User,
) -> None:
    contact = Contact.objects.create(agent=agent_a, assignee=agent_a)
    with pytest.raises(ValidationError) as caught:
        perform_act(agent_a, contact, t.Close(result="  ", comment="x"))
    assert caught.value.messages and "result" in caught.value.messages[0].lower()
    contact.refresh_from_db()
    assert contact.status == "in_work" and not ContactHistory.objects.exists()
    with pytest.raises(ValidationError):
        perform_act(agent_a, contact, t.Approve(note=""))
    assert not ContactHistory.objects.exists() and not Notification.objects.exists()


def test_extension_request_and_approval(
    agent_a: User, specialist: User, supervisor: User
) -> None:
    contact = Contact.objects.create(agent=agent_a, assignee=agent_a)
    today = timezone.localdate()
    perform_act(
        agent_a,
        contact,
        t.Defer(due=today + datetime.timedelta(days=1), responsible_id=specialist.pk),
    )
    later = today + datetime.timedelta(days=10)
    perform_act(
        specialist,
        contact,
        t.RequestExtension(new_due=later, reason="Waiting for the tax office"),
    )
    contact.refresh_from_db()
    assert contact.extension_due == later and contact.due == today + datetime.timedelta(
        days=1
    )
    perform_act(supervisor, contact, t.ApproveExtension())
    contact.refresh_from_db()
    assert contact.due == later and contact.extension_due is None
    assert Notification.objects.filter(
        user=specialist, kind="extension_approved"
    ).exists()
