"""`ingest sources discover`: a portal's home page in, a working [[sources]] entry out, on both demo templates."""

from __future__ import annotations

import socket
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ingest.cli import app
from ingest.demo_site import DemoSite, Template, default_articles
from ingest.demo_site.content import TRS_NEWS
from ingest.onboard import linked_pages, site_region, source_name
from ingest.sources import load_sources

runner = CliRunner()

# What each template's portal shows, read off its pages by a person: the report columns and the region.
EXPECTED = {
    "trs": ("延边朝鲜族自治州", ["/zwgk/zfgzbg/index.html"]),
    "second": ("宜春市", ["/ycsrmzf/zfgzbg/xxgk_list.shtml", "/ycsrmzf/tjgb/xxgk_list.shtml"]),
}


def discover(url: str, *options: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["sources", "discover", url, "--rate-limit", "50", *options])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("template", ["trs", "second"])
def test_the_entry_names_the_report_columns_and_the_region_and_loads(template: Template, tmp_path: Path) -> None:
    region, paths = EXPECTED[template]
    with DemoSite(template=template) as site:
        base_url = site.base_url
        code, out, err = discover(base_url + "/", "--allow-private", "--name", template)
        requested = [record.path for record in site.requests()]
    assert code == 0, err
    (tmp_path / "sources.toml").write_text(out, encoding="utf-8")
    [source] = load_sources(tmp_path / "sources.toml")
    assert source.name == template
    assert source.region == region
    assert source.start_urls == [base_url + path for path in paths]
    assert source.allowed_hosts == [base_url.removeprefix("http://")]
    assert source.allow_private
    assert source.rate_limit == 50.0
    assert "# 政府工作报告: column 「政府工作报告」" in out
    assert requested[:2] == ["/robots.txt", "/"]  # polite, and the home page before the columns it links to


def test_a_portal_without_report_columns_is_one_line_and_non_zero() -> None:
    news = [a for a in default_articles("trs") if a.column == TRS_NEWS]
    with DemoSite(template="trs", articles=news) as site:
        code, out, err = discover(site.base_url + "/", "--allow-private")
    assert code == 1
    assert out == ""
    assert err.strip().count("\n") == 0
    assert "found no column of 政府工作报告, 统计公报, 解读" in err


def test_bad_and_unreachable_urls_are_one_line_and_non_zero() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, never listening: the connection is refused
        cases = {
            "not a url": "is not an http(s) URL",
            f"http://127.0.0.1:{port}/": "pass --allow-private",
        }
        for url, message in cases.items():
            code, out, err = discover(url)
            assert (code, out, err.strip().count("\n")) == (1, "", 0), err
            assert message in err
        code, _, err = discover(f"http://127.0.0.1:{port}/", "--allow-private", "--timeout", "2")
    assert code == 1
    assert err.strip().count("\n") == 0
    assert f"cannot read http://127.0.0.1:{port}/" in err
    assert "Connection refused" in err


def test_a_name_the_sources_file_would_refuse_is_refused_before_printing() -> None:
    with DemoSite(template="second") as site:
        code, out, err = discover(site.base_url + "/", "--allow-private", "--name", "Not A Name")
    assert (code, out) == (1, "")
    assert "the entry would not load: name" in err


def test_the_region_is_read_from_the_site_name_wherever_the_portal_shows_it() -> None:
    assert site_region("<title>延边朝鲜族自治州人民政府</title>") == ("延边朝鲜族自治州人民政府", "延边朝鲜族自治州")
    header = '<title>中国宜春</title><h1 id="bm-name">宜春市人民政府</h1>'
    assert site_region(header) == ("宜春市人民政府", "宜春市")
    logo = '<title>首页</title><img alt="欢迎访问龙岗区人民政府门户网站">'
    assert site_region(logo) == ("欢迎访问龙岗区人民政府门户网站", "龙岗区")
    assert site_region("<title>政府工作报告</title>") is None


def test_source_names_come_from_the_host() -> None:
    assert source_name("https://www.yanbian.gov.cn/") == "yanbian"
    assert source_name("http://www.yichun.gov.cn:8080/ycsrmzf/") == "yichun-8080"
    assert source_name("http://127.0.0.2:8765/") == "site-127-0-0-2-8765"


def test_an_ingest_run_with_the_discovered_entries_loads_both_portals_reports(
    prefect_harness: None, tmp_path: Path
) -> None:
    with DemoSite(template="trs") as trs, DemoSite(template="second") as second:
        entries = []
        for name, site in (("trs", trs), ("second", second)):
            code, out, err = discover(site.base_url + "/", "--allow-private", "--name", name)
            assert code == 0, err
            entries.append(out)
        (tmp_path / "sources.toml").write_text("\n".join(entries), encoding="utf-8")
        db = tmp_path / "w.duckdb"
        result = runner.invoke(app, ["run", "--sources", str(tmp_path / "sources.toml"), "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = set(con.execute("SELECT source, title FROM documents_current").fetchall())
    # every listed article of the report and bulletin columns, as the demo's content defines them
    wanted: dict[Template, set[str]] = {"trs": {"政府工作报告"}, "second": {"政府工作报告", "统计公报"}}
    expected = {
        (name, article.title)
        for name, columns in wanted.items()
        for article in default_articles(name)
        if article.column.name in columns and not article.upcoming
    }
    assert loaded == expected


def test_links_naming_a_wanted_column_come_first_and_articles_and_other_hosts_never() -> None:
    home = """<html><body>
    <ul class="nav"><li><a href="/zwgk/">政务公开</a></li><li><a href="javascript:void(0)">无障碍</a></li></ul>
    <div class="block"><h2>统计公报</h2><a class="more" href="/tjgb/index.html">更多&gt;&gt;</a>
    <ul><li><a href="/tjgb/202305/t20230526_1.html">2022年统计公报</a><span>2023-05-26</span></li></ul></div>
    <a href="/xwzx/list.html">新闻</a><a href="http://other.example/zfgzbg/">政府工作报告</a>
    <a href="/zfgzbg/">政府工作报告</a>
    </body></html>"""
    links = linked_pages(home, "http://portal.example/")
    assert [(link.url, link.label) for link in links] == [
        ("http://portal.example/tjgb/index.html", "统计公报"),  # a 更多>> link takes the heading beside it
        ("http://portal.example/zfgzbg/", "政府工作报告"),
        ("http://portal.example/xwzx/list.html", "新闻"),  # list-shaped before the rest
        ("http://portal.example/zwgk/", "政务公开"),
    ]
    assert [link.url for link in linked_pages(home, "http://portal.example/", only_kinds=True)] == [
        "http://portal.example/tjgb/index.html",
        "http://portal.example/zfgzbg/",
    ]
