"""``make bench``: build and serve the synthetic mirror, measure, and write bench/results/.

    python -m bench.run --pages 1000     # the default run
    python -m bench.run --pages 10000    # the large one: view latency and peak memory at 10,000 documents

Writes ``bench/results/n<pages>.json`` and ``.md``, and copies them to ``latest.json`` / ``latest.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.extraction import ExtractionTimes, profile_extraction, time_extraction
from bench.mirror import (
    FIRST_DAY,
    LAST_DAY,
    MAX_CONCURRENCY,
    RATE_LIMIT,
    MirrorSite,
    build_mirror,
    mirror_pages,
    mirror_source,
)
from bench.mirror import write_sources as write_sources_file
from bench.profiles import profile_markdown
from bench.report import render_markdown, results_beside
from bench.views import operators_markdown, slowest_operators, view_latency
from ingest.demo_site import DemoSite
from ingest.extract import EXTRACTOR_VERSION
from ingest.local_server import read_record
from ingest.metrics import Vocabulary
from ingest.project import PREFECT_DEFAULTS, PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results"
PAGE_SIZE = 20  # articles per list page of the mirror
CHILD_TIMEOUT = 3600.0
CLI_NOOP_RUNS = 3  # the no-change command is timed this many times, its median reported


class BenchError(RuntimeError):
    """A measured run failed; the message carries the end of its output."""


@dataclass(frozen=True, slots=True)
class Settings:
    pages: int
    e2e_runs: int
    extract_sample: int
    extract_rounds: int
    view_repeats: int
    results: Path
    seed: int
    keep: Path | None  # where to copy the last run's warehouse, for a closer look


@dataclass(frozen=True, slots=True)
class CpuSnapshot:
    """Busy CPU seconds of the whole machine and of this process tree, to tell how much other work ran."""

    wall: float
    machine_busy: float
    ours: float

    @classmethod
    def take(cls) -> CpuSnapshot:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        busy = (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
        times = os.times()  # children: every measured run, once it has been waited for
        ours = times.user + times.system + times.children_user + times.children_system
        return cls(time.monotonic(), busy, ours)


def serve_mirror(stack: ExitStack, sites: Sequence[MirrorSite], sources_file: Path) -> Path:
    """Serve the mirror's sites on loopback for as long as ``stack`` lasts; write the sources file that reads them."""
    demos = [
        stack.enter_context(DemoSite(template=site.template, articles=site.articles, page_size=PAGE_SIZE))
        for site in sites
    ]
    write_sources_file(sources_file, [mirror_source(site, demo) for site, demo in zip(sites, demos, strict=True)])
    return sources_file


def run_benchmark(settings: Settings) -> dict[str, Any]:
    """Every measurement of issue 8 at ``settings.pages`` pages, as the results' JSON object."""
    load_before = os.getloadavg()
    cpu_before = CpuSnapshot.take()
    _log(f"building a mirror of {settings.pages} pages")
    sites = build_mirror(settings.pages, seed=settings.seed)
    vocabulary = Vocabulary.load()
    sample = mirror_pages(sites, min(settings.pages, settings.extract_sample))
    _log(f"extraction: {len(sample)} pages x {settings.extract_rounds} rounds, one core")
    extraction = time_extraction(sample, rounds=settings.extract_rounds, vocabulary=vocabulary)
    extraction_profile = profile_markdown(
        profile_extraction(sample, vocabulary=vocabulary), title="Our extraction (decode, clean, sections, metrics)"
    )

    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as temporary, ExitStack() as stack:
        root = Path(temporary)
        sources_file = serve_mirror(stack, sites, root / "sources.toml")
        env = _child_environment(root / "prefect")
        _log("warming up Prefect (first start creates its database)")
        _child(["trivial-flow"], env)
        runs = []
        for number in range(settings.e2e_runs):
            _log(f"end to end, run {number + 1} of {settings.e2e_runs}")
            runs.append(_e2e_run(root / f"run{number}", sources_file, env, settings.view_repeats))
        results = _summarise(settings, extraction, runs)
        last_run = root / f"run{settings.e2e_runs - 1}"
        results |= _cli_times(last_run / "reports.duckdb", root / "demo.duckdb", sources_file, env)
        if settings.keep is not None:
            shutil.copytree(last_run, settings.keep, dirs_exist_ok=True)
        profiles = _profiles(results, root, last_run, sources_file, env, extraction_profile)

    cpu_after = CpuSnapshot.take()
    wall = cpu_after.wall - cpu_before.wall
    other_cpu = max(0.0, (cpu_after.machine_busy - cpu_before.machine_busy) - (cpu_after.ours - cpu_before.ours))
    results["machine"] = {
        "cpu_count": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "bench_wall_s": wall,
        "other_processes_cpu_s": other_cpu,
        "other_processes_cpu_share": other_cpu / (wall * (os.cpu_count() or 1)),
    }
    results["profiles"] = profiles
    return results


