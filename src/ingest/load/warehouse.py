"""Opening the warehouse: the DuckDB file, its schema migrations and its single-writer discipline.

DuckDB lets one process open a file for writing and then no other process may open it at all. So writers
hold the file only while they apply a load package (seconds), and every open waits a bounded time for the
file to be free before failing with a message that says who holds it. Runs are serialised separately, source by
source, by :func:`run_lock`: advisory locks beside the database file.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import time
from collections.abc import Collection, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
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


WHOLE = None
"""The ``sources`` of :func:`run_lock` that locks the whole warehouse: what a run touching every source holds."""


@contextmanager
def run_lock(
    db: Path, *, timeout: float = DEFAULT_LOCK_TIMEOUT, sources: Collection[str] | None = WHOLE
) -> Iterator[frozenset[str] | None]:
    """Hold a run's locks on the warehouse; yield the sources held, or None when it holds the whole warehouse.

    Runs lock by source, so that runs of different sources crawl, parse and commit at once: DuckDB lets one
    process write the file at a time, but a writer holds it only for seconds (:func:`connect`). A run of
    ``sources`` holds the warehouse lock shared and each of its sources' locks exclusively; a run that touches
    every source (reprocess; the default) holds the warehouse lock exclusively, so it waits for every run and
    every run for it. Two runs of one source still run one after the other. Every run takes its locks in one
    order (the gate, the warehouse, its sources by name), so no two runs can each hold what the other waits for;
    the gate, held by whoever waits for the warehouse lock, keeps a run that wants the whole warehouse from waiting
    for ever behind source runs that keep overlapping.
    """
    deadline = time.monotonic() + timeout
    folder = lock_folder(db)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a --db under a file, or where nothing can be written
        raise IngestError(f"cannot use {db} as a warehouse: {exc.strerror}: {exc.filename}") from None
    wait = _Wait(db, deadline, timeout)
    whole = sources is WHOLE
    with ExitStack() as held:
        with wait.lock(folder / "gate.lock", fcntl.LOCK_EX):
            held.enter_context(wait.lock(db.with_name(db.name + ".lock"), fcntl.LOCK_EX if whole else fcntl.LOCK_SH))
        for name in sorted(set(sources or ())):
            held.enter_context(wait.lock(folder / f"{name}.lock", fcntl.LOCK_EX, f"source {name}"))
        yield None if sources is None else frozenset(sources)


def lock_folder(db: Path) -> Path:
    """``warehouse/reports.duckdb`` → ``warehouse/reports.locks/``: the gate and one lock file per source."""
    return db.with_suffix(".locks")


@dataclass(frozen=True, slots=True)
class _Wait:
    """The locks of one run: each waited for until the run's one deadline."""

    db: Path
    deadline: float
    timeout: float

    @contextmanager
    def lock(self, path: Path, operation: int, what: str = "") -> Iterator[None]:
        """Hold ``flock(operation)`` on ``path``; an exclusive holder writes its pid there for those who wait."""
        try:
            handle = path.open("a+")
        except OSError as exc:
            raise IngestError(f"cannot use {self.db} as a warehouse: {exc.strerror}: {exc.filename}") from None
        with handle:
            while True:
                try:
                    fcntl.flock(handle, operation | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= self.deadline:
                        handle.seek(0)
                        holder = handle.read().strip() or "another process"
                        raise WarehouseBusyError(
                            f"another run is writing to {self.db} ({holder}); waited {self.timeout:g} s — "
                            "try again when it finishes or pass a longer --lock-timeout"
                        ) from None
                    time.sleep(0.2)
            exclusive = operation == fcntl.LOCK_EX
            if exclusive:
                handle.seek(0)
                handle.truncate()
                handle.write(", ".join(filter(None, (f"pid {os.getpid()}", what))))
                handle.flush()
            try:
                yield
            finally:
                if exclusive:
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
