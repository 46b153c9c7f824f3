"""`ingest report`: one static HTML file with the warehouse's headline figures drawn, which opens offline.

The charts are Vega-Lite specifications rendered to SVG in this process by vl-convert, so the file holds no script
and loads nothing: every chart is inline SVG and the style sheet is inline too (docs/report.md compares this with
Plotly). Every mark of a figure links to its document's URL at its sentence; a table lists each figure with its
sentence.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import duckdb
import vl_convert

from ingest.chinese import NOT_HAN
from ingest.diff import figure_label
from ingest.load.warehouse import run_sql

LATEST_LOADS = 10
# Marks per kind of figure: an outcome is a filled circle, a target an open marker whose shape says its qualifier.
KIND_COLOURS = {"actual": "#1f6f43", "estimate": "#7fb58f", "target": "#b8432f"}
QUALIFIER_SHAPES = {"以上": "triangle-up", "左右": "diamond", "range": "square"}
TARGET_SHAPE = "cross"
# A target and the outcome of its year sit apart by this many pixels, the outcome left of the year's tick and the
# target right of it, so that an outcome equal to its target (全国 GDP 2024: 5%左右, then 5%) does not hide it.
PAIR_OFFSET = 5


@dataclass(frozen=True, slots=True)
class Chart:
    anchor: str
    title: str
    caption: str
    svg: str


def build_report(
    con: duckdb.DuckDBPyConnection, *, region: str | None, indicator: str | None, generated_at: datetime
) -> str:
    """The report's HTML: targets against outcomes, headline figures over time, coverage, latest loads."""
    narrowing = {"region": region, "indicator": indicator}
    figures = _records(run_sql(con, "report/figures.sql", **narrowing))
    for number, figure in enumerate(figures, start=1):
        figure["anchor"] = f"f{number}"
        figure["label"] = figure_label(figure["value"], figure["value_high"], "%", figure["qualifier"])
        figure["link"] = _sentence_url(figure["url"], figure["sentence"])
    pairs = _records(run_sql(con, "report/pairs.sql", **narrowing))
    documents = _records(run_sql(con, "report/coverage.sql", region=region))
    loads = _records(run_sql(con, "report/loads.sql", limit=LATEST_LOADS))
    failures = _records(run_sql(con, "report/failures.sql", load_ids=[load["load_id"] for load in loads]))

    sections = [
        _targets_section(figures, pairs),
        _headline_section(figures),
        _coverage_section(documents),
        _loads_section(loads, failures),
        _figures_table(figures),
    ]
    narrowed = (
        ", ".join(f"{name} {value}" for name, value in narrowing.items() if value) or "all regions and indicators"
    )
    return _page(narrowed, generated_at, sections)


def _records(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _targets_section(figures: list[dict[str, Any]], pairs: list[dict[str, Any]]) -> str:
    parts = ["<h2 id='targets'>Targets against outcomes</h2>"]
    if pairs:
        parts.append(_pairs_table(pairs))
    else:
        parts.append(f"<p class='notice'>{html.escape(_why_no_pairs(figures))}</p>")
    if any(figure["kind"] == "target" for figure in figures):
        chart = _render(
            "targets-chart",
            "Targets and outcomes per indicator and year (growth, %)",
            "Filled circles: outcomes (actual, or estimated before the statistics came out). Open marks: targets — "
            "a triangle for 以上 (at least), a diamond for 左右 (about), a square and a bar for a range, a cross for "
            "a plain figure. "
            "Each mark links to its document, at its sentence.",
            _targets_spec(figures),
        )
        parts.append(_figure_html(chart))
    return "\n".join(parts)


def _why_no_pairs(figures: list[dict[str, Any]]) -> str:
    """Why target_vs_outcome is empty, from the years that have targets and outcomes in each region."""
    years: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"target": set(), "outcome": set()})
    for figure in figures:
        side = "target" if figure["kind"] == "target" else "outcome"
        years[figure["region"]][side].add(figure["period"])
    if not years:
        return "No target has its outcome in the warehouse, and no headline growth figure matches this report."
    per_region = "; ".join(
        f"{name}: targets for {_years(sides['target'])}, outcomes for {_years(sides['outcome'])}"
        for name, sides in sorted(years.items())
    )
    return (
        "No target has its outcome yet (target_vs_outcome is empty): a target is paired with the outcome a later "
        "document reports for the same indicator, year and region, and the documents loaded so far cover these "
        f"years — {per_region}. Loading the reports that look back on the target years fills it."
    )


