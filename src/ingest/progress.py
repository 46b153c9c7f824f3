"""Progress of a load, reported through an object the caller passes in (as dlt passes a collector).

The pipeline calls :meth:`LoadProgress.update` once per fetched page and once per parsed batch. The command line
shows it as a rich progress bar per load and stage on a terminal, or as plain log lines, one per update, in the
format of Prefect's own log lines, when its output goes to a file or a pipe. Runs without a watcher (scheduled,
served) report to :data:`NO_PROGRESS`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal, Protocol, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.theme import Theme

Stage = Literal["fetch", "parse"]
LINE_FORMAT = "%(asctime)s.%(msecs)03d | %(levelname)-7s | %(name)s - %(message)s"


class LoadProgress(Protocol):
    def update(
        self, load_id: str, stage: Stage, done: int, *, total: int | None, counts: Mapping[str, int], url: str = ""
    ) -> None:
        """``done`` of ``total`` (None: not known yet) pages of ``stage`` are through; ``counts`` so far."""


class _NoProgress:
    def update(
        self, load_id: str, stage: Stage, done: int, *, total: int | None, counts: Mapping[str, int], url: str = ""
    ) -> None:
        return None


NO_PROGRESS: LoadProgress = _NoProgress()

# How the command line hands its progress display to the flow it runs in-process: flow parameters must be
# serialisable, a display is not. Flows read it once and pass it on explicitly.
_watching: ContextVar[LoadProgress] = ContextVar("ingest_progress", default=NO_PROGRESS)


def current_progress() -> LoadProgress:
    """The progress display of the command running this flow, or :data:`NO_PROGRESS`."""
    return _watching.get()


class LogLines:
    """One log line per update: ``load_id=… page=12 fetched=9 not_modified=2 failed=1 url=…``."""

    def __init__(self, stream: TextIO) -> None:
        # a logger of its own, outside the logging tree: Prefect's handlers on the root logger must not print it again
        self._logger = logging.Logger("ingest.pipeline", logging.INFO)
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter(LINE_FORMAT, datefmt="%H:%M:%S"))
        self._logger.addHandler(handler)

    def update(
        self, load_id: str, stage: Stage, done: int, *, total: int | None, counts: Mapping[str, int], url: str = ""
    ) -> None:
        fields = " ".join(f"{name}={n}" for name, n in counts.items())
        position = f"{'page' if stage == 'fetch' else 'parsed'}={done}{f'/{total}' if total is not None else ''}"
        self._logger.info("load_id=%s %s %s%s", load_id, position, fields, f" url={url}" if url else "")


class ProgressBars:
    """Per load, one bar for fetching and one for parsing."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self._tasks: dict[str, TaskID] = {}

    def update(
        self, load_id: str, stage: Stage, done: int, *, total: int | None, counts: Mapping[str, int], url: str = ""
    ) -> None:
        bar = f"{load_id} {stage}"
        if bar not in self._tasks:
            self._tasks[bar] = self.progress.add_task(bar, total=None, counts="")
        text = " ".join(f"{name}={n}" for name, n in counts.items())
        self.progress.update(self._tasks[bar], completed=done, total=total, counts=text)

    def finish(self) -> None:
        """Fill the bars whose page count was unknown: their crawl is over."""
        for task in self.progress.tasks:
            self.progress.update(task.id, total=task.completed)


@contextmanager
def show_progress(stream: TextIO | None = None) -> Iterator[LoadProgress]:
    """Show the progress of the loads that run in the block on ``stream`` (default stderr)."""
    stream = stream or sys.stderr
    with _progress_bars(stream) if stream.isatty() else _log_lines(stream) as progress:
        token = _watching.set(progress)
        try:
            yield progress
        finally:
            _watching.reset(token)


@contextmanager
def _log_lines(stream: TextIO) -> Iterator[LoadProgress]:
    yield LogLines(stream)


@contextmanager
def _progress_bars(stream: TextIO) -> Iterator[LoadProgress]:
    # Draw on the console Prefect logs to, when there is one, so its log lines scroll above the bar; that
    # console knows only Prefect's log styles, so lend it rich's default ones (the bar's) meanwhile.
    consoles = [getattr(h, "console", None) for h in logging.getLogger().handlers]
    console = next((c for c in consoles if isinstance(c, Console)), None) or Console(file=stream)
    console.push_theme(Theme())
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            console=console,
        ) as progress:
            bars = ProgressBars(progress)
            yield bars
            bars.finish()
    finally:
        console.pop_theme()
