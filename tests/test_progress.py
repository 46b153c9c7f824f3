"""Progress of long runs: plain log lines when output is not a terminal, bars fed by the same records when it is."""

from __future__ import annotations

import io
import logging

from rich.console import Console
from rich.progress import Progress

from ingest import pipeline
from ingest.pipeline import WarehousePaths
from ingest.progress import PIPELINE_LOGGER, ProgressBarHandler, show_progress
from ingest.sources import Source


def collect_once(paths: WarehousePaths, source: Source) -> pipeline.CollectSummary:
    plan = pipeline.start_load(paths, source, kind="backfill", parameters={})
    return pipeline.collect(paths, source, plan, mode="backfill")


def test_without_a_terminal_each_page_is_one_plain_line(paths: WarehousePaths, demo_source: Source) -> None:
    stream = io.StringIO()

    with show_progress(stream):
        summary = collect_once(paths, demo_source)

    lines = stream.getvalue().splitlines()
    fetch_lines = [line for line in lines if " page=" in line]
    parse_lines = [line for line in lines if " parsed=" in line]
    assert len(fetch_lines) == summary.list_pages + summary.fetched + summary.not_modified + len(summary.failures)
    assert all(f"load_id={summary.load_id}" in line and " | INFO    | " in line for line in lines)
    assert (
        parse_lines[-1]
        .split(" | ")[-1]
        .startswith(
            f"ingest.pipeline - load_id={summary.load_id} parsed={summary.fetched}/{summary.fetched} "
            f"extracted={summary.fetched} failed=0"
        )
    )
    assert "\x1b[" not in stream.getvalue()  # no terminal control codes in a log file


def test_on_a_terminal_each_load_gets_a_fetch_bar_and_a_parse_bar(paths: WarehousePaths, demo_source: Source) -> None:
    screen = io.StringIO()
    logger = logging.getLogger(PIPELINE_LOGGER)
    level = logger.level
    with Progress(console=Console(file=screen, force_terminal=True, width=120)) as progress:
        handler = ProgressBarHandler(progress)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        try:
            summary = collect_once(paths, demo_source)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
        handler.finish()
        bars = {task.description: (task.completed, task.total) for task in progress.tasks}

    pages = summary.list_pages + summary.fetched + summary.not_modified + len(summary.failures)
    assert bars == {
        f"{summary.load_id} fetch": (pages, pages),  # the crawl's length is known only at its end
        f"{summary.load_id} parse": (summary.fetched, summary.fetched),
    }
    assert f"{summary.load_id} parse" in screen.getvalue()
