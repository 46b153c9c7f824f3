"""Reading the warehouse: SQL over the public views, as of any past load or time, and Parquet exports.

``ingest sql`` is a query tool, not a DuckDB shell: it runs one statement at a time, only of a reading kind
(SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN of those, read-only PRAGMA), judged on the statement DuckDB
parsed, on a read-only connection without file or network access (unless ``--allow-files``), without extension
autoinstall or autoload, and with its configuration locked. Any one of these alone would stop a query that
overwrites the warehouse file, plants a load package or reaches the network; together they leave no gap.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from ingest.display import DEFAULT_TIMEZONE
from ingest.errors import IngestError
from ingest.load.store import Warehouse, WarehousePaths
from ingest.load.warehouse import DEFAULT_LOCK_TIMEOUT, PUBLIC_VIEWS, connect, run_sql


@dataclass(frozen=True, slots=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def open_reader(
    db: Path, *, as_of: str | None = None, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> duckdb.DuckDBPyConnection:
    """A read-only connection whose public views show the warehouse as it stood at ``as_of`` (now if None).

    It opens the warehouse's published snapshot (ingest.load.snapshot), never the file a load writes, so it
    holds up no load, and it sees every later commit at its next query. A warehouse from before snapshots is
    published first, once: the upgrade in place."""
    paths = WarehousePaths.beside(db)
    if not paths.snapshot.exists():
        if not db.exists():
            raise IngestError(f"warehouse {db} does not exist yet; run `ingest demo` or `ingest run` first")
        Warehouse(paths, lock_timeout=lock_timeout).publish()
    con = connect(paths.snapshot, read_only=True, lock_timeout=lock_timeout)
    if as_of is not None:
        # fetched to the end: DuckDB refuses a relation (con.sql) beside an unfinished result
        rows = run_sql(con, "load/as_of.sql", as_of=as_of).fetchall()
        if not rows or rows[0][0] is None:
            con.close()
            raise IngestError(f"--as-of {as_of!r} is neither a load id nor a timestamp like 2026-01-31T08:00:00+08:00")
    return con


def open_query_session(
    db: Path,
    *,
    as_of: str | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    allow_files: bool = False,
    timezone: str = DEFAULT_TIMEZONE,
) -> duckdb.DuckDBPyConnection:
    """The connection of ``ingest sql``: a reader (see :func:`open_reader`) that cannot touch files (unless
    ``allow_files``, for ``read_csv`` joins), install or load extensions, or change its own settings, and that
    shows times in ``timezone``."""
    con = open_reader(db, as_of=as_of, lock_timeout=lock_timeout)
    if not allow_files:
        data = WarehousePaths.beside(db).snapshot_data.resolve()
        run_sql(con, "query_no_files.sql", snapshot_data=f"{data}/")
    try:
        run_sql(con, "query_session.sql", timezone=timezone)
    except duckdb.NotImplementedException:
        con.close()
        raise IngestError(f"--timezone {timezone!r} is not a time zone name such as Asia/Shanghai or UTC") from None
    return con


def read_query(text: str | None, file: Path | None) -> str:
    """The query a user gave: as an argument, in ``file``, or on stdin when either of them is ``-``."""
    if (text is None) == (file is None):
        raise IngestError("give one query: as an argument, with --file FILE, or - to read it from stdin")
    if text == "-" or file == Path("-"):
        return sys.stdin.read()
    if file is None:
        return str(text)
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise IngestError(f"--file {file} does not exist") from None
    except UnicodeDecodeError:
        raise IngestError(f"--file {file} is not UTF-8 text") from None
    except OSError as exc:
        raise IngestError(f"cannot read --file {file}: {exc.strerror}") from None


# PRAGMAs that only report: the ones DuckDB also offers as table functions, and its listings.
_READ_ONLY_PRAGMAS = frozenset(
    {
        "collations",
        "database_list",
        "database_size",
        "functions",
        "metadata_info",
        "platform",
        "show",
        "show_databases",
        "show_tables",
        "show_tables_expanded",
        "storage_info",
        "table_info",
        "user_agent",
        "version",
    }
)
_ALLOWED = "ingest sql runs one SELECT, WITH, DESCRIBE, SHOW, EXPLAIN or read-only PRAGMA statement"


def check_query(sql: str) -> None:
    """Refuse anything but one reading statement, judged on the statements DuckDB parses out of ``sql``."""
    statements = duckdb.extract_statements(sql)
    if len(statements) != 1:
        raise IngestError(f"query refused: {len(statements)} statements given; {_ALLOWED} at a time")
    statement = statements[0]
    if statement.type == duckdb.StatementType.PRAGMA:
        words = _words(statement.query)
        name = words[1][1].lower() if len(words) > 1 else ""
        if name not in _READ_ONLY_PRAGMAS:
            raise IngestError(f"query refused: PRAGMA {name} is not a read-only PRAGMA; {_ALLOWED}")
    elif statement.type == duckdb.StatementType.EXPLAIN:
        explained = _explained(statement.query)
        if explained != duckdb.StatementType.SELECT:
            raise IngestError(f"query refused: EXPLAIN of a {explained.name} statement; {_ALLOWED}")
    elif statement.type != duckdb.StatementType.SELECT:
        raise IngestError(f"query refused: {statement.type.name} statements are not allowed; {_ALLOWED}")


def _words(sql: str) -> list[tuple[int, str]]:
    """The tokens of ``sql`` as DuckDB's tokenizer splits it, with where each starts; comments left out."""
    tokens = duckdb.tokenize(sql)
    bounds = [position for position, _ in tokens] + [len(sql)]
    return [
        (start, sql[start:end].strip())
        for (start, kind), end in zip(tokens, bounds[1:], strict=True)
        if kind != duckdb.token_type.comment
    ]


