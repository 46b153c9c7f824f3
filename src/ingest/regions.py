"""Region identity: the 6-digit administrative division codes (GB/T 2260) that names of regions resolve to.

The table is package data, src/ingest/data/regions.csv: every province, prefecture and county of the current list
with its short name and parent, and the units that renames and re-divisions (撤县设区, new codes) replaced, with
the years in which each was valid. docs/regions.md says where it comes from and why no package is used at run time.

:func:`resolve` takes a name as reports and sources files write it: the full name (延边朝鲜族自治州), the short
name (延边), or the short form of an autonomous unit (延边州, 长阳县); a former name resolves for the years it was
in use. Pure functions over a table loaded once.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal, cast

from ingest.errors import IngestError

Level = Literal["province", "prefecture", "county"]

# An autonomous unit is called by its short name and the last character of its kind: 延边朝鲜族自治州 → 延边州,
# 长阳土家族自治县 → 长阳县, 鄂温克族自治旗 → 鄂温克旗.
_AUTONOMOUS_KINDS = ("自治州", "自治县", "自治旗")


class RegionError(IngestError):
    """A region name that does not name exactly one division."""


class UnknownRegionError(RegionError):
    """No division has this name (in the year asked for, within the region asked for)."""


class AmbiguousRegionError(RegionError):
    """Several divisions have this name: the caller must say which, by code or by a region it lies within."""


@dataclass(frozen=True, slots=True)
class Region:
    """One division: its code, the name it has (or had, for a former unit), its level and its parent's code.

    ``valid_from`` and ``valid_to`` are the years of the change that created or replaced it, both inclusive (a
    unit replaced in the middle of a year is still what that year's January report calls it); None when the unit
    predates the recorded changes, or is still in force.
    """

    code: str
    name: str
    level: Level
    parent: str | None
    valid_from: int | None
    valid_to: int | None

    def valid_in(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= year) and (self.valid_to is None or year <= self.valid_to)


@dataclass(frozen=True, slots=True)
class _Table:
    regions: tuple[Region, ...]
    by_code: dict[str, Region]  # the current unit of each code, or its latest former one
    by_name: dict[str, tuple[tuple[int, Region], ...]]  # name → (0 for the full name, 1 for a short form, region)


def regions() -> tuple[Region, ...]:
    """Every division of the table, former ones included, ordered by code."""
    return _table().regions


def region(code: str) -> Region:
    """The division with this code: the current unit, or the latest one that had the code."""
    found = _table().by_code.get(code)
    if found is None:
        raise UnknownRegionError(f"no division has the code {code!r}; codes are the 6 digits of GB/T 2260")
    return found


def is_within(code: str, ancestor: str) -> bool:
    """Whether the division ``code`` is ``ancestor`` or lies in it (a county in its prefecture or province)."""
    by_code = _table().by_code
    current: str | None = code
    while current is not None:
        if current == ancestor:
            return True
        parent = by_code.get(current)
        current = parent.parent if parent is not None else None
    return False


def resolve(name: str, *, year: int | None = None, within: str | None = None) -> Region:
    """The one division called ``name`` (in ``year``, inside the division ``within``, when given).

    A full name beats a short form: 吉林市 is the prefecture, while 吉林 names the province and the prefecture
    alike. Without a year, units in force beat former ones. Raises UnknownRegionError or AmbiguousRegionError,
    whose message says what to write instead.
    """
    key = name.strip()
    if within is not None:
        region(within)  # an unknown code is the caller's mistake, not an unknown name
    named = [
        (tier, found)
        for tier, found in _table().by_name.get(key, ())
        if (year is None or found.valid_in(year)) and (within is None or is_within(found.code, within))
    ]
    if year is None and any(found.valid_to is None for _, found in named):
        named = [(tier, found) for tier, found in named if found.valid_to is None]
    best = [found for tier, found in named if tier == min(tier for tier, _ in named)]
    if len({found.code for found in best}) == 1:
        return best[0]
    where = "".join((f" in {year}" if year is not None else "", f" within {within}" if within is not None else ""))
    if not best:
        raise UnknownRegionError(
            f"no division is called {key!r}{where}; write its full name as in the national list"
            ' or give its 6-digit code as region_code = "…"'
        )
    candidates = ", ".join(f"{found.name} ({found.code}, {_parent_name(found)})" for found in best)
    raise AmbiguousRegionError(
        f"{key!r}{where} could be {candidates}; write the full name or give the code, e.g. "
        f'region_code = "{best[0].code}"'
    )


def figure_region_code(
    text: str | None, *, source_region: str | None, source_code: str | None, year: int | None
) -> str | None:
    """The code of the region a figure is about, given the region its text names and its source's region.

    The source's code when the figure names no region or the source's own; the code of the region it names when
    that lies within the source's region (a county's figure in a prefecture's report); else None, the text being
    kept (a national figure republished on a prefecture's site).
    """
    if source_code is None:
        return None
    if text is None or text == source_region:
        return source_code
    try:
        return resolve(text, year=year, within=source_code).code
    except RegionError:
        return None


def _parent_name(found: Region) -> str:
    parent = _table().by_code.get(found.parent or "")
    return parent.name if parent is not None else "a province"


def _names(name: str, shorts: str) -> Iterator[tuple[int, str]]:
    """The full name, then the short names (the list separates several with "/": 巴州/巴音郭楞) and their forms."""
    yield 0, name
    for short in shorts.split("/"):
        if short and short != name:
            yield 1, short
            yield from ((1, short + kind[-1]) for kind in _AUTONOMOUS_KINDS if name.endswith(kind))


@cache
def _table() -> _Table:
    text = (files("ingest") / "data" / "regions.csv").read_text(encoding="utf-8")
    rows: list[Region] = []
    by_name: dict[str, list[tuple[int, Region]]] = defaultdict(list)
    for record in csv.DictReader(text.splitlines()):
        found = Region(
            code=record["code"],
            name=record["name"],
            level=cast(Level, record["level"]),
            parent=record["parent"] or None,
            valid_from=_year(record["valid_from"]),
            valid_to=_year(record["valid_to"]),
        )
        rows.append(found)
        for tier, alias in _names(found.name, record["short_name"]):
            by_name[alias].append((tier, found))
    by_code: dict[str, Region] = {}
    for found in sorted(rows, key=lambda row: row.valid_to or 10_000):
        by_code[found.code] = found  # the latest unit with the code wins
    return _Table(tuple(rows), by_code, {alias: tuple(entries) for alias, entries in by_name.items()})


def _year(value: str) -> int | None:
    return int(value) if value else None
