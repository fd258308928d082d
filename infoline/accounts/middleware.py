"""Session rules a security officer asks for: idle timeout, sign-out everywhere, 2FA."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

from infoline.audit.choices import AuditAction
from infoline.audit.services import record_event

EPOCH_KEY = "infoline_epoch"
SEEN_KEY = "infoline_seen"
# Refresh the activity stamp at most this often (seconds), to spare session writes.
SEEN_GRANULARITY = 30


class SessionGuardMiddleware:
    """End sessions that were idle too long or revoked by "sign out everywhere"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and hasattr(request, "session"):
            session = request.session
            now = int(time.time())
            epoch = session.get(EPOCH_KEY)
            if epoch is None:
                session[EPOCH_KEY] = user.session_epoch
            elif epoch != user.session_epoch:
                logout(request)
                messages.info(request, _("You were signed out on all devices."))
                return redirect(settings.LOGIN_URL)
            seen = session.get(SEEN_KEY)
            if seen is not None and now - seen > settings.SESSION_IDLE_TIMEOUT:
                record_event(AuditAction.IDLE_TIMEOUT, user, user=user)
                logout(request)
                messages.info(
                    request,
                    _(
                        "Your session ended after a period of inactivity. Please sign in again."
                    ),
                )
                return redirect(
                    f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}"
                )
            if seen is None or now - seen >= SEEN_GRANULARITY:
                session[SEEN_KEY] = now
        return self.get_response(request)


# Paths a signed-in but not yet verified user may still reach.
_OPEN_PREFIXES = (
    "/static/",
    "/i18n/",
    "/account/2fa/",
    "/account/logout/",
    "/accounts/logout/",
)


class TwoFactorRequiredMiddleware:
    """Demand a second factor from roles that need one and from anyone enrolled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # OTPMiddleware adds it
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            enrolled = user_has_device(user, confirmed=True)
            if enrolled:
                return redirect(
                    f"{reverse('accounts:2fa-verify')}?next={request.get_full_path()}"
                )
            if user.role in settings.INFOLINE_TWO_FACTOR_ROLES:
                return redirect("accounts:2fa-setup")
        return self.get_response(request)
