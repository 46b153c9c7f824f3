"""Latency of the warehouse's public views, as an analyst's read-only session sees it: on the published snapshot
(ingest.load.snapshot), which readers open, unless the warehouse file itself is asked for (docs/storage.md).

Three queries per view, each run once to warm up and then timed (fewer times when one run takes long, so a slow
view cannot stall the benchmark): every row counted (``sql/view_count.sql``,
issue 8's measure), every row and column computed (``sql/view_all_columns.sql``) and a typical analyst query
(``sql/views/<view>.sql``, mostly the examples of warehouse/README.md).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from ingest.load.store import WarehousePaths
from ingest.load.warehouse import PUBLIC_VIEWS, connect

SQL = Path(__file__).resolve().parent / "sql"
TIME_BUDGET = 10.0  # seconds of timed runs per query, at least one run


@dataclass(frozen=True, slots=True)
class ViewLatency:
    """Median milliseconds per public view, for each of the three queries."""

    every_row: dict[str, float]
    all_columns: dict[str, float]
    analyst: dict[str, float]


@dataclass(frozen=True, slots=True)
class Operator:
    """One operator of a query plan as DuckDB's profiler saw it."""

    name: str
    detail: str
    rows: int
    seconds: float


def view_latency(db: Path, *, repeats: int, snapshot: bool = True) -> ViewLatency:
    with connect(_opened(db, snapshot), read_only=True) as con:
        con.execute(bench_sql("quiet.sql"))
        return ViewLatency(
            every_row={v: _median_ms(con, bench_sql("view_count.sql"), {"view": v}, repeats) for v in PUBLIC_VIEWS},
            all_columns={
                v: _median_ms(con, bench_sql("view_all_columns.sql"), {"view": v}, repeats) for v in PUBLIC_VIEWS
            },
            analyst={v: _median_ms(con, bench_sql(f"views/{v}.sql"), None, repeats) for v in PUBLIC_VIEWS},
        )


def slowest_operators(db: Path, view: str, count: int = 6) -> list[Operator]:
    """The operators that take longest when every row and column of ``view`` is computed."""
    with connect(_opened(db, snapshot=True), read_only=True) as con:
        con.execute(bench_sql("quiet.sql"))
        row = con.execute(bench_sql("explain_view.sql"), {"view": view}).fetchone()
    assert row is not None  # EXPLAIN ANALYZE always answers one row
    operators = list(_operators(json.loads(row[-1])))
    return sorted(operators, key=lambda operator: -operator.seconds)[:count]


def _opened(db: Path, snapshot: bool) -> Path:
    return WarehousePaths.beside(db).snapshot if snapshot else db


def operators_markdown(view: str, operators: list[Operator], total_ms: float) -> str:
    rows = "\n".join(
        f"| {op.name} | {op.detail} | {op.rows:,} | {op.seconds * 1000:.1f} |" for op in operators if op.seconds > 0
    )
    return (
        f"#### {view}: {total_ms:.0f} ms for every row and column; its slowest operators\n\n"
        "DuckDB's profiler; an operator's time is summed over DuckDB's threads.\n\n"
        f"| operator | detail | rows | ms |\n|---|---|---|---|\n{rows}\n"
    )


def _operators(node: Mapping[str, Any]) -> Iterator[Operator]:
    for child in node.get("children", node.get("operator", [])):
        if "type" in child:
            yield Operator(
                child["type"], _detail(child.get("extra_info", {})), child["intermediate_rows"], child["timing"]
            )
        yield from _operators(child)


def _detail(info: Mapping[str, Any]) -> str:
    """The part of an operator's description that says what it works on, shortened for a table cell."""
    for key in ("Table", "Conditions", "Projections", "Aggregates", "Expression", "Function"):
        if key in info:
            value = info[key]
            text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            text = " ".join(text.split()).replace("|", "\\|")
            return f"{key}: {text[:140]}{'…' if len(text) > 140 else ''}"
    return ""


def _median_ms(con: duckdb.DuckDBPyConnection, query: str, params: dict[str, object] | None, repeats: int) -> float:
    started = time.perf_counter()
    con.execute(query, params).fetchall()
    warm_up = time.perf_counter() - started
    times = []
    for _ in range(max(1, min(repeats, int(TIME_BUDGET / max(warm_up, 1e-9))))):
        started = time.perf_counter()
        con.execute(query, params).fetchall()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


@cache
def bench_sql(relative: str) -> str:
    """A file of bench/sql/ without its whole-line comments (statements keep their semicolons between them)."""
    lines = (SQL / relative).read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("--")).strip().rstrip(";")


def slower_query_ms(db: Path, *, repeats: int, through_history: bool = False) -> dict[str, float]:
    """Per public view on the published snapshot, the slower of its ``count(*)`` and its analyst query (median
    milliseconds of warm runs): the figure issue 14 holds under 100 ms. ``through_history`` times the same
    answers through the views' history definitions, as a query with ``--as-of`` after the last load runs them."""
    with connect(_opened(db, snapshot=True), read_only=True) as con:
        con.execute(bench_sql("quiet.sql"))
        if through_history:
            con.execute(bench_sql("view_as_of.sql"))
        return {
            view: max(
                _median_ms(con, bench_sql("view_count.sql"), {"view": view}, repeats),
                _median_ms(
                    con, bench_sql("view_answer.sql").format(query=bench_sql(f"views/{view}.sql")), None, repeats
                ),
            )
            for view in PUBLIC_VIEWS
        }
