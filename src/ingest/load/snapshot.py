"""The published snapshot: what readers open, so that no reader ever holds the file the writer needs.

DuckDB lets a file have one writing process or many reading ones, never both, and the warehouse file is written
in the storage format of the DuckDB that wrote it. So after every commit the writer publishes its tables as
Parquet files in a new numbered folder of ``reports.snapshot/``, and swaps the symbolic link
``reports.snapshot/current`` to it in one atomic rename. Readers open ``reports.snapshot.duckdb``: a small
database of views only, written in the oldest storage format DuckDB still writes, whose views read
``current/<table>/*.parquet``. A reader's open connection therefore sees each new commit at its next query, never
locks anything, and opens in any DuckDB from 1.1 on (``getvariable``, which time travel uses, came in 1.1); pandas
and polars read the Parquet files directly.

Publishing costs what the commit added, not what the warehouse holds: the tables a load only appends to keep
their earlier files (hard links into the new folder) and gain one file of the rows of the loads committed since;
the small tables a load updates are written whole. A table with many files is compacted into one, and a schema
change (a migration, new views) rewrites everything. See docs/storage.md for the measurements behind this design.

The public views that join the document tables (``MATERIALISED_VIEWS``) are too slow to compute on every query of
a national warehouse, so their current state is computed once per publish and stored as one more Parquet folder,
``<view>__stored``. In the views file each such view reads that folder while ``as_of`` is unset, and its history
definition from views.sql (kept as ``<view>__history``) once ``as_of`` is set: the current answer is a scan, time
travel stays exact. They are recomputed only where the loads since the last snapshot wrote document rows: a view
keyed by document is stored in parts by doc_id, and only the parts holding a changed document are computed again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from itertools import pairwise
from pathlib import Path

import duckdb

from ingest.load.files import fsync_directory, replace_atomically, write_atomically
from ingest.load.warehouse import PUBLIC_VIEWS, run_sql, sql_statements

CURRENT = "current"
# Tables a load only appends to, every row tagged with the load that wrote it; the others are rewritten whole.
APPEND_ONLY = frozenset({"documents", "extractions", "sections", "metrics", "fetch_log"})
# Views stored with their current state in each snapshot (see above): every public view, so a view added to
# PUBLIC_VIEWS (as its documentation requires) gets the same treatment without another line.
MATERIALISED_VIEWS = PUBLIC_VIEWS
# Of those, the views that every load changes (it adds a row to load_log): computed again at every publish.
RECOMPUTED_EVERY_PUBLISH = frozenset({"loads"})
STORED = "__stored"
HISTORY = "__history"
# Documents above which a materialised view keyed by document is exported in parts (view_parts.sql).
_DOCUMENTS_PER_PART = 10_000
# doc_id's digits (lowercase hex) and "g", which sorts after them all: the bounds of the parts.
_HEX_DIGITS = "0123456789abcdefg"
# Files a table may gather in a snapshot before they are compacted into one.
_COMPACT_AT = 32
# Storage format of the views file: the oldest DuckDB 2.0 writes, readable by every DuckDB from 1.0 on.
VIEWS_STORAGE_VERSION = "v1.0.0"
# What the views file was built from, in the data folder: the next publish keeps the file when that is unchanged.
VIEWS_MADE_FROM = "views.sha256"
# Snapshots kept besides the current one, so that a query which began on an older one finishes on it.
_KEEP_PREVIOUS = 2


def snapshot_paths(db: Path) -> tuple[Path, Path]:
    """``reports.duckdb`` → the views file ``reports.snapshot.duckdb`` and the data folder ``reports.snapshot/``."""
    return db.with_suffix(".snapshot.duckdb"), db.with_suffix(".snapshot")


def publish(con: duckdb.DuckDBPyConnection) -> Path:
    """Publish the warehouse that ``con`` writes as the current snapshot; return its folder.

    Call with the warehouse's write connection, after a commit: readers see every table as of that commit.
    """
    views_file, data = snapshot_paths(_database_file(con))
    data.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name) for p in data.iterdir() if p.name.isdigit()]
    folder = data / f"{max(numbers, default=0) + 1:08d}"
    folder.mkdir()
    previous = _previous(con, data / CURRENT)
    tables = [name for (name,) in run_sql(con, "snapshot/tables.sql").fetchall()]
    new_loads = _loads_since(con, previous) if previous is not None else None
    for table in tables:
        _publish_table(con, table, folder / table, previous, new_loads)
    changed = _changed_parts(con, new_loads) if new_loads is not None else None
    for view in MATERIALISED_VIEWS:
        _publish_view(con, view, folder / f"{view}{STORED}", previous, changed)
    fsync_directory(folder)
    link = data / f"{CURRENT}.new"
    link.unlink(missing_ok=True)
    link.symlink_to(folder.name)
    replace_atomically(link, data / CURRENT)
    _write_views(con, views_file, data.resolve() / CURRENT, tables)
    for old in sorted(p for p in data.iterdir() if p.name.isdigit())[: -(_KEEP_PREVIOUS + 1)]:
        shutil.rmtree(old, ignore_errors=True)
    return folder


def is_stale(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the published snapshot is missing or lags the warehouse ``con`` has open."""
    views_file, data = snapshot_paths(_database_file(con))
    if not views_file.is_file() or not (data / CURRENT / "load_log").is_dir():
        return True
    row = run_sql(con, "snapshot/stale.sql", loads=_files(data / CURRENT, "load_log")).fetchone()
    return bool(row and row[0])


