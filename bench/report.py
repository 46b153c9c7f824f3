"""The results' markdown: targets met or missed, the figures, where the time goes, and how it was measured.

``python -m bench.report [bench/results]`` rewrites the markdown files from their JSON.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LARGE = 10_000  # the size the view-latency and memory targets name
SHARED_SHARE = 0.05  # other processes' share of the CPUs above which the machine counts as busy


@dataclass(frozen=True, slots=True)
class Target:
    goal: str
    measured: str
    met: bool | None  # None: not measured at the size the target names


def targets(results: Mapping[str, Any], others: Mapping[int, Mapping[str, Any]]) -> list[Target]:
    """Each target of issue 8, judged on the run of the size it names when there is one."""
    ours, trafilatura = results["extract_ms_per_page"], results["trafilatura_ms_per_page"]
    extraction = Target(
        "(1) our whole per-page extraction no slower than trafilatura's extract alone",
        f"{ours:.1f} ms vs {trafilatura:.1f} ms per page ({ours / trafilatura:.2f}×)",
        ours <= trafilatura,
    )
    e2e = results if results["pages"] == 1000 else others.get(1000, results)
    per_1000 = e2e["e2e_seconds_per_1000_docs"]
    end_to_end = Target(
        f"(2) 1,000 documents end to end under 60 s on {e2e['cores']} cores",
        f"{per_1000:.1f} s per 1,000 documents ({e2e['documents']:.0f} documents in {e2e['e2e_wall_s']:.1f} s, "
        f"{e2e['e2e_docs_per_s']:.1f} documents/s){_from(e2e, results)}",
        per_1000 < 60,
    )
    noop, beyond = results["noop_run_s"], results["flow_noop_beyond_startup_s"]
    no_change = Target(
        "(3) the no-change run under 5 s beyond Prefect's start-up",
        f"{noop:.2f} s through the pipeline functions; as the `ingest` flow {results['flow_noop_s']:.1f} s − "
        f"{results['prefect_startup_s']:.1f} s start-up = {beyond:.1f} s",
        max(noop, beyond) < 5,
    )
    large = results if results["pages"] >= LARGE else others.get(LARGE)
    judged = large or results
    slowest = max(judged["view_latency_ms"].items(), key=lambda item: item[1])
    slow_otherwise = ", ".join(
        f"{view} {max(judged['view_all_columns_ms'][view], judged['analyst_query_ms'][view]):.0f} ms"
        for view in judged["view_latency_ms"]
        if max(judged["view_all_columns_ms"][view], judged["analyst_query_ms"][view]) >= 100
    )
    caveat = (
        f"; computing every column or the analyst query takes over 100 ms for {slow_otherwise}"
        if slow_otherwise
        else ""
    )
    where = f"at {judged['documents']:.0f} documents" + (
        _from(judged, results) if large else " (not measured at 10,000: `make bench N=10000`)"
    )
    views = Target(
        "(5) each public view under 100 ms at 10,000 documents",
        f"slowest `count(*)`: {slowest[0]} {slowest[1]:.1f} ms {where}{caveat}",
        slowest[1] < 100 if large else None,
    )
    peak = max(judged["e2e_peak_rss_mb"], judged["flow_load_peak_rss_mb"])
    memory = Target(
        "peak memory under 1 GB at 10,000 documents",
        f"{peak:.0f} MB {where} (pipeline functions {judged['e2e_peak_rss_mb']:.0f} MB, "
        f"the `ingest` flow {judged['flow_load_peak_rss_mb']:.0f} MB)",
        peak < 1024 if large else None,
    )
    return [extraction, end_to_end, no_change, views, memory]


def _from(run: Mapping[str, Any], results: Mapping[str, Any]) -> str:
    """Where a figure judged on another run's results comes from (its file has the profiles)."""
    return "" if run is results else f" (from `n{run['pages']}.md`)"