def _e2e_run(root: Path, sources_file: Path, env: dict[str, str], view_repeats: int) -> dict[str, Any]:
    """Backfill into a fresh warehouse, measure it, then a no-change run, Prefect's start-up and the ingest flow."""
    db = root / "reports.duckdb"
    backfill, backfill_process_s = _child(_pipeline_args(sources_file, db, "backfill"), env)
    _log(f"backfill: {backfill['wall_s']:.1f} s, peak RSS {backfill['peak_rss_mb']:.0f} MB; now the no-change runs")
    duckdb_bytes = sum(path.stat().st_size for path in root.glob("reports.duckdb*") if path.is_file())
    warc_bytes = _tree_bytes(root / "reports.archive")
    noop, _ = _child(_pipeline_args(sources_file, db, "scheduled"), env)
    # the same load as the `ingest` flow, into a warehouse of its own: how a scheduled or CLI run uses memory
    flow_load, flow_load_s = _child(["flow", "--sources", str(sources_file), "--db", str(root / "flow.duckdb")], env)
    if flow_load["state"] != "COMPLETED":
        raise BenchError(f"the ingest flow's load ended {flow_load['state']}: {flow_load['message']}")
    _, trivial_flow_s = _child(["trivial-flow"], env)
    flow, flow_s = _child(["flow", "--sources", str(sources_file), "--db", str(db)], env)
    _log("timing the public views")
    views = view_latency(db, repeats=view_repeats)
    loads = backfill["loads"]
    rows = sum(
        load[key]
        for load in loads
        for key in ("documents_added", "versions_added", "extractions_added", "sections_added", "metrics_added")
    )
    return {
        "documents": sum(load["documents_added"] for load in loads),
        "fetch_failures": sum(load["failure_count"] for load in loads),
        "failures": [failure for load in loads for failure in load["failures"]],
        "list_pages": sum(load["list_pages"] for load in loads),
        "wall_s": backfill["wall_s"],
        "process_wall_s": backfill_process_s,
        "collect_s": backfill["collect_s"],
        "commit_s": backfill["commit_s"],
        "start_s": backfill["start_s"],
        "peak_rss_mb": backfill["peak_rss_mb"],
        "peak_rss_by_stage_mb": backfill["peak_rss_by_stage_mb"],
        "load_rows": rows,
        "sections": sum(load["sections_added"] for load in loads),
        "metrics": sum(load["metrics_added"] for load in loads),
        "duckdb_bytes": duckdb_bytes,
        "warc_bytes": warc_bytes,
        "noop_run_s": noop["wall_s"],
        "noop_fetched": sum(load["fetched"] for load in noop["loads"]),
        "noop_not_modified": sum(load["not_modified"] for load in noop["loads"]),
        "noop_versions_added": sum(load["versions_added"] for load in noop["loads"]),
        "prefect_startup_s": trivial_flow_s,
        "flow_noop_s": flow_s,
        "flow_load_s": flow_load_s,
        "flow_load_peak_rss_mb": flow_load["peak_rss_mb"],
        "flow_state": f"{flow['state']}: {flow['message']}",
        "view_latency_ms": views.every_row,
        "view_all_columns_ms": views.all_columns,
        "analyst_query_ms": views.analyst,
    }


def _cli_times(db: Path, demo_db: Path, sources_file: Path, env: dict[str, str]) -> dict[str, float]:
    """Issue 17's whole-process times, as a user sees them: a no-change `ingest run` over the mirror and a first
    `ingest demo`, both with the local Prefect server warm (the first command, untimed, starts it). Each is timed in
    wall seconds and in CPU seconds (user + system) of the command and, apart, of the local server: on a shared
    machine the wall time mostly measures the other work, the CPU time what the command costs."""
    ingest = str(Path(sys.executable).with_name("ingest"))
    server = Path(env["PREFECT_HOME"]) / "local-server"

    def timed(name: str, *arguments: str) -> dict[str, float]:
        record = read_record(server)
        server_before = tree_cpu(record.pid) if record else 0.0
        before = os.times()
        started = time.perf_counter()
        completed = subprocess.run(
            [ingest, *arguments], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT
        )
        wall = time.perf_counter() - started
        after = os.times()
        if completed.returncode != 0:
            tail = "\n".join(completed.stderr.strip().splitlines()[-5:])
            raise BenchError(f"ingest {arguments[0]} exited with {completed.returncode}:\n{tail}")
        cpu = after.children_user + after.children_system - before.children_user - before.children_system
        return {
            f"{name}_s": wall,
            f"{name}_cpu_s": cpu,
            f"{name}_server_cpu_s": (tree_cpu(record.pid) - server_before) if record else 0.0,
        }

    run = ["run", "--sources", str(sources_file), "--db", str(db)]
    _log("the command line: a no-change `ingest run` and `ingest demo` on a warm local Prefect server")
    try:
        timed("cli_start", *run)  # starts the local server
        # the median of three, as for the other runs: one sample is at the mercy of whatever else ran then
        noop = sorted((timed("cli_noop", *run) for _ in range(CLI_NOOP_RUNS)), key=lambda t: t["cli_noop_s"])
        return noop[len(noop) // 2] | timed("cli_demo", "demo", "--db", str(demo_db))
    finally:
        subprocess.run([ingest, "server", "stop"], env=env, capture_output=True, timeout=CHILD_TIMEOUT, check=False)


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) that process ``pid`` and its live descendants have used (Linux /proc)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue  # exited meanwhile
        total += int(fields[11]) + int(fields[12])  # utime, stime
        pending += [int(child) for child in children]
    return total / os.sysconf("SC_CLK_TCK")


