"""Attribute changes made during a request to the signed-in user."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from infoline.lib.context import Actor, acting_as


def _via(path: str) -> str:
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    return "app"


class AuditActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        actor = Actor(
            user=user if user is not None and user.is_authenticated else None,
            ip=request.META.get("REMOTE_ADDR", "") or "",
            via=_via(request.path),
        )
        with acting_as(actor):
            return self.get_response(request)
