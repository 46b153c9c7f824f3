"""`ingest diff` (issue 17): the figures and paragraphs that changed between two versions of a document, on the
command line and in the artifact of the load that changed it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from ingest.cli import app
from ingest.demo_site import DemoSite
from ingest.diff import render
from ingest.load.store import Warehouse
from ingest.sources import Source
from tests.conftest import load_once, sources_file_for

runner = CliRunner()
REPORT = "/zwgk/zfgzbg/202207/t20220711_437062.html"  # seed 001: Yanbian's 2021 report
GDP_SENTENCE = "预计,地区生产总值增长{}%,规模以上工业增加值增长3%,固定资产投资增长9%"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def test_the_demo_sites_edit_shows_as_0_5_to_0_6(
    warehouse: Warehouse, demo_site: DemoSite, demo_source: Source
) -> None:
    load_once(warehouse, demo_source)
    assert demo_site.faults.edit(REPORT) == ("0.5%", "0.6%")  # the demo site's default edit
    load_once(warehouse, demo_source)
    db = str(warehouse.paths.db)
    code, out, err = invoke("diff", "--db", db, demo_site.url(REPORT))
    assert code == 0, err
    lines = out.splitlines()
    changed = lines.index("## Figures changed (1)")
    assert lines[changed + 1] == "- GDP 2020 estimate growth (地区生产总值, 延边朝鲜族自治州): 0.5% → 0.6%"
    assert lines[changed + 2].startswith("  - old: " + GDP_SENTENCE.format("0.5"))
    assert lines[changed + 3].startswith("  - new: " + GDP_SENTENCE.format("0.6"))
    # the 260 other figures are unchanged, those without a unit or qualifier (NULL on both sides) among them
    assert "## Figures added (0)" in lines and "## Figures removed (0)" in lines
    [old_paragraph] = [line for line in lines if line.startswith("- old: ")]
    [new_paragraph] = [line for line in lines if line.startswith("  new: ")]
    assert old_paragraph.removeprefix("- old: ").replace("0.5%", "0.6%", 1) == new_paragraph.removeprefix("  new: ")
    assert "## Paragraphs changed (1)" in lines
    # the same versions named, and by doc_id
    [(doc_id,)] = warehouse_rows(warehouse, f"SELECT doc_id FROM documents WHERE url = '{demo_site.url(REPORT)}'")
    assert invoke("diff", "--db", db, doc_id, "--from", "1", "--to", "2") == (0, out, "")
    code, back, _ = invoke("diff", "--db", db, doc_id, "--from", "2", "--to", "1")
    assert code == 0 and "- GDP 2020 estimate growth (地区生产总值, 延边朝鲜族自治州): 0.6% → 0.5%" in back


def test_figures_added_and_removed_as_json(warehouse: Warehouse, demo_site: DemoSite, demo_source: Source) -> None:
    load_once(warehouse, demo_source)
    demo_site.faults.edit(REPORT, "地区生产总值增长0.5%,规模以上工业增加值增长3%,", "地区生产总值增长0.6%,")
    load_once(warehouse, demo_source)
    code, out, err = invoke("diff", "--db", str(warehouse.paths.db), demo_site.url(REPORT), "--format", "json")
    assert code == 0, err
    diff = json.loads(out)
    assert (diff["old"]["version"], diff["new"]["version"]) == (1, 2)
    assert [
        (f["change"], f["indicator"], f["period"], f["old"] and f["old"]["value"], f["new"] and f["new"]["value"])
        for f in diff["figures"]
    ] == [("changed", "GDP", "2020", 0.5, 0.6), ("removed", "INDUSTRIAL_VA", "2020", 3, None)]
    assert "规模以上工业增加值增长3%" in diff["figures"][1]["old"]["sentence"]
    [paragraph] = diff["paragraphs"]
    assert "增长0.5%,规模以上工业增加值增长3%," in paragraph["old"][0] and "增长0.6%,固定资产" in paragraph["new"][0]


def test_user_mistakes_are_one_line(warehouse: Warehouse, demo_site: DemoSite, demo_source: Source) -> None:
    load_once(warehouse, demo_source)
    db = str(warehouse.paths.db)
    code, _, err = invoke("diff", "--db", db, "http://nowhere.invalid/x.html")
    assert code == 1 and err.strip() == (
        "error: no document 'http://nowhere.invalid/x.html': name one by its doc_id or URL, as documents_current "
        "lists them"
    )
    url = demo_site.url(REPORT)
    code, _, err = invoke("diff", "--db", db, url)
    assert code == 1 and err.strip().endswith("has one version only: nothing to compare yet")
    demo_site.faults.edit(REPORT)
    load_once(warehouse, demo_source)
    code, _, err = invoke("diff", "--db", db, url, "--from", "3")
    assert code == 1 and err.strip().endswith("has no version 3; its versions are 1, 2")


def test_the_load_that_changed_a_document_shows_its_diff(
    warehouse: Warehouse, demo_site: DemoSite, demo_source: Source
) -> None:
    first = load_once(warehouse, demo_source)
    demo_site.faults.edit(REPORT)
    second = load_once(warehouse, demo_source)
    assert warehouse.load_diffs(first.report.load_id) == []  # new documents only: nothing to compare
    [diff] = warehouse.load_diffs(second.report.load_id)
    code, out, _ = invoke("diff", "--db", str(warehouse.paths.db), demo_site.url(REPORT))
    assert code == 0 and render(diff) == out


def test_the_artifact_of_a_flow_run_holds_the_diff(prefect_harness: None, tmp_path: Path, demo_site: DemoSite) -> None:
    from flows.ingest_flows import ingest
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    sources = str(sources_file_for(tmp_path / "sources.toml", demo_site))
    db = str(tmp_path / "reports.duckdb")
    ingest(sources_file=sources, db=db)
    demo_site.faults.edit(REPORT)
    state = ingest(sources_file=sources, db=db, return_state=True)
    run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
        )
    [changes] = [artifact for artifact in found if artifact.key == "demo-changes"]  # the source demo's key
    assert "- GDP 2020 estimate growth (地区生产总值, 延边朝鲜族自治州): 0.5% → 0.6%" in str(changes.data)


def warehouse_rows(warehouse: Warehouse, sql: str) -> list[tuple[object, ...]]:
    from ingest.query import open_reader, run_query

    with open_reader(warehouse.paths.db) as con:
        return run_query(con, sql).rows
