"""Issue 14's national benchmark: hundreds of prefecture portals at once, at the politeness real ones get.

    python -m bench.national [--sites 300] [--seed 14]

Serves ``--sites`` demo sites in this process (both templates, 10–40 documents each, 2 to 20 articles a list
page, one site in :data:`FAULTY_EVERY` misbehaving), each on its own loopback address: politeness is per host
*name* (ingest.fetch.politeness keys its spacing by ``urlsplit(url).hostname``), so sites that shared 127.0.0.1 on
other ports would share one host's rate. Every source asks for 2 requests/s. Then, as a user would, with
`ingest run` (the first starts the local Prefect server of ingest.local_server, the later ones reuse it;
``prefect_startup_s`` is what a start costs, timed on a trivial flow):

* the backfill: a first run over an empty warehouse;
* a no-change run over the same warehouse;
* the backfill again, sources one after another (``ingest run --sequential``), into a second warehouse; both
  warehouses' sorted table contents (tests.reference.table_contents) must be equal.

That last run is the baseline, and at 300 sites it takes about 90 minutes of mostly idle waiting on politeness.
``--baseline DIR`` keeps its warehouse and figures in DIR and reuses them in a later run for the same ``--sites``
and ``--seed``; ``--baseline-only`` measures it and stops. A reused baseline was measured by the code of its
``commit``, which the results record: rows are compared against that code's rows. ``--no-baseline`` skips it, for a
quick look at the concurrent runs: the figures that need it are null, and the results are printed, written only to
an explicit ``--results``. ``--network 127.78`` serves the sites in another /16 of loopback than 127.77's.

Each run is measured as a process tree: wall time, CPU time (the run and every descendant it waited for), the
local Prefect server's CPU time during the run apart (``*_server_cpu_s``: the server outlives the run that started
it, so the run's own figure never held it) and peak resident memory (bench.hostile.TreeMemory). A run's floor is
what politeness alone costs: the requests the busiest site received during it (counted by the site) divided by the
rate. Writes bench/results/national.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.reference import table_contents

from bench.hostile import TreeMemory
from bench.mirror import MirrorSite, build_mirror, write_sources
from bench.run import tree_cpu
from ingest.demo_site import DemoArticle, DemoSite, Fault, Template
from ingest.load.warehouse import connect
from ingest.local_server import read_record
from ingest.project import PREFECT_DEFAULTS, PROJECT_ROOT
from ingest.sources import Source

RESULTS = PROJECT_ROOT / "bench" / "results" / "national.json"
RATE_LIMIT = 2.0  # requests per second per site, the default of a source
DOCUMENTS = (10, 40)
PAGE_SIZES = (2, 3, 5, 8, 10, 15, 20)  # articles per list page: 1 to 20 list pages a column
FAULTY_EVERY = 20  # one site in 20 misbehaves, the first at index 10: a run of 20 sites has one
SERVER_POLL_S = 1.0  # an idle site wakes once a second, so 300 of them cost this process almost no CPU
DOCUMENTS_SQL = "SELECT count(*) FROM documents_current"
SITE_ADDRESSES_SQL = "SELECT DISTINCT regexp_extract(url, '^https?://[^/]+'), source FROM url_state"
EXTRACTOR_VERSIONS_SQL = "SELECT DISTINCT extractor_version FROM extractions"
# What an extractor writes (load_log counts its sections and metrics, and names its version)
EXTRACTED_TABLES = frozenset({"extractions", "sections", "metrics", "load_log"})
# The sites' /16 of loopback. --network moves a quick look to another one while a long run holds this one.
NETWORK = "127.77"


@dataclass(frozen=True, slots=True)
class NationalSite(MirrorSite):
    """One portal of the benchmark: a mirror site, with how it pages, where it is served and how it misbehaves."""

    page_size: int
    host: str
    faults: tuple[Fault, ...]


@dataclass(frozen=True, slots=True)
class Run:
    """One measured `ingest run`."""

    wall_s: float
    cpu_s: float  # the run's own process tree
    server_cpu_s: float  # the local Prefect server's, during the run: it outlives the run that started it
    peak_rss_mb: float
    returncode: int
    output: str
    requests: dict[str, int]  # per site: requests it received during the run

    @property
    def floor_s(self) -> float:
        return politeness_floor(self.requests, RATE_LIMIT)


def plan_sites(count: int, *, seed: int = 14, network: str = NETWORK) -> list[NationalSite]:
    """``count`` sites alternating between the two templates, the same for the same seed."""
    if count < 1:
        raise ValueError(f"the benchmark needs at least one site, got {count}")
    rng = random.Random(seed)
    sites = []
    for index in range(count):
        template: Template = "trs" if index % 2 == 0 else "second"
        documents = rng.randint(*DOCUMENTS)
        # the mirror splits its pages between the two templates: twice the documents, of which this template's half
        mirror = next(s for s in build_mirror(2 * documents, seed=seed * 100_000 + index) if s.template == template)
        sites.append(
            NationalSite(
                name=f"site-{index:03d}",
                region=mirror.region,
                template=template,
                articles=mirror.articles,
                page_size=rng.choice(PAGE_SIZES),
                host=loopback_address(index, network),
                faults=site_faults(index, mirror.articles),
            )
        )
    return sites


def loopback_address(index: int, network: str = NETWORK) -> str:
    """The ``index``-th site's address in ``network``.0.0/16, 127.77 by default (all of 127/8 is loopback on
    Linux)."""
    if not 0 <= index < 254 * 256:
        raise ValueError(f"site index {index} does not fit in {network}.0.0/16")
    return f"{network}.{index // 254}.{index % 254 + 1}"


def site_faults(index: int, articles: Sequence[DemoArticle]) -> tuple[Fault, ...]:
    """One site in :data:`FAULTY_EVERY` misbehaves, in turn: errors that retries get past, and one that they do not.

    Each fault is armed afresh before every run, so that each run meets the same ones."""
    if index % FAULTY_EVERY != FAULTY_EVERY // 2 or not articles:
        return ()
    article = articles[len(articles) // 2].path
    kinds = (
        Fault("status", article, status=503, times=2),  # two 503s, then the page: loaded on the third attempt
        Fault("drop", article, times=1),  # a dropped connection, then the page
        Fault("status", article, status=404),  # gone for good: a failure the run reports
        Fault("delay", "*", seconds=0.3, times=5),  # a slow start
    )
    return (kinds[(index // FAULTY_EVERY) % len(kinds)],)


def politeness_floor(requests: Mapping[str, int], rate: float) -> float:
    """What politeness alone costs a run: the busiest host's requests divided by the rate each host allows."""
    return max(requests.values(), default=0) / rate


