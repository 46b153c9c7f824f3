"""The benchmark's measured runs, each in a process of its own so it starts cold and has its own peak memory.

    python -m bench.child pipeline --sources F --db D --mode backfill|scheduled [--since --until] [--profile P]
    python -m bench.child flow --sources F --db D
    python -m bench.child trivial-flow

``pipeline`` runs each source's load as the flows do (recover, then ingest.pipeline.run_load per source) without
Prefect, sampling its memory to tell which stage reaches the peak; ``flow`` runs the ``ingest`` flow;
``trivial-flow`` runs a flow that does nothing, so its wall time is Prefect's own start-up (import, temporary API
server, flow-run bookkeeping). Each prints one JSON object.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from ingest.project import configure_prefect_environment

configure_prefect_environment()  # before anything imports prefect

from ingest import pipeline  # noqa: E402
from ingest.load.apply import LoadReport  # noqa: E402
from ingest.load.store import Warehouse  # noqa: E402
from ingest.load.warehouse import run_lock  # noqa: E402
from ingest.sources import load_sources  # noqa: E402


class MemoryWatch:
    """Samples this process's resident memory in a background thread and keeps the peak of each stage."""

    INTERVAL = 0.05  # seconds between samples

    def __init__(self) -> None:
        self.peaks: dict[str, float] = {}
        self._stage = "start-up"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="memory-watch", daemon=True)

    def stage(self, name: str) -> None:
        self._record(self._stage)  # the last reading of the stage that ends
        self._stage = name

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._record(self._stage)

    def _sample(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            self._record(self._stage)

    def _record(self, stage: str) -> None:
        self.peaks[stage] = max(self.peaks.get(stage, 0.0), resident_mb())


def run_pipeline(
    sources_file: Path, db: Path, *, mode: pipeline.CrawlMode, since: date | None, until: date | None
) -> dict[str, Any]:
    """Every source of ``sources_file`` into ``db``; timings and peak memory per stage, what the loads added."""
    started = time.perf_counter()
    warehouse = Warehouse.at(db)
    parameters = {"since": since.isoformat(), "until": until.isoformat()} if since and until else {}
    totals: dict[str, Any] = {"start_s": 0.0, "collect_s": 0.0, "commit_s": 0.0, "loads": []}

    # The stages timed at their boundaries: collect is what lies between the plan and the commit. The memory stages
    # are named by the source whose load runs: a crawl longer than max_documents_per_package plans its later parts
    # without `start`, so their load ids are first seen at commit.
    running = {"source": ""}

    def start(warehouse: Warehouse, requests: Sequence[pipeline.LoadRequest]) -> list[pipeline.LoadPlan]:
        [request] = requests  # run_load begins its own load only
        memory.stage(f"{request.source.name}: start_load")
        begun = time.perf_counter()
        plans = pipeline.start_loads(warehouse, requests)
        totals["start_s"] += time.perf_counter() - begun
        memory.stage(f"{request.source.name}: collect")
        return plans

    def commit(warehouse: Warehouse, load_id: str) -> LoadReport:
        memory.stage(f"{running['source']}: commit_load")
        begun = time.perf_counter()
        report = pipeline.commit_load(warehouse, load_id)
        totals["commit_s"] += time.perf_counter() - begun
        return report

    def record(outcome: pipeline.LoadOutcome) -> None:
        """Every committed package, each part of a long crawl its own entry: run_load returns only the last."""
        summary = outcome.summary
        totals["loads"].append(
            {
                "source": summary.source,
                "list_pages": summary.list_pages,
                "fetched": summary.fetched,
                "not_modified": summary.not_modified,
                "failures": [(f.url, f.kind.value, f.detail) for f in summary.failures[:5]],
                "failure_count": len(summary.failures),
                **asdict(outcome.report),
            }
        )

    with run_lock(db), MemoryWatch() as memory:
        warehouse.recover()
        for source in load_sources(sources_file):
            request = pipeline.LoadRequest(
                source, kind=mode, mode=mode, parameters=parameters, since=since, until=until
            )
            mark = time.perf_counter()
            running["source"] = source.name
            pipeline.run_load(
                warehouse, request, steps=pipeline.LoadSteps(start=start, commit=commit), on_commit=record
            )
            totals["collect_s"] += time.perf_counter() - mark
    totals["collect_s"] -= totals["start_s"] + totals["commit_s"]
    totals["wall_s"] = time.perf_counter() - started
    totals["peak_rss_mb"] = peak_rss_mb()
    totals["peak_rss_by_stage_mb"] = memory.peaks
    return totals


def run_flow(sources_file: Path, db: Path) -> dict[str, Any]:
    from flows.ingest_flows import ingest

    state = ingest(sources_file=str(sources_file), db=str(db), return_state=True)
    return {"state": state.type.value, "message": state.message, "peak_rss_mb": peak_rss_mb()}


def run_trivial_flow() -> dict[str, Any]:
    from prefect import flow

    @flow(name="bench-trivial")
    def trivial() -> int:
        return 1

    state = trivial(return_state=True)
    return {"state": state.type.value, "message": state.message}


def peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM, not ru_maxrss. Linux keeps ru_maxrss across fork and exec, so a
    child's starts at the resident memory its parent had when it started the child: after bench.run had timed the
    views in its own process (DuckDB's buffers), the next runs' children reported the parent's 1.2–1.4 GB as their
    peak (issue 18), while their own memory, sampled at every stage, never passed 460 MB. VmHWM belongs to the
    exec'd process alone."""
    return _status_mb("VmHWM")


def resident_mb() -> float:
    """This process's resident memory now."""
    return _status_mb("VmRSS")


def _status_mb(field: str) -> float:
    """A memory field of /proc/self/status (in kB there), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.child", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("pipeline", "flow"):
        command = commands.add_parser(name)
        command.add_argument("--sources", type=Path, required=True)
        command.add_argument("--db", type=Path, required=True)
        if name == "pipeline":
            command.add_argument("--mode", choices=("backfill", "scheduled"), required=True)
            command.add_argument("--since", type=date.fromisoformat)
            command.add_argument("--until", type=date.fromisoformat)
            command.add_argument("--profile", type=Path, help="write a cProfile of the run here")
    commands.add_parser("trivial-flow")
    args = parser.parse_args(argv)

    if args.command == "pipeline":
        profile = cProfile.Profile() if args.profile else None
        if profile is not None:
            profile.enable()
        result = run_pipeline(args.sources, args.db, mode=args.mode, since=args.since, until=args.until)
        if profile is not None:
            profile.disable()
            profile.dump_stats(args.profile)
    elif args.command == "flow":
        result = run_flow(args.sources, args.db)
    else:
        result = run_trivial_flow()
    print(json.dumps(result, default=str, ensure_ascii=False))


if __name__ == "__main__":
    main()
