"""The sender adapter contract. Implementations are picked by dotted path in settings.

``INFOLINE_SENDERS = {"email": "infoline.notify.senders.DjangoEmailSender",
"sms": "infoline.notify.senders.HttpSmsSender"}``. The file sender is the
demo's: it writes each message into ``var/outbox`` so a newcomer can read it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


class SenderError(Exception):
    """Sending failed. ``permanent`` is True when retrying cannot help (bad address)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class OutboundMessage:
    """One message: ``to`` is an e-mail address or an E.164 number."""

    channel: str  # "email" or "sms"
    to: str
    subject: str
    body: str


class MessageSender(ABC):
    """Deliver one message; return the provider's message id (or "")."""

    @abstractmethod
    def send(self, message: OutboundMessage) -> str:
        """Send ``message`` now. Raise ``SenderError`` on failure, never a library's error."""