def serve(stack: ExitStack, sites: Sequence[NationalSite]) -> list[DemoSite]:
    """Start every site (in parallel: each waits for its listener) and stop them all when ``stack`` closes."""

    def start(site: NationalSite) -> DemoSite:
        demo = DemoSite(
            host=site.host,
            template=site.template,
            articles=site.articles,
            page_size=site.page_size,
            poll_interval=SERVER_POLL_S,
        )
        demo.start()
        return demo

    with ThreadPoolExecutor(max_workers=32) as pool:
        demos = list(pool.map(start, sites))

    def stop() -> None:
        with ThreadPoolExecutor(max_workers=len(demos)) as pool:  # each stop waits up to a poll interval
            list(pool.map(DemoSite.stop, demos))

    stack.callback(stop)
    return demos


def arm(demos: Sequence[DemoSite], sites: Sequence[NationalSite]) -> None:
    """An empty request log and the sites' faults, as at the start of every run."""
    for demo, site in zip(demos, sites, strict=True):
        demo.reset()
        for fault in site.faults:
            demo.faults.add(fault)


def measure(
    command: Sequence[str], env: dict[str, str], output: Path, demos: Sequence[DemoSite], sites: Sequence[NationalSite]
) -> Run:
    """Run ``command`` with the sites armed afresh; its wall time, CPU time and peak memory as a process tree."""
    arm(demos, sites)
    server = Path(env["PREFECT_HOME"]) / "local-server"
    server_before = server_cpu_s(server)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with output.open("w+", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        with TreeMemory(process.pid) as memory:
            returncode = process.wait()
        wall = time.perf_counter() - started
        log.seek(0)
        text = log.read()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    server_cpu = server_cpu_s(server) - server_before
    requests = {site.name: len(demo.requests()) for site, demo in zip(sites, demos, strict=True)}
    return Run(wall, cpu, server_cpu, memory.peak_bytes / 2**20, returncode, text, requests)


def server_cpu_s(directory: Path) -> float:
    """CPU seconds the local Prefect server of ``directory`` has used so far, 0 when none runs. A run that starts the
    server does not wait for it, so the run's own CPU (RUSAGE_CHILDREN) leaves it out."""
    record = read_record(directory)
    return 0.0 if record is None else tree_cpu(record.pid)


@dataclass(frozen=True, slots=True)
class Baseline:
    """Where the sequential backfill's warehouse and figures are kept, and for which sites."""

    root: Path
    sites: int
    seed: int

    @property
    def db(self) -> Path:
        return self.root / "sequential" / "reports.duckdb"

    @property
    def figures(self) -> Path:
        return self.root / "baseline.json"

    def load(self) -> dict[str, Any] | None:
        """The kept figures, if they were measured for these sites; None if they must be measured."""
        if not (self.figures.is_file() and self.db.is_file()):
            return None
        kept: dict[str, Any] = json.loads(self.figures.read_text(encoding="utf-8"))
        return kept if (kept.get("sites"), kept.get("seed")) == (self.sites, self.seed) else None

    def save(self, run: Run) -> dict[str, Any]:
        figures = {
            "sites": self.sites,
            "seed": self.seed,
            "commit": _commit(),
            "measured_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "wall_s": run.wall_s,
            "cpu_s": run.cpu_s,
            "peak_rss_mb": run.peak_rss_mb,
        }
        self.figures.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        return figures


def run_national(
    sites: Sequence[NationalSite], root: Path, baseline: Baseline | None, *, baseline_only: bool = False
) -> dict[str, Any]:
    """Serve ``sites``, measure the runs and Prefect's start-up, and return the results.

    The sequential baseline is measured unless ``baseline`` holds one for these sites; with ``baseline_only``
    nothing else is, and the result is the baseline's figures. Without ``baseline`` it is not measured."""
    with ExitStack() as stack:
        _log(f"serving {len(sites)} sites")
        demos = serve(stack, sites)
        sources = [
            Source(
                name=site.name,
                region=site.region,
                start_urls=demo.list_urls,
                allow_private=True,
                rate_limit=RATE_LIMIT,
            )
            for site, demo in zip(sites, demos, strict=True)
        ]
        sources_file = root / "sources.toml"
        write_sources(sources_file, sources)
        env = _environment(root / "prefect")
        trivial = [sys.executable, "-m", "bench.child", "trivial-flow"]
        _log("warming up Prefect (its first start creates its database)")
        measure(trivial, env, root / "warm-up.txt", demos, sites)
        startup = measure(trivial, env, root / "startup.txt", demos, sites)

        def ingest_run(db: Path, *extra: str) -> list[str]:
            return [_ingest(), "run", "--sources", str(sources_file), "--db", str(db), *extra]

        kept = baseline.load() if baseline is not None else None
        if baseline is None:
            _log("no baseline: the figures compared with it are left null")
        elif kept is None:
            if baseline.db.parent.exists():
                shutil.rmtree(baseline.db.parent)  # a baseline of other sites, or one a killed run left half done
            _log("the baseline: the backfill with sources one after another")
            sequential = measure(ingest_run(baseline.db, "--sequential"), env, root / "sequential.txt", demos, sites)
            _check({"sequential_backfill": sequential})
            kept = baseline.save(sequential)
        else:
            _log(f"reusing the baseline measured at {kept['measured_at']} by commit {kept['commit']}")
        if baseline_only and kept is not None:  # main refuses --baseline-only without a baseline
            _stop_server(env)
            return kept
        concurrent_db = root / "concurrent" / "reports.duckdb"
        _log("backfill: the first run, over an empty warehouse")
        backfill = measure(ingest_run(concurrent_db), env, root / "backfill.txt", demos, sites)
        after_backfill = root / "after-backfill.duckdb"
        for suffix in ("", ".wal"):  # the no-change run adds its own loads to the log: keep the backfill's
            if concurrent_db.with_name(concurrent_db.name + suffix).exists():
                shutil.copyfile(concurrent_db.with_name(concurrent_db.name + suffix), f"{after_backfill}{suffix}")
        _log("no-change run")
        noop = measure(ingest_run(concurrent_db), env, root / "noop.txt", demos, sites)
        _stop_server(env)
    runs = {"backfill": backfill, "noop": noop, "prefect_startup": startup}
    _check(runs)
    with connect(after_backfill, read_only=True) as con:
        documents = int((con.execute(DOCUMENTS_SQL).fetchone() or (0,))[0])
    rows_equal, rows_compared = (None, []) if baseline is None else _same_rows(after_backfill, baseline.db)
    sequential_wall_s = None if kept is None else float(kept["wall_s"])
    sequential_rss_mb = None if kept is None else float(kept["peak_rss_mb"])
    sequential_floor_s = sum(backfill.requests.values()) / RATE_LIMIT
    return {
        "measured_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "sources": len(sites),
        "documents": documents,
        "faulty_sources": sum(1 for site in sites if site.faults),
        "rate_limit": RATE_LIMIT,
        "backfill_wall_s": round(backfill.wall_s, 2),
        "backfill_cpu_s": round(backfill.cpu_s, 2),
        "backfill_server_cpu_s": round(backfill.server_cpu_s, 2),
        "backfill_floor_s": round(backfill.floor_s, 2),
        "backfill_requests": sum(backfill.requests.values()),
        "sequential_backfill_wall_s": None if sequential_wall_s is None else round(sequential_wall_s, 2),
        "sequential_backfill_commit": None if kept is None else kept["commit"],
        # the least any one-after-another backfill can take, whatever else the machine is doing: each site's
        # politeness floor, summed (the sites and their faults are the same, so are their requests)
        "sequential_floor_s": round(sequential_floor_s, 2),
        "backfill_speedup": None if sequential_wall_s is None else round(sequential_wall_s / backfill.wall_s, 2),
        "noop_wall_s": round(noop.wall_s, 2),
        "noop_cpu_s": round(noop.cpu_s, 2),
        "noop_server_cpu_s": round(noop.server_cpu_s, 2),
        "noop_floor_s": round(noop.floor_s, 2),
        "noop_requests": sum(noop.requests.values()),
        "prefect_startup_s": round(startup.wall_s, 2),
        "peak_rss_mb": round(max(backfill.peak_rss_mb, noop.peak_rss_mb, sequential_rss_mb or 0.0), 1),
        "peak_rss_mb_by_run": {name: round(run.peak_rss_mb, 1) for name, run in runs.items()}
        | ({} if sequential_rss_mb is None else {"sequential_backfill": round(sequential_rss_mb, 1)}),
        "rows_equal_to_sequential": rows_equal,
        "rows_compared_tables": rows_compared,
        "done": {  # issue 14's Done-when for the runs
            # whole: the no-change run reuses the local Prefect server the backfill started, so pays no start-up
            "noop_within_2x_floor": noop.wall_s <= 2 * noop.floor_s,
            "backfill_5x_faster_than_sequential": None
            if sequential_wall_s is None
            else sequential_wall_s >= 5 * backfill.wall_s,
            # the same against the sum of floors: a baseline measured on a busy machine cannot flatter it
            "backfill_5x_faster_than_sequential_floor": sequential_floor_s >= 5 * backfill.wall_s,
            "rows_equal_to_sequential": rows_equal,
        },
    }


def _same_rows(first: Path, second: Path) -> tuple[bool, list[str]]:
    """Whether two warehouses of the same sites hold the same rows, and the tables compared. Each site's address is
    replaced by its name: a baseline kept from an earlier benchmark was served by other processes, on other ports.
    A baseline extracted by another extractor version differs in what the extractor writes by design, so then
    only the tables of what was fetched and kept are compared."""
    ours, theirs = table_contents(first, _site_names(first)), table_contents(second, _site_names(second))
    tables = sorted(ours) if _extractors(first) == _extractors(second) else sorted(set(ours) - EXTRACTED_TABLES)
    return all(ours[table] == theirs[table] for table in tables), tables


def _extractors(db: Path) -> set[str]:
    with connect(db, read_only=True) as con:
        return {version for (version,) in con.execute(EXTRACTOR_VERSIONS_SQL).fetchall()}


def _site_names(db: Path) -> dict[str, str]:
    """Each site's address (``http://127.77.0.1:41957``) in a warehouse → the name of its source."""
    with connect(db, read_only=True) as con:
        return dict(con.execute(SITE_ADDRESSES_SQL).fetchall())


def _check(runs: Mapping[str, Run]) -> None:
    failed = {name: run.output.strip().splitlines()[-5:] for name, run in runs.items() if run.returncode != 0}
    if failed:
        raise SystemExit(f"bench.national: a run failed: {json.dumps(failed, ensure_ascii=False, indent=2)}")


def _stop_server(env: dict[str, str]) -> None:
    """Stop the local Prefect server the first run started (ingest.local_server), which lives in the run's home."""
    subprocess.run([_ingest(), "server", "stop"], env=env, capture_output=True, timeout=120, check=False)


def _commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    return head.stdout.strip() or "unknown"


def _ingest() -> str:
    return str(Path(sys.executable).parent / "ingest")


def _environment(prefect_home: Path | None) -> dict[str, str]:
    """The runs' environment: Prefect's temporary server with its own home, never a configured API."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_API_")}
    return env | PREFECT_DEFAULTS | ({"PREFECT_HOME": str(prefect_home)} if prefect_home else {})


def _log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=300, help="how many portals to serve (default 300)")
    parser.add_argument("--seed", type=int, default=14, help="the same seed serves the same sites")
    parser.add_argument("--results", type=Path, help=f"where to write the JSON results (default {RESULTS})")
    parser.add_argument("--baseline", type=Path, help="keep the sequential baseline here and reuse it when it is")
    parser.add_argument("--baseline-only", action="store_true", help="measure the baseline (needs --baseline), stop")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline; write only to --results")
    parser.add_argument("--network", default=NETWORK, help=f"the sites' /16 of loopback (default {NETWORK})")
    args = parser.parse_args(argv)
    if args.sites < 1:
        parser.error("--sites must be at least 1")
    if args.baseline_only and args.baseline is None:
        parser.error("--baseline-only needs --baseline DIR, where the baseline is kept")
    if args.no_baseline and (args.baseline or args.baseline_only):
        parser.error("--no-baseline skips the baseline that --baseline and --baseline-only keep")
    if not re.fullmatch(r"127\.(25[0-5]|2[0-4]\d|1?\d?\d)", args.network):
        parser.error(f"--network must be a /16 of loopback such as 127.78, got {args.network!r}")
    _log(f"building {args.sites} sites")
    sites = plan_sites(args.sites, seed=args.seed, network=args.network)
    with tempfile.TemporaryDirectory(prefix="bench-national-") as tmp:
        root = Path(tmp)
        baseline = None if args.no_baseline else Baseline(args.baseline or root / "baseline", args.sites, args.seed)
        if baseline is not None:
            baseline.root.mkdir(parents=True, exist_ok=True)
        results = run_national(sites, root, baseline, baseline_only=args.baseline_only)
        if args.baseline_only:
            print(json.dumps(results, indent=2))
            return
    written = args.results or (None if args.no_baseline else RESULTS)
    if written is not None:
        written.parent.mkdir(parents=True, exist_ok=True)
        written.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
