"""The command line: contracts of `extract` and `sql`, and one-line errors for user mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.cli import app
from tests.conftest import SEED_REPORT

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_extract_json_follows_the_documented_contract() -> None:
    code, out, _ = invoke("extract", str(SEED_REPORT))
    assert code == 0
    data = json.loads(out)
    assert {"url", "title", "published_at", "source", "text", "sections", "metrics"} <= data.keys()
    assert data["published_at"] == "2022-07-11T20:57:00+08:00"  # from the seed's first line, 发布时间:2022-07-11 20:57
    text = data["text"]
    for section in data["sections"]:
        assert {"level", "number", "heading", "start", "end", "kind"} <= section.keys()
        assert section["kind"] in ("body", "appendix")
        assert 0 <= section["start"] < section["end"] <= len(text)
    fields = [
        "indicator",
        "name",
        "region",
        "period",
        "kind",
        "measure",
        "basis",
        "value",
        "value_high",
        "unit",
        "value_std",
        "unit_std",
        "qualifier",
        "sentence",
        "start",
        "end",
    ]
    assert data["metrics"]
    for metric in data["metrics"]:
        assert list(metric)[: len(fields)] == fields
        assert isinstance(metric["value"], int | float)
        assert metric["sentence"] in text


def test_extract_text_format_lists_headings() -> None:
    code, out, _ = invoke("extract", str(SEED_REPORT), "--format", "text")
    assert code == 0 and "2020年和“十三五”工作回顾" in out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.html", "does not exist"),
        (lambda d: (d / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") and d / "image.png", "binary"),
        (lambda d: (d / "empty.html").write_text("<html><body></body></html>") and d / "empty.html", "no main text"),
    ],
)
def test_extract_bad_input_is_one_line_and_non_zero(tmp_path: Path, make: object, message: str) -> None:
    target = make(tmp_path)  # type: ignore[operator]
    code, out, err = invoke("extract", str(target))
    assert code == 1
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err


def test_sql_errors_are_one_line(tmp_path: Path) -> None:
    code, _, err = invoke("sql", "--db", str(tmp_path / "none.duckdb"), "SELECT 1")
    assert code == 1 and "does not exist yet" in err
    code, _, err = invoke("run", "--sources", str(tmp_path / "none.toml"), "--db", str(tmp_path / "w.duckdb"))
    assert code == 1 and "does not exist" in err and len(err.strip().splitlines()) == 1


def test_sql_formats(tmp_path: Path) -> None:
    from ingest.load.warehouse import connect

    db = tmp_path / "w.duckdb"
    connect(db).close()
    code, out, _ = invoke("sql", "--db", str(db), "--format", "json", "SELECT 1 AS a, '延边' AS b")
    assert code == 0 and json.loads(out) == [{"a": 1, "b": "延边"}]
    code, out, _ = invoke("sql", "--db", str(db), "--format", "csv", "SELECT 1 AS a, '延边' AS b")
    assert out.splitlines() == ["a,b", "1,延边"]
    code, _, err = invoke("sql", "--db", str(db), "SELEC nonsense")
    assert code == 1 and err.startswith("error: query failed:") and len(err.strip().splitlines()) == 1


def test_extract_a_url_of_the_demo_site() -> None:
    from ingest.demo_site import DemoSite

    with DemoSite() as site:
        code, out, _ = invoke("extract", site.url("/zwgk/zfgzbg/202207/t20220711_437062.html"))
        missing_code, _, missing_err = invoke("extract", site.url("/zwgk/zfgzbg/202207/t20220711_1.html"))
    assert code == 0
    data = json.loads(out)
    # the page is GB18030 declared as gb2312, with its info line 发布时间:2022-07-11 20:57 and a 2022-10-06 sidebar
    assert data["title"] == "政府工作报告" and data["published_at"] == "2022-07-11T20:57:00+08:00"
    assert "2022-10-06" not in data["text"]
    assert missing_code == 1 and "HTTP 404" in missing_err and len(missing_err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "command",
    [
        ["run"],
        ["backfill", "--source", "yanbian", "--since", "2024-01-01", "--until", "2024-12-31"],
        ["reprocess"],
        ["serve"],
    ],
)
def test_a_bad_dask_address_is_one_line_before_anything_runs(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "w.duckdb"
    code, out, err = invoke(*command, "--db", str(db), "--dask", "dask-scheduler:8786")
    assert code == 1
    assert err.strip() == (
        "error: dask must be 'local' or a scheduler address such as tcp://host:8786, got 'dask-scheduler:8786'"
    )
    assert "Traceback" not in out + err and not db.exists()


@pytest.mark.prefect
def test_reprocess_on_a_local_dask_cluster_from_the_command_line(tmp_path: Path) -> None:
    """The command as a user types it: one local Prefect server (the workers report to it rather than start
    their own), a plain progress line per parsed batch, no ERROR line and no traceback."""
    import os
    import subprocess
    import sys

    from ingest.demo_site import DemoSite
    from ingest.load.store import Warehouse
    from tests.conftest import demo_source_for, load_once

    warehouse = Warehouse.at(tmp_path / "w.duckdb")
    with DemoSite() as site:
        collected, _ = load_once(warehouse, demo_source_for(site))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_")} | {
        "PREFECT_HOME": str(tmp_path / "prefect")
    }
    completed = subprocess.run(
        [Path(sys.executable).parent / "ingest", "reprocess", "--db", str(warehouse.paths.db), "--dask", "local"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert output.count("Started a local Prefect server") == 1, output
    assert f"parsed={collected.fetched}/{collected.fetched} extracted={collected.fetched} failed=0" in output
    assert "0 documents re-extracted" in completed.stdout
    assert "ERROR" not in output and "Traceback" not in output


@pytest.mark.timeout(60)
def test_markup_in_data_is_printed_as_it_is(tmp_path: Path) -> None:
    """Issue 19, case 9: a URL or a --db path holding "[/bold]" ended in a Rich MarkupError traceback."""
    from ingest.demo_site import DemoSite
    from ingest.load.warehouse import connect

    db = tmp_path / "[" / "bold]" / "w.duckdb"
    code, out, err = invoke("sql", "--db", str(db), "SELECT 1")
    assert (
        code == 1
        and err.strip() == f"error: warehouse {db} does not exist yet; run `ingest demo` or `ingest run` first"
    )
    connect(db).close()
    code, out, err = invoke("sql", "--db", str(db), "SELECT 'http://h/[/bold]x' AS \"[red]url\"")
    assert code == 0, err
    assert "http://h/[/bold]x" in out and "[red]url" in out
    with DemoSite() as site:
        url = site.url("/zwgk/[/bold]/t20220711_1.html")
        code, out, err = invoke("extract", url)
    assert code == 1 and err.strip() == f"error: cannot fetch {url}: HTTP 404"
    assert "Traceback" not in out + err


@pytest.mark.timeout(60)
def test_more_user_mistakes_are_one_line(tmp_path: Path) -> None:
    """Issue 19, case 12: an invalid URL and an export onto a file ended in tracebacks."""
    from ingest.load.warehouse import connect

    code, out, err = invoke("extract", "http://[::1:19100/x")
    assert code == 1 and err.strip() == "error: http://[::1:19100/x is not a valid URL: Invalid IPv6 URL"
    db = tmp_path / "w.duckdb"
    connect(db).close()
    target = tmp_path / "exported"
    target.write_text("not a directory")
    code, out, err = invoke("export", "--db", str(db), "--parquet", str(target))
    assert code == 1 and err.strip() == f"error: --parquet {target} is a file, not a directory; name a directory"
    assert target.read_text() == "not a directory"
    assert "Traceback" not in out + err


def test_extract_a_text_file_takes_its_title_from_the_first_lines(tmp_path: Path) -> None:
    report = tmp_path / "yichun_2022.txt"
    report.write_text(
        "宜春市2022年国民经济\n和社会发展统计公报[1]\n初步核算，全年实现地区生产总值3473.12亿元，同比增长5.3%。\n",
        encoding="utf-8",
    )
    code, out, _ = invoke("extract", str(report))
    assert code == 0
    data = json.loads(out)
    assert data["title"] == "宜春市2022年国民经济和社会发展统计公报"
    # the title dates the bulletin: its figures are outcomes of 2022
    assert [(m["indicator"], m["period"], m["kind"]) for m in data["metrics"]] == [("GDP", "2022", "actual")] * 2
