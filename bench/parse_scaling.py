"""``python -m bench.parse_scaling --pages 1000``: the parse stage on threads against a local Dask cluster.

Backfills the synthetic mirror (bench.mirror) into a fresh warehouse, then times the reprocess flow, which
re-parses every document from the WARC archive and sends no request, once per task runner: threads of the
flow's process (the default) and ``--dask local`` (one worker process per core). Reprocess is where parsing is
the whole of the work; in a backfill the network usually dominates. Writes ``bench/results/parse_scaling.md``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from ingest.project import PROJECT_ROOT, configure_prefect_environment

configure_prefect_environment()

from bench.mirror import build_mirror, mirror_source, write_sources  # noqa: E402
from ingest import pipeline  # noqa: E402
from ingest.demo_site import DemoSite  # noqa: E402
from ingest.load.store import Warehouse  # noqa: E402

RESULTS = PROJECT_ROOT / "bench" / "results" / "parse_scaling.md"
RUNNERS = {"threads": None, "dask local": "local"}


def measure(pages: int, rounds: int) -> dict[str, list[float]]:
    from flows.parse_tasks import parse_task_runner
    from flows.reprocess_flow import reprocess
    from prefect.testing.utilities import prefect_test_harness
    from prefect_dask.task_runners import DaskTaskRunner

    timings: dict[str, list[float]] = {name: [] for name in [*RUNNERS, "dask local: cluster start and stop"]}
    with tempfile.TemporaryDirectory(prefix="ingest-parse-") as temporary, ExitStack() as stack:
        warehouse = Warehouse.at(Path(temporary) / "reports.duckdb")
        sources_file = Path(temporary) / "sources.toml"
        sources = {}
        for site in build_mirror(pages):
            demo = stack.enter_context(DemoSite(template=site.template, articles=site.articles, page_size=20))
            source = mirror_source(site, demo)
            sources[source.name] = source
            pipeline.run_load(warehouse, pipeline.LoadRequest(source, kind="backfill", mode="backfill"))
        write_sources(sources_file, list(sources.values()))
        stack.enter_context(prefect_test_harness(server_startup_timeout=120))
        for _ in range(rounds):
            for name, dask in RUNNERS.items():
                started = time.perf_counter()
                state = reprocess(
                    db=str(warehouse.paths.db), sources_file=str(sources_file), dask=dask, return_state=True
                )
                timings[name].append(time.perf_counter() - started)
                if not state.is_completed():
                    raise SystemExit(f"the reprocess on {name} ended {state.name}: {state.message}")
            started = time.perf_counter()
            with parse_task_runner("local") as runner:
                assert isinstance(runner, DaskTaskRunner)
                runner.client.wait_for_workers(os.cpu_count() or 1)  # the cluster starts with its client
            timings["dask local: cluster start and stop"].append(time.perf_counter() - started)
    return timings


def report(pages: int, timings: dict[str, list[float]]) -> str:
    lines = [
        f"# Parse stage: threads against a local Dask cluster ({pages} documents)",
        "",
        f"`python -m bench.parse_scaling --pages {pages}` on {os.cpu_count()} cores. Wall time of the reprocess "
        "flow (find current versions, parse in batches of 100, write the package, commit), best and all rounds; "
        "the Dask run includes starting and stopping its local cluster, also timed alone.",
        "",
        "| task runner | best s | documents/s | rounds s |",
        "|---|---|---|---|",
    ]
    for name, values in timings.items():
        best = min(values)
        rate = f"{pages / best:.0f}" if name in RUNNERS else ""
        lines.append(f"| {name} | {best:.1f} | {rate} | {', '.join(f'{v:.1f}' for v in values)} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    arguments = parser.parse_args()
    text = report(arguments.pages, measure(arguments.pages, arguments.rounds))
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
