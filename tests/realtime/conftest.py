"""Consumer tests drive async code from sync tests with ``async_to_sync``.

Playwright's sync API (the browser tests) leaves its event loop registered
as the main thread's running loop once a browser test has run in the same
worker process, and ``async_to_sync`` then refuses to start. These tests use
no browser, so the loop is unregistered for each test and put back after.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _no_foreign_running_loop() -> Iterator[None]:
    try:
        loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is None:
        yield
        return
    asyncio.events._set_running_loop(None)
    try:
        yield
    finally:
        asyncio.events._set_running_loop(loop)