def _previous(con: duckdb.DuckDBPyConnection, current: Path) -> Path | None:
    """The current snapshot's folder when the next one may build on it: same tables, same schema and views."""
    if not (current / "schema_migrations").is_dir():
        return None
    row = run_sql(con, "snapshot/same_schema.sql", migrations=_files(current, "schema_migrations")).fetchone()
    return current.resolve() if row and row[0] else None


def _loads_since(con: duckdb.DuckDBPyConnection, previous: Path) -> list[str]:
    rows = run_sql(con, "snapshot/loads_since.sql", loads=_files(previous, "load_log")).fetchall()
    return [load_id for (load_id,) in rows]


def _publish_table(
    con: duckdb.DuckDBPyConnection, table: str, folder: Path, previous: Path | None, new_loads: list[str] | None
) -> None:
    """One table of a snapshot into ``folder``: earlier files linked and the new rows added, or written whole."""
    folder.mkdir()
    earlier = sorted((previous / table).glob("*.parquet")) if previous is not None else []
    if table in APPEND_ONLY and new_loads is not None and earlier and len(earlier) < _COMPACT_AT:
        for path in earlier:
            os.link(path, folder / path.name)
        if new_loads:
            part = folder / f"{int(earlier[-1].stem) + 1:06d}.parquet"
            run_sql(con, "snapshot/export_loads.sql", table=table, loads=new_loads, path=str(part))
            _fsync(part)
    else:
        part = folder / "000000.parquet"
        run_sql(con, "snapshot/export_table.sql", table=table, path=str(part))
        _fsync(part)
    fsync_directory(folder)


def _changed_parts(con: duckdb.DuckDBPyConnection, new_loads: list[str]) -> frozenset[str]:
    """The first hex digits of the doc_ids whose rows the loads since the last snapshot wrote."""
    if not new_loads:
        return frozenset()
    return frozenset(digit for (digit,) in run_sql(con, "snapshot/changed_documents.sql", loads=new_loads).fetchall())


