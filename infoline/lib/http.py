"""Request types for views behind ``require_action`` (the user is signed in)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from infoline.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """A request whose user passed ``require_action``: a real, active ``User``."""

    user: User