def _summarise(settings: Settings, extraction: ExtractionTimes, runs: list[dict[str, Any]]) -> dict[str, Any]:
    def median(key: str) -> float:
        return float(statistics.median(run[key] for run in runs))

    documents = median("documents")

    def median_per_key(key: str) -> dict[str, float]:
        return {name: statistics.median(run[key][name] for run in runs) for name in runs[0][key]}

    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "extractor_version": EXTRACTOR_VERSION,
        "cores": len(os.sched_getaffinity(0)),
        "pages": settings.pages,
        "documents": documents,
        "e2e_runs": len(runs),
        "extract_sample_pages": min(settings.pages, settings.extract_sample),
        "extract_rounds": settings.extract_rounds,
        "extract_ms_per_page": extraction.ours,
        "trafilatura_ms_per_page": extraction.trafilatura,
        "lxml_parse_ms_per_page": extraction.lxml_parse,
        "extract_p90_ms": extraction.ours_p90,
        "extract_stage_ms": extraction.stages,
        "ratio_ours_to_trafilatura": extraction.ours / extraction.trafilatura,
        "ratio_ours_to_lxml": extraction.ours / extraction.lxml_parse,
        "ratio_trafilatura_to_lxml": extraction.trafilatura / extraction.lxml_parse,
        "e2e_docs_per_s": statistics.median(run["documents"] / run["wall_s"] for run in runs),
        "e2e_wall_s": median("wall_s"),
        "e2e_process_wall_s": median("process_wall_s"),
        "e2e_collect_s": median("collect_s"),
        "e2e_peak_rss_mb": median("peak_rss_mb"),
        "e2e_peak_rss_by_stage_mb": median_per_key("peak_rss_by_stage_mb"),
        "e2e_seconds_per_1000_docs": median("wall_s") * 1000 / documents,
        "sections_per_doc": statistics.median(run["sections"] / run["documents"] for run in runs),
        "metrics_per_doc": statistics.median(run["metrics"] / run["documents"] for run in runs),
        "fetch_failures": max(run["fetch_failures"] for run in runs),
        "rate_limit": RATE_LIMIT,
        "max_concurrency": MAX_CONCURRENCY,
        "page_size": PAGE_SIZE,
        "noop_run_s": median("noop_run_s"),
        "noop_fetched": max(run["noop_fetched"] for run in runs),
        "noop_versions_added": max(run["noop_versions_added"] for run in runs),
        "prefect_startup_s": median("prefect_startup_s"),
        "flow_noop_s": median("flow_noop_s"),
        "flow_load_s": median("flow_load_s"),
        "flow_load_peak_rss_mb": median("flow_load_peak_rss_mb"),
        "flow_noop_beyond_startup_s": statistics.median(run["flow_noop_s"] - run["prefect_startup_s"] for run in runs),
        "load_rows_per_s": statistics.median(run["load_rows"] / run["commit_s"] for run in runs),
        "load_rows": median("load_rows"),
        "commit_s": median("commit_s"),
        "duckdb_mb_per_1000_docs": statistics.median(
            run["duckdb_bytes"] / 2**20 * 1000 / run["documents"] for run in runs
        ),
        "warc_mb_per_1000_docs": statistics.median(run["warc_bytes"] / 2**20 * 1000 / run["documents"] for run in runs),
        "view_latency_ms": median_per_key("view_latency_ms"),
        "view_all_columns_ms": median_per_key("view_all_columns_ms"),
        "analyst_query_ms": median_per_key("analyst_query_ms"),
        "runs": runs,
    }