def _explained(sql: str) -> duckdb.StatementType:
    """The type of the statement an EXPLAIN [ANALYZE] [(options)] statement explains (EXPLAIN ANALYZE runs it)."""
    words = _words(sql)[1:]
    if words[:1] and words[0][1] == "(":
        closing = next((i for i, (_, word) in enumerate(words) if word == ")"), len(words) - 1)
        words = words[closing + 1 :]
    if words[:1] and words[0][1].upper() == "ANALYZE":
        words = words[1:]
    explained = duckdb.extract_statements(sql[words[0][0] :]) if words else []
    return explained[0].type if len(explained) == 1 else duckdb.StatementType.INVALID


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """A SQL mistake becomes an IngestError carrying DuckDB's first line."""
    try:
        yield
    except duckdb.Error as exc:
        raise IngestError(f"query failed: {str(exc).splitlines()[0]}") from None


def run_query(con: duckdb.DuckDBPyConnection, sql: str, parameters: Sequence[object] | None = None) -> QueryResult:
    """Run one reading statement (see :func:`check_query`); a SQL mistake or a refused statement becomes an
    IngestError carrying one line."""
    with _one_line_errors():
        check_query(sql)
        relation = con.sql(sql, params=parameters)
        return QueryResult(columns=relation.columns, rows=relation.fetchall())


def write_query_parquet(con: duckdb.DuckDBPyConnection, sql: str, out: Path) -> int:
    """Run one reading statement and write its result to the Parquet file ``out``, decimals and time zones kept
    (through Arrow in this process: the query connection itself may not write files). Returns the row count."""
    import pyarrow.parquet  # here, not at the top: every other command imports this module and needs no pyarrow

    with _one_line_errors():
        check_query(sql)
        table = con.sql(sql).to_arrow_table()
    try:
        pyarrow.parquet.write_table(table, out)
    except OSError as exc:
        raise IngestError(f"cannot write --out {out}: {exc}") from None
    return int(table.num_rows)


def export_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> dict[str, int]:
    """Write each public view to ``directory/<view>.parquet``; return the row count of each."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise IngestError(f"--parquet {directory} is a file, not a directory; name a directory") from None
    except OSError as exc:
        raise IngestError(f"cannot create the directory {directory}: {exc.strerror}") from None
    counts: dict[str, int] = {}
    for view in PUBLIC_VIEWS:
        relation = con.table(view)
        relation.write_parquet(str(directory / f"{view}.parquet"))
        counts[view] = len(relation)
    return counts