def _years(periods: set[str]) -> str:
    return ", ".join(sorted(periods)) or "none"


def _targets_spec(figures: list[dict[str, Any]]) -> dict[str, Any]:
    """Panels per region and indicator that have a target, with the outcomes beside them."""
    targeted = {(figure["region"], figure["indicator"]) for figure in figures if figure["kind"] == "target"}
    values = [
        {
            "panel": f"{figure['region']} · {figure['indicator_name']}",
            "year": figure["period"],
            "kind": figure["kind"],
            "value": float(figure["value"]),
            "high": None if figure["value_high"] is None else float(figure["value_high"]),
            "shape": _shape(figure),
            "note": (figure["qualifier"] or "")
            if figure["kind"] == "target" and figure["qualifier"] != "range"
            else "",
            "href": figure["link"],
            "label": figure["label"],
        }
        for figure in figures
        if (figure["region"], figure["indicator"]) in targeted
    ]
    x = {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}}
    y = {"field": "value", "type": "quantitative", "title": "%"}
    colour = {
        "field": "kind",
        "type": "nominal",
        "title": None,
        "scale": {"domain": list(KIND_COLOURS), "range": list(KIND_COLOURS.values())},
    }
    return {
        "data": {"values": values},
        "facet": {"field": "panel", "type": "nominal", "title": None},
        "columns": 3,
        "resolve": {"scale": {"y": "independent", "x": "independent"}},
        "spec": {
            "width": 220,
            "height": 140,
            "layer": [
                {
                    "transform": [{"filter": "datum.high != null"}],
                    "mark": {"type": "rule", "strokeWidth": 3, "opacity": 0.5, "xOffset": PAIR_OFFSET},
                    "encoding": {"x": x, "y": y, "y2": {"field": "high"}, "color": colour, "href": {"field": "href"}},
                },
                _points(x, y, colour, filled=True, test="datum.kind != 'target'", offset=-PAIR_OFFSET),
                _points(x, y, colour, filled=False, test="datum.kind == 'target'", offset=PAIR_OFFSET),
                {
                    "mark": {"type": "text", "dx": 8 + PAIR_OFFSET, "align": "left", "fontSize": 10},
                    "encoding": {"x": x, "y": y, "text": {"field": "note"}, "href": {"field": "href"}},
                },
            ],
        },
    }


def _points(
    x: dict[str, Any], y: dict[str, Any], colour: dict[str, Any], *, filled: bool, test: str, offset: int
) -> dict[str, Any]:
    """Outcomes filled, targets open: one layer each, since a mark is filled or not as a whole."""
    return {
        "transform": [{"filter": test}],
        "mark": {"type": "point", "size": 70, "strokeWidth": 2, "filled": filled, "opacity": 0.9, "xOffset": offset},
        "encoding": {
            "x": x,
            "y": y,
            "color": colour,
            "shape": {"field": "shape", "type": "nominal", "scale": None},
            "href": {"field": "href"},
            "tooltip": [{"field": "label"}, {"field": "kind"}],
        },
    }


def _shape(figure: dict[str, Any]) -> str:
    if figure["kind"] != "target":
        return "circle"
    return QUALIFIER_SHAPES.get(figure["qualifier"] or "", TARGET_SHAPE)


