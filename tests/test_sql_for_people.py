"""`ingest sql` for people (issue 17): queries from files and stdin, the bundled examples as they are written,
plain decimals, local times, CSV for Excel, Parquet, and whole tables in pipes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet
import pytest
from typer.testing import CliRunner

from ingest.cli import app
from ingest.demo_site import DemoSite
from ingest.load.store import Warehouse
from tests.conftest import demo_source_for, load_once

runner = CliRunner()
EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "warehouse" / "examples").glob("*.sql"))


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo site loaded once, as source yanbian (the name the examples query)."""
    warehouse = Warehouse.at(tmp_path_factory.mktemp("sql") / "reports.duckdb")
    with DemoSite() as site:
        load_once(warehouse, demo_source_for(site, name="yanbian"))
    yield warehouse.paths.db


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_the_bundled_examples_run_from_a_file_stdin_and_as_an_argument(db: Path, example: Path) -> None:
    text = example.read_text(encoding="utf-8")
    assert text.startswith("--")  # what Click took for an option
    code, from_file, err = invoke("sql", "--db", str(db), "--format", "csv", "--file", str(example))
    assert code == 0, err
    assert len(from_file.splitlines()) > 1  # a header and rows: the demo holds Yanbian's headline figures
    assert invoke("sql", "--db", str(db), "--format", "csv", "-", stdin=text) == (0, from_file, "")
    assert invoke("sql", "--db", str(db), "--format", "csv", "--file", "-", stdin=text) == (0, from_file, "")
    assert invoke("sql", "--db", str(db), "--format", "csv", text) == (0, from_file, "")
    assert invoke("sql", text, "--format", "csv", "--db", str(db)) == (0, from_file, "")


def test_query_sources_are_one_at_a_time(db: Path, tmp_path: Path) -> None:
    for args in (["sql", "--db", str(db)], ["sql", "--db", str(db), "SELECT 1", "--file", str(EXAMPLES[0])]):
        code, _, err = invoke(*args)
        assert code == 1 and err.strip() == (
            "error: give one query: as an argument, with --file FILE, or - to read it from stdin"
        )
    code, _, err = invoke("sql", "--db", str(db), "--file", str(tmp_path / "missing.sql"))
    assert code == 1 and err.strip() == f"error: --file {tmp_path / 'missing.sql'} does not exist"
    # the file's statement is judged like any other
    hostile = tmp_path / "hostile.sql"
    hostile.write_text("-- looks harmless\nDELETE FROM load_log;\n", encoding="utf-8")
    code, _, err = invoke("sql", "--db", str(db), "--file", str(hostile))
    assert code == 1 and "DELETE statements are not allowed" in err


def test_decimals_print_without_trailing_zeros(db: Path) -> None:
    sql = "SELECT CAST(0.6 AS DECIMAL(18,10)) AS a, CAST(100 AS DECIMAL(18,4)) AS b, CAST(-0.05 AS DECIMAL(9,4)) AS c"
    code, out, _ = invoke("sql", "--db", str(db), "--format", "csv", sql)
    assert code == 0 and out.splitlines() == ["a,b,c", "0.6,100,-0.05"]
    code, out, _ = invoke("sql", "--db", str(db), sql)
    assert code == 0 and "│ 0.6 │ 100 │ -0.05 │" in out
    # the warehouse's own figures: the demo's 2020 GDP estimate, stored as DECIMAL(38, 10)
    figures = "SELECT DISTINCT value FROM metrics_current WHERE indicator = 'GDP' AND period = '2020' ORDER BY 1"
    code, out, _ = invoke("sql", "--db", str(db), "--format", "csv", figures)
    assert code == 0 and "0.5" in out.splitlines()[1:] and not any(line.endswith("0") for line in out.splitlines())


def test_times_are_shown_in_asia_shanghai_unless_told_otherwise(db: Path) -> None:
    url = "%/zwgk/zfgzbg/202207/t20220711_437062.html"
    sql = f"SELECT published_at, hour(published_at) AS h FROM documents_current WHERE url LIKE '{url}'"
    code, out, _ = invoke("sql", "--db", str(db), "--format", "csv", sql)
    # the page says 发布时间:2022-07-11 20:57, Beijing time; functions of the query see the same zone
    assert code == 0 and out.splitlines() == ["published_at,h", "2022-07-11 20:57:00+08:00,20"]
    code, out, _ = invoke("sql", "--db", str(db), "--format", "json", "--timezone", "UTC", sql)
    assert code == 0 and json.loads(out) == [{"published_at": "2022-07-11T12:57:00+00:00", "h": 12}]
    code, out, err = invoke("sql", "--db", str(db), "--timezone", "Mars/Olympus", sql)
    assert code == 1 and err.strip() == (
        "error: --timezone 'Mars/Olympus' is not a time zone name such as Asia/Shanghai or UTC"
    )


def test_csv_for_excel_carries_a_byte_order_mark(db: Path, tmp_path: Path) -> None:
    sql = "SELECT '延边朝鲜族自治州' AS region, 1 AS n"
    code, out, _ = invoke("sql", "--db", str(db), "--format", "csv", "--bom", sql)
    assert code == 0 and out == "\ufeffregion,n\n延边朝鲜族自治州,1\n"
    code, out, _ = invoke("sql", "--db", str(db), "--format", "csv", sql)
    assert code == 0 and out == "region,n\n延边朝鲜族自治州,1\n"
    target = tmp_path / "for-excel.csv"
    code, out, _ = invoke("sql", "--db", str(db), "--format", "csv", "--bom", "--out", str(target), sql)
    assert code == 0 and out == ""
    assert target.read_bytes() == b"\xef\xbb\xbf" + "region,n\n延边朝鲜族自治州,1\n".encode()
    code, _, err = invoke("sql", "--db", str(db), "--bom", sql)
    assert code == 1 and err.strip() == "error: --bom applies to --format csv only"


def test_parquet_keeps_decimals_and_time_zones(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "gdp.parquet"
    sql = "SELECT indicator, value, published_at FROM metrics_current WHERE indicator = 'GDP' ORDER BY value"
    code, _, err = invoke("sql", "--db", str(db), "--format", "parquet", "--out", str(target), sql)
    assert code == 0, err
    written = err
    table = pyarrow.parquet.read_table(target)
    assert str(table.schema.field("value").type) == "decimal128(38, 10)"  # metric_rows.value's type
    assert str(table.schema.field("published_at").type) == "timestamp[us, tz=Asia/Shanghai]"
    code, out, _ = invoke("sql", "--db", str(db), "--format", "json", sql)
    expected = json.loads(out)
    assert len(expected) == table.num_rows > 0
    assert [Decimal(str(row["value"])) for row in expected] == table.column("value").to_pylist()
    assert written.strip() == f"{table.num_rows} rows written to {target}"
    code, _, err = invoke("sql", "--db", str(db), "--format", "parquet", sql)
    assert code == 1 and err.strip() == "error: --format parquet writes a file: name it with --out FILE"


def test_tables_are_whole_when_stdout_is_not_a_terminal(db: Path) -> None:
    long = "延边" * 60 + "end"
    code, out, _ = invoke("sql", "--db", str(db), f"SELECT '{long}' AS region, 'second column' AS other")
    assert code == 0
    assert long in out and "second column" in out and "…" not in out
