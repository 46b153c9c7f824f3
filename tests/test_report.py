"""`ingest report` (issue 17): one static HTML file, opened in Debian's headless Chromium with the network cut off,
where every chart drew marks and every figure's mark links to its document at its sentence."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page, Request, sync_playwright
from typer.testing import CliRunner

from ingest.chinese import SHANGHAI
from ingest.cli import app
from ingest.demo_site import DemoArticle, DemoColumn, DemoSite, Paragraph
from ingest.load.store import Warehouse
from ingest.query import open_reader, run_query
from tests.conftest import demo_source_for, load_once

pytestmark = pytest.mark.browser  # every test opens the report in Chromium

runner = CliRunner()
CHARTS = ["targets-chart", "headline-chart", "coverage-chart", "loads-chart"]
# Marks Vega draws, as SVG: the shapes inside each mark container, axes, legends and titles aside.
MARKS_DRAWN = """chart => [...chart.querySelectorAll('g.role-mark path, g.role-mark line, g.role-mark rect')]
    .filter(mark => { const box = mark.getBoundingClientRect(); return box.width > 0 && box.height > 0; }).length"""


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is missing: `make setup` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        yield browser
        browser.close()


def write_report(db: Path, out: Path, *options: str) -> None:
    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(out), *options])
    assert result.exit_code == 0, result.stderr


def open_offline(browser: object, path: Path, outside: list[str]) -> Page:
    """The report in a fresh page that may load nothing but the file itself."""
    page: Page = browser.new_page(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]

    def refuse(request: Request) -> None:
        if not request.url.startswith("file://"):
            outside.append(request.url)

    page.on("request", refuse)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
    page.goto(path.as_uri())
    return page


def test_every_chart_draws_marks_offline(demo_warehouse: Path, tmp_path: Path, chromium: object) -> None:
    out = tmp_path / "report.html"
    write_report(demo_warehouse, out)
    outside: list[str] = []
    page = open_offline(chromium, out, outside)
    assert page.eval_on_selector_all("figure.chart", "charts => charts.map(chart => chart.id)") == CHARTS
    for chart in CHARTS:
        assert page.eval_on_selector(f"#{chart}", MARKS_DRAWN) > 0, chart
    # The demo's national reports of 2024 and 2025: the 2024 GDP target (国内生产总值增长5%左右, stated twice) and
    # the outcome the 2025 report gives for it (增长5%), paired in the table and drawn side by side in the chart.
    pairs = page.eval_on_selector_all(
        "#pairs tbody tr", "rows => rows.map(row => [...row.cells].slice(0, 5).map(cell => cell.textContent))"
    )
    assert ["全国", "GDP", "2024", "5%左右", "5% (actual)"] in pairs
    assert ["全国", "CPI", "2024", "3%左右", "0.2% (actual)"] in pairs
    labels = page.eval_on_selector_all(
        "#targets-chart g.role-mark path[aria-label]", "marks => marks.map(mark => mark.getAttribute('aria-label'))"
    )
    drawn = {label.split("; href")[0] for label in labels}
    target, outcome = "year: 2024; %: 5; kind: target; shape: diamond; label: 5%左右", "year: 2024; %: 5; kind: actual"
    assert target in drawn and f"{outcome}; shape: circle; label: 5%" in drawn
    # the outcome equal to its target does not hide it: the outcome left of the year's tick, the target right of it
    centres = page.eval_on_selector_all(
        "#targets-chart g.role-mark path[aria-label]",
        f"""marks => marks.filter(mark => [{target!r}, {outcome!r}].some(l => mark.getAttribute('aria-label')
            .startsWith(l))).map(mark => {{ const box = mark.getBoundingClientRect();
            return [mark.getAttribute('aria-label').includes('target'), box.x + box.width / 2]; }})""",
    )
    targets = [x for is_target, x in centres if is_target]
    outcomes = [x for is_target, x in centres if not is_target]
    assert targets and outcomes and min(targets) - max(outcomes) >= 8
    assert outside == []  # nothing but the file: no script, style sheet, font or image from anywhere
    assert page.eval_on_selector_all("script, link, img, iframe", "nodes => nodes.length") == 0
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    page.close()


def test_the_empty_pairing_is_explained_and_targets_are_drawn_with_their_qualifiers(
    demo_warehouse: Path, tmp_path: Path, chromium: object
) -> None:
    out = tmp_path / "report.html"
    write_report(demo_warehouse, out, "--region", "延边朝鲜族自治州")
    page = open_offline(chromium, out, [])
    notice = page.inner_text("#targets + p.notice")
    # Yanbian's 2021 report sets 2021 targets beside 2020 estimates, its 2025 news page 2025 targets beside 2024
    assert "target_vs_outcome is empty" in notice
    assert "延边朝鲜族自治州: targets for 2021, 2025, outcomes for 2020, 2024" in notice
    # 地区生产总值 2025: "增长6%左右", a 左右 target, drawn as a diamond with its qualifier beside it
    labels = page.eval_on_selector_all(
        "#targets-chart g.role-mark path[aria-label]", "marks => marks.map(mark => mark.getAttribute('aria-label'))"
    )
    assert "year: 2025; %: 6; kind: target; shape: diamond; label: 6%左右" in [
        label.split("; href")[0] for label in labels
    ]
    assert "左右" in page.inner_text("#targets-chart")
    # only the region asked for: coverage rows and every drawn figure
    for table in ("documents", "figures-table"):
        regions = page.eval_on_selector_all(
            f"#{table} tbody td:first-child", "cells => cells.map(cell => cell.textContent)"
        )
        assert set(regions) == {"延边朝鲜族自治州"}, table
    page.close()


def test_every_figure_links_to_its_document_at_its_sentence(
    demo_warehouse: Path, tmp_path: Path, chromium: object
) -> None:
    out = tmp_path / "report.html"
    write_report(demo_warehouse, out, "--indicator", "GDP")
    page = open_offline(chromium, out, [])
    links = page.eval_on_selector_all(
        "#targets-chart a, #headline-chart a", "links => links.map(link => link.getAttribute('xlink:href'))"
    )
    with open_reader(demo_warehouse) as con:
        rows = run_query(con, "SELECT url, sentence FROM metrics_current WHERE indicator = 'GDP'").rows
    sentences = {url: set() for url, _ in rows}
    for url, sentence in rows:
        sentences[url].add(sentence)
    assert links
    for link in links:
        url, _, words = link.partition("#:~:text=")
        assert url in sentences, link
        assert any(unquote(words) in sentence for sentence in sentences[url]), link
    page.close()


def test_targets_with_their_outcomes_are_paired(tmp_path: Path, chromium: object) -> None:
    """Two consecutive reports of one region, written for this test: a target for 2021, then its outcome."""
    column = DemoColumn("政府工作报告", "/zwgk/zfgzbg/", "trs")
    reports = [
        DemoArticle(
            column,
            "/zwgk/zfgzbg/202101/t20210120_1.html",
            "2021年政府工作报告",
            datetime(2021, 1, 20, 9, tzinfo=SHANGHAI),
            paragraphs=(
                Paragraph("2021年经济社会发展的主要预期目标是：地区生产总值增长7%左右，社会消费品零售总额增长9%以上。"),
            ),
        ),
        DemoArticle(
            column,
            "/zwgk/zfgzbg/202201/t20220120_2.html",
            "2022年政府工作报告",
            datetime(2022, 1, 20, 9, tzinfo=SHANGHAI),
            paragraphs=(
                # long enough to be an article: a page of under 40 characters is a stub (ingest.parse.STUB_CHARS)
                Paragraph("2021年，全州地区生产总值增长6.5%，社会消费品零售总额增长10.2%，经济运行稳中向好。"),
            ),
        ),
    ]
    warehouse = Warehouse.at(tmp_path / "reports.duckdb")
    with DemoSite(articles=reports) as site:
        load_once(warehouse, demo_source_for(site))
    out = tmp_path / "report.html"
    write_report(warehouse.paths.db, out)
    page = open_offline(chromium, out, [])
    assert page.query_selector("#targets + p.notice") is None
    rows = page.eval_on_selector_all(
        "#pairs tbody tr", "rows => rows.map(row => [...row.cells].slice(0, 5).map(cell => cell.textContent))"
    )
    assert rows == [
        ["延边朝鲜族自治州", "GDP", "2021", "7%左右", "6.5% (actual)"],
        ["延边朝鲜族自治州", "RETAIL_SALES", "2021", "9%以上", "10.2% (actual)"],
    ]
    assert page.eval_on_selector("#targets-chart", MARKS_DRAWN) >= 4  # two targets and two outcomes
    page.close()
