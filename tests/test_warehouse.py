"""The load stage on a real DuckDB file: versioning, idempotence, time travel and the single-writer rule."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.errors import WarehouseBusyError
from ingest.load.apply import LoadReport, apply_package
from ingest.load.package import PackageWriter
from ingest.load.snapshot import publish
from ingest.load.staging import FetchLogRow, MetricRow, PageRow, SectionRow, StagedRows
from ingest.load.store import NewLoad, Warehouse
from ingest.load.warehouse import PUBLIC_VIEWS, connect, run_lock, run_sql
from ingest.query import open_reader, run_query

URL = "http://127.0.0.1/zwgk/zfgzbg/202207/t20220711_1.html"


def load(db: Path, load_id: str, *, text: str, raw: str, extractor: str = "1") -> LoadReport:
    """Write and apply a package holding one page with one section and one figure."""
    writer = PackageWriter(db.parent / "packages", load_id)
    now = datetime.now(UTC)
    key = {"url": URL, "extractor_version": extractor}
    rows = StagedRows()
    rows.pages.append(
        PageRow(
            **key,
            source="demo",
            fetched=True,
            raw_sha256=raw,
            final_url=URL,
            etag=None,
            last_modified=None,
            fetched_at=now,
            warc_path="load.warc.gz",
            warc_offset=0,
            warc_length=1,
            warc_record_id="<urn:uuid:1>",
            content_sha256=f"sha-of-{text}",
            title="政府工作报告",
            published_at=now,
            origin=None,
            editor=None,
            column_name=None,
            text=text,
        )
    )
    rows.sections.append(
        SectionRow(
            **key, ordinal=0, parent=None, level=1, number="一", heading="回顾", start=0, end=len(text), kind="body"
        )
    )
    rows.metrics.append(
        MetricRow(
            **key,
            ordinal=0,
            indicator="GDP",
            name="地区生产总值",
            region="延边",
            period="2020",
            kind="estimate",
            measure="growth",
            basis="annual",
            value=Decimal("0.5"),
            value_high=None,
            unit="%",
            value_std=Decimal("0.5"),
            unit_std="%",
            qualifier=None,
            sentence=text,
            start=0,
            end=2,
            section=0,
        )
    )
    rows.fetch_log.append(FetchLogRow(url=URL, role="article", status=200, attempts=1, fetched_at=now))
    writer.add(rows)
    writer.finish(source="demo", kind="manual", extractor_version=extractor)
    Warehouse.at(db).begin_loads(
        [NewLoad(load_id, kind="manual", source="demo", parameters={})], extractor_version=extractor
    )
    with connect(db) as con:
        report = apply_package(con, writer.directory)
        publish(con)  # as Warehouse.commit does after applying
        return report


def rows(db: Path, sql: str, as_of: str | None = None) -> list[tuple[object, ...]]:
    with open_reader(db, as_of=as_of) as con:
        return run_query(con, sql).rows


def table_counts(db: Path) -> dict[str, int]:
    tables = ["documents", "document_versions", "extractions", "sections", "metrics"]
    with connect(db, read_only=True) as con:
        return {t: run_query(con, f"SELECT count(*) FROM {t}").rows[0][0] for t in tables}  # type: ignore[misc]


def test_same_content_twice_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = load(db, "L1", text="地区生产总值增长0.5%", raw="r1")
    assert (first.documents_added, first.versions_added, first.metrics_added) == (1, 1, 1)
    before = table_counts(db)
    second = load(db, "L2", text="地区生产总值增长0.5%", raw="r1")
    assert (second.documents_added, second.versions_added, second.metrics_added) == (0, 0, 0)
    assert table_counts(db) == before


def test_edit_adds_a_version_and_as_of_shows_the_old_one(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load(db, "L1", text="地区生产总值增长0.5%", raw="r1")
    edited = load(db, "L2", text="地区生产总值增长0.6%", raw="r2")
    assert edited.versions_added == 1
    assert rows(db, "SELECT version, text FROM documents_current") == [(2, "地区生产总值增长0.6%")]
    assert rows(db, "SELECT version, text FROM documents_current", as_of="L1") == [(1, "地区生产总值增长0.5%")]
    assert rows(db, "SELECT count(*) FROM metric_history") == [(2,)]
    assert rows(db, "SELECT text FROM sections_current") == [("地区生产总值增长0.6%",)]


def test_a_new_raw_body_with_the_same_clean_content_is_not_a_version(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load(db, "L1", text="地区生产总值增长0.5%", raw="r1")
    sidebar_changed = load(db, "L2", text="地区生产总值增长0.5%", raw="r2")
    assert sidebar_changed.versions_added == 0


def test_a_new_extractor_adds_an_extraction_not_a_version(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load(db, "L1", text="地区生产总值增长0.5%", raw="r1", extractor="1")
    upgraded = load(db, "L2", text="地区生产总值增长0.5%。", raw="r1", extractor="2")
    assert (upgraded.versions_added, upgraded.extractions_added) == (0, 1)
    assert rows(db, "SELECT extractor_version, text FROM documents_current") == [("2", "地区生产总值增长0.5%。")]
    assert rows(db, "SELECT extractor_version FROM metrics_current") == [("2",)]
    assert rows(db, "SELECT extractor_version FROM metric_history ORDER BY 1") == [("1",), ("2",)]


def test_applying_the_same_package_twice_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load(db, "L1", text="地区生产总值增长0.5%", raw="r1")
    before = table_counts(db)
    again = load(db, "L1", text="地区生产总值增长0.5%", raw="r1")
    assert again.versions_added == 1  # the report counts the load's own rows, which are still the first ones
    assert table_counts(db) == before


def test_every_public_view_exists_and_answers(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load(db, "L1", text="地区生产总值增长0.5%", raw="r1")
    for view in PUBLIC_VIEWS:
        rows(db, f"SELECT * FROM {view}")
    assert rows(db, "SELECT load_id, kind, status FROM loads") == [("L1", "manual", "completed")]
    required = {
        "documents_current": "doc_id, source, url, title, published_at, version, content_sha256, fetched_at, load_id",
        "sections_current": 'doc_id, ordinal, level, number, heading, kind, text, start, "end"',
        "loads": "load_id, kind, started_at, finished_at, status",
    }
    for view, columns in required.items():
        rows(db, f"SELECT {columns} FROM {view}")


def test_as_of_rejects_what_is_neither_a_load_nor_a_time(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load(db, "L1", text="x", raw="r1")
    with pytest.raises(Exception, match="neither a load id nor a timestamp"):
        rows(db, "SELECT 1", as_of="yesterday-ish")


def test_a_second_writer_waits_then_fails_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(db)!r})
            print("ready", flush=True)
            sys.stdin.read()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(WarehouseBusyError, match=rf"in use by process {holder.pid}; waited 0.3 s"):
            connect(db, lock_timeout=0.3)
    finally:
        holder.communicate("")
    connect(db, lock_timeout=5).close()  # free again once the holder exits


def test_run_lock_excludes_a_second_run(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    script = (
        "from pathlib import Path\nfrom ingest.load.warehouse import run_lock\n"
        f"with run_lock(Path({str(db)!r}), timeout=0.2): pass"
    )
    with run_lock(db):
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode != 0
    assert "another run is writing to" in result.stderr
    assert subprocess.run([sys.executable, "-c", script]).returncode == 0


def test_every_column_of_the_public_views_is_documented(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()
    with connect(db, read_only=True) as con:
        columns = con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE table_name IN "
            f"({', '.join('?' for _ in PUBLIC_VIEWS)})",
            list(PUBLIC_VIEWS),
        ).fetchall()
        shared = {c for t, c, _ in columns if t == "metrics_current"}
    undocumented = [
        f"{table}.{column}"
        for table, column, comment in columns
        if not comment and not (table == "metric_history" and column in shared)
    ]
    assert columns and undocumented == []


def test_a_warehouse_from_before_failure_kinds_is_upgraded_in_place(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:  # the schema as the first release created it, with one failed request
        for name in ("migrations.sql", "schema/001_core.sql"):
            run_sql(con, name)
        run_sql(con, "load/record_migration.sql", name="001_core.sql")
        con.execute("INSERT INTO fetch_log VALUES ('old', 'http://a/1.html', 'article', 500, 'HTTP 500', 3, now())")

    load(db, "new-load", text="一、回顾", raw="r1")

    with connect(db) as con:
        logged = con.execute("SELECT load_id, error, reason_class FROM fetch_log ORDER BY load_id").fetchall()
        applied = {row[0] for row in run_sql(con, "load/applied_migrations.sql").fetchall()}
    assert logged == [("new-load", None, None), ("old", "HTTP 500", None)]
    assert "002_fetch_log_reason_class.sql" in applied
