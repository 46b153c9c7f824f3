"""Reading the warehouse: SQL over the public views, as of any past load or time, and Parquet exports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from ingest.errors import IngestError
from ingest.load.warehouse import DEFAULT_LOCK_TIMEOUT, PUBLIC_VIEWS, connect, run_sql


@dataclass(frozen=True, slots=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def open_reader(
    db: Path, *, as_of: str | None = None, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> duckdb.DuckDBPyConnection:
    """A read-only connection whose public views show the warehouse as it stood at ``as_of`` (now if None)."""
    con = connect(db, read_only=True, lock_timeout=lock_timeout)
    if as_of is not None:
        row = run_sql(con, "load/as_of.sql", as_of=as_of).fetchone()
        if row is None or row[0] is None:
            con.close()
            raise IngestError(f"--as-of {as_of!r} is neither a load id nor a timestamp like 2026-01-31T08:00:00+08:00")
    return con


def run_query(con: duckdb.DuckDBPyConnection, sql: str, parameters: Sequence[object] | None = None) -> QueryResult:
    """Run one query; a SQL mistake becomes an IngestError carrying DuckDB's first line."""
    try:
        cursor = con.execute(sql, parameters)
        rows = cursor.fetchall()
    except duckdb.Error as exc:
        raise IngestError(f"query failed: {str(exc).splitlines()[0]}") from None
    return QueryResult(columns=[column[0] for column in cursor.description or ()], rows=rows)


def export_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> dict[str, int]:
    """Write each public view to ``directory/<view>.parquet``; return the row count of each."""
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for view in PUBLIC_VIEWS:
        relation = con.table(view)
        relation.write_parquet(str(directory / f"{view}.parquet"))
        counts[view] = len(relation)
    return counts
