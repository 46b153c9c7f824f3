"""Two `ingest run` processes of different sources on one warehouse: at once, against one after the other.

    python -m bench.several_writers [--pages 200] [--rate 10]

Serves the bench mirror's two sites (``--pages`` articles over both), each a source at ``--rate`` requests per
second, and times two `ingest run --source …` processes into one fresh warehouse started together, and the same
two into another warehouse one after the other: wall time, CPU time (user + sys of the processes) and the load
average, whether the crawls overlapped (from the sites' request logs) and whether the two warehouses hold the same
rows. Both use a local Prefect server of their own, started and warmed before the first measure. Writes
bench/results/several_writers.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.reference import table_contents

from bench.mirror import build_mirror, mirror_source, write_sources
from bench.national import _environment, _ingest, _log, _stop_server
from ingest.demo_site import DemoSite
from ingest.project import PROJECT_ROOT

RESULT = PROJECT_ROOT / "bench" / "results" / "several_writers.json"


def timed(commands: Sequence[Sequence[str]], env: dict[str, str], log: Path, *, at_once: bool) -> dict[str, float]:
    """Run ``commands`` together or one after the other, their output into ``log``; their wall and CPU seconds
    and the load average."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as output:
        if at_once:
            processes = [subprocess.Popen(c, env=env, stdout=output, stderr=subprocess.STDOUT) for c in commands]
            codes = [process.wait() for process in processes]
        else:
            codes = [subprocess.run(c, env=env, stdout=output, stderr=subprocess.STDOUT).returncode for c in commands]
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if any(codes):
        raise SystemExit(f"an ingest run failed (exit codes {codes}): {log.read_text(encoding='utf-8')[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "load_average_1min": round(load, 2)}


def overlapped(demos: Sequence[DemoSite]) -> bool:
    """Whether each site was still being crawled when the other's crawl began (the sites' own clock)."""
    spans = [(records[0].time, records[-1].time) for records in (demo.requests() for demo in demos)]
    return max(start for start, _ in spans) < min(end for _, end in spans)


def measure(pages: int, rate: float, root: Path) -> dict[str, Any]:
    with ExitStack() as stack:
        sites = build_mirror(pages)
        demos = [stack.enter_context(DemoSite(template=s.template, articles=s.articles)) for s in sites]
        sources = [
            mirror_source(site, demo).model_copy(update={"rate_limit": rate})
            for site, demo in zip(sites, demos, strict=True)
        ]
        sources_file = root / "sources.toml"
        write_sources(sources_file, sources)
        env = _environment(root / "prefect")
        _log("warming up the local Prefect server")
        subprocess.run([sys.executable, "-m", "bench.child", "trivial-flow"], env=env, capture_output=True, check=True)

        def runs(db: Path) -> list[list[str]]:
            base = [_ingest(), "run", "--sources", str(sources_file), "--db", str(db), "--lock-timeout", "3600"]
            return [[*base, "--source", source.name] for source in sources]

        _log("one after the other")
        sequential = timed(runs(root / "sequential" / "reports.duckdb"), env, root / "sequential.log", at_once=False)
        for demo in demos:
            demo.reset()
        _log("at once")
        concurrent = timed(runs(root / "concurrent" / "reports.duckdb"), env, root / "concurrent.log", at_once=True)
        concurrent["crawls_overlapped"] = overlapped(demos)
        _log(f"one after the other {sequential}, at once {concurrent}")
        _stop_server(env)
        hosts = {demo.base_url: f"http://{site.name}" for site, demo in zip(sites, demos, strict=True)}
    same = table_contents(root / "sequential" / "reports.duckdb", hosts) == table_contents(
        root / "concurrent" / "reports.duckdb", hosts
    )
    return {
        "measured_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "pages": pages,
        "rate_limit": rate,
        "cores": os.cpu_count(),
        "one_after_the_other": sequential,
        "at_once": concurrent,
        "same_rows": same,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.several_writers", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="articles over the two sites")
    parser.add_argument("--rate", type=float, default=10.0, help="requests per second per source")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-several-writers-") as temporary:
        result = measure(args.pages, args.rate, Path(temporary))
    RESULT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
