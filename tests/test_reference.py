"""Behaviour kept: the demo load and a small bench-mirror load give the rows they gave before issue 16's refactor."""

from __future__ import annotations

import json
from pathlib import Path

from tests.reference import REFERENCE, load_all, row_digest


def test_the_demo_and_mirror_loads_give_the_reference_rows(tmp_path: Path) -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))

    results = load_all(tmp_path / "reports.duckdb")

    differences = []
    for load, tables in results.items():
        assert set(tables) == set(reference[load])
        for table, rows in tables.items():
            expected = reference[load][table]
            unexpected = [row for row in rows if row_digest(row) not in set(expected)]
            if unexpected or len(rows) != len(expected):
                differences.append(f"{load}.{table}: {len(rows)} rows, {len(expected)} expected; new: {unexpected[:3]}")
    assert differences == []