def _profiles(
    results: dict[str, Any],
    root: Path,
    last_run: Path,
    sources_file: Path,
    env: dict[str, str],
    extraction_profile: str,
) -> dict[str, str]:
    """Profiles of the targets missed, and of slow views: where their time goes, as markdown."""
    profiles = {}
    if results["extract_ms_per_page"] > results["trafilatura_ms_per_page"]:
        profiles["extraction"] = extraction_profile
    if results["e2e_seconds_per_1000_docs"] >= 60:
        _log("profiling a backfill (target missed)")
        db = root / "profiled" / "reports.duckdb"
        output = root / "backfill.prof"
        _child([*_pipeline_args(sources_file, db, "backfill"), "--profile", str(output)], env)
        profiles["e2e"] = profile_markdown(
            pstats.Stats(str(output)), title="Backfill, main thread (fetch threads not profiled)"
        )
    if results["noop_run_s"] >= 5:
        _log("profiling a no-change run (target missed)")
        output = root / "noop.prof"
        _child([*_pipeline_args(sources_file, last_run / "reports.duckdb", "scheduled"), "--profile", str(output)], env)
        profiles["noop"] = profile_markdown(pstats.Stats(str(output)), title="No-change scheduled run")
    for view, ms in results["view_all_columns_ms"].items():
        if max(ms, results["view_latency_ms"][view], results["analyst_query_ms"][view]) >= 100:
            operators = slowest_operators(last_run / "reports.duckdb", view)
            profiles[f"view {view}"] = operators_markdown(view, operators, ms)
    return profiles


def _pipeline_args(sources_file: Path, db: Path, mode: str) -> list[str]:
    """``bench.child pipeline`` arguments; a backfill covers every date of the mirror."""
    window = ["--since", FIRST_DAY.date().isoformat(), "--until", LAST_DAY.date().isoformat()]
    return [
        "pipeline",
        "--sources",
        str(sources_file),
        "--db",
        str(db),
        "--mode",
        mode,
        *(window if mode == "backfill" else []),
    ]


def _child(arguments: Sequence[str], env: dict[str, str]) -> tuple[dict[str, Any], float]:
    """Run ``python -m bench.child …``; its JSON result and the process's wall time."""
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "bench.child", *arguments],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(
            f"bench.child {arguments[0]} did not finish in {CHILD_TIMEOUT:g} s; try fewer --pages"
        ) from None
    elapsed = time.perf_counter() - started
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        tail = "\n".join((completed.stderr or completed.stdout).strip().splitlines()[-15:])
        raise BenchError(f"bench.child {' '.join(arguments[:1])} exited with {completed.returncode}:\n{tail}")
    return json.loads(lines[-1]), elapsed


def _child_environment(prefect_home: Path) -> dict[str, str]:
    """The children's environment: Prefect's temporary server with its own home, never a configured API."""
    env = {name: value for name, value in os.environ.items() if name != "PREFECT_API_URL"}
    env.update(PREFECT_DEFAULTS)
    env["PREFECT_HOME"] = str(prefect_home)
    return env


def _tree_bytes(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def _git_commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    return head.stdout.strip() + (" (uncommitted changes)" if dirty.stdout.strip() else "")


def write_results(results: dict[str, Any], directory: Path) -> Path:
    """``n<pages>.json``/``.md`` and ``latest.json``/``.md``; returns the markdown file."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"n{results['pages']}"
    (directory / f"{stem}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    markdown = render_markdown(results, results_beside(directory, results["pages"]))
    (directory / f"{stem}.md").write_text(markdown, encoding="utf-8")
    shutil.copyfile(directory / f"{stem}.json", directory / "latest.json")
    shutil.copyfile(directory / f"{stem}.md", directory / "latest.md")
    return directory / "latest.md"


def _log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description="Benchmark the pipeline (issue 8).")
    parser.add_argument("--pages", type=int, default=1000, help="report pages in the synthetic mirror")
    parser.add_argument("--e2e-runs", type=int, help="backfills to take the median of (default 3; 1 above 2,000 pages)")
    parser.add_argument("--extract-sample", type=int, default=200, help="pages the extractors are timed on")
    parser.add_argument("--extract-rounds", type=int, default=5)
    parser.add_argument("--view-repeats", type=int, default=7)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--keep", type=Path, help="copy the last run's warehouse (DuckDB file, WARC archive) here")
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error("--pages must be at least 1")
    settings = Settings(
        pages=args.pages,
        e2e_runs=args.e2e_runs or (3 if args.pages <= 2000 else 1),
        extract_sample=args.extract_sample,
        extract_rounds=args.extract_rounds,
        view_repeats=args.view_repeats,
        results=args.results,
        seed=args.seed,
        keep=args.keep,
    )
    try:
        results = run_benchmark(settings)
    except BenchError as error:
        sys.exit(f"bench failed: {error}")
    markdown = write_results(results, settings.results)
    print(markdown.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
