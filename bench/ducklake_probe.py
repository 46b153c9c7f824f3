"""DuckLake's side of docs/storage.md, run by bench/storage.py under an interpreter of its own.

    python ducklake_probe.py SNAPSHOT_FOLDER VIEWS_SQL WORK_FOLDER

Needs only duckdb 1.4.4 and the duckdb-ext-ducklake and duckdb-ext-sqlite packages (their extension binaries are
LOADed from the package folder: nothing is downloaded). Loads the snapshot's tables into a DuckLake with a SQLite
catalog and a local Parquet data path, then times: that first commit, small commits (one percent of every table,
as a load adds), the public views (count of every row), and counts the data files. Prints one JSON object.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import duckdb
import duckdb_ext  # type: ignore[import-not-found]

SMALL_COMMITS = 3


def main(snapshot: Path, views_sql: Path, work: Path) -> None:
    extensions = next(Path(duckdb_ext.__path__[0]).rglob("ducklake.duckdb_extension")).parent
    con = duckdb.connect()
    for name in ("sqlite_scanner", "ducklake"):
        con.execute(f"LOAD '{extensions / name}.duckdb_extension'")
    work.mkdir(parents=True, exist_ok=True)
    con.execute(f"ATTACH 'ducklake:sqlite:{work}/catalog.sqlite' AS lake (DATA_PATH '{work}/data/')")
    con.execute("USE lake")
    con.execute("SET TimeZone = 'UTC'")
    tables = sorted(path.name for path in snapshot.iterdir() if path.is_dir())

    started = time.perf_counter()
    con.execute("BEGIN")
    for table in tables:
        con.execute(f"CREATE TABLE {table} AS FROM read_parquet(?)", [str(snapshot / table / "*.parquet")])
    con.execute("COMMIT")
    first_commit_s = time.perf_counter() - started

    small = []
    for _ in range(SMALL_COMMITS):
        started = time.perf_counter()
        con.execute("BEGIN")
        for table in tables:
            con.execute(f"INSERT INTO {table} FROM {table} USING SAMPLE 1 PERCENT (bernoulli)")
        con.execute("COMMIT")
        small.append(time.perf_counter() - started)

    # DuckLake stores no macros, which the views' time travel uses: views and macro go into this session's own
    # in-memory database, reading the lake's tables through the search path.
    con.execute("USE memory")
    con.execute("SET search_path = 'memory,lake'")
    code = "\n".join(line for line in views_sql.read_text(encoding="utf-8").splitlines() if not line.startswith("--"))
    view_error = None
    try:
        for statement in code.split(";\n"):
            if statement.strip():
                con.execute(statement)
    except duckdb.Error as exc:
        view_error = str(exc).splitlines()[0]
    views = {}
    if view_error is None:
        for view in ("documents_current", "sections_current", "metrics_current", "metric_history", "loads"):
            times = []
            for _ in range(6):
                started = time.perf_counter()
                con.execute(f"SELECT count(*) FROM {view}").fetchall()
                times.append(time.perf_counter() - started)
            views[view] = statistics.median(times[1:]) * 1000
    first = con.execute("SELECT min(snapshot_id) FROM ducklake_snapshots('lake')").fetchall()[0][0]
    travel = con.execute(f"SELECT count(*) FROM lake.metrics AT (VERSION => {first + 1})").fetchall()[0][0]
    files = list((work / "data").rglob("*.parquet"))
    print(
        json.dumps(
            {
                "duckdb": duckdb.__version__,
                "first_commit_s": first_commit_s,
                "small_commit_s": statistics.median(small),
                "view_count_ms": views,
                "view_error": view_error,
                "views_stored_in": "the reader's session (DuckLake stores no macros)",
                "data_files": len(files),
                "data_mb": sum(f.stat().st_size for f in files) / 2**20,
                "catalog_kb": (work / "catalog.sqlite").stat().st_size / 1024,
                "metrics_at_first_version": travel,
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
