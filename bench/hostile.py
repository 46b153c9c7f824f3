"""A hostile run, measured: every hostile mode of one demo site and one good source in one `ingest run`.

    python -m bench.hostile

Serves the hostile site (ingest.demo_site.hostile: 100,000 links on one list page, gzip bombs, slow and huge
headers, an endless body, an oversized robots.txt, redirects with markup, credentials or a loop, a sentence of
3,000 figures, text 50,000 elements deep, figures wider together than a decimal) and a good site in this process,
runs `ingest run` over both as a user would (its own temporary Prefect server included), and samples the resident
memory of that process and all its descendants. Issue 19 is done when the run takes under 10 minutes, its process
tree stays under 1.5 GB, it prints no traceback and the good source loads whole: the rows it has in the warehouse
are those it has when loaded alone (which the benchmark does too, without Prefect). Writes bench/results/hostile.json.

The hostile source keeps the defaults of a source (timeout 30 s, 4 retries, 1,000 links per list page, 20 MB per
response) but for the rate limit, 100 requests a second as on every loopback benchmark.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.mirror import RATE_LIMIT, write_sources
from ingest import pipeline
from ingest.demo_site import DemoSite
from ingest.demo_site.hostile import HOSTILE_LIST, arm
from ingest.load.store import Warehouse
from ingest.load.warehouse import connect
from ingest.project import PREFECT_DEFAULTS, PROJECT_ROOT
from ingest.sources import Source

RESULTS = PROJECT_ROOT / "bench" / "results" / "hostile.json"
LIMIT_S = 600.0
LIMIT_RSS_MB = 1536.0
GOOD_ROWS_SQL = """
SELECT
    (SELECT count(*) FROM documents_current WHERE source = 'good'),
    (SELECT count(*) FROM sections_current JOIN documents_current AS d USING (doc_id) WHERE d.source = 'good'),
    (SELECT count(*) FROM metrics_current JOIN documents_current AS d USING (doc_id) WHERE d.source = 'good')
"""
REASONS_SQL = "SELECT url, reason_class FROM fetch_log WHERE role = 'article'"


class TreeMemory:
    """Samples the summed resident memory of a process and its descendants (from /proc) and keeps the peak.

    A sum counts pages shared between the processes once per process: an upper bound of what the tree holds."""

    INTERVAL = 0.1  # seconds between samples

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_bytes = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="tree-memory", daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            tree = _descendants(self.pid)
            self.peak_bytes = max(self.peak_bytes, sum(_rss_bytes(pid) for pid in tree))
            self.peak_processes = max(self.peak_processes, len(tree))


def _descendants(root: int) -> list[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # the command name, in parentheses, may hold spaces: the parent's pid is the second field after it
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # the process ended meanwhile
            children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def _rss_bytes(pid: int) -> int:
    try:
        resident_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


def run_hostile(root: Path) -> dict[str, Any]:
    """Serve both sites, run `ingest run` over them, and return what was measured."""
    with DemoSite() as hostile_site, DemoSite(template="second") as good_site:
        modes = arm(hostile_site)
        hostile = Source(
            name="hostile",
            region="延边朝鲜族自治州",
            start_urls=[*hostile_site.list_urls, hostile_site.url(HOSTILE_LIST)],
            allow_private=True,
            rate_limit=RATE_LIMIT,
        )
        good = Source(
            name="good", region="宜春市", start_urls=good_site.list_urls, allow_private=True, rate_limit=RATE_LIMIT
        )
        sources, db = root / "sources.toml", root / "warehouse" / "reports.duckdb"
        write_sources(sources, [hostile, good])
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_")}
        env |= PREFECT_DEFAULTS | {"PREFECT_HOME": str(root / "prefect")}
        command = [str(Path(sys.executable).parent / "ingest"), "run", "--sources", str(sources), "--db", str(db)]
        started = time.perf_counter()
        with (root / "output.txt").open("w+", encoding="utf-8") as output:
            process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
            with TreeMemory(process.pid) as memory:
                returncode = process.wait(timeout=LIMIT_S * 2)
            wall_s = time.perf_counter() - started
            output.seek(0)
            text = output.read()
        # the local Prefect server the run started (ingest.local_server) lives in this temporary directory
        subprocess.run([command[0], "server", "stop"], env=env, capture_output=True, timeout=120, check=False)
        with connect(db, read_only=True) as con:
            good_rows = list(con.execute(GOOD_ROWS_SQL).fetchone() or ())
            reasons = {str(url): reason for url, reason in con.execute(REASONS_SQL).fetchall()}
        alone = Warehouse.at(root / "alone" / "reports.duckdb")
        pipeline.run_load(alone, pipeline.LoadRequest(good, kind="manual", mode="scheduled"))
        with connect(alone.paths.db, read_only=True) as con:
            alone_rows = list(con.execute(GOOD_ROWS_SQL).fetchone() or ())
        outcomes = [
            {
                "case": mode.case,
                "mode": mode.name,
                "expected": mode.expected and mode.expected.value,  # None: the page loads
                "recorded": reasons.get(hostile_site.url(mode.path), "never requested"),  # None: loaded
            }
            for mode in modes
        ]
    tracebacks = text.count("Traceback (most recent call last)")
    peak_mb = memory.peak_bytes / 2**20
    return {
        "measured_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": "ingest run over the hostile site and one good source",
        "exit_status": returncode,
        "wall_s": round(wall_s, 1),
        "peak_rss_tree_mb": round(peak_mb, 1),
        "peak_processes": memory.peak_processes,
        "tracebacks": tracebacks,
        # documents, sections and figures of the good source: in the hostile run, and loaded alone
        "good_source": dict(zip(("documents", "sections", "metrics"), good_rows, strict=True)),
        "good_source_alone": dict(zip(("documents", "sections", "metrics"), alone_rows, strict=True)),
        "hostile_pages": outcomes,
        "done": (
            returncode == 0
            and wall_s < LIMIT_S
            and peak_mb < LIMIT_RSS_MB
            and tracebacks == 0
            and good_rows == alone_rows
            and good_rows[0] > 0
            and all(o["expected"] == o["recorded"] for o in outcomes)
        ),
        "last_lines": text.strip().splitlines()[-3:],
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        results = run_hostile(Path(tmp))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in results.items() if k not in ("hostile_pages", "last_lines")}, indent=2))
    if not results["done"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
