"""The published snapshot readers open (issue 18), and the packages folder and lock timeouts of a load (issue 19,
cases 6 and 8 and planted packages), on real DuckDB files, the demo site over loopback and a real Prefect server."""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet
import pytest
from typer.testing import CliRunner

from ingest import pipeline
from ingest.cli import app
from ingest.demo_site import DemoSite, default_articles
from ingest.load.package import MANIFEST
from ingest.load.store import Warehouse, WarehousePaths
from ingest.load.warehouse import connect
from ingest.query import open_reader, run_query
from tests.conftest import demo_source_for, load_once, sources_file_for

pytestmark = pytest.mark.storage  # snapshots published and read back, packages recovered: seconds of DuckDB each

BIN = Path(sys.executable).parent
FIXTURES = Path(__file__).parent / "fixtures"
# The query README.md shows for the DuckDB CLI.
CLI_QUERY = "SELECT indicator, period, kind, value, unit FROM metrics_current WHERE indicator = 'GDP' ORDER BY ALL"
TABLES = ("documents", "document_versions", "extractions", "sections", "metrics", "load_log", "fetch_log")


def writer_rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows read from the warehouse file itself, not through the snapshot under test."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_stock_duckdb_cli_of_another_version_opens_the_snapshot(demo_site: DemoSite, warehouse: Warehouse) -> None:
    load_once(warehouse, demo_source_for(demo_site))
    version = subprocess.run([BIN / "duckdb", "--version"], capture_output=True, text=True, check=True).stdout
    assert version.split()[0].lstrip("v").split(".")[:2] != duckdb.__version__.split(".")[:2], version

    shown = subprocess.run(
        [BIN / "duckdb", "-readonly", "-csv", str(warehouse.paths.snapshot), "-c", CLI_QUERY],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    expected = writer_rows(warehouse.paths.db, CLI_QUERY)
    assert expected  # the demo reports state GDP figures
    header, *rows = list(csv.reader(io.StringIO(shown.stdout)))
    assert header == ["indicator", "period", "kind", "value", "unit"]
    assert rows == [[str(value) for value in row] for row in expected]
    # pandas and polars read the same tables through pyarrow, without DuckDB
    documents = pyarrow.parquet.read_table(warehouse.paths.snapshot_data / "current" / "documents")
    assert documents.num_rows == writer_rows(warehouse.paths.db, "SELECT count(*) FROM documents")[0][0]


def test_an_open_reader_holds_up_no_load_and_sees_each_commit(demo_site: DemoSite, warehouse: Warehouse) -> None:
    warehouse.publish()  # an empty warehouse, as before a first run
    reader = duckdb.connect(str(warehouse.paths.snapshot), read_only=True)
    try:
        assert reader.execute("SELECT count(*) FROM documents_current").fetchall() == [(0,)]
        outcome = load_once(warehouse, demo_source_for(demo_site))
        assert reader.execute("SELECT count(*) FROM documents_current").fetchall() == [
            (outcome.report.documents_added,)
        ]
        assert reader.execute("SELECT status FROM loads").fetchall() == [("completed",)]
    finally:
        reader.close()


def test_a_publication_keeps_the_views_file_unless_the_schema_changed(
    demo_site: DemoSite, warehouse: Warehouse
) -> None:
    """The views file reads the tables through the ``current`` link, so a load that changes no schema leaves it as
    it is (rewriting it was a third of a no-change run's publication); a new migration has it written again."""
    warehouse.publish()
    views = warehouse.paths.snapshot
    first = views.stat().st_ino
    outcome = load_once(warehouse, demo_source_for(demo_site))
    assert views.stat().st_ino == first  # the same file, not one written anew and renamed over it
    with open_reader(warehouse.paths.db) as con:
        assert run_query(con, "SELECT count(*) FROM documents_current").rows == [(outcome.report.documents_added,)]

    with connect(warehouse.paths.db) as con:
        con.execute("INSERT INTO schema_migrations (name, applied_at) VALUES ('999_test.sql', now())")
    warehouse.publish()
    assert views.stat().st_ino != first


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def test_a_warehouse_built_before_snapshots_upgrades_in_place(tmp_path: Path) -> None:
    # Built by the code of commit 403b7ba (one load of the demo site), the last one without snapshots.
    db = tmp_path / "reports.duckdb"
    db.write_bytes(gzip.decompress((FIXTURES / "warehouse_403b7ba.duckdb.gz").read_bytes()))
    counts = {table: writer_rows(db, f"SELECT count(*) FROM {table}") for table in TABLES}

    # the first reader publishes it; `ingest publish` does the same by hand, and again without harm
    code, out, err = invoke("sql", "--db", str(db), "--format", "json", "SELECT count(*) AS n FROM documents_current")
    assert code == 0 and json.loads(out) == [{"n": 4}], err
    code, _, err = invoke("publish", "--db", str(db))
    assert code == 0, err

    for table, count in counts.items():
        code, out, err = invoke("sql", "--db", str(db), "--format", "json", f"SELECT count(*) AS n FROM {table}")
        assert code == 0, err
        assert json.loads(out) == [{"n": count[0][0]}], table
        assert writer_rows(db, f"SELECT count(*) FROM {table}") == count  # nothing lost in the warehouse itself
    code, out, _ = invoke("sql", "--db", str(db), "--format", "json", "SELECT count(*) AS n FROM metrics_current")
    assert json.loads(out) == [{"n": 458}]  # what the load of 403b7ba reported


def written_package(warehouse: Warehouse, site: DemoSite) -> Path:
    """A load planned, fetched and written to its package, but not committed: what a killed run leaves."""
    request = pipeline.LoadRequest(demo_source_for(site), kind="manual", mode="scheduled")
    [plan] = pipeline.start_loads(warehouse, [request])
    with pipeline.open_crawl(warehouse, request, plan) as crawl:
        fetched = pipeline.fetch(crawl, plan)
    parsed = pipeline.parse_here(warehouse.paths.archive, pipeline.parse_batches(fetched.jobs), fetched.window)
    pipeline.write_package(warehouse, plan, parsed, pages=len(fetched.jobs), fetched=fetched)
    return warehouse.paths.packages / plan.load_id


def test_a_planted_package_is_refused_with_a_one_line_warning(
    demo_site: DemoSite, warehouse: Warehouse, caplog: pytest.LogCaptureFixture
) -> None:
    genuine = written_package(warehouse, demo_site)
    # A copy of a real package under a load id this warehouse never began, as `COPY … TO` could have planted it.
    forged_id = "20991231T000000Z-demo-forged"
    forged = shutil.copytree(genuine, warehouse.paths.packages / forged_id)
    manifest = json.loads((forged / MANIFEST).read_text(encoding="utf-8"))
    (forged / MANIFEST).write_text(json.dumps(manifest | {"load_id": forged_id}), encoding="utf-8")

    with caplog.at_level(logging.WARNING, logger="ingest"):
        recovered = warehouse.recover()

    assert [report.load_id for report in recovered] == [genuine.name]
    assert writer_rows(warehouse.paths.db, "SELECT load_id FROM load_log") == [(genuine.name,)]
    [warning] = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert forged_id in warning and "refused" in warning and "\n" not in warning
    assert not forged.exists()


@pytest.mark.parametrize("damage", ["", '{"load_id": "20260101T0'])
def test_a_corrupt_manifest_makes_its_load_be_redone(
    damage: str, demo_site: DemoSite, warehouse: Warehouse, caplog: pytest.LogCaptureFixture
) -> None:
    package = written_package(warehouse, demo_site)
    (package / MANIFEST).write_text(damage, encoding="utf-8")  # power lost while it was written

    with caplog.at_level(logging.WARNING, logger="ingest"):
        assert warehouse.recover() == []
    assert any("corrupt manifest" in record.getMessage() for record in caplog.records)
    assert not package.exists()

    redone = load_once(warehouse, demo_source_for(demo_site))  # the next run loads what the lost package held
    assert redone.report.documents_added == len([a for a in default_articles("trs") if not a.upcoming])


@pytest.mark.usefixtures("prefect_harness")
def test_every_open_of_a_run_honours_its_lock_timeout_and_a_run_that_gives_up_is_recorded(
    tmp_path: Path, demo_site: DemoSite, warehouse: Warehouse
) -> None:
    from flows.ingest_flows import ingest

    sources = sources_file_for(tmp_path / "sources.toml", demo_site)
    connect(warehouse.paths.db).close()  # a warehouse that exists
    # A process holding the warehouse file itself, as an analyst following the old README's snippet would.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); print(1, flush=True); "
            "time.sleep(60)",
            str(warehouse.paths.db),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline()
        started = time.monotonic()
        state = ingest(sources_file=str(sources), db=str(warehouse.paths.db), lock_timeout=2, return_state=True)
        waited = time.monotonic() - started
    finally:
        holder.terminate()
        holder.wait()
    assert state.is_failed()
    message = state.message or ""
    assert "waited 2 s" in message and "\n" not in message
    assert waited < 20  # not the 30 s default that plan, recover and commit used

    again = ingest(sources_file=str(sources), db=str(warehouse.paths.db), return_state=True)
    assert again.is_completed(), again.message
    with open_reader(warehouse.paths.db) as con:
        loads = run_query(con, "SELECT source, status, message FROM loads ORDER BY started_at").rows
    assert [(source, status) for source, status, _ in loads] == [("demo", "failed"), ("demo", "completed")]
    assert loads[0][2] == message


def test_every_snapshot_holds_exactly_the_warehouse_and_stays_compact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest.load import snapshot
    from tests.test_warehouse import load

    monkeypatch.setattr(snapshot, "_COMPACT_AT", 3)
    db = tmp_path / "reports.duckdb"
    current = WarehousePaths.beside(db).snapshot_data / snapshot.CURRENT
    metrics_files = []
    for number in range(6):  # each an edit of the one page: a new version, its figures, an earlier version closed
        load(db, f"2026010{number}T000000Z-demo-{number:06d}", text=f"第{number}版 增长0.5%", raw=f"raw-{number}")
        con = duckdb.connect(str(db), read_only=True)
        try:
            for table in TABLES:
                published = f"read_parquet('{current}/{table}/*.parquet')"
                differing = con.execute(
                    f"SELECT count(*) FROM ((FROM {table} EXCEPT ALL FROM {published}) "
                    f"UNION ALL (FROM {published} EXCEPT ALL FROM {table}))"
                ).fetchall()
                assert differing == [(0,)], (number, table)
        finally:
            con.close()
        assert all(len(list(folder.iterdir())) <= 3 for folder in current.iterdir()), number
        metrics_files.append(len(list((current / "metrics").iterdir())))
    assert metrics_files == [1, 2, 3, 1, 2, 3]  # each load adds a file of its rows; the fourth is compacted into one
