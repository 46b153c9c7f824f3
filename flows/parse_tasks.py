"""The parse stage as Prefect tasks: batches of archived responses parsed on threads or on a Dask cluster.

Parsing is the one CPU-bound stage, and the only one that fans out. By default its batches run on the flow's
task runner (threads of the run's process, enough while the network is the bottleneck). Given ``dask``, they
run on a Dask cluster through prefect-dask: an existing scheduler (``tcp://host:8786``) or, with ``local``, a
cluster of worker processes on this machine started for the run. Workers must see the WARC archive at the same
path (one machine, or a shared filesystem); they return rows, and the flow alone writes the package.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows.naming import parse_task_name
from ingest import parse as parse_stage
from ingest.errors import ConfigError
from ingest.parse import ParsedBatch, ParseJob, Window
from ingest.pipeline import ParseMap

LOCAL_DASK = "local"
_SCHEDULER_SCHEMES = ("tcp://", "tls://", "ws://", "wss://")
# Threads the flows run tasks on. Parsing holds the GIL but for lxml's C parser, so a second thread overlaps some
# parsing with the writing, and more would only hold more parsed batches in memory at once: Prefect's default
# pool has no bound, so every batch of a load would be parsed at once and its rows held together.
PARSE_THREADS = 2


def thread_task_runner() -> TaskRunner[PrefectFuture[Any]]:
    """The flows' own task runner: :data:`PARSE_THREADS` threads."""
    # TaskRunner's future type is invariant, so Prefect's own runner needs a cast to fit the decorator's type
    return cast("TaskRunner[PrefectFuture[Any]]", ThreadPoolTaskRunner(max_workers=PARSE_THREADS))


# Parse tasks take and return plain rows; hashing them for a cache key would cost time and buy nothing.
parse = task(name="parse", cache_policy=NO_CACHE)(parse_stage.parse)


@contextmanager
def parse_task_runner(dask: str | None) -> Iterator[TaskRunner[Any] | None]:
    """The task runner for a flow run's parse batches: None (the flow's own, threads) without ``dask``, else a
    Dask one, shared by the run's loads; a local cluster starts at the first batch and stops with the block."""
    if dask is None:
        yield None
        return
    with get_client(sync_client=True) as client:  # the API this run reports to: a temporary server's, perhaps
        api_url = str(client.api_url)
    runner = dask_task_runner(dask, api_url=api_url)  # imports distributed, which sets its loggers' levels
    with _logger_level("distributed", logging.WARNING), runner:  # a local cluster's chatter
        yield runner


def parse_on(runner: TaskRunner[Any] | None) -> ParseMap:
    """The parse map of a flow run: each batch a task run on ``runner`` (None: the flow's own task runner), all in
    parallel and submitted at once, so a load's batches parse while it waits for the run's one writer; batches
    come back in order, each as soon as it and those before it are done, so the package is written while later
    batches are still being parsed."""

    def parse_map(archive: Path, batches: list[list[ParseJob]], window: Window) -> Iterator[ParsedBatch]:
        if not batches:
            return iter(())
        pending = deque(
            _submit(parse.with_options(task_run_name=_batch_name(jobs, i, len(batches))), runner, archive, jobs, window)
            for i, jobs in enumerate(batches, 1)
        )
        # the only reference to every future: a written batch can then be let go
        return _in_order(pending)

    return parse_map


def _in_order(pending: deque[PrefectFuture[ParsedBatch]]) -> Iterator[ParsedBatch]:
    while pending:
        yield pending.popleft().result()


def _submit(
    named: Task[..., ParsedBatch], runner: TaskRunner[Any] | None, archive: Path, jobs: list[ParseJob], window: Window
) -> PrefectFuture[ParsedBatch]:
    """One batch as a task run on ``runner`` (None: the flow's own task runner)."""
    if runner is None:
        return named.submit(archive, jobs, window=window)
    return cast(
        "PrefectFuture[ParsedBatch]", runner.submit(named, {"archive": archive, "jobs": jobs, "window": window})
    )


def _batch_name(jobs: list[ParseJob], batch: int, batches: int) -> Callable[[], str]:
    """``parse yanbian 1/3``; a reprocess of every source may mix sources in a batch: ``parse all 2/9``."""
    sources = {job.source for job in jobs}
    name = parse_task_name(sources.pop() if len(sources) == 1 else "all", batch, batches)
    return lambda: name  # a callable: Prefect would read braces in a plain name as a template


def check_dask(dask: str | None) -> None:
    """Raise ConfigError unless ``dask`` is None, ``local`` or a Dask scheduler address, with prefect-dask installed."""
    if dask is None:
        return
    if dask != LOCAL_DASK and not dask.startswith(_SCHEDULER_SCHEMES):
        raise ConfigError(f"dask must be 'local' or a scheduler address such as tcp://host:8786, got {dask!r}")
    if importlib.util.find_spec("prefect_dask") is None:
        raise ConfigError(
            "parsing on Dask needs prefect-dask: install the project with its dask extra (uv sync --extra dask)"
        )


def dask_task_runner(dask: str, *, api_url: str) -> TaskRunner[Any]:
    """A prefect-dask task runner: ``local`` for worker processes on this machine, else a scheduler address.

    A local cluster's workers report their task runs to ``api_url``; without it, a worker of a run on a temporary
    server would start a temporary server of its own. A remote cluster's workers need PREFECT_API_URL set to the
    run's server (a temporary server on loopback is out of their reach).
    """
    check_dask(dask)
    from prefect_dask.task_runners import DaskTaskRunner

    if dask == LOCAL_DASK:
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": os.cpu_count() or 1,
                "threads_per_worker": 1,  # parsing holds the GIL: processes, not threads, run it in parallel
                "host": "127.0.0.1",
                "dashboard_address": "127.0.0.1:0",  # any free port: runs must not contend for 8787
                # Workers log a heartbeat error when the cluster stops under them; a real failure of a parse
                # batch reaches the run as its task's Failed state, not through the workers' logs.
                "silence_logs": logging.CRITICAL,
                "env": {"PREFECT_API_URL": api_url},  # set in each worker process by its nanny
            }
        )
    return DaskTaskRunner(address=dask)


@contextmanager
def _logger_level(name: str, level: int) -> Iterator[None]:
    logger = logging.getLogger(name)
    previous = logger.level
    logger.setLevel(max(level, previous))
    try:
        yield
    finally:
        logger.setLevel(previous)