def _headline_section(figures: list[dict[str, Any]]) -> str:
    outcomes = [figure for figure in figures if figure["kind"] != "target"]
    parts = ["<h2 id='headline'>Headline figures over time</h2>"]
    if not outcomes:
        parts.append("<p class='notice'>No outcome of a headline indicator matches this report.</p>")
        return "\n".join(parts)
    values = [
        {
            "region": figure["region"],
            "indicator": figure["indicator_name"],
            "year": figure["period"],
            "value": float(figure["value"]),
            "href": figure["link"],
        }
        for figure in outcomes
    ]
    encoding = {
        "x": {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
        "y": {"field": "value", "type": "quantitative", "title": "growth, %"},
        "color": {"field": "indicator", "type": "nominal", "title": None},
    }
    spec = {
        "data": {"values": values},
        "facet": {"field": "region", "type": "nominal", "title": None},
        "columns": 2,
        "resolve": {"scale": {"x": "independent"}},
        "spec": {
            "width": 320,
            "height": 180,
            "layer": [
                {"mark": {"type": "line", "opacity": 0.6}, "encoding": encoding},
                {
                    "mark": {"type": "point", "filled": True, "size": 50},
                    "encoding": encoding | {"href": {"field": "href"}},
                },
            ],
        },
    }
    chart = _render(
        "headline-chart",
        "Outcomes of the headline indicators per region and year (growth, %)",
        "Each point links to its document, at its sentence.",
        spec,
    )
    parts.append(_figure_html(chart))
    return "\n".join(parts)


def _coverage_section(documents: list[dict[str, Any]]) -> str:
    parts = ["<h2 id='coverage'>Coverage: documents per region and year</h2>"]
    if not documents:
        parts.append("<p class='notice'>The warehouse holds no document for this report.</p>")
        return "\n".join(parts)
    cells: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for document in documents:
        cells[(document["region"], document["year"])].append(document)
    values = [{"region": region, "year": str(year), "documents": len(docs)} for (region, year), docs in cells.items()]
    position = {
        "x": {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
        "y": {"field": "region", "type": "nominal", "title": None},
    }
    spec = {
        "data": {"values": values},
        "width": {"step": 48},
        "height": {"step": 28},
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "white"},
                "encoding": position
                | {"color": {"field": "documents", "type": "quantitative", "scale": {"scheme": "greens"}}},
            },
            {"mark": {"type": "text"}, "encoding": position | {"text": {"field": "documents"}}},
        ],
    }
    chart = _render(
        "coverage-chart", "Documents per region and year of publication", "The table below lists them.", spec
    )
    parts.append(_figure_html(chart))
    rows = [
        _row(
            [region, str(year), _link(document["url"], document["title"] or document["url"]), document["source"]],
            escaped={2},
        )
        for (region, year), docs in sorted(cells.items())
        for document in docs
    ]
    parts.append(_table("documents", ["region", "year", "document", "source"], rows))
    return "\n".join(parts)


def _loads_section(loads: list[dict[str, Any]], failures: list[dict[str, Any]]) -> str:
    parts = [f"<h2 id='loads'>The latest {len(loads)} loads</h2>"]
    if not loads:
        parts.append("<p class='notice'>No load has run yet.</p>")
        return "\n".join(parts)
    values = [
        {
            "load": f"{load['source']} {load['started_at']:%m-%d %H:%M:%S}",
            "count": load[measure],
            "measure": name,
        }
        for load in loads
        for measure, name in (("versions_added", "versions added"), ("fetch_failures", "failed requests"))
    ]
    spec = {
        "data": {"values": values},
        "width": {"step": 70},
        "height": 160,
        "mark": {"type": "point", "filled": True, "size": 80},
        "encoding": {
            "x": {"field": "load", "type": "ordinal", "title": None, "sort": None, "axis": {"labelAngle": -30}},
            "y": {"field": "count", "type": "quantitative", "title": None},
            "color": {
                "field": "measure",
                "type": "nominal",
                "title": None,
                "scale": {"domain": ["versions added", "failed requests"], "range": ["#1f6f43", "#b8432f"]},
            },
        },
    }
    chart = _render("loads-chart", "Versions added and requests failed per load", "The table below names them.", spec)
    parts.append(_figure_html(chart))
    failed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for failure in failures:
        failed[failure["load_id"]].append(failure)
    rows = [
        _row(
            [
                load["load_id"],
                load["status"],
                str(load["versions_added"]),
                str(load["metrics_added"]),
                "<br>".join(f"{html.escape(f['kind'])}: {_link(f['url'], f['url'])}" for f in failed[load["load_id"]])
                or "none",
            ],
            escaped={4},
        )
        for load in loads
    ]
    parts.append(_table("loads-table", ["load", "status", "versions added", "figures added", "failed requests"], rows))
    return "\n".join(parts)


