"""Serving the flows from one long-running process: ingest on a schedule, backfill and reprocess on demand.

The process polls a Prefect server for runs that are due and runs them one at a time: the runner's process
limit is 1, each deployment's concurrency limit is 1, and the warehouse's run lock serialises runs of any
process that shares the database file. prefect.yaml defines the same deployments for a work pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from prefect import Flow
from prefect.deployments.runner import RunnerDeployment
from prefect.runner import Runner
from prefect.schedules import Cron, Interval, Schedule
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings
from prefect.types.entrypoint import EntrypointType
from rich.console import Console

from flows.ingest_flows import backfill, ingest
from flows.reprocess_flow import reprocess
from ingest.errors import ConfigError, IngestError

DEFAULT_CRON = "0 6 * * *"  # daily at 06:00
DEFAULT_TIMEZONE = "Asia/Shanghai"  # the sites publish on Beijing time
LOCAL_API_URL = "http://127.0.0.1:4200/api"  # where `prefect server start` listens by default


def ingest_schedule(cron: str | None = None, timezone: str | None = None, interval: float | None = None) -> Schedule:
    """Every ``interval`` seconds when given (for trying things out), else ``cron`` (default 06:00 daily) in
    ``timezone`` (default Asia/Shanghai)."""
    if interval is not None:
        if not interval > 0:
            raise ConfigError(f"--interval must be a positive number of seconds, got {interval:g}")
        return Interval(timedelta(seconds=interval))
    cron, timezone = cron or DEFAULT_CRON, timezone or DEFAULT_TIMEZONE
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown timezone {timezone!r}; use an IANA name such as Asia/Shanghai") from None
    try:
        return Cron(cron, timezone=timezone)
    except ValueError:
        raise ConfigError(
            f"{cron!r} is not a cron expression; use five fields, e.g. '0 6 * * *' for 06:00 every day"
        ) from None


def build_deployments(
    sources_file: Path, db: Path, schedule: Schedule, *, dask: str | None = None
) -> list[RunnerDeployment]:
    """The deployments ``ingest/ingest`` (on ``schedule``), ``backfill/backfill`` and ``reprocess/reprocess``.

    Every run defaults to ``sources_file`` and ``db`` (made absolute, so runs do not depend on the working
    directory) and, when given, to parsing on the Dask cluster ``dask``; a run may override any parameter.
    """
    parameters: dict[str, object] = {"sources_file": str(sources_file.resolve()), "db": str(db.resolve())}
    if dask is not None:
        parameters["dask"] = dask
    return [
        _deployment(ingest, parameters, schedule),
        _deployment(backfill, parameters),
        _deployment(reprocess, parameters),
    ]


def _deployment(
    flow: Flow[..., Any], parameters: dict[str, object], schedule: Schedule | None = None
) -> RunnerDeployment:
    return RunnerDeployment.from_flow(  # what flow.to_deployment does, with a typed result
        flow,
        flow.name,
        schedules=[schedule] if schedule else None,
        parameters=parameters,
        description=(flow.description or "").split("\n\n", 1)[0],  # its Args describe the parameters in the form
        concurrency_limit=1,
        entrypoint_type=EntrypointType.MODULE_PATH,  # importable wherever the package is installed
        tags=["ingest"],
    )


def serve_flows(deployments: list[RunnerDeployment]) -> None:
    """Serve ``deployments`` against the configured Prefect server, one run at a time, until Ctrl-C or SIGTERM.

    Without PREFECT_API_URL, the server `prefect server start` runs by default is used: a temporary server
    would not schedule runs. Stopping lets the run in progress finish and pauses the schedules.
    """
    api_url = get_current_settings().api.url or LOCAL_API_URL
    _check_server(api_url)
    runner = _Runner(name="ingest", limit=1, pause_on_shutdown=True)
    with temporary_settings({PREFECT_API_URL: api_url}):
        for deployment in deployments:
            runner.add_deployment(deployment)
        Console(stderr=True).print(
            f"Serving {', '.join(f'{d.flow_name}/{d.name}' for d in deployments)} from {api_url}; Ctrl-C stops.",
            highlight=False,
            soft_wrap=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(runner.start())


class _Runner(Runner):
    """A runner that stops on SIGTERM as it does on Ctrl-C (Prefect's own SIGTERM handler leaves a coroutine
    un-awaited and logs a traceback when a run is in progress)."""

    def handle_sigterm(self, signum: int, frame: FrameType | None) -> None:
        on_interrupt = signal.getsignal(signal.SIGINT)
        if not callable(on_interrupt):  # SIGINT ignored, as in a job a non-interactive shell put in background
            raise KeyboardInterrupt
        on_interrupt(signal.SIGINT, frame)


def _check_server(api_url: str) -> None:
    try:
        httpx.get(f"{api_url.rstrip('/')}/health", timeout=10.0)
    except httpx.HTTPError:
        raise IngestError(
            f"no Prefect server answers at {api_url}; start one with `prefect server start` "
            "or set PREFECT_API_URL to yours"
        ) from None