def _publish_view(
    con: duckdb.DuckDBPyConnection, view: str, folder: Path, previous: Path | None, changed: frozenset[str] | None
) -> None:
    """A materialised view's current state into ``folder``, part by part: a part that holds none of the ``changed``
    documents is linked from the previous snapshot, the others are computed anew (all of them when there is no
    snapshot to build on, ``changed`` None). A view keyed by document in a large warehouse has one part per first
    hex digit of doc_id, in order, so that together they stay sorted by doc_id; any other view is one part."""
    folder.mkdir()
    row = run_sql(con, "snapshot/view_in_parts.sql", view=view, documents_per_part=_DOCUMENTS_PER_PART).fetchone()
    bounds: list[tuple[str | None, str | None]] = list(pairwise(_HEX_DIGITS)) if row and row[0] else [(None, None)]
    earlier = sorted((previous / folder.name).glob("*.parquet")) if previous is not None and changed is not None else []
    for number, (low, high) in enumerate(bounds):
        path = folder / f"{number:06d}.parquet"
        touched = view in RECOMPUTED_EVERY_PUBLISH or (low in (changed or ()) if low is not None else bool(changed))
        if len(earlier) == len(bounds) and not touched:
            os.link(earlier[number], path)
            continue
        if low is None:
            run_sql(con, "snapshot/export_view.sql", view=view, path=str(path))
        else:
            run_sql(con, "snapshot/export_view_part.sql", view=view, low=low, high=high, path=str(path))
        _fsync(path)
    fsync_directory(folder)


def _files(snapshot: Path, table: str) -> list[str]:
    return [str(path) for path in sorted((snapshot / table).glob("*.parquet"))]


def _fsync(path: Path) -> None:
    with path.open("rb") as written:
        os.fsync(written.fileno())


def _database_file(con: duckdb.DuckDBPyConnection) -> Path:
    row = run_sql(con, "snapshot/database_file.sql").fetchone()
    assert row is not None and row[0] is not None, "a snapshot is published from a warehouse file, not from memory"
    return Path(row[0])


def _write_views(con: duckdb.DuckDBPyConnection, views_file: Path, current: Path, tables: list[str]) -> None:
    """Write the views database beside the snapshot folder and put it in place atomically, unless the one there was
    built from the same schema, views and tables: its views read ``current``, the link the new folder is now behind,
    so it would be written the same (a third of a no-change run's publication, docs/cli_speed.md)."""
    made_from = _views_made_from(con, current, tables)
    stamp = current.parent / VIEWS_MADE_FROM
    if views_file.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == made_from:
        return
    building = views_file.with_name(views_file.name + ".new")
    building.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH ? AS snapshot (STORAGE_VERSION '{VIEWS_STORAGE_VERSION}')", [str(building)])
        con.execute("USE snapshot")
        for table in [*tables, *(f"{view}{STORED}" for view in MATERIALISED_VIEWS)]:
            # A view's definition is stored as text, so its Parquet path is a literal, not a parameter; the folder's
            # own name is escaped for DuckDB's glob ("[" opens a character class).
            folder = "".join(f"[{c}]" if c in "[*?" else c for c in str(current / table))
            location = f"{folder}/*.parquet".replace("'", "''")
            con.execute(f"CREATE VIEW \"{table}\" AS FROM read_parquet('{location}')")
        run_sql(con, "views.sql")
        switch = sql_statements("snapshot/switch_view.sql")[0]
        for view in MATERIALISED_VIEWS:
            con.execute(f'ALTER VIEW "{view}" RENAME TO "{view}{HISTORY}"')
            con.execute(switch.format(view=f'"{view}"', stored=f"'{view}{STORED}'", history=f"'{view}{HISTORY}'"))
        run_sql(con, "view_comments.sql")
        con.execute("USE memory")
        con.execute("DETACH snapshot")
    finally:
        con.close()
    _fsync(building)
    replace_atomically(building, views_file)
    write_atomically(stamp, made_from)  # after the file: a crash between the two only costs the next a rewrite


def _views_made_from(con: duckdb.DuckDBPyConnection, current: Path, tables: list[str]) -> str:
    """A digest of what the views file holds: the schema (the migrations applied, and the digest of views.sql and
    view_comments.sql that migrate records among them), the tables, where they are read, and how it is written."""
    applied = sorted(name for (name,) in run_sql(con, "load/applied_migrations.sql").fetchall())
    switch = sql_statements("snapshot/switch_view.sql")
    parts = [
        *applied,
        "",
        *tables,
        "",
        *MATERIALISED_VIEWS,
        "",
        str(current),
        VIEWS_STORAGE_VERSION,
        duckdb.__version__,
        *switch,
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
