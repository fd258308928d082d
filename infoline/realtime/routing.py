"""WebSocket URLs, mounted by ``infoline.asgi``."""

from django.urls import path

from .consumers import AgentConsumer, WallboardConsumer

websocket_urlpatterns = [
    path("ws/agent/", AgentConsumer.as_asgi()),
    path("ws/wallboard/", WallboardConsumer.as_asgi()),
]
