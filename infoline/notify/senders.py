"""Sender adapters: e-mail through Django's mail backend, SMS through an HTTP gateway, and a file outbox."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage

from infoline.notify.base import MessageSender, OutboundMessage, SenderError


class DjangoEmailSender(MessageSender):
    """E-mail through ``EMAIL_BACKEND`` (SMTP in production, see ``EMAIL_URL``)."""

    def send(self, message: OutboundMessage) -> str:
        email = EmailMessage(message.subject, message.body, to=[message.to])
        try:
            sent = email.send(fail_silently=False)
        except OSError as exc:  # smtplib errors are OSErrors
            raise SenderError(f"e-mail not sent: {exc}", permanent=False) from None
        if not sent:
            raise SenderError("e-mail not accepted by the backend", permanent=False)
        return str(email.extra_headers.get("Message-ID", ""))


class HttpSmsSender(MessageSender):
    """SMS through a JSON HTTP gateway: POST {"to", "text"} to ``INFOLINE_SMS_URL``.

    ``INFOLINE_SMS_TOKEN`` is sent as a bearer token; the gateway answers with
    {"id": ...}. 4xx answers are permanent failures, others temporary.
    """

    def send(self, message: OutboundMessage) -> str:
        url = getattr(settings, "INFOLINE_SMS_URL", "")
        if not url:
            raise SenderError(
                "no SMS gateway is configured (INFOLINE_SMS_URL)", permanent=True
            )
        request = urllib.request.Request(
            url,
            data=json.dumps({"to": message.to, "text": message.body}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {getattr(settings, 'INFOLINE_SMS_TOKEN', '')}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return str(json.loads(response.read() or b"{}").get("id", ""))
        except urllib.error.HTTPError as exc:
            raise SenderError(
                f"SMS gateway answered {exc.code}", permanent=400 <= exc.code < 500
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise SenderError(
                f"SMS gateway unreachable: {exc}", permanent=False
            ) from None


class FileSender(MessageSender):
    """The demo's outbox: one text file per message under ``var/outbox``."""

    def send(self, message: OutboundMessage) -> str:
        folder = Path(settings.VAR_DIR) / "outbox"
        folder.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        (folder / f"{message_id}.txt").write_text(
            f"Channel: {message.channel}\nTo: {message.to}\nSubject: {message.subject}\n\n{message.body}\n",
            encoding="utf-8",
        )
        return message_id
