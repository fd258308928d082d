"""Run the routing engine with a telephony adapter: the single writer.

``manage.py run_telephony --adapter simulated --speed 1`` plays simulated
callers in real time; ``--speed 60`` an hour a minute; ``--speed 0`` as fast
as the machine goes on a virtual clock (tests, what-if). A second start
continues the same log (replaying it); ``--fresh`` starts a new one.
SIGTERM and Ctrl-C finish the current event, checkpoint and exit.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.management.base import BaseCommand, CommandError, CommandParser

from infoline.telephony.models import RoutingEvent, RunnerCheckpoint
from infoline.telephony.runner import Runner
from infoline.telephony.services import (
    SimulationParams,
    build_simulated_runner,
    simulation_params,
)


class Command(BaseCommand):
    help = "Run the routing engine and a telephony adapter (the single writer)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--adapter", default="simulated", choices=["simulated"])
        parser.add_argument(
            "--speed",
            type=float,
            default=1.0,
            help="1 = real time, N = N times faster, 0 = virtual clock, flat out",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--robots", type=int, default=8, help="simulated agents who answer"
        )
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiply the profile's arrivals"
        )
        parser.add_argument(
            "--busy-hour",
            type=int,
            default=None,
            help="map the start onto this hour of a weekday of the profile",
        )
        parser.add_argument(
            "--origin", type=float, default=None, help="start instant (epoch seconds)"
        )
        parser.add_argument(
            "--hours", type=float, default=None, help="stop after this much engine time"
        )
        parser.add_argument("--fresh", action="store_true", help="start a new log")
        parser.add_argument(
            "--snapshot-out",
            default="",
            help="write the final engine snapshot and outcomes here (JSON)",
        )
        parser.add_argument("--progress-every", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["speed"] < 0:
            raise CommandError("--speed must be 0 (flat out) or positive.")
        if options["fresh"]:
            Runner.clear()
        checkpoint = RunnerCheckpoint.objects.filter(name="default").first()
        if checkpoint is not None:
            stored = checkpoint.params
            params = SimulationParams(
                seed=stored["seed"],
                origin=stored["origin"],
                robots=stored["robots"],
                scale=stored["scale"],
                shift_s=stored["shift_s"],
            )
            if params.seed != options["seed"]:
                raise CommandError(
                    f"The log continues seed {params.seed}; use --fresh for another."
                )
        else:
            params = simulation_params(
                options["seed"],
                options["robots"],
                options["scale"],
                options["busy_hour"],
                options["origin"],
            )
        last = (
            RoutingEvent.objects.order_by("-seq").values_list("at", flat=True).first()
        )
        speed = options["speed"]
        runner = build_simulated_runner(
            params,
            speed=speed,
            resume_at=last if (last is not None and speed != 1) else None,
        )
        started = time.perf_counter()
        replayed = runner.boot()
        self.stdout.write(
            f"runner: {runner.adapter.name} adapter, seed {params.seed}, "
            f"{params.robots} robot agents, speed {speed or 'flat out'}; "
            f"replayed {replayed} events in {time.perf_counter() - started:.2f} s"
        )
        stopping = {"now": False}

        def stop(signum: int, frame: Any) -> None:
            stopping["now"] = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        layer = get_channel_layer()

        def publish(r: Runner) -> None:
            for group, message in r.drain_outbox():
                if layer is not None:
                    async_to_sync(layer.group_send)(group, message)

        def progress(r: Runner) -> None:
            board = r.board()["total"]
            self.stdout.write(
                f"  {r.applied} events applied, {r.rejected} rejected; "
                f"waiting {board['waiting']}, answered {board['answered']}, "
                f"abandoned {board['abandoned']}, service level "
                f"{board['service_level']} %"
            )
            self.stdout.flush()

        until = None
        if options["hours"] is not None:
            until = params.origin + options["hours"] * 3600.0
        every = options["progress_every"]
        next_progress = [every]

        def should_stop() -> bool:
            publish(runner)
            if runner.applied >= next_progress[0]:
                next_progress[0] = runner.applied + every
                progress(runner)
            return stopping["now"]

        runner.run(until=until, stop=should_stop)
        publish(runner)
        progress(runner)
        runner.adapter.close()
        if options["snapshot_out"]:
            snapshot = runner.engine.snapshot()
            snapshot["seen"] = sorted(snapshot["seen"])
            Path(options["snapshot_out"]).write_text(
                json.dumps(snapshot, sort_keys=True, default=str), encoding="utf-8"
            )
        self.stdout.write("runner: stopped")
