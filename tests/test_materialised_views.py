"""The public views the snapshot stores with their current state (ingest.load.snapshot.MATERIALISED_VIEWS): the
same rows as their history definitions, now and as of any load, on warehouses the real loader wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.view_scale import build

from ingest.load import snapshot
from ingest.load.store import Warehouse, WarehousePaths
from ingest.query import open_reader, run_query
from tests.test_warehouse import load

pytestmark = pytest.mark.storage  # every stored view computed again and compared, on warehouses of several loads


def rows(db: Path, sql: str, as_of: str | None = None) -> list[tuple[object, ...]]:
    with open_reader(db, as_of=as_of) as con:
        return sorted(run_query(con, sql).rows, key=repr)


def assert_stored_matches_history(db: Path, views: tuple[str, ...]) -> None:
    """Each view answers, unset as_of, exactly what its history definition computes for the current state."""
    for view in views:
        stored = rows(db, f"FROM {view}")
        assert stored == rows(db, f'FROM "{view}{snapshot.HISTORY}"'), view
        # the history definition after the last load: what every query computed before views were stored
        assert stored == rows(db, f"FROM {view}", as_of="9999-12-31T00:00:00+00:00"), view


def stored_file(db: Path, view: str) -> Path:
    """The first file of a view's stored state in the current snapshot."""
    folder = WarehousePaths.beside(db).snapshot_data / snapshot.CURRENT / f"{view}{snapshot.STORED}"
    return min(folder.glob("*.parquet"))


def test_every_stored_view_holds_what_its_history_definition_computes_on_the_demo_warehouse(
    demo_warehouse: Path,
) -> None:
    db = demo_warehouse
    for view in ("documents_current", "sections_current", "metrics_current", "metric_history"):
        assert rows(db, f"SELECT count(*) FROM {view}") != [(0,)], view
    assert_stored_matches_history(db, snapshot.MATERIALISED_VIEWS)


@pytest.mark.slow  # 1,000 documents written and every view read three times: a sixth of `make test-fast`'s CPU
def test_every_stored_view_holds_what_its_history_definition_computes_on_a_synthetic_national_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bench.view_scale's warehouse: many regions and years, so target_vs_outcome pairs thousands of figures, an
    older extractor beside the current one, and a later load that changed some documents. Large enough here for
    the views keyed by document to be stored in parts, as a national warehouse's are: a load of one document
    computes only its part again."""
    monkeypatch.setattr(snapshot, "_DOCUMENTS_PER_PART", 500)
    db = tmp_path / "reports.duckdb"
    build(db, 1000, paragraphs=3)
    assert len(list(stored_file(db, "sections_current").parent.glob("*.parquet"))) == 16
    assert rows(db, "SELECT count(*) FROM documents_current") == [(1000,)]
    assert rows(db, "SELECT count(*) > 1000 FROM target_vs_outcome") == [(True,)]
    assert rows(db, "SELECT count(DISTINCT extractor_version) FROM metric_history") == [(2,)]
    assert_stored_matches_history(db, snapshot.MATERIALISED_VIEWS)
    revised = "SELECT count(*) FROM documents_current WHERE version = 2"
    assert rows(db, revised) != [(0,)]
    assert rows(db, revised, as_of="synthetic-00000") == [(0,)]

    parts = stored_file(db, "sections_current").parent
    before = [path.stat().st_ino for path in sorted(parts.glob("*.parquet"))]
    load(db, "L-one-document", text="地区生产总值增长0.5%", raw="r1")  # one new document, by the real loader
    parts = stored_file(db, "sections_current").parent
    after = [path.stat().st_ino for path in sorted(parts.glob("*.parquet"))]
    ((doc_id,),) = rows(db, "SELECT doc_id FROM documents_current WHERE source = 'demo'")
    assert [number for number in range(16) if before[number] != after[number]] == [int(doc_id[0], 16)]
    assert_stored_matches_history(db, snapshot.MATERIALISED_VIEWS)


def test_as_of_before_and_after_a_change_gives_the_old_and_the_new_rows(tmp_path: Path) -> None:
    db = tmp_path / "reports.duckdb"
    load(db, "L1", text="地区生产总值增长0.5%", raw="r1")
    load(db, "L2", text="地区生产总值增长0.6%", raw="r2")
    old, new = [("地区生产总值增长0.5%", 1)], [("地区生产总值增长0.6%", 2)]
    for view, column in [("documents_current", "text"), ("sections_current", "text"), ("metrics_current", "sentence")]:
        query = f"SELECT {column}, version FROM {view}"
        assert rows(db, query) == new, view
        assert rows(db, query, as_of="L1") == old, view
        assert rows(db, query, as_of="L2") == new, view
    history = "SELECT sentence, version FROM metric_history"
    assert rows(db, history) == sorted([*old, *new], key=repr)
    assert rows(db, history, as_of="L1") == old
    assert_stored_matches_history(db, snapshot.MATERIALISED_VIEWS)


def test_a_load_that_adds_no_document_row_keeps_the_document_views_and_one_that_does_recomputes_them(
    tmp_path: Path,
) -> None:
    db = tmp_path / "reports.duckdb"
    kept = [view for view in snapshot.MATERIALISED_VIEWS if view not in snapshot.RECOMPUTED_EVERY_PUBLISH]
    load(db, "L1", text="地区生产总值增长0.5%", raw="r1")
    first = {view: stored_file(db, view).stat().st_ino for view in snapshot.MATERIALISED_VIEWS}
    load(db, "L2", text="地区生产总值增长0.5%", raw="r1")  # fetched again, unchanged: only load_log and fetch_log
    assert {view: stored_file(db, view).stat().st_ino for view in kept} == {view: first[view] for view in kept}
    assert rows(db, "SELECT load_id, versions_added FROM loads") == [("L1", 1), ("L2", 0)]
    load(db, "L3", text="地区生产总值增长0.7%", raw="r3")
    assert all(stored_file(db, view).stat().st_ino != first[view] for view in snapshot.MATERIALISED_VIEWS)
    assert rows(db, "SELECT text FROM documents_current") == [("地区生产总值增长0.7%",)]
    assert_stored_matches_history(db, snapshot.MATERIALISED_VIEWS)


def test_naming_a_view_is_all_it_takes_to_store_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "MATERIALISED_VIEWS", (*snapshot.MATERIALISED_VIEWS, "extractions_current"))
    db = tmp_path / "reports.duckdb"
    load(db, "L1", text="地区生产总值增长0.5%", raw="r1")
    load(db, "L2", text="地区生产总值增长0.6%", raw="r2")
    Warehouse.at(db).publish()
    assert stored_file(db, "extractions_current").is_file()
    assert_stored_matches_history(db, ("extractions_current",))
    assert [load_id for (load_id,) in rows(db, "SELECT load_id FROM loads", as_of="L1")] == ["L1"]
