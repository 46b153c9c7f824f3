"""Article and pagination discovery on list pages of the usual Chinese government CMSs (fixtures in
tests/fixtures/lists/, one per CMS style)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.discover import ArticleLink, ListPage, canonicalize_url, parse_list_page
from ingest.errors import ConfigError

LISTS = Path(__file__).parent / "fixtures" / "lists"


def parse_fixture(name: str, base_url: str, **options: str) -> ListPage:
    return parse_list_page((LISTS / name).read_text(encoding="utf-8"), base_url, **options)


# --- canonical URLs -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTP://WWW.Yanbian.GOV.cn:80/zwgk/./zfgzbg/../zfgzbg/index.html?b=2&utm_source=x&a=1#top",
            "http://www.yanbian.gov.cn/zwgk/zfgzbg/index.html?b=2&a=1",
        ),
        ("https://example.gov.cn:443", "https://example.gov.cn/"),
        ("http://127.0.0.1:8765/a/b.html", "http://127.0.0.1:8765/a/b.html"),
        ("http://www.gov.cn/a.html?spm=1.2.3&UTM_Medium=share", "http://www.gov.cn/a.html"),
        ("http://www.gov.cn/a/../../b/./c.html", "http://www.gov.cn/b/c.html"),
        ("http://www.gov.cn/list.jsp?page=2&empty=&flag", "http://www.gov.cn/list.jsp?page=2&empty=&flag"),
        ("  http://www.gov.cn/a/  ", "http://www.gov.cn/a/"),
    ],
)
def test_canonicalize_url(url: str, canonical: str) -> None:
    assert canonicalize_url(url) == canonical


_segment = st.sampled_from(["a", "B", ".", "..", "", "t20220711_1.html", "%E6%94%BF", "x y"])
_query = st.lists(st.sampled_from(["a=1", "utm_source=x", "spm=2", "b=", "page=3", "A=%20"]), max_size=4)


@given(
    scheme=st.sampled_from(["http", "HTTPS", "Http"]),
    host=st.sampled_from(["WWW.Gov.CN", "127.0.0.1", "example.gov.cn:8080", "example.gov.cn:80", "[::1]:443"]),
    segments=st.lists(_segment, max_size=6),
    query=_query,
    fragment=st.sampled_from(["", "#top", "#"]),
)
def test_canonicalize_url_is_idempotent(
    scheme: str, host: str, segments: list[str], query: list[str], fragment: str
) -> None:
    url = f"{scheme}://{host}/{'/'.join(segments)}" + (f"?{'&'.join(query)}" if query else "") + fragment
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once
    assert "#" not in once and "utm_" not in once and "spm=" not in once


# --- one fixture per CMS style --------------------------------------------------------------------------------


def test_trs_list_page() -> None:
    page = parse_fixture("trs_zfgzbg_index.html", "http://www.yanbian.gov.cn/zwgk/zfgzbg/index.html")
    base = "http://www.yanbian.gov.cn/zwgk/zfgzbg"
    assert page.articles == [
        ArticleLink(f"{base}/202401/t20240125_512345.html", "2024年延边朝鲜族自治州政府工作报告", date(2024, 1, 25)),
        ArticleLink(f"{base}/202301/t20230118_498765.html", "2023年延边朝鲜族自治州政府工作报告", date(2023, 1, 18)),
        # the link text is cut short ("…"), so the title attribute is taken
        ArticleLink(
            f"{base}/202207/t20220711_437062.html",
            "延边朝鲜族自治州2021年政府工作报告（全文）",
            date(2022, 7, 11),
        ),
        ArticleLink(f"{base}/202102/t20210220_321000.html", "2021年延边州政府工作报告解读", date(2021, 2, 20)),
    ]
    # createPageHTML(3, 0, "index", "html"): this is page 0, the next is index_1.html
    assert page.next_pages == [f"{base}/index_1.html"]


def test_hanweb_list_page_is_read_from_its_datastore() -> None:
    page = parse_fixture("hanweb_col1234.html", "http://www.hunchun.gov.cn/col/col1234/index.html?uid=5678&pageNum=1")
    base = "http://www.hunchun.gov.cn/art"
    assert page.articles == [
        ArticleLink(f"{base}/2026/3/26/art_1234_90001.html", "珲春市2026年政府工作报告", date(2026, 3, 26)),
        ArticleLink(f"{base}/2025/2/14/art_1234_85210.html", "珲春市2025年政府工作报告", date(2025, 2, 14)),
        # the date listed beside the link wins over the one in the URL
        ArticleLink(f"{base}/2024/1/30/art_1234_80777.html", "图解：2024年政府工作报告", date(2024, 1, 31)),
    ]
    assert page.next_pages == ["http://www.hunchun.gov.cn/col/col1234/index.html?uid=5678&pageNum=2"]


def test_post_style_list_page_in_a_table() -> None:
    page = parse_fixture("post_zfgzbg_index.html", "http://www.zhuhai.gov.cn/zw/fdzdgknr/zfgzbg/index.html")
    base = "http://www.zhuhai.gov.cn/zw/fdzdgknr/zfgzbg"
    assert page.articles == [
        ArticleLink(f"{base}/content/post_3456789.html", "2023年珠海市政府工作报告", date(2023, 2, 15)),
        ArticleLink(f"{base}/content/post_3300000.html", "2022年珠海市政府工作报告", date(2022, 1, 20)),
        ArticleLink(f"{base}/content/post_3100001.html", "2021年珠海市政府工作报告", date(2021, 1, 26)),
    ]
    assert page.next_pages == [f"{base}/index_2.html"]


def test_shtml_portal_list_page_with_yearless_dates() -> None:
    page = parse_fixture("shtml_tjgb_list.html", "https://www.yichun.gov.cn/ycsrmzf/tjgb/xxgk_list.shtml")
    base = "https://www.yichun.gov.cn/ycsrmzf/tjgb"
    assert page.articles == [
        # "[05-09]" takes its year from the 202305 folder of the URL
        ArticleLink(
            f"{base}/202305/36796cdc82d04268913f2884cf2fe579.shtml",
            "宜春市2022年国民经济和社会发展统计公报",
            date(2023, 5, 9),
        ),
        ArticleLink(
            f"{base}/202204/0a1b2c3d4e5f40718293a4b5c6d7e8f9.shtml",
            "宜春市2021年国民经济和社会发展统计公报",
            date(2022, 4, 15),
        ),
        ArticleLink(
            f"{base}/202104/9f8e7d6c5b4a40312e1d0c9b8a7f6e5d.shtml",
            "宜春市2020年国民经济和社会发展统计公报",
            date(2021, 4, 20),
        ),
    ]
    assert page.next_pages == [f"{base}/xxgk_list_1.shtml"]


def test_news_list_with_chinese_dates_and_query_pagination() -> None:
    page = parse_fixture("news_home.html", "http://www.gov.cn/yaowen/liebiao/home.htm")
    assert page.articles == [
        # full-width digits in the date
        ArticleLink(
            "http://www.gov.cn/yaowen/2023-05/26/content_5738001.htm",
            "国务院常务会议研究部署稳就业工作",
            date(2023, 5, 26),
        ),
        # no article shape in the URL, but a date beside it in the list row; the spm parameter is dropped
        ArticleLink("http://www.gov.cn/yaowen/detail.jsp?id=889", "全国统计工作会议在京召开", date(2023, 5, 25)),
        # no date beside it: the day in the URL
        ArticleLink(
            "http://www.gov.cn/yaowen/2023-05/24/content_5737777.htm", "一季度国民经济运行情况", date(2023, 5, 24)
        ),
    ]
    assert page.next_pages == ["http://www.gov.cn/yaowen/liebiao/home.htm?page=2"]


def test_list_page_on_the_corpus_portal_ignores_header_and_footer_links() -> None:
    """The saved Wanzai county page: its only article-shaped links outside the chrome are the related list."""
    html = (
        Path(__file__).parent.parent / "src/ingest/demo_site/content/corpus/wanzai_county_2022_tjgb.html"
    ).read_text(encoding="utf-8")
    page = parse_list_page(html, "http://www.wanzai.gov.cn/wzxrmzf/tjsja/202305/7215380191c5400397df5d7d0b5fd06b.shtml")
    assert [article.url for article in page.articles] == [
        "http://www.wanzai.gov.cn/wzxrmzf/tjjjdhy/202307/bb8049063e11403994c3d01d8813a11a.shtml"
    ]
    assert page.next_pages == []


# --- pagination forms -----------------------------------------------------------------------------------------


def page_with(script_or_links: str) -> str:
    return f"<html><head></head><body><ul></ul>{script_or_links}</body></html>"


def test_createpagehtml_on_the_last_page_has_no_next() -> None:
    html = page_with('<script>createPageHTML(3, 2, "index", "html");</script>')
    assert parse_list_page(html, "http://www.gov.cn/col/index_2.html").next_pages == []


def test_createpagehtml_with_variables_and_container_id() -> None:
    variables = page_with(
        "<script>var currentPage = 1;//所在页从0开始\nvar countPage = 5;\n"
        'createPageHTML(countPage, currentPage, "index", "html");</script>'
    )
    assert parse_list_page(variables, "http://www.gov.cn/col/index_1.html").next_pages == [
        "http://www.gov.cn/col/index_2.html"
    ]
    with_container = page_with("<script>createPageHTML('page_div', 4, 0, 'index', 'shtml', 60);</script>")
    assert parse_list_page(with_container, "http://www.gov.cn/col/").next_pages == [
        "http://www.gov.cn/col/index_1.shtml"
    ]


def test_next_links_to_other_hosts_or_scripts_are_ignored() -> None:
    html = page_with(
        '<a href="http://other.gov.cn/col/index_1.html">下一页</a><a href="javascript:next()">下页</a>'
        '<a href="#">&gt;</a>'
    )
    assert parse_list_page(html, "http://www.gov.cn/col/index.html").next_pages == []


def test_numbered_pages_pick_the_next_number_not_the_last() -> None:
    html = page_with('<a href="index_5.html">5</a><a href="index_3.html">3</a><a href="index_9.html">尾页</a>')
    assert parse_list_page(html, "http://www.gov.cn/col/index_2.html").next_pages == [
        "http://www.gov.cn/col/index_3.html"
    ]


# --- overrides ------------------------------------------------------------------------------------------------


def test_xpath_overrides_replace_the_generic_rules() -> None:
    html = page_with(
        '<div class="sidebar"><a href="/doc/7.html">侧栏里的报告</a></div>'
        '<div id="more"><a href="/col/p2.html">more</a></div>'
    )
    page = parse_list_page(
        html,
        "http://www.gov.cn/col/",
        article_selector="//div[@class='sidebar']//a",
        next_page_selector="//div[@id='more']/a/@href",
    )
    assert page.articles == [ArticleLink("http://www.gov.cn/doc/7.html", "侧栏里的报告", None)]
    assert page.next_pages == ["http://www.gov.cn/col/p2.html"]


def test_article_links_may_point_to_the_given_hosts() -> None:
    html = page_with('<ul><li><a href="http://xxgk.gov.cn/t20230101_1.html">报告</a></li></ul>')
    assert parse_list_page(html, "http://www.gov.cn/col/").articles == []
    page = parse_list_page(html, "http://www.gov.cn/col/", hosts=["www.gov.cn", "xxgk.gov.cn"])
    assert [a.url for a in page.articles] == ["http://xxgk.gov.cn/t20230101_1.html"]


@pytest.mark.parametrize("selector", ["div.list a", "//a[@href", "./a["])
def test_bad_selectors_are_config_errors(selector: str) -> None:
    with pytest.raises(ConfigError, match="article_selector"):
        parse_list_page(page_with(""), "http://www.gov.cn/", article_selector=selector)


def test_empty_page_has_nothing() -> None:
    assert parse_list_page("  ", "http://www.gov.cn/") == ListPage(articles=[], next_pages=[])