def render_markdown(results: Mapping[str, Any], others: Mapping[int, Mapping[str, Any]]) -> str:
    """The whole results page for one run (and the targets it can judge with the runs beside it)."""
    return "\n".join(
        [
            _heading(results),
            _targets_table(targets(results, others)),
            _extraction(results),
            _end_to_end(results),
            _views(results),
            _profiles(results),
            _method(results),
        ]
    )


def _heading(results: Mapping[str, Any]) -> str:
    machine = results["machine"]
    share = machine["other_processes_cpu_share"]
    shared = (
        f"**Measured on a shared machine: other work was running** (other processes used {share:.0%} of the "
        f"{machine['cpu_count']} CPUs during the benchmark; load average {machine['load_average_before'][0]:.2f} "
        "before it started). Figures are slower than on an idle machine."
        if share >= SHARED_SHARE
        else f"Other processes used {share:.0%} of the CPUs during the benchmark."
    )
    return (
        f"# Benchmark results: {results['pages']:,} pages\n\n"
        f"{results['generated_at']} · commit {results['commit']} · extractor {results['extractor_version']} · "
        f"{results['cores']} cores · {machine['bench_wall_s'] / 60:.1f} min in all\n\n{shared}\n"
    )


def _targets_table(items: list[Target]) -> str:
    verdicts = {True: "met", False: "**missed**", None: "not measured"}
    rows = "\n".join(f"| {item.goal} | {item.measured} | {verdicts[item.met]} |" for item in items)
    return f"## Targets\n\n| target | measured | |\n|---|---|---|\n{rows}\n"


def _extraction(results: Mapping[str, Any]) -> str:
    lxml = results["lxml_parse_ms_per_page"]
    rows = [
        ("ours: `ingest.extract.extract_response` (decode, clean, sections, metrics)", results["extract_ms_per_page"]),
        ("`trafilatura.extract` alone", results["trafilatura_ms_per_page"]),
        ("`lxml.html.fromstring` alone (the floor)", lxml),
    ]
    table = "\n".join(f"| {name} | {ms:.2f} | {ms / lxml:.1f}× |" for name, ms in rows)
    stages = results["extract_stage_ms"]
    stage_rows = "\n".join(f"| {stage} | {ms:.2f} | {ms / sum(stages.values()):.0%} |" for stage, ms in stages.items())
    return (
        f"## 1. Extraction per page, one core\n\n"
        f"{results['extract_sample_pages']} pages of the mirror (rendered bytes), median of "
        f"{results['extract_rounds']} rounds of the mean per page.\n\n"
        f"| extractor | ms/page | × lxml parse |\n|---|---|---|\n{table}\n\n"
        f"Ratios: ours / trafilatura **{results['ratio_ours_to_trafilatura']:.2f}**, ours / lxml "
        f"{results['ratio_ours_to_lxml']:.0f}, trafilatura / lxml {results['ratio_trafilatura_to_lxml']:.0f}. "
        f"Our 90th-percentile page: {results['extract_p90_ms']:.1f} ms.\n\n"
        f"Our chain stage by stage:\n\n| stage | ms/page | share |\n|---|---|---|\n{stage_rows}\n"
    )


