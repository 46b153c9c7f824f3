"""Progress of long runs: plain log lines when output is not a terminal, bars fed by the same updates when it is."""

from __future__ import annotations

import io

from rich.console import Console
from rich.progress import Progress

from ingest import pipeline
from ingest.load.store import Warehouse
from ingest.progress import LoadProgress, ProgressBars, show_progress
from ingest.sources import Source


def load_watched(warehouse: Warehouse, source: Source, progress: LoadProgress) -> pipeline.CollectSummary:
    request = pipeline.LoadRequest(source, kind="backfill", mode="backfill")
    return pipeline.run_load(warehouse, request, progress=progress).summary


def test_without_a_terminal_each_page_is_one_plain_line(warehouse: Warehouse, demo_source: Source) -> None:
    stream = io.StringIO()

    with show_progress(stream) as progress:
        summary = load_watched(warehouse, demo_source, progress)

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


def test_on_a_terminal_each_load_gets_a_fetch_bar_and_a_parse_bar(warehouse: Warehouse, demo_source: Source) -> None:
    screen = io.StringIO()
    with Progress(console=Console(file=screen, force_terminal=True, width=120)) as progress:
        bars = ProgressBars(progress)
        summary = load_watched(warehouse, demo_source, bars)
        bars.finish()
        shown = {task.description: (task.completed, task.total) for task in progress.tasks}

    pages = summary.list_pages + summary.fetched + summary.not_modified + len(summary.failures)
    assert shown == {
        f"{summary.load_id} fetch": (pages, pages),  # the crawl's length is known only at its end
        f"{summary.load_id} parse": (summary.fetched, summary.fetched),
    }
    assert f"{summary.load_id} parse" in screen.getvalue()
