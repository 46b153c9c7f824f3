"""Public views at national size (issue 14): a synthetic warehouse of N documents, published, and its views timed.

    python -m bench.view_scale --documents 100000 [--merge-into bench/results/national.json ...]

The warehouse is built through the real schema (ingest.load.warehouse.connect runs the migrations) with bulk SQL
inserts (``sql/synthetic/``), since the loader would take hours for 100,000 pages: one backfill load per source
(a region), every document with a few sections and 40 figures, several years of targets and outcomes, an older
extractor's extraction of one in ten documents, and the texts cut from the bundled real reports. Publishing is the
real one (ingest.load.snapshot.publish), timed four ways: whole (the first snapshot), after a load that changed
one in twenty documents (their second versions), after one that changed about ten (a source's daily commit), and
after a load that found nothing new. Then, on the snapshot
readers open, each public view's ``count(*)`` and analyst query (``sql/views/``) are timed warm, through the
materialised current state and through the history definitions (the same answers with ``as_of`` after the last
load, which is what every query ran before). Prints a table; ``--merge-into`` writes ``view_latency_ms_<N/1000>k``
(view → the slower of the two queries, ms) into each JSON file named, keeping its other keys.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from bench.mirror import paragraph_pools
from bench.views import bench_sql, slower_query_ms
from ingest.extract import EXTRACTOR_VERSION
from ingest.load.snapshot import publish
from ingest.load.warehouse import PUBLIC_VIEWS, connect, transaction

COMMITTED = datetime(2026, 1, 1, tzinfo=UTC)  # when the synthetic backfill committed
OLD_EXTRACTOR = "2025.1.0"  # the extractor version one in ten documents was also read by, a day earlier
DOCUMENTS_PER_SOURCE = 30  # about a prefecture's or county's reports, bulletins and interpretations over 7 years
REVISED_EVERY = 20  # the changing load gives one document in this many a second version
GOAL_MS = 100.0


def build(db: Path, documents: int, *, paragraphs: int) -> dict[str, float]:
    """The synthetic warehouse at ``db`` and its three publishes; seconds of each step."""
    sources = max(1, documents // DOCUMENTS_PER_SOURCE)
    pool = [p.text for genre in paragraph_pools().values() for document in genre for p in document if p.text]
    seconds: dict[str, float] = {}
    with connect(db) as con:
        started = time.perf_counter()
        with transaction(con):
            common = {"sources": sources, "committed": COMMITTED, "extractor": EXTRACTOR_VERSION}
            _run(con, "loads.sql", **common)
            _run(con, "documents.sql", documents=documents, **common)
            _extract(con, pool, paragraphs, OLD_EXTRACTOR, every=10, earlier="1 day")
            _extract(con, pool, paragraphs, EXTRACTOR_VERSION, every=1, earlier="0 seconds")
        seconds["build_s"] = time.perf_counter() - started
        seconds["publish_whole_s"] = _timed_publish(con)
        with transaction(con):
            revised = {"load_id": "synthetic-revision", "committed": COMMITTED + timedelta(days=30)}
            _run(con, "revision.sql", every=REVISED_EVERY, extractor=EXTRACTOR_VERSION, **revised)
            _extract(con, pool, paragraphs, EXTRACTOR_VERSION, every=1, earlier="0 seconds")
        seconds["publish_after_changes_s"] = _timed_publish(con)
        seconds["publish_after_small_load_s"] = _small_load(con, pool, paragraphs, documents)
        with transaction(con):
            nothing = {"load_id": "synthetic-noop", "committed": COMMITTED + timedelta(days=31)}
            _run(con, "noop.sql", sources=sources, extractor=EXTRACTOR_VERSION, **nothing)
        seconds["publish_no_change_s"] = _timed_publish(con)
    return seconds


def _small_load(con: duckdb.DuckDBPyConnection, pool: list[str], paragraphs: int, documents: int) -> float:
    """A load that changes about ten documents, as one source's daily commit does, then its publish's seconds."""
    with transaction(con):
        small = {"load_id": "synthetic-small", "committed": COMMITTED + timedelta(days=30, hours=12)}
        _run(con, "revision.sql", every=max(1, documents // 10), extractor=EXTRACTOR_VERSION, **small)
        _extract(con, pool, paragraphs, EXTRACTOR_VERSION, every=1, earlier="0 seconds")
    return _timed_publish(con)


def _extract(
    con: duckdb.DuckDBPyConnection, pool: list[str], paragraphs: int, extractor: str, *, every: int, earlier: str
) -> None:
    _run(con, "extractions.sql", pool=pool, paragraphs=paragraphs, extractor=extractor, every=every, earlier=earlier)
    _run(con, "derived.sql")


def _timed_publish(con: duckdb.DuckDBPyConnection) -> float:
    started = time.perf_counter()
    publish(con)
    return time.perf_counter() - started


def _run(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> None:
    """The statements of ``sql/synthetic/<name>``, each given the parameters it names."""
    for statement in bench_sql(f"synthetic/{name}").split(";\n"):
        con.execute(statement, {key: value for key, value in params.items() if f"${key}" in statement} or None)


def measure(documents: int, *, paragraphs: int, repeats: int, keep: Path | None) -> dict[str, Any]:
    load_before = os.getloadavg()[0]  # the machine is shared: other work slows every figure
    with tempfile.TemporaryDirectory(prefix="ingest-view-scale-") as temporary:
        db = (keep or Path(temporary)) / "reports.duckdb"
        if db.exists():
            sys.exit(f"{db} already exists; give --keep an empty folder")
        _log(f"building a synthetic warehouse of {documents:,} documents and publishing it")
        results: dict[str, Any] = {"documents": documents, **build(db, documents, paragraphs=paragraphs)}
        results["build_peak_rss_mb"] = _peak_rss_mb()
        _log("timing the public views through their stored current state")
        results["view_ms"] = slower_query_ms(db, repeats=repeats)
        _log("timing the same answers through the history definitions (as before)")
        results["view_ms_through_history"] = slower_query_ms(db, repeats=repeats, through_history=True)
        results["peak_rss_mb"] = _peak_rss_mb()
        results["load_average"] = [load_before, os.getloadavg()[0]]
        results["snapshot_mb"] = sum(p.stat().st_size for p in db.with_suffix(".snapshot").rglob("*.parquet")) / 2**20
    return results


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table(results: dict[str, Any]) -> str:
    lines = [
        f"{results['documents']:,} documents: publish whole {results['publish_whole_s']:.1f} s, after a load that "
        f"changed 1 in {REVISED_EVERY} documents {results['publish_after_changes_s']:.1f} s, after one that changed "
        f"about ten {results['publish_after_small_load_s']:.1f} s, after one with nothing new "
        f"{results['publish_no_change_s']:.2f} s; peak RSS of building and publishing "
        f"{results['build_peak_rss_mb']:.0f} MB, of the whole benchmark {results['peak_rss_mb']:.0f} MB; "
        f"load average {results['load_average'][0]:.1f} before, {results['load_average'][1]:.1f} after",
        "",
        "| view | ms (slower of count(*) and analyst query) | ms through the history definitions |",
        "|---|---|---|",
    ]
    for view in PUBLIC_VIEWS:
        now, before = results["view_ms"][view], results["view_ms_through_history"][view]
        flag = "" if now < GOAL_MS else " (over 100 ms)"
        lines.append(f"| {view} | {now:.1f}{flag} | {before:.1f} |")
    return "\n".join(lines)


def merge_into(path: Path, results: dict[str, Any]) -> None:
    """Write the view figures into ``path`` under ``view_latency_ms_<N/1000>k``, keeping the file's other keys."""
    try:
        merged = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except ValueError as exc:
        sys.exit(f"--merge-into {path} is not JSON ({exc}); fix or remove it")
    merged[f"view_latency_ms_{results['documents'] // 1000}k"] = results["view_ms"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _log(message: str) -> None:
    print(f"[view_scale {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.view_scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--paragraphs", type=int, default=20, help="paragraphs of real reports in each text")
    parser.add_argument("--repeats", type=int, default=7, help="warm runs of each query, the median taken")
    parser.add_argument(
        "--merge-into", type=Path, action="append", default=[], help="JSON file to write view_latency_ms_<N/1000>k into"
    )
    parser.add_argument("--keep", type=Path, help="an empty folder to build the warehouse in and leave it")
    args = parser.parse_args(argv)
    if args.documents < 1000:
        parser.error("--documents must be at least 1000")
    results = measure(args.documents, paragraphs=args.paragraphs, repeats=args.repeats, keep=args.keep)
    print(table(results))
    for path in args.merge_into:
        merge_into(path, results)


if __name__ == "__main__":
    main()