def _figures_table(figures: list[dict[str, Any]]) -> str:
    rows = [
        _row(
            [
                figure["region"],
                figure["indicator_name"],
                figure["period"],
                figure["kind"],
                figure["label"],
                html.escape(figure["sentence"]),
                _link(figure["link"], figure["title"] or figure["url"]),
            ],
            anchor=figure["anchor"],
            escaped={5, 6},
        )
        for figure in figures
    ]
    return "\n".join(
        [
            "<h2 id='figures'>Every figure drawn, with its sentence</h2>",
            _table("figures-table", ["region", "indicator", "year", "kind", "figure", "sentence", "document"], rows),
        ]
    )


def _sentence_url(url: str, sentence: str) -> str:
    """The document's URL with a text fragment, so that a browser that supports them scrolls to the sentence: its
    longest run of Han characters, which the page writes as the clean text does (punctuation and digits may be
    full-width there and folded here)."""
    words = max(NOT_HAN.split(sentence), key=len)
    return f"{url}#:~:text={quote(words, safe='')}" if words else url


def _render(anchor: str, title: str, caption: str, spec: dict[str, Any]) -> Chart:
    full = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "config": _CONFIG} | spec
    return Chart(anchor=anchor, title=title, caption=caption, svg=vl_convert.vegalite_to_svg(full))


# Fonts the browser picks from: CJK labels need a CJK font (Noto Sans CJK on Debian, PingFang or YaHei elsewhere).
_FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"
_CONFIG = {"font": _FONT, "view": {"stroke": "#ddd"}, "axis": {"labelFontSize": 11}, "legend": {"orient": "top"}}


def _figure_html(chart: Chart) -> str:
    return (
        f"<figure class='chart' id='{chart.anchor}'><figcaption><strong>{html.escape(chart.title)}</strong> "
        f"{html.escape(chart.caption)}</figcaption>{chart.svg}</figure>"
    )


def _pairs_table(pairs: list[dict[str, Any]]) -> str:
    rows = [
        _row(
            [
                pair["region"],
                pair["indicator"],
                pair["period"],
                figure_label(pair["target_value"], pair["target_value_high"], "%", pair["target_qualifier"]),
                f"{figure_label(pair['outcome_value'], None, '%', None)} ({pair['outcome_kind']})",
                pair["target_sentence"],
                pair["outcome_sentence"],
            ]
        )
        for pair in pairs
    ]
    return _table(
        "pairs", ["region", "indicator", "year", "target", "outcome", "target sentence", "outcome sentence"], rows
    )


def _link(url: str, text: str) -> str:
    return f"<a href='{html.escape(url, quote=True)}'>{html.escape(text)}</a>"


def _row(cells: Sequence[str], *, anchor: str | None = None, escaped: set[int] | None = None) -> str:
    """A table row; cells are escaped unless their index is in ``escaped`` (already HTML)."""
    done = escaped or set()
    tds = "".join(f"<td>{cell if index in done else html.escape(cell)}</td>" for index, cell in enumerate(cells))
    return f"<tr id='{anchor}'>{tds}</tr>" if anchor else f"<tr>{tds}</tr>"


def _table(table_id: str, headers: Sequence[str], rows: Sequence[str]) -> str:
    head = "".join(f"<th>{html.escape(header)}</th>" for header in headers)
    return f"<table id='{table_id}'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


_STYLE = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
.notice { background: #fff6e0; border-left: 4px solid #e0a800; padding: 0.6em 1em; max-width: 70em; }
figure.chart { margin: 1em 0; } figcaption { margin-bottom: 0.5em; font-size: 0.9em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 1em 0; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; vertical-align: top; text-align: left; }
tr:target { background: #fff3b0; }
"""


def _page(narrowed: str, generated_at: datetime, sections: Sequence[str]) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='zh-Hans'><head><meta charset='utf-8'>"
        "<title>ingest report</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>Government report figures — {html.escape(narrowed)}</h1>"
        f"<p>Generated {generated_at.isoformat(sep=' ', timespec='seconds')} from the warehouse's public views.</p>"
        + "\n".join(sections)
        + "</body></html>\n"
    )
