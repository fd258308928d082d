"""Authentication and permission checks shared by every API router."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from infoline.lib.context import Actor, _current


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ifl_...`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from infoline.accounts.services import authenticate_token

        user = authenticate_token(token)
        if user is None:
            return None
        request.user = user
        _current.set(
            Actor(user=user, ip=request.META.get("REMOTE_ADDR", ""), via="api")
        )
        return user


class SessionAuth(APIKeyCookie):
    """The browser's signed-in session (CSRF-checked for unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_verified():
            return user
        return None


def require(request: HttpRequest, action: str) -> Any:
    """Return the caller if their role allows ``action``; otherwise 403."""
    from infoline.accounts.permissions import has_action

    user = request.auth  # type: ignore[attr-defined]  # set by ninja
    if not has_action(user, action):
        raise HttpError(403, "Your role does not allow this.")
    return user