def _end_to_end(results: Mapping[str, Any]) -> str:
    rows = [
        ("documents loaded", f"{results['documents']:.0f} (fetch failures: {results['fetch_failures']})"),
        ("documents/s", f"{results['e2e_docs_per_s']:.1f}"),
        ("wall time of the backfill", f"{results['e2e_wall_s']:.1f} s (collect {results['e2e_collect_s']:.1f} s)"),
        ("the same as a process (with interpreter start-up)", f"{results['e2e_process_wall_s']:.1f} s"),
        ("peak RSS of the backfill process", f"{results['e2e_peak_rss_mb']:.0f} MB"),
        (
            "sections and figures per document",
            f"{results['sections_per_doc']:.1f} sections, {results['metrics_per_doc']:.0f} metrics",
        ),
        (
            "no-change scheduled run (pipeline functions)",
            f"{results['noop_run_s']:.2f} s ({results['noop_fetched']} fetched, "
            f"{results['noop_versions_added']} versions added)",
        ),
        ("Prefect start-up (a trivial flow, whole process)", f"{results['prefect_startup_s']:.1f} s"),
        ("the `ingest` flow over the unchanged mirror (whole process)", f"{results['flow_noop_s']:.1f} s"),
        (
            "a no-change `ingest run`, the whole command, local Prefect server warm (goal: < 5 s)",
            f"{results['cli_noop_s']:.1f} s wall, {results['cli_noop_cpu_s']:.1f} s CPU "
            f"(+ {results['cli_noop_server_cpu_s']:.1f} s in the server)",
        ),
        (
            "a first `ingest demo`, the whole command, local Prefect server warm (goal: < 15 s)",
            f"{results['cli_demo_s']:.1f} s wall, {results['cli_demo_cpu_s']:.1f} s CPU "
            f"(+ {results['cli_demo_server_cpu_s']:.1f} s in the server)",
        ),
        (
            "the same load as the `ingest` flow, into its own warehouse (whole process)",
            f"{results['flow_load_s']:.1f} s, peak RSS {results['flow_load_peak_rss_mb']:.0f} MB",
        ),
        (
            "load into DuckDB (`commit_load`)",
            f"{results['load_rows_per_s']:,.0f} rows/s ({results['load_rows']:,.0f} rows in "
            f"{results['commit_s']:.2f} s)",
        ),
        ("DuckDB file per 1,000 documents", f"{results['duckdb_mb_per_1000_docs']:.1f} MB"),
        ("WARC archive per 1,000 documents", f"{results['warc_mb_per_1000_docs']:.1f} MB"),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    stages = "\n".join(f"| {stage} | {mb:.0f} |" for stage, mb in results["e2e_peak_rss_by_stage_mb"].items())
    runs = "\n".join(
        f"| {index + 1} | {run['wall_s']:.1f} | {run['documents'] / run['wall_s']:.1f} | {run['peak_rss_mb']:.0f} | "
        f"{run['noop_run_s']:.2f} | {run['prefect_startup_s']:.1f} | {run['flow_noop_s']:.1f} | "
        f"{run['load_rows'] / run['commit_s']:,.0f} |"
        for index, run in enumerate(results["runs"])
    )
    return (
        f"## 2–4. End to end: backfill, no-change run, load, sizes\n\n"
        f"Median of {results['e2e_runs']} run(s), each into a fresh warehouse; rate limit {results['rate_limit']:g} "
        f"requests/s per host (the maximum), {results['max_concurrency']} concurrent requests, "
        f"{results['page_size']} articles per list page.\n\n| figure | value |\n|---|---|\n{table}\n\n"
        "| run | backfill s | docs/s | peak RSS MB | no-change s | Prefect start-up s | flow no-change s | "
        f"load rows/s |\n|---|---|---|---|---|---|---|---|\n{runs}\n\n"
        "Peak resident memory of the backfill process by stage (sampled every 50 ms):\n\n"
        f"| stage | peak RSS, MB |\n|---|---|\n{stages}\n"
    )


def _views(results: Mapping[str, Any]) -> str:
    note = (
        ""
        if results["pages"] >= LARGE
        else f"Measured on this run's warehouse of {results['documents']:.0f} documents, not at 10,000 "
        "(`make bench N=10000` does the large one).\n\n"
    )
    rows = "\n".join(
        f"| {view} | {ms:.1f} | {results['view_all_columns_ms'][view]:.1f} | {results['analyst_query_ms'][view]:.1f} |"
        for view, ms in results["view_latency_ms"].items()
    )
    return (
        f"## 5. Public views\n\n{note}Median ms of three queries per view: every row counted "
        "(`SELECT count(*) FROM (SELECT * FROM view)`: DuckDB skips the columns nothing reads), every row and column "
        "computed (`… WHERE hash(t) IS NOT NULL`), and a typical analyst query (`bench/sql/views/<view>.sql`).\n\n"
        f"| view | count(*), ms | all columns, ms | analyst query, ms |\n|---|---|---|---|\n{rows}\n"
    )


def _profiles(results: Mapping[str, Any]) -> str:
    profiles = dict(results["profiles"])
    if results["pages"] >= LARGE and max(results["e2e_peak_rss_mb"], results["flow_load_peak_rss_mb"]) >= 1024:
        stages = results["e2e_peak_rss_by_stage_mb"]
        stage = max(stages, key=stages.get)
        profiles["memory"] = (
            f"#### Memory: the peak ({stages[stage]:.0f} MB) is reached in {stage}\n\n"
            "See the peak RSS by stage in sections 2–4: collecting streams pages through, committing a load holds "
            "it in memory at once.\n"
        )
    if not profiles:
        return "## Where the time goes\n\nEvery target measured here was met; no profile taken.\n"
    return (
        "## Where the time goes\n\nProfiles of the targets missed, and of every view a query of which took 100 ms "
        "or more.\n\n" + "\n".join(profiles.values())
    )


def _method(results: Mapping[str, Any]) -> str:
    return (
        "## How this was measured\n\n"
        f"- Mirror: {results['pages']:,} synthetic report pages built by `bench/mirror.py` from the demo site's seed "
        "and corpus texts (runs of paragraphs mixed per page), rendered by the demo site's two templates (TRS "
        "portal: reports and news, 30% GB18030 declared as gb2312; second CMS: bulletins and reports, UTF-8), "
        "dated 2005–2025, served by two `DemoSite`s on 127.0.0.1 in the benchmark's own process.\n"
        "- Extraction: the sample pages' bytes, on one CPU (`sched_setaffinity`); trafilatura gets the same bytes.\n"
        "- End to end: `python -m bench.child pipeline` in a fresh process per run: `recover`, then per source "
        "`run_load` (`start_loads` → fetch → parse → write → `commit_load`), as the flows run it, without Prefect. "
        "Wall time excludes interpreter start-up (shown separately); peak RSS is the child's `ru_maxrss` (the demo "
        "sites serving the mirror are not in it).\n"
        '- No-change run: the same with `mode="scheduled"` right after the backfill.\n'
        "- `prefect_startup_s`: wall time of a fresh process running a trivial flow with Prefect's temporary server "
        "(its database already created by a warm-up run); `flow_noop_s`: the same for the `ingest` flow over the "
        "unchanged mirror. Their difference is what the no-change run costs inside Prefect.\n"
        "- Load rate: rows `commit_load` applied (documents, versions, extractions, sections, metrics) over its wall "
        "time. Sizes: the DuckDB file after the backfill, and the WARC files, per 1,000 documents.\n"
        "- Views: a read-only connection to the backfilled warehouse's published snapshot, as readers open it; "
        "one warm-up, then the median of up to 7 runs "
        "(fewer when one run takes seconds, within 10 s per query).\n"
    )


def results_beside(directory: Path, pages: int) -> dict[int, dict[str, Any]]:
    """The results of the runs at other sizes kept in ``directory`` (n1000.json, n10000.json …)."""
    found = {}
    for path in directory.glob("n*.json"):
        size = path.stem[1:]
        if size.isdigit() and int(size) != pages:
            found[int(size)] = json.loads(path.read_text(encoding="utf-8"))
    return found


def rerender(directory: Path) -> None:
    """Rewrite each ``n<pages>.md`` and ``latest.md`` from the JSON beside it (after the report changed)."""
    for path in [*directory.glob("n*.json"), directory / "latest.json"]:
        if path.is_file():
            results = json.loads(path.read_text(encoding="utf-8"))
            markdown = render_markdown(results, results_beside(directory, results["pages"]))
            path.with_suffix(".md").write_text(markdown, encoding="utf-8")


if __name__ == "__main__":
    rerender(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "results")
