"""The demo sites over real HTTP on loopback: pages, encodings, conditional requests, faults, control endpoint.

Expected texts come from the documents in src/ingest/demo_site/content/ (read directly) or are written out by hand.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import lxml.html
import pytest
from protego import Protego

from ingest.demo_site import (
    DemoArticle,
    DemoColumn,
    DemoSite,
    DemoSiteError,
    Fault,
    Paragraph,
    render_article,
)

CONTENT = Path(__file__).parent.parent / "src" / "ingest" / "demo_site" / "content"
SEED_REPORT = "/zwgk/zfgzbg/202207/t20220711_437062.html"
SEED_NEWS = "/xwzx/ywdt/202501/t20250113_512318.html"
NATIONAL_2008 = "/zwgk/zfgzbg/200803/t20080305_10532.html"
NATIONAL_1978 = "/zwgk/zfgzbg/197802/t19780226_1045.html"
UPCOMING = "/xwzx/ywdt/202503/t20250305_518846.html"
YICHUN = "/ycsrmzf/tjgb/202305/36796cdc82d04268913f2884cf2fe579.shtml"


@pytest.fixture(scope="module")
def trs_site() -> Iterator[DemoSite]:
    with DemoSite(template="trs") as site:
        yield site


@pytest.fixture(scope="module")
def second_site() -> Iterator[DemoSite]:
    with DemoSite(template="second") as site:
        yield site


@pytest.fixture
def trs(trs_site: DemoSite) -> Iterator[httpx.Client]:
    trs_site.reset()
    with httpx.Client(base_url=trs_site.base_url, timeout=5) as client:
        yield client
    trs_site.reset()


def seed_lines(name: str) -> list[str]:
    return (CONTENT / "seeds" / name).read_text("utf-8").split("\n")


def text(tree: lxml.html.HtmlElement, xpath: str) -> str:
    return str(tree.xpath(f"string({xpath})"))


def values(tree: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [str(value) for value in tree.xpath(xpath)]


def paragraphs(tree: lxml.html.HtmlElement, container: str) -> list[str]:
    return [text(p, ".") for p in tree.xpath(f"{container}//p")]


def meta(tree: lxml.html.HtmlElement, name: str) -> str:
    return text(tree, f"//meta[@name='{name}']/@content")


# --- site A: TRS-style lists and articles -----------------------------------------------------------------------


def test_trs_list_pages_paginate_like_trs(trs_site: DemoSite, trs: httpx.Client) -> None:
    assert [url.removeprefix(trs_site.base_url) for url in trs_site.list_urls] == [
        "/zwgk/zfgzbg/index.html",
        "/xwzx/ywdt/index.html",
    ]
    first = trs.get("/zwgk/zfgzbg/index.html")
    assert first.status_code == 200
    assert 'createPageHTML(2, 0, "index", "html")' in first.text
    tree = lxml.html.fromstring(first.text)
    assert values(tree, "//a[text()='下一页']/@href") == ["index_1.html"]
    assert values(tree, "//ul[@class='gl_list']/li/a/@href") == [
        "./202207/t20220711_437062.html",
        "./200803/t20080305_10532.html",
    ]
    assert values(tree, "//ul[@class='gl_list']/li/span/text()") == ["2022-07-11", "2008-03-05"]
    second = lxml.html.fromstring(trs.get("/zwgk/zfgzbg/index_1.html").text)
    assert values(second, "//ul[@class='gl_list']/li/a/@href") == ["./197802/t19780226_1045.html"]
    assert values(second, "//a[text()='上一页']/@href") == ["index.html"]
    assert trs.get("/zwgk/zfgzbg/index_2.html").status_code == 404
    assert trs.get("/zwgk/zfgzbg/").text == first.text


def test_seed_report_is_a_gbk_page_declared_gb2312_without_header_charset(trs: httpx.Client) -> None:
    response = trs.get(SEED_REPORT)
    assert response.headers["content-type"] == "text/html"
    assert b'<meta charset="gb2312">' in response.content[:300]
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("gbk")  # "•" exists in GB18030 only
    assert "办好东北亚(中国•延边)国际文化旅游节" in response.content.decode("gb18030")


def test_seed_report_body_keeps_the_seed_and_chrome_holds_the_residue(trs: httpx.Client) -> None:
    tree = lxml.html.fromstring(trs.get(SEED_REPORT).content.decode("gb18030"))
    lines = seed_lines("001_87a0047e5aaad651.txt")
    body = paragraphs(tree, "//div[@class='TRS_Editor']")
    assert body == lines[1:39]
    assert body[0] == "政府工作报告" and body[-1] == "2021年1月"
    assert text(tree, "//span[@class='info']") == lines[0] == "发布时间:2022-07-11 20:57\xa0\xa0\xa0责任编辑:www"
    assert values(tree, "//div[@class='related']//span[@class='date']/text()") == ["2022-10-06"] * 8
    assert "2022-10-06" not in text(tree, "//div[@id='zoom']")
    assert meta(tree, "ArticleTitle") == "政府工作报告"
    assert meta(tree, "PubDate") == "2022-07-11 20:57"
    assert tree.findtext(".//title") == "政府工作报告_延边朝鲜族自治州人民政府"
    assert text(tree, "//div[contains(@class, 'location')]") == "当前位置：首页 > 政务公开 > 政府工作报告"
    page_text = text(tree, ".")
    for widget in (
        "【字体：大 中 小】",
        "【打印本页】【关闭窗口】",
        "主办：延边朝鲜族自治州人民政府办公室",
        "网站标识码2224000001",
    ):
        assert widget in page_text


def test_seed_report_is_word_pasted_with_numbers_split_across_spans(trs: httpx.Client) -> None:
    html = trs.get(SEED_REPORT).content.decode("gb18030")
    assert html.count('<p class="MsoNormal"') == 38
    # "投放消费券6554万元": Word split the figure into the runs "65" and "54"
    assert re.search(r">65</span><span lang=\"EN-US\"[^>]*>54</span>", html)
    body = text(lxml.html.fromstring(html), "//div[@class='TRS_Editor']")
    assert "投放消费券6554万元,带动消费3.5亿元" in body


def test_seed_news_keeps_paragraphs_captions_and_a_script_written_title(trs: httpx.Client) -> None:
    response = trs.get(SEED_NEWS)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    tree = lxml.html.fromstring(response.text)
    lines = [line for line in seed_lines("000_82c341a43f7495af.txt") if line.strip()]
    body = paragraphs(tree, "//div[@class='TRS_Editor']")
    assert [p for p in body if p] == lines  # the other paragraphs hold the photos
    assert body[body.index("典型，3个集体、3名个人获评全国民族团结进步模范。") - 1].endswith("等先进")
    assert sum(p.endswith(" 摄") for p in body) == 3
    assert 'document.write("凝心聚力共奋进 务实笃行谱新篇")' in response.text
    assert meta(tree, "ArticleTitle") == "凝心聚力共奋进 务实笃行谱新篇"
    assert meta(tree, "PubDate") == "2025-01-13 08:45"
    assert text(tree, "//span[@class='info']") == "发布时间：2025-01-13 08:45\u3000\u3000来源：延边日报"


def test_national_report_body_is_the_record_and_the_licence_note_is_chrome(trs: httpx.Client) -> None:
    record = json.loads((CONTENT / "corpus" / "national_2008_gwr.json").read_text("utf-8"))
    report = record["content"][: record["content"].index("本作品是中华人民共和国的")]
    tree = lxml.html.fromstring(trs.get(NATIONAL_2008).text)
    assert paragraphs(tree, "//div[@class='TRS_Editor']") == [line for line in report.split("\n") if line.strip()]
    assert "公有领域" in text(tree, "//div[@class='article-note']")
    assert "公有领域" not in text(tree, "//div[@id='zoom']")
    assert meta(tree, "ArticleTitle") == "2008年中华人民共和国国务院政府工作报告"


# --- conditional requests and edits ----------------------------------------------------------------------------


def test_conditional_requests_get_304(trs: httpx.Client) -> None:
    first = trs.get(NATIONAL_1978)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert modified == "Sun, 26 Feb 1978 08:30:00 GMT"  # 16:30 in Shanghai
    assert trs.get(NATIONAL_1978, headers={"If-None-Match": etag}).status_code == 304
    assert trs.get(NATIONAL_1978, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert trs.get(NATIONAL_1978, headers={"If-Modified-Since": modified}).status_code == 304
    assert trs.get(NATIONAL_1978, headers={"If-Modified-Since": "Sat, 25 Feb 1978 08:30:00 GMT"}).status_code == 200
    assert (
        trs.get(NATIONAL_1978, headers={"If-None-Match": '"other"', "If-Modified-Since": modified}).status_code == 200
    )


def test_edited_page_changes_text_etag_and_last_modified(trs_site: DemoSite, trs: httpx.Client) -> None:
    before = trs.get(SEED_REPORT)
    assert trs_site.faults.edit(SEED_REPORT) == ("0.5%", "0.6%")  # "预计,地区生产总值增长0.5%" is the first
    after = trs.get(SEED_REPORT, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert httpx_date(after.headers["last-modified"]) > httpx_date(before.headers["last-modified"])
    body = text(lxml.html.fromstring(after.content.decode("gb18030")), "//div[@class='TRS_Editor']")
    assert "预计,地区生产总值增长0.6%,规模以上工业增加值增长3%" in body
    assert trs.get(SEED_REPORT, headers={"If-None-Match": after.headers["etag"]}).status_code == 304


def test_edit_rejects_text_the_article_does_not_have(trs_site: DemoSite) -> None:
    with pytest.raises(DemoSiteError, match="does not occur"):
        trs_site.faults.edit(SEED_REPORT, "增长99%", "增长98%")
    with pytest.raises(DemoSiteError, match="no article"):
        trs_site.faults.edit("/nowhere.html")


def httpx_date(value: str) -> datetime:
    return parsedate_to_datetime(value)


# --- faults ----------------------------------------------------------------------------------------------------


def test_status_fault_for_the_first_n_requests_then_ok(trs_site: DemoSite, trs: httpx.Client) -> None:
    trs_site.faults.add(Fault("status", "/zwgk/*", status=500, times=2))
    assert [trs.get(NATIONAL_1978).status_code for _ in range(3)] == [500, 500, 200]
    assert trs.get("/xwzx/ywdt/index.html").status_code == 200


def test_429_carries_retry_after(trs_site: DemoSite, trs: httpx.Client) -> None:
    trs_site.faults.add(Fault("status", "/xwzx/ywdt/index.html", status=429, retry_after=3))
    response = trs.get("/xwzx/ywdt/index.html")
    assert (response.status_code, response.headers["retry-after"]) == (429, "3")


def test_dropped_connection_and_truncated_body_raise_in_httpx(trs_site: DemoSite, trs: httpx.Client) -> None:
    trs_site.faults.add(Fault("drop", "/zwgk/zfgzbg/index.html", times=1))
    trs_site.faults.add(Fault("truncate", NATIONAL_1978, times=1))
    with pytest.raises(httpx.RemoteProtocolError):
        trs.get("/zwgk/zfgzbg/index.html")
    with pytest.raises(httpx.RemoteProtocolError):
        trs.get(NATIONAL_1978)
    assert trs.get("/zwgk/zfgzbg/index.html").status_code == 200
    assert [(r.path, r.status) for r in trs_site.requests()][:2] == [
        ("/zwgk/zfgzbg/index.html", None),
        (NATIONAL_1978, 200),
    ]


def test_slow_response_exceeds_a_short_timeout(trs_site: DemoSite, trs: httpx.Client) -> None:
    trs_site.faults.add(Fault("delay", "/robots.txt", seconds=0.4, times=1))
    with pytest.raises(httpx.ReadTimeout):
        trs.get("/robots.txt", timeout=0.1)
    assert trs.get("/robots.txt", timeout=0.3).status_code == 200
    while len(trs_site.requests()) < 2:  # the slow answer is still on its way to the closed connection
        time.sleep(0.02)
    assert [(r.path, r.status) for r in trs_site.requests()] == [("/robots.txt", 200)] * 2


def test_redirects_off_host_and_to_private_addresses(trs_site: DemoSite, trs: httpx.Client) -> None:
    trs_site.faults.add(Fault("redirect", "/zwgk/zfgzbg/index.html", location="http://example.invalid/zfgzbg/"))
    trs_site.faults.add(Fault("redirect", "/xwzx/ywdt/index.html", status=301, location="http://10.0.0.8/ywdt/"))
    off_host = trs.get("/zwgk/zfgzbg/index.html")
    assert (off_host.status_code, off_host.headers["location"]) == (302, "http://example.invalid/zfgzbg/")
    private = trs.get("/xwzx/ywdt/index.html")
    assert (private.status_code, private.headers["location"]) == (301, "http://10.0.0.8/ywdt/")


def test_oversized_body_streams_25_mb_without_length(trs_site: DemoSite, trs: httpx.Client) -> None:
    trs_site.faults.add(Fault("oversize", "/zwgk/zfgzbg/index.html"))
    with trs.stream("GET", "/zwgk/zfgzbg/index.html") as response:
        assert "content-length" not in response.headers
        received = sum(len(chunk) for chunk in response.iter_raw())
    assert received == 25 * 1024 * 1024


def test_robots_allows_all_by_default_and_takes_rules(trs_site: DemoSite, trs: httpx.Client) -> None:
    default = Protego.parse(trs.get("/robots.txt").text)
    assert default.can_fetch(trs_site.url("/xwzx/ywdt/index.html"), "ingest-reports")
    assert default.crawl_delay("ingest-reports") is None
    trs_site.faults.set_robots(disallow=["/xwzx/"], crawl_delay=1.5)
    robots = Protego.parse(trs.get("/robots.txt").text)
    assert not robots.can_fetch(trs_site.url("/xwzx/ywdt/index.html"), "ingest-reports")
    assert robots.can_fetch(trs_site.url(SEED_REPORT), "ingest-reports")
    assert robots.crawl_delay("ingest-reports") == 1.5


def test_newly_published_article_appears_first_in_its_list(trs_site: DemoSite, trs: httpx.Client) -> None:
    before = trs.get("/xwzx/ywdt/index.html")
    assert "t20250305_518846" not in before.text
    assert trs.get(UPCOMING).status_code == 404
    assert trs_site.faults.publish_upcoming() == [UPCOMING]
    after = trs.get("/xwzx/ywdt/index.html", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert values(lxml.html.fromstring(after.text), "//ul[@class='gl_list']/li/a/@href") == [
        "./202503/t20250305_518846.html",
        "./202501/t20250113_512318.html",
    ]
    assert trs.get(UPCOMING).status_code == 200


def test_request_log_records_headers_status_and_order(trs_site: DemoSite, trs: httpx.Client) -> None:
    etag = trs.get(NATIONAL_1978, headers={"User-Agent": "ingest-test/1"}).headers["etag"]
    trs.get(NATIONAL_1978, headers={"If-None-Match": etag, "If-Modified-Since": "Sun, 26 Feb 1978 08:30:00 GMT"})
    trs.head("/missing.html")
    records = trs_site.requests()
    assert [(r.method, r.path, r.status) for r in records] == [
        ("GET", NATIONAL_1978, 200),
        ("GET", NATIONAL_1978, 304),
        ("HEAD", "/missing.html", 404),
    ]
    assert records[0].user_agent == "ingest-test/1"
    assert (records[1].if_none_match, records[1].if_modified_since) == (etag, "Sun, 26 Feb 1978 08:30:00 GMT")
    assert records[0].time <= records[1].time <= records[2].time


def test_control_endpoint_drives_faults_log_and_reset(trs_site: DemoSite, trs: httpx.Client) -> None:
    settings = {
        "rules": [{"kind": "status", "path": "/zwgk/zfgzbg/index.html", "status": 503, "times": 1}],
        "robots": {"disallow": ["/zwgk/"], "crawl_delay": 2},
        "edits": [{"path": NATIONAL_1978, "old": "各位代表！", "new": "各位代表:"}],
    }
    answer = trs.post("/__demo__/faults", json=settings)
    assert answer.status_code == 200
    assert answer.json()["edits"] == [{"path": NATIONAL_1978, "old": "各位代表！", "new": "各位代表:"}]
    assert trs.get("/zwgk/zfgzbg/index.html").status_code == 503
    assert trs.get("/zwgk/zfgzbg/index.html").status_code == 200
    assert "Crawl-delay: 2" in trs.get("/robots.txt").text
    edited = lxml.html.fromstring(trs.get(NATIONAL_1978).text)
    assert text(edited, "//div[@class='TRS_Editor']/p[1]") == "各位代表:"
    log = trs.get("/__demo__/requests").json()
    assert [(r["path"], r["status"]) for r in log[:2]] == [
        ("/zwgk/zfgzbg/index.html", 503),
        ("/zwgk/zfgzbg/index.html", 200),
    ]
    bad = trs.post("/__demo__/faults", json={"rules": [{"kind": "explode"}]})
    assert bad.status_code == 400 and "unknown fault kind" in bad.json()["error"]
    assert trs.post("/__demo__/faults", json={"publish": True}).json()["published"] == [UPCOMING]
    assert trs.post("/__demo__/reset").json() == {"ok": True}
    assert trs.get("/__demo__/requests").json() == []
    assert trs.get(UPCOMING).status_code == 404
    assert "Crawl-delay" not in trs.get("/robots.txt").text


# --- site B: another CMS ---------------------------------------------------------------------------------------


def test_second_site_lists_with_dates_and_a_next_link_only(second_site: DemoSite) -> None:
    assert [url.removeprefix(second_site.base_url) for url in second_site.list_urls] == [
        "/ycsrmzf/tjgb/xxgk_list.shtml",
        "/ycsrmzf/zfgzbg/xxgk_list.shtml",
    ]
    with httpx.Client(base_url=second_site.base_url) as client:
        bulletins = client.get("/ycsrmzf/tjgb/xxgk_list.shtml").text
        reports = client.get("/ycsrmzf/zfgzbg/xxgk_list.shtml").text
        last = client.get("/ycsrmzf/zfgzbg/xxgk_list_2.shtml").text
        assert client.get("/ycsrmzf/tjgb/index.shtml").text == bulletins  # the column's default document
    tree = lxml.html.fromstring(bulletins)
    assert values(tree, "//ul[@class='list']/li/a/@href") == [
        "/wzxrmzf/tjsja/202305/7215380191c5400397df5d7d0b5fd06b.shtml",
        YICHUN,
    ]
    assert values(tree, "//ul[@class='list']/li/span/text()") == ["2023-08-16", "2023-05-16"]
    for html in (bulletins, reports, last):
        assert "index_" not in html and "createPageHTML" not in html
    assert values(lxml.html.fromstring(reports), "//a[text()='下一页']/@href") == ["xxgk_list_2.shtml"]
    # two reports a page: 2025 and 2024 on the first, 2008 and 1978 on the last
    assert values(lxml.html.fromstring(last), "//ul[@class='list']/li/span/text()") == ["2008-03-05", "1978-02-26"]


def test_second_site_serves_saved_pages_unchanged(second_site: DemoSite) -> None:
    response = httpx.get(second_site.url(YICHUN))
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.content == (CONTENT / "corpus" / "yichun_city_2022_tjgb.html").read_bytes()
    assert response.headers["last-modified"] == "Tue, 16 May 2023 04:34:05 GMT"  # PubDate 12:34:05 in Shanghai


def test_second_site_renders_national_reports_in_its_own_template(second_site: DemoSite) -> None:
    path = values(lxml.html.fromstring(httpx.get(second_site.list_urls[1]).text), "//ul[@class='list']/li/a/@href")[0]
    assert re.fullmatch(r"/ycsrmzf/zfgzbg/202503/[0-9a-f]{32}\.shtml", path)
    tree = lxml.html.fromstring(httpx.get(second_site.url(path)).text)
    assert text(tree, "//h1[@class='article-title']") == "2025年中华人民共和国国务院政府工作报告"
    assert paragraphs(tree, "//ucapcontent")[:2] == [
        "各位代表：",
        "现在，我代表国务院，向大会报告政府工作，请予审议，并请全国政协委员提出意见。",
    ]


# --- construction ----------------------------------------------------------------------------------------------


def test_synthetic_articles_render_through_the_same_templates() -> None:
    column = DemoColumn("通知公告", "/tzgg/", "trs")
    when = datetime(2024, 5, 6, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    articles = [
        DemoArticle(column, f"/tzgg/202405/t20240506_{n}.html", f"通知{n}", when, paragraphs=(Paragraph("正文。"),))
        for n in range(3)
    ]
    with DemoSite(articles=articles, page_size=1) as site, httpx.Client(base_url=site.base_url) as client:
        assert site.list_urls == [site.url("/tzgg/index.html")]
        assert 'createPageHTML(3, 2, "index", "html")' in client.get("/tzgg/index_2.html").text
        assert client.get("/tzgg/202405/t20240506_1.html").content == render_article(articles[1])


def test_bad_settings_raise_clear_errors() -> None:
    with pytest.raises(DemoSiteError, match="unknown template"):
        DemoSite(template="jcms")  # type: ignore[arg-type]
    with pytest.raises(DemoSiteError, match="times must be at least 1"):
        Fault("status", "/", times=0)
    with pytest.raises(DemoSiteError, match="needs a location"):
        Fault("redirect", "/")
    with DemoSite() as site:
        port = int(site.base_url.rsplit(":", 1)[1])
        with pytest.raises(DemoSiteError, match="pass another port"):
            DemoSite(port=port).start()
