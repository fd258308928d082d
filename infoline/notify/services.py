"""Sending a message to a citizen: through the configured adapter, always recorded."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from infoline.notify.base import MessageSender, OutboundMessage, SenderError
from infoline.notify.models import SentMessage

DEFAULT_SENDERS = {
    "email": "infoline.notify.senders.DjangoEmailSender",
    "sms": "infoline.notify.senders.FileSender",
}


def get_sender(channel: str) -> MessageSender:
    """The adapter configured for ``channel`` (``INFOLINE_SENDERS``)."""
    paths = {**DEFAULT_SENDERS, **getattr(settings, "INFOLINE_SENDERS", {})}
    if channel not in paths:
        raise SenderError(f"no sender for channel {channel!r}", permanent=True)
    sender: MessageSender = import_string(paths[channel])()
    return sender


def send_message(
    message: OutboundMessage,
    *,
    purpose: str,
    person: Any = None,
    contact: Any = None,
    sent_by: Any = None,
) -> SentMessage:
    """Send and record; a failure is recorded too (and returned, not raised)."""
    record = SentMessage(
        channel=message.channel,
        to=message.to,
        subject=message.subject,
        body=message.body,
        purpose=purpose,
        person=person,
        contact=contact,
        sent_by=sent_by,
    )
    try:
        record.provider_id = get_sender(message.channel).send(message)[:100]
        record.status = SentMessage.Status.SENT
    except SenderError as exc:
        record.status = SentMessage.Status.FAILED
        record.error = str(exc)[:300]
    record.save()
    return record
