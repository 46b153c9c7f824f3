"""Where the time goes: a cProfile summarised as shares per area (package or stage) and per function.

Time spent inside built-in functions (regex matching, lxml's C code, lock waits) is charged to the area of the
Python function that called them, so ``ingest.metrics`` includes the regular expressions it runs.
"""

from __future__ import annotations

import pstats
import re
from collections import defaultdict
from dataclasses import dataclass

_Function = tuple[str, int, str]  # (file, line, name), pstats' key

_SITE_PACKAGE = re.compile(r"site-packages/([A-Za-z0-9_]+)")
_STDLIB = re.compile(r"python3\.\d+/([A-Za-z0-9_]+)")


@dataclass(frozen=True, slots=True)
class FunctionShare:
    function: str  # "ingest/metrics/extract.py:120(extract_metrics)"
    own: float  # share of the profiled time spent in the function itself
    cumulative: float  # share spent in it and what it called
    calls: int


def area_shares(stats: pstats.Stats) -> dict[str, float]:
    """Share of the profiled time per area, largest first; built-ins are charged to their callers."""
    table = _table(stats)
    total = sum(entry[2] for entry in table.values()) or 1.0
    shares: defaultdict[str, float] = defaultdict(float)
    for function, (_, _, own, _, callers) in table.items():
        if function[0] != "~" or not callers:
            shares[_area(function)] += own
            continue
        edge_total = sum(edge[2] for edge in callers.values()) or 1.0
        for caller, edge in callers.items():
            shares[_area(caller)] += own * edge[2] / edge_total
    return dict(sorted(((area, seconds / total) for area, seconds in shares.items()), key=lambda kv: -kv[1]))


def top_functions(stats: pstats.Stats, count: int = 15) -> list[FunctionShare]:
    """The ``count`` functions with the most time of their own."""
    table = _table(stats)
    total = sum(entry[2] for entry in table.values()) or 1.0
    ranked = sorted(table.items(), key=lambda item: -item[1][2])[:count]
    return [
        FunctionShare(_label(function), own / total, cumulative / total, calls)
        for function, (_, calls, own, cumulative, _) in ranked
    ]


def profile_markdown(stats: pstats.Stats, *, title: str, count: int = 15) -> str:
    """Area shares and the top functions as two markdown tables under a heading."""
    areas = "\n".join(f"| {area} | {share:.1%} |" for area, share in area_shares(stats).items() if share >= 0.005)
    functions = "\n".join(
        f"| `{entry.function}` | {entry.own:.1%} | {entry.cumulative:.1%} | {entry.calls} |"
        for entry in top_functions(stats, count)
    )
    return (
        f"#### {title}\n\n| area | share of time |\n|---|---|\n{areas}\n\n"
        f"| function | own | cumulative | calls |\n|---|---|---|---|\n{functions}\n"
    )


def _table(stats: pstats.Stats) -> dict[_Function, tuple[int, int, float, float, dict[_Function, tuple[float, ...]]]]:
    return stats.stats  # type: ignore[attr-defined, no-any-return]


def _area(function: _Function) -> str:
    path = function[0].replace("\\", "/")
    if path == "~":
        return "built-ins"
    if "/ingest/" in path:
        parts = path.rsplit("/ingest/", 1)[1].removesuffix(".py").split("/")
        return "ingest." + parts[0]
    if "/flows/" in path:
        return "flows"
    package = _SITE_PACKAGE.search(path)
    if package:
        return package.group(1)
    stdlib = _STDLIB.search(path)
    if stdlib:
        return f"stdlib {stdlib.group(1).removesuffix('.py')}"
    return path


def _label(function: _Function) -> str:
    path, line, name = function
    if path == "~":
        return name
    for marker in ("/src/", "site-packages/", "/lib/"):
        if marker in path:
            path = path.rsplit(marker, 1)[1]
            break
    return f"{path}:{line}({name})"
