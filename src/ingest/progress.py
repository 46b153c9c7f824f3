"""Progress of long command-line runs, drawn from the per-page log records of ``ingest.pipeline``.

On a terminal the records drive a rich progress bar per load; otherwise they pass through as plain log
lines, one per page, in the format of Prefect's own log lines. The pipeline only logs; it knows nothing of this.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.theme import Theme

PIPELINE_LOGGER = "ingest.pipeline"
LINE_FORMAT = "%(asctime)s.%(msecs)03d | %(levelname)-7s | %(name)s - %(message)s"


_COUNTS = ("fetched", "not_modified", "extracted", "failed")


class ProgressBarHandler(logging.Handler):
    """Turns the pipeline's progress records into progress bars: per load, one for fetching and one for parsing."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress
        self._tasks: dict[str, TaskID] = {}

    def emit(self, record: logging.LogRecord) -> None:
        load_id = getattr(record, "load_id", None)
        if not isinstance(load_id, str):
            return
        bar = f"{load_id} {getattr(record, 'stage', '')}".rstrip()
        if bar not in self._tasks:
            self._tasks[bar] = self.progress.add_task(bar, total=None, counts="")
        counts = " ".join(f"{name}={getattr(record, name)}" for name in _COUNTS if hasattr(record, name))
        self.progress.update(
            self._tasks[bar],
            completed=getattr(record, "pages_done", 0),
            total=getattr(record, "pages_total", None),
            counts=counts,
        )

    def finish(self) -> None:
        """Fill the bars whose page count was unknown: their crawl is over."""
        for task in self.progress.tasks:
            self.progress.update(task.id, total=task.completed)


@contextmanager
def show_progress(stream: TextIO | None = None) -> Iterator[None]:
    """Show the pipeline's progress on ``stream`` (default stderr) while the block runs."""
    stream = stream or sys.stderr
    with _progress_bar(stream) if stream.isatty() else _log_lines(stream) as handler:
        logger = logging.getLogger(PIPELINE_LOGGER)
        level, propagate = logger.level, logger.propagate
        logger.setLevel(logging.INFO)
        logger.propagate = False  # Prefect's console handler on the root logger would print every page again
        logger.addHandler(handler)
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate


@contextmanager
def _log_lines(stream: TextIO) -> Iterator[logging.Handler]:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LINE_FORMAT, datefmt="%H:%M:%S"))
    yield handler


@contextmanager
def _progress_bar(stream: TextIO) -> Iterator[logging.Handler]:
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
            handler = ProgressBarHandler(progress)
            yield handler
            handler.finish()
    finally:
        console.pop_theme()
