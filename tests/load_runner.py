"""A whole load of one source in a process of its own, as the flow runs it, for kill and concurrency tests.

Usage: python -m tests.load_runner DB SOURCE_JSON LOCK_TIMEOUT [GATE]

It prints ``collecting`` once the load has begun and ``committing`` before it commits, so a test can kill it in
either phase. Given a GATE file, it commits only once that file exists: it holds the run lock until the test says.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ingest import pipeline
from ingest.load.apply import LoadReport
from ingest.load.store import Warehouse
from ingest.load.warehouse import run_lock
from ingest.sources import Source


def _start(warehouse: Warehouse, requests: Sequence[pipeline.LoadRequest]) -> list[pipeline.LoadPlan]:
    plans = pipeline.start_loads(warehouse, requests)
    print("collecting", flush=True)
    return plans


def main(db: str, source_json: str, lock_timeout: str, gate: str | None = None) -> None:
    source = Source.model_validate_json(source_json)
    warehouse = Warehouse.at(Path(db), lock_timeout=float(lock_timeout))

    def commit(warehouse: Warehouse, load_id: str) -> LoadReport:
        while gate is not None and not Path(gate).exists():
            time.sleep(0.05)
        print("committing", flush=True)
        return pipeline.commit_load(warehouse, load_id)

    with run_lock(warehouse.paths.db, timeout=float(lock_timeout), sources=[source.name]) as held:  # as the flow
        warehouse.recover(held)
        request = pipeline.LoadRequest(source, kind="manual", mode="scheduled")
        steps = pipeline.LoadSteps(start=_start, commit=commit, commit_held=commit)
        _, report = pipeline.run_load(warehouse, request, steps=steps)
    print(f"done {report.status} {report.versions_added}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
