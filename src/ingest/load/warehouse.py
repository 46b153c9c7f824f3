"""Opening the warehouse: the DuckDB file, its schema migrations and its single-writer discipline.

DuckDB lets one process open a file for writing and then no other process may open it at all. So writers
hold the file only while they apply a load package (seconds), and every open waits a bounded time for the
file to be free before failing with a message that says who holds it. Whole runs are serialised separately
by :func:`run_lock`, an advisory lock beside the database file.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from pathlib import Path

import duckdb

from ingest.errors import IngestError, WarehouseBusyError
from ingest.project import WAREHOUSE_SQL

DEFAULT_DB = Path("warehouse/reports.duckdb")
DEFAULT_LOCK_TIMEOUT = 30.0

_SQL_ROOT = WAREHOUSE_SQL
_STATEMENT_END = re.compile(r";[ \t]*$", re.MULTILINE)


def sql_path(relative: str) -> Path:
    """A file of the project's warehouse/ folder, where all SQL lives."""
    path = _SQL_ROOT / relative
    if not path.is_file():
        raise IngestError(f"warehouse SQL file {path} is missing; reinstall the ingest package")
    return path


@cache
def sql_statements(relative: str) -> tuple[str, ...]:
    """The statements of a .sql file, split at semicolons that end a line, without whole-line comments."""
    text = sql_path(relative).read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return tuple(stmt.strip() for stmt in _STATEMENT_END.split(code) if stmt.strip())


def run_sql(con: duckdb.DuckDBPyConnection, relative: str, **params: object) -> duckdb.DuckDBPyConnection:
    """Execute the statements of a .sql file in order, binding the ``$name`` parameters each one uses.

    Returns the connection, positioned on the last statement's result.
    """
    for statement in sql_statements(relative):
        used = {name: value for name, value in params.items() if f"${name}" in statement}
        con.execute(statement, used or None)
    return con


def connect(
    db: Path, *, read_only: bool = False, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting up to ``lock_timeout`` seconds while another process has it open.

    A new file is created (with its schema) only for writers; readers get a clear error instead.
    """
    if read_only and not db.exists():
        raise IngestError(f"warehouse {db} does not exist yet; run `ingest demo` or `ingest run` first")
    if not read_only:
        db.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + lock_timeout
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(db), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise IngestError(f"cannot open warehouse {db}: {exc}") from None
            if time.monotonic() >= deadline:
                holder = re.search(r"\(PID (\d+)\)", str(exc))
                who = f"process {holder.group(1)}" if holder else "another process"
                raise WarehouseBusyError(
                    f"warehouse {db} is in use by {who}; waited {lock_timeout:g} s — "
                    "try again when it finishes or pass a longer --lock-timeout"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    run_sql(con, "session.sql")
    if not read_only:
        run_sql(con, "writer_session.sql")
        migrate(con)
    return con


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Bring the schema up to date: numbered files in warehouse/schema/ once each, then the views, the indicator
    vocabulary and the division list, rebuilt only when their files changed (every write connection comes through
    here)."""
    run_sql(con, "migrations.sql")
    applied = {row[0] for row in run_sql(con, "load/applied_migrations.sql").fetchall()}
    for migration in sorted((_SQL_ROOT / "schema").glob("*.sql")):
        if migration.name in applied:
            continue
        with transaction(con):
            run_sql(con, f"schema/{migration.name}")
            run_sql(con, "load/record_migration.sql", name=migration.name)
    vocabulary = files("ingest") / "data" / "indicators.csv"
    divisions = files("ingest") / "data" / "regions.csv"
    digest = hashlib.sha256()
    for part in (sql_path("views.sql"), sql_path("view_comments.sql"), vocabulary, divisions):
        digest.update(part.read_bytes())
    derived = f"derived:{digest.hexdigest()}"
    if derived in applied:
        return
    with transaction(con):
        run_sql(con, "views.sql")
        run_sql(con, "view_comments.sql")
        run_sql(con, "load/indicators.sql", path=str(vocabulary))
        run_sql(con, "load/regions.sql", path=str(divisions))
        run_sql(con, "load/record_derived.sql", name=derived)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit what the block did, or roll all of it back."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def run_lock(db: Path, *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the warehouse's run lock: at most one ingest, backfill or reprocess per database at a time."""
    lock_path = db.with_name(db.name + ".lock")
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a+")
    except OSError as exc:  # a --db under a file, or where nothing can be written
        raise IngestError(f"cannot use {db} as a warehouse: {exc.strerror}: {exc.filename}") from None
    with handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise WarehouseBusyError(
                        f"another run is writing to {db} ({holder}); waited {timeout:g} s — "
                        "try again when it finishes or pass a longer --lock-timeout"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


PUBLIC_VIEWS = (
    "documents_current",
    "sections_current",
    "metrics_current",
    "metric_history",
    "target_vs_outcome",
    "loads",
    "panel",
    "coverage",
)
"""The views documented in warehouse/README.md: the warehouse's contract with its users."""
