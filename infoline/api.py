"""The REST API (django-ninja), OpenAPI at /api/docs."""

from __future__ import annotations

from ninja import NinjaAPI

from infoline.accounts.api import router as accounts_router
from infoline.clients.api import router as clients_router
from infoline.knowledge.api import router as knowledge_router
from infoline.lib.api import SessionAuth, TokenAuth

api = NinjaAPI(
    title="Infoline API",
    version="1",
    description=(
        "Personal API tokens (Authorization: Bearer ifl_...) or the signed-in "
        "session. Every endpoint applies the same permission matrix as the pages."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)
api.add_router("/", accounts_router)
api.add_router("/", clients_router)
api.add_router("/", knowledge_router)
