"""A whole load of one source in a process of its own, as the flow runs it, for kill and concurrency tests.

Usage: python -m tests.load_runner DB SOURCE_JSON LOCK_TIMEOUT
"""

from __future__ import annotations

import sys
from pathlib import Path

from ingest import pipeline
from ingest.load.warehouse import run_lock
from ingest.sources import Source


def main(db: str, source_json: str, lock_timeout: str) -> None:
    source = Source.model_validate_json(source_json)
    paths = pipeline.WarehousePaths.beside(Path(db))
    with run_lock(paths.db, timeout=float(lock_timeout)):
        pipeline.recover(paths)
        plan = pipeline.start_load(paths, source, kind="manual", parameters={})
        print("collecting", flush=True)
        pipeline.collect(paths, source, plan, mode="scheduled")
        print("committing", flush=True)
        report = pipeline.commit_load(paths, plan.load_id)
    print(f"done {report.status} {report.versions_added}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
