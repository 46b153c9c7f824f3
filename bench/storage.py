"""The storage comparison of docs/storage.md: the published snapshot against the warehouse file, and DuckLake.

    python -m bench.storage --pages 10000 [--ducklake-python /path/to/venv/bin/python]

Backfills the synthetic mirror into a fresh warehouse (each commit publishes the snapshot), then measures: the
cost of a commit with nothing to add, publishing alone (after no load, and whole, as after a compaction or a schema
change), the snapshot's files and bytes, and the latency of every public view on the warehouse file and on the
snapshot. With ``--ducklake-python`` (an interpreter with duckdb 1.4.4, duckdb-ext-ducklake and
duckdb-ext-sqlite), the same tables go into a DuckLake with a SQLite catalog, measured by bench/ducklake_probe.py.
Writes ``bench/results/storage_n<pages>.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.mirror import build_mirror
from bench.run import RESULTS, _child, _child_environment, _log, _pipeline_args, serve_mirror
from bench.views import view_latency
from ingest.load.snapshot import CURRENT, publish
from ingest.load.store import WarehousePaths
from ingest.load.warehouse import connect, sql_path

PROBE = Path(__file__).resolve().parent / "ducklake_probe.py"


def measure(pages: int, *, seed: int, ducklake_python: Path | None, repeats: int) -> dict[str, Any]:
    sites = build_mirror(pages, seed=seed)
    with tempfile.TemporaryDirectory(prefix="ingest-storage-") as temporary, ExitStack() as stack:
        root = Path(temporary)
        sources_file = serve_mirror(stack, sites, root / "sources.toml")
        env = _child_environment(root / "prefect")
        db = root / "reports.duckdb"
        paths = WarehousePaths.beside(db)
        _log(f"backfilling {pages} pages")
        backfill, _ = _child(_pipeline_args(sources_file, db, "backfill"), env)
        _log("a commit with nothing new, then publishing alone: after no load, and whole (as a compaction does)")
        noop, _ = _child(_pipeline_args(sources_file, db, "scheduled"), env)
        publish_s, whole_s = [], []
        with connect(db) as con:
            for _ in range(3):
                started = time.perf_counter()
                publish(con)
                publish_s.append(time.perf_counter() - started)
            for _ in range(2):
                (paths.snapshot_data / CURRENT).unlink()  # no snapshot to build on: every table written whole
                started = time.perf_counter()
                publish(con)
                whole_s.append(time.perf_counter() - started)
        current = (paths.snapshot_data / CURRENT).resolve()
        files = list(current.rglob("*.parquet"))
        _log("timing the views on the warehouse file and on the snapshot")
        on_file = view_latency(db, repeats=repeats, snapshot=False)
        on_snapshot = view_latency(db, repeats=repeats, snapshot=True)
        results: dict[str, Any] = {
            "pages": pages,
            "documents": sum(load["documents_added"] for load in backfill["loads"]),
            "backfill_commit_s": backfill["commit_s"],
            "loads_in_backfill": len(backfill["loads"]),
            "noop_commit_s": noop["commit_s"],
            "noop_loads": len(noop["loads"]),
            "publish_s": statistics.median(publish_s),
            "publish_whole_s": statistics.median(whole_s),
            "duckdb_file_mb": db.stat().st_size / 2**20,
            "snapshot_mb": sum(p.stat().st_size for p in files) / 2**20,
            "snapshot_files": len(files),
            "views_file_kb": paths.snapshot.stat().st_size / 1024,
            "view_ms_file": asdict(on_file),
            "view_ms_snapshot": asdict(on_snapshot),
        }
        if ducklake_python is not None:
            _log("the same tables in a DuckLake (SQLite catalog, local Parquet)")
            probe = subprocess.run(
                [str(ducklake_python), str(PROBE), str(current), str(sql_path("views.sql")), str(root / "lake")],
                capture_output=True,
                text=True,
                check=True,
            )
            results["ducklake"] = json.loads(probe.stdout.strip().splitlines()[-1])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.storage", description=__doc__)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--view-repeats", type=int, default=7)
    parser.add_argument("--ducklake-python", type=Path)
    args = parser.parse_args()
    results = measure(args.pages, seed=args.seed, ducklake_python=args.ducklake_python, repeats=args.view_repeats)
    output = RESULTS / f"storage_n{args.pages}.json"
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
