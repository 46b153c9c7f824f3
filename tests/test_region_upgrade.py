"""A warehouse built by the code before region codes (main at the start of this work, read from git) is upgraded
by today's: every row it held is still there, and its documents and figures get their codes from the source's next
load, which rewrites no row."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tarfile
from pathlib import Path

import duckdb
import pytest

from ingest.query import open_reader, run_query

ROOT = Path(__file__).resolve().parents[1]
# main before migration 003_regions.sql; its code builds the old warehouse
BEFORE_REGIONS = "680f579c47a8d3e181cdffdc602d3fee573456cb"
OLD_TABLES = {
    "documents": "doc_id",
    "document_versions": "doc_id, version",
    "extractions": "doc_id, version, extractor_version",
    "sections": "doc_id, version, extractor_version, ordinal",
    "metrics": "doc_id, version, extractor_version, ordinal",
}
# One scheduled load of the demo's Yanbian source from the demo site on a given port, with whichever `ingest` is
# first on the path; run by the old code and the new alike.
LOAD_YANBIAN = """
import sys
from pathlib import Path

import ingest
from ingest import pipeline
from ingest.demo_site import DemoSite
from ingest.load.store import Warehouse
from ingest.project import SOURCES
from ingest.sources import load_sources

db, port, code_root = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
assert ingest.__file__.startswith(code_root), ingest.__file__
[yanbian] = [source for source in load_sources(SOURCES / "demo.toml") if source.name == "yanbian"]
here = f"127.0.0.1:{port}"
moved = yanbian.model_copy(
    update={
        "start_urls": [url.replace("127.0.0.1:8765", here) for url in yanbian.start_urls],
        "allowed_hosts": [here],
        "rate_limit": 100.0,
    }
)
with DemoSite(template="trs", port=port):
    outcome = pipeline.run_load(Warehouse.at(db), pipeline.LoadRequest(moved, kind="scheduled", mode="scheduled"))
assert outcome.summary.failures == [], outcome.summary.failures
"""


def old_code(target: Path) -> Path:
    """The project's files as they were at BEFORE_REGIONS, extracted from git into ``target``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", BEFORE_REGIONS, "src", "warehouse", "sources", "pyproject.toml"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def load_yanbian(code: Path, db: Path, port: int) -> None:
    env = os.environ | {"PYTHONPATH": str(code / "src")}
    result = subprocess.run(
        [sys.executable, "-c", LOAD_YANBIAN, str(db), str(port), str(code / "src")],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def table_rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with duckdb.connect(str(db), read_only=True) as con:
        columns = {
            table: [f'"{name}"' for (name,) in con.execute("SELECT name FROM pragma_table_info(?)", [table]).fetchall()]
            for table in OLD_TABLES
        }
        return {
            table: con.execute(f"SELECT {', '.join(columns[table])} FROM {table} ORDER BY {key}").fetchall()
            for table, key in OLD_TABLES.items()
        }


@pytest.mark.slow
def test_a_warehouse_of_the_code_before_regions_upgrades_with_nothing_lost(tmp_path: Path) -> None:
    db, port = tmp_path / "warehouse" / "reports.duckdb", free_port()
    load_yanbian(old_code(tmp_path / "main"), db, port)
    before = table_rows(db)
    assert before["metrics"] and before["documents"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'regions'").fetchone() == (0,)

    load_yanbian(ROOT, db, port)  # the source's next run, with today's code: the demo site has not changed

    after = table_rows(db)
    for table, rows in before.items():
        width = len(rows[0])
        assert [row[:width] for row in after[table]] == rows, table  # the same rows; new columns come last
    with duckdb.connect(str(db), read_only=True) as con:
        applied = {name for (name,) in con.execute("SELECT name FROM schema_migrations").fetchall()}
        stored = con.execute("SELECT count(region_code) FROM metrics").fetchone()
    assert "003_regions.sql" in applied
    assert stored == (0,)  # no figure row was rewritten: their codes come from the source's region
    with open_reader(db) as con:
        documents = run_query(con, "SELECT DISTINCT source, region_code FROM documents_current").rows
        figures = run_query(con, "SELECT region, region_code, count(*) > 0 FROM metrics_current GROUP BY ALL").rows
        panel = run_query(con, "SELECT DISTINCT region_code FROM panel").rows
    assert documents == [("yanbian", "222400")]
    assert sorted(figures, key=str) == [("全国", None, True), ("延边朝鲜族自治州", "222400", True)]
    assert panel == [("222400",)]
