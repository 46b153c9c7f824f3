"""What changed between two versions of a document: the figures added, removed and changed, with their sentences,
and the paragraphs of the clean text that changed (``ingest diff``, and the artifact of a load).

Each version is read as its newest extraction shows it. Figures are compared in SQL (warehouse/diff/figures.sql
says when two figures are the same one); paragraphs (the clean text holds one per line) with difflib.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from ingest.display import DEFAULT_TIMEZONE, plain
from ingest.errors import IngestError
from ingest.load.warehouse import run_sql


@dataclass(frozen=True, slots=True)
class Version:
    version: int
    valid_from: datetime
    load_id: str
    extractor_version: str
    title: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Figure:
    value: Decimal
    value_high: Decimal | None
    unit: str | None
    qualifier: str | None
    sentence: str

    def label(self) -> str:
        return figure_label(self.value, self.value_high, self.unit, self.qualifier)


def figure_label(value: Decimal, value_high: Decimal | None, unit: str | None, qualifier: str | None) -> str:
    """A figure as a report writes it: 0.6%, 5–5.5%, 6%左右 (a range's qualifier 'range' is its dash)."""
    high = "" if value_high is None else f"–{plain(value_high)}"
    said = "" if qualifier in (None, "range") else str(qualifier)
    return f"{plain(value)}{high}{unit or ''}{said}"


@dataclass(frozen=True, slots=True)
class FigureChange:
    change: str  # added | removed | changed
    indicator: str | None
    name: str
    region: str | None
    period: str | None
    kind: str
    measure: str
    old: Figure | None
    new: Figure | None

    def label(self) -> str:
        what = " ".join(part for part in (self.indicator, self.period, self.kind, self.measure) if part)
        return f"{what} ({self.name}{', ' + self.region if self.region else ''})"


@dataclass(frozen=True, slots=True)
class ParagraphChange:
    """A run of paragraphs replaced by another: ``old`` empty when they were added, ``new`` empty when removed."""

    old: list[str]
    new: list[str]


@dataclass(frozen=True, slots=True)
class DocumentDiff:
    doc_id: str
    url: str
    old: Version
    new: Version
    figures: list[FigureChange]
    paragraphs: list[ParagraphChange]


def diff_document(
    con: duckdb.DuckDBPyConnection, doc: str, *, from_version: int | None = None, to_version: int | None = None
) -> DocumentDiff:
    """Compare two versions of the document ``doc`` (a doc_id or canonical URL): by default the current one
    against the one before it; ``from_version`` alone compares it with the current one."""
    rows = run_sql(con, "diff/versions.sql", doc=doc).fetchall()
    if not rows:
        raise IngestError(f"no document {doc!r}: name one by its doc_id or URL, as documents_current lists them")
    doc_id, url = rows[0][0], rows[0][1]
    versions = {row[2]: Version(*row[2:]) for row in rows}
    newest = max(versions)
    to_version = newest if to_version is None else to_version
    from_version = to_version - 1 if from_version is None else from_version
    if len(versions) == 1:
        raise IngestError(f"document {doc_id} has one version only: nothing to compare yet")
    for asked in (from_version, to_version):
        if asked not in versions:
            known = ", ".join(str(number) for number in sorted(versions))
            raise IngestError(f"document {doc_id} has no version {asked}; its versions are {known}")
    old, new = versions[from_version], versions[to_version]
    return DocumentDiff(
        doc_id=doc_id,
        url=url,
        old=old,
        new=new,
        figures=_figure_changes(con, doc_id, old, new),
        paragraphs=paragraph_changes(old.text, new.text),
    )


def load_diffs(con: duckdb.DuckDBPyConnection, load_id: str) -> list[DocumentDiff]:
    """What changed in each document the load ``load_id`` gave a new version, against the version before."""
    changed = run_sql(con, "diff/load_versions.sql", load_id=load_id).fetchall()
    return [diff_document(con, doc_id, to_version=version) for doc_id, version in changed]


def _figure_changes(con: duckdb.DuckDBPyConnection, doc_id: str, old: Version, new: Version) -> list[FigureChange]:
    cursor = run_sql(
        con,
        "diff/figures.sql",
        doc_id=doc_id,
        from_version=old.version,
        from_extractor=old.extractor_version,
        to_version=new.version,
        to_extractor=new.extractor_version,
    )
    changes = []
    for row in cursor.fetchall():
        change, indicator, name, region, period, kind, measure = row[:7]
        old_figure, new_figure = _figure(row[7:12]), _figure(row[12:17])
        changes.append(FigureChange(change, indicator, name, region, period, kind, measure, old_figure, new_figure))
    return changes


def _figure(columns: tuple[Any, ...]) -> Figure | None:
    return None if columns[0] is None else Figure(*columns)


def paragraph_changes(old_text: str, new_text: str) -> list[ParagraphChange]:
    """The runs of paragraphs (lines of the clean text) that differ between two texts, in text order."""
    old, new = old_text.splitlines(), new_text.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [
        ParagraphChange(old=old[i1:i2], new=new[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def render(diff: DocumentDiff) -> str:
    """The diff as Markdown, which reads as plain text too: the command prints it and artifacts show it."""
    title = diff.new.title or diff.old.title or diff.url
    lines = [
        f"# {title}",
        f"{diff.url} (doc_id {diff.doc_id})",
        f"version {_version_label(diff.old)} → version {_version_label(diff.new)}",
    ]
    for change, heading in (("changed", "Figures changed"), ("added", "Figures added"), ("removed", "Figures removed")):
        figures = [figure for figure in diff.figures if figure.change == change]
        lines += ["", f"## {heading} ({len(figures)})"]
        for figure in figures:
            old = "" if figure.old is None else figure.old.label()
            new = "" if figure.new is None else figure.new.label()
            lines.append(f"- {figure.label()}: {' → '.join(label for label in (old, new) if label)}")
            lines += [f"  - {side}: {f.sentence}" for side, f in (("old", figure.old), ("new", figure.new)) if f]
    lines += ["", f"## Paragraphs changed ({len(diff.paragraphs)})"]
    for paragraph in diff.paragraphs:
        lines += [f"- old: {text}" for text in paragraph.old] or ["- old: (none)"]
        lines += [f"  new: {text}" for text in paragraph.new] or ["  new: (none)"]
    return "\n".join(lines) + "\n"


def _version_label(version: Version) -> str:
    shown = version.valid_from.astimezone(ZoneInfo(DEFAULT_TIMEZONE)).replace(microsecond=0)
    return f"{version.version} ({shown.isoformat(sep=' ')}, load {version.load_id})"
