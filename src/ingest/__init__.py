"""Government reports into a versioned DuckDB warehouse; :func:`connect` opens it from Python.

```python
import ingest

con = ingest.connect()  # warehouse/reports.duckdb, read-only, as it stands now
gdp = con.sql("SELECT period, kind, value FROM metrics_current WHERE indicator = 'GDP'").df()  # or .pl()
```
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


def connect(
    db: str | Path | None = None,
    *,
    as_of: str | None = None,
    timezone: str | None = None,
    allow_files: bool = False,
    lock_timeout: float | None = None,
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse ``db`` (default warehouse/reports.duckdb) whose public views
    (documents_current, metrics_current, …) show it as it stood at ``as_of`` (a load id or an ISO timestamp; now
    if None), with times in ``timezone`` (default Asia/Shanghai).

    It is the connection of ``ingest sql``: it cannot write, touch files (unless ``allow_files``), install or
    load extensions, or change its settings. Python objects are queried after ``con.register("name", frame)``:
    DuckDB's implicit lookup of DataFrames by variable name is file-like access and stays off. A busy warehouse
    is waited for up to ``lock_timeout`` seconds (default 30); mistakes raise :class:`ingest.errors.IngestError`.
    """
    # imported here so that `import ingest.<stage>` does not pay for DuckDB and the query module
    from ingest.display import DEFAULT_TIMEZONE
    from ingest.load.warehouse import DEFAULT_DB, DEFAULT_LOCK_TIMEOUT
    from ingest.query import open_query_session

    return open_query_session(
        DEFAULT_DB if db is None else Path(db),
        as_of=as_of,
        lock_timeout=DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout,
        allow_files=allow_files,
        timezone=DEFAULT_TIMEZONE if timezone is None else timezone,
    )


__all__ = ["connect"]
