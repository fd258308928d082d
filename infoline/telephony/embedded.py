"""The embedded demo: the runner inside the web process, as an asyncio task.

With ``INFOLINE_DEMO_TRAFFIC=1`` (``make demo`` sets it) ``infoline.asgi``
wraps the application in ``WithDemoTraffic``: at ASGI lifespan start-up a
fresh simulated run begins in real time (robot agents and callers at a busy
weekday hour's rate); at shutdown it checkpoints and stops. Running inside
the web process is what lets the in-memory channel layer carry its pushes
to the desks and the wall-board; with Redis the runner is its own process
(``manage.py run_telephony``). One web process only: the runner is the
single writer.

The runner's database work runs on one dedicated thread (its own
connection), so it never waits for, or holds up, request handling.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from channels.layers import get_channel_layer

from .runner import Runner

__all__ = ["WithDemoTraffic", "run_demo_traffic"]

log = logging.getLogger(__name__)

DEMO_ROBOTS = 3
DEMO_SCALE = 0.6
DEMO_BUSY_HOUR = 10


def _boot() -> Runner:
    from django.conf import settings

    from .services import build_simulated_runner, simulation_params

    Runner.clear()
    scale = DEMO_SCALE * settings.INFOLINE_DEMO_TRAFFIC_SCALE
    params = simulation_params(1, DEMO_ROBOTS, scale, DEMO_BUSY_HOUR)
    runner = build_simulated_runner(params, speed=1.0)
    runner.boot()
    return runner


def _steps(runner: Runner, budget: int = 200) -> bool:
    did = False
    try:
        for _ in range(budget):
            if not runner.step():
                break
            did = True
    finally:
        runner.commit()
    return did


def _close() -> None:
    from django.db import connection

    connection.close()


async def run_demo_traffic(stop: asyncio.Event) -> None:
    """Run the simulated runner until ``stop`` is set."""
    loop = asyncio.get_running_loop()
    thread = ThreadPoolExecutor(1, thread_name_prefix="telephony-runner")
    layer = get_channel_layer()
    try:
        runner = await loop.run_in_executor(thread, _boot)
        while not stop.is_set():
            did = await loop.run_in_executor(thread, _steps, runner)
            for group, message in runner.drain_outbox():
                if layer is not None:
                    await layer.group_send(group, message)
            if not did:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 0.1)
        await loop.run_in_executor(thread, runner._checkpoint)
    except Exception:  # the demo's web pages must stay up without calls
        log.exception("demo traffic stopped")
    finally:
        await loop.run_in_executor(thread, _close)
        thread.shutdown(wait=False)


class WithDemoTraffic:
    """ASGI wrapper: the lifespan starts and stops the demo traffic."""

    def __init__(self, app: Any) -> None:
        """Wrap ``app``; other scopes pass through."""
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Handle the lifespan; hand everything else to the application."""
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        stop = asyncio.Event()
        task: asyncio.Task[None] | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                task = asyncio.create_task(run_demo_traffic(stop))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                stop.set()
                if task is not None:
                    await task
                await send({"type": "lifespan.shutdown.complete"})
                return
