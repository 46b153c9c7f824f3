"""clean_html: finding the body on each CMS family, dropping each kind of furniture, metadata, rendering."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.clean import clean_html
from ingest.model import CleanDocument

SHANGHAI = ZoneInfo("Asia/Shanghai")

P1 = "2025年，全州地区生产总值增长6%，一般公共预算收入增长7.5%。"
P2 = "全州接待游客4511万人次，增长70%，实现旅游收入746亿元。"
P3 = "新建农村公路125公里，整治“畅返不畅”公路358公里。"
ARTICLE = f"<p>{P1}</p><p>{P2}</p><p>{P3}</p>"
EXPECTED = f"{P1}\n{P2}\n{P3}"

NAV = (
    '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
    '<li><a href="/xw/">新闻中心</a></li></ul>'
)
SIDEBAR = (
    '<div class="sidebar"><h3>热点新闻</h3><ul>'
    '<li><a href="/1.html">州政府召开常务会议研究部署近期工作</a><span>2022-10-06</span></li>'
    '<li><a href="/2.html">全州经济工作会议在延吉召开</a><span>2022-10-06</span></li>'
    '<li><a href="/3.html">我州冰雪旅游持续升温游客增长</a><span>2022-10-06</span></li>'
    "</ul></div>"
)
FOOTER = '<div class="footer"><p>主办：延边朝鲜族自治州人民政府办公室</p><p>吉ICP备05002079号</p></div>'


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{NAV}{body}{SIDEBAR}{FOOTER}</body></html>"


def shanghai(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


# --- finding the body -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "container",
    [
        '<div id="zoom"><div class="TRS_Editor">{}</div></div>',
        '<div class="trs_editor_view">{}</div>',
        '<div class="view TRS_UEDITOR trs_paper_default trs_web">{}</div>',
        '<div id="Zoom">{}</div>',
        '<div class="article-content article-content-body" id="zoomcon"><ucapcontent>{}</ucapcontent></div>',
        '<div id="UCAP-CONTENT">{}</div>',
        '<div class="pages_content">{}</div>',
        '<div class="wz_con">{}</div>',
        '<div class="xxgk_content">{}</div>',
        '<div class="art_con">{}</div>',
        '<td class="bt_content">{}</td>',
        '<div class="zw">{}</div>',
    ],
)
def test_known_body_containers(container: str) -> None:
    info = '<div class="info">发布时间：2025-01-11 08:30　来源：延边日报</div>'
    assert clean_html(page(info + container.format(ARTICLE))).text == EXPECTED


def test_content_comment_markers() -> None:
    body = (
        '<div class="main"><p class="info">发布时间：2025-01-11 来源：延边日报</p>'
        f"<!--ContentStart-->{ARTICLE}<!--ContentEnd-->"
        '<p class="tools">【<a href="#">打印本页</a>】</p><p>延边州人民政府网站欢迎您的访问和留言。</p></div>'
    )
    assert clean_html(page(body)).text == EXPECTED


def test_hanweb_markers() -> None:
    body = (
        '<div id="zoom"><p>延边州人民政府网站欢迎您的访问和留言。</p>'
        f'<!--ZJEG_RSS.content.begin--><meta name="ContentStart">{ARTICLE}'
        '<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></div>'
    )
    assert clean_html(page(body)).text == EXPECTED


def test_specific_container_wins_over_generic_wrapper() -> None:
    body = (
        '<div class="content"><div class="crumb">首页 &gt; 政务公开</div>'
        f'<div class="article-content">{ARTICLE}</div>'
        "<p>延边州人民政府网站欢迎您的访问和留言。</p></div>"
    )
    assert clean_html(page(body)).text == EXPECTED


def test_unknown_template_falls_back_to_text_density() -> None:
    body = (
        '<div class="mbox"><div class="lbox"><div class="tit_box"><h2>全州经济运行情况</h2></div>'
        f'<div class="nr_box">{ARTICLE}</div></div>'
        '<div class="rbox"><p>延边新闻网是延边州重点新闻网站，欢迎投稿。</p></div></div>'
    )
    assert clean_html(page(body)).text == EXPECTED


def test_a_broken_script_record_leaves_the_page_to_its_markup() -> None:
    # gkmlpt-shaped record cut short (no closing brace): the body in the markup is still found, nothing raises
    broken = '<script>window._CONFIG = {DETAIL: {"content": "x</script>'
    html = page(f'<div class="article-content">{ARTICLE}</div>', head=broken)
    assert clean_html(html).text == EXPECTED


def test_a_script_record_without_body_text_is_not_the_body() -> None:
    record = '{"title": "2025年政府工作报告", "content": "\\u003Cp\\u003E附件\\u003C/p\\u003E"}'
    html = page(f'<div class="article-content">{ARTICLE}</div><script>window._CONFIG = {{DETAIL: {record}}};</script>')
    assert clean_html(html).text == EXPECTED


def test_old_table_layout_page() -> None:
    html = (
        "<html><head><title>关于全州经济运行情况的通报-汪清县人民政府</title></head><body><table>"
        "<tr><td><a href=/>首页</a> | <a href=/a>政务公开</a> | <a href=/b>办事服务</a></td></tr>"
        "<tr><td><a href=/1>通知公告</a><br><a href=/2>政策文件</a><br><a href=/3>规划计划</a></td>"
        "<td><font size=4><b>关于全州经济运行情况的通报</b></font><br>发布时间：2025-01-20 10:00 点击数：233<br><br>"
        f"　　{P1}<br>　　{P2}<br><br>汪清县人民政府办公室<br>2025年1月20日</td></tr>"
        "<tr><td colspan=2>版权所有：汪清县人民政府 吉ICP备123号</td></tr></table></body></html>"
    )
    document = clean_html(html)
    assert document.title == "关于全州经济运行情况的通报"
    assert document.published_at == shanghai(2025, 1, 20, 10, 0)
    assert document.text == f"关于全州经济运行情况的通报\n{P1}\n{P2}\n汪清县人民政府办公室\n2025年1月20日"


def test_fallback_keeps_one_copy_of_a_repeated_title() -> None:
    title = "全州经济运行情况"
    body = f'<div class="mbox"><h2>{title}</h2><p>{title}</p>{ARTICLE}</div>'
    document = clean_html(page(body, f"<title>{title} - 延边新闻网</title>"))
    assert document.title == title
    assert document.text == f"{title}\n{EXPECTED}"


# --- furniture --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "furniture",
    [
        '<p>【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</p>',
        "<p>字号：大中小</p>",
        '<p>【<a href="#">打印本页</a>】【<a href="#">关闭窗口</a>】</p>',
        "<p>打印 | 关闭</p>",
        '<div class="bdsharebuttonbox">分享到：<a class="bds_weixin" href="#"></a></div>',
        "<p>分享到：微信 微博 QQ空间</p>",
        "<p>扫一扫在手机打开当前页</p>",
        "<p>主办：延边朝鲜族自治州人民政府办公室　承办：延边州政务服务和数字化建设管理局</p>",
        "<p>吉ICP备05002079号</p>",
        "<p>网站标识码：2224000001</p>",
        "<p>吉公网安备 22240102000012号</p>",
        "<p>版权所有：延边朝鲜族自治州人民政府</p>",
        "<p>首页 &gt; 新闻中心 &gt; 延边要闻</p>",
        '<p>您当前的位置：<a href="/">首页</a> &gt; <a href="/xw/">新闻中心</a></p>',
        "<p>发布时间：2025-01-11 08:30　来源：延边日报</p>",
        "<p>来源：延边日报</p>",
        "<p>浏览次数：1024</p>",
        "<p>责任编辑：金明</p>",
        "<p>（责任编辑：金明）</p>",
        '<p style="text-align:center">1月8日，会议在延吉工人文化宫隆重开幕。王雨 摄</p>',
        "<p>（记者 王雨 摄）</p>",
        "<h3>相关新闻</h3><ul><li><a href='/1.html'>州政府召开常务会议</a><span>2025-01-10</span></li>"
        "<li><a href='/2.html'>全州经济工作会议召开</a><span>2025-01-09</span></li></ul>",
        "<p>2022-10-06</p>",
        "<p>上一篇：<a href='/1.html'>延边州召开全州经济工作会议</a></p>",
        '<p style="display: none">隐藏的统计代码文字</p>',
        "<p hidden>隐藏的文字</p>",
        '<script>document.write("脚本写出的文字");</script>',
        "<style>.TRS_Editor P{font-family:宋体;}</style>",
        "<nav><a href='/'>首页</a> <a href='/zwgk/'>政务公开</a></nav>",
    ],
)
def test_furniture_inside_the_body_is_dropped(furniture: str) -> None:
    html = page(f'<div class="TRS_Editor"><p>{P1}</p>{furniture}<p>{P2}</p></div>')
    assert clean_html(html).text == f"{P1}\n{P2}"


def test_hidden_text_inside_a_paragraph_is_dropped() -> None:
    html = page(f'<div class="TRS_Editor"><p>{P1}<span style="DISPLAY:none">TRS_AUTOADD</span></p></div>')
    assert clean_html(html).text == P1


@pytest.mark.parametrize(
    "line",
    [
        "资料来源：",
        "本公报中财政数据来自市财政局；其他数据来自市统计局和国家统计局宜春调查队。",
        "州十五届人大六次会议秘书处",
        "2021年1月",
        "2021年1月12日",
        "注释：",
        "要依法保护版权所有人的合法权益，把好经验分享到全州各地。",
        "时间：2025年1月8日上午9时，地点：延吉市。",
    ],
)
def test_body_lines_that_look_a_little_like_furniture_are_kept(line: str) -> None:
    html = page(f'<div class="TRS_Editor"><p>{P1}</p><p>{line}</p></div>')
    assert clean_html(html).text == f"{P1}\n{line}"


# --- metadata ---------------------------------------------------------------------------------------------


def test_article_title_meta_wins_over_script_written_h1() -> None:
    head = '<meta name="ArticleTitle" content="全州经济运行情况通报"><title>全州经济_延边朝鲜族自治州人民政府</title>'
    body = '<h1><script>document.write("全州经济运行情况通报（图）")</script></h1>'
    body += f'<h1 class="title">全州经济运行情况（图）</h1><div class="TRS_Editor">{ARTICLE}</div>'
    assert clean_html(page(body, head)).title == "全州经济运行情况通报"


def test_og_title() -> None:
    head = '<meta property="og:title" content="全州经济运行情况通报"><title>首页</title>'
    assert clean_html(page(f'<div class="TRS_Editor">{ARTICLE}</div>', head)).title == "全州经济运行情况通报"


def test_title_from_the_h1_that_agrees_with_the_page_title() -> None:
    head = "<title>延边州召开全州经济工作会议_延边朝鲜族自治州人民政府</title>"
    body = '<a href="/"><h1>延边朝鲜族自治州人民政府</h1></a><h1 class="tit">延边州召开全州经济工作会议</h1>'
    body += f'<div class="TRS_Editor">{ARTICLE}</div>'
    assert clean_html(page(body, head)).title == "延边州召开全州经济工作会议"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("凝心聚力共奋进 务实笃行谱新篇_延边朝鲜族自治州人民政府", "凝心聚力共奋进 务实笃行谱新篇"),
        ("宜春市2022年国民经济和社会发展统计公报 _ 中国宜春", "宜春市2022年国民经济和社会发展统计公报"),
        ("宜春市2022年国民经济和社会发展统计公报 | 中国宜春", "宜春市2022年国民经济和社会发展统计公报"),
        ("延边州人民政府门户网站 - 全州经济运行情况", "全州经济运行情况"),
        ("关于2024年全州经济运行情况的通报-汪清县人民政府", "关于2024年全州经济运行情况的通报"),
        ("2021-2025年规划纲要-汪清县人民政府", "2021-2025年规划纲要"),
        ("——解读延边州政府工作报告", "——解读延边州政府工作报告"),
    ],
)
def test_page_title_without_site_name(title: str, expected: str) -> None:
    assert clean_html(page(f'<div class="TRS_Editor">{ARTICLE}</div>', f"<title>{title}</title>")).title == expected


def test_no_title_anywhere() -> None:
    assert clean_html(f'<div class="TRS_Editor">{ARTICLE}</div>').title is None


@pytest.mark.parametrize(
    ("head", "info", "expected"),
    [
        ('<meta name="PubDate" content="2023-05-16 12:34:05">', "", shanghai(2023, 5, 16, 12, 34, 5)),
        ('<meta name="publishdate" content="2026-01-30">', "", shanghai(2026, 1, 30)),
        ('<meta name="firstpublishedtime" content="2026-01-30 09:35:00">', "", shanghai(2026, 1, 30, 9, 35)),
        ('<meta property="article:published_time" content="2026-01-30T01:35:00Z">', "", shanghai(2026, 1, 30, 9, 35)),
        ("", "发布时间：2026-01-30 09:35", shanghai(2026, 1, 30, 9, 35)),
        ("", "时间：2026年01月30日", shanghai(2026, 1, 30)),
        ("", "日期：2026/01/30", shanghai(2026, 1, 30)),
        ("", "发布日期：２０２６年１月３０日 ０９：３５", shanghai(2026, 1, 30, 9, 35)),
        ("", "<span>发布时间：</span><span>2026-01-30 09:35</span>", shanghai(2026, 1, 30, 9, 35)),
        ('<meta name="PubDate" content="2026-02-30">', "发布时间：2026-01-30", shanghai(2026, 1, 30)),
        ("", "会议时间：2026年2月1日", None),
        ("", "发布时间：2026-13-01", None),
    ],
)
def test_publication_time(head: str, info: str, expected: datetime | None) -> None:
    html = page(f'<div class="info">{info}</div><div class="TRS_Editor">{ARTICLE}</div>', head)
    assert clean_html(html).published_at == expected


def test_publication_time_is_in_shanghai() -> None:
    html = page(f'<div class="TRS_Editor">{ARTICLE}</div>', '<meta name="PubDate" content="2026-01-30 09:35">')
    published = clean_html(html).published_at
    assert published is not None
    assert published.isoformat() == "2026-01-30T09:35:00+08:00"


@pytest.mark.parametrize(
    ("head", "info", "expected"),
    [
        ('<meta name="ContentSource" content="宜春市统计局">', "来源：本网", "宜春市统计局"),
        ("", "发布时间：2026-01-30　来源：延边日报　【字体：大 中 小】", "延边日报"),
        ("", "信息来源：延边州统计局", "延边州统计局"),
        ("", "来源：延边日报发布时间：2026-01-30", "延边日报"),
        ("", "资料来源：本公报中财政数据来自市财政局", None),
    ],
)
def test_source(head: str, info: str, expected: str | None) -> None:
    html = page(f'<div class="info">{info}</div><div class="TRS_Editor">{ARTICLE}</div>', head)
    assert clean_html(html).source == expected


@pytest.mark.parametrize(
    ("info", "expected"), [("责任编辑：金明", "金明"), ("【责任编辑：www】", "www"), ("编者按", None)]
)
def test_editor(info: str, expected: str | None) -> None:
    html = page(f'<div class="TRS_Editor">{ARTICLE}</div><div class="editor">{info}</div>')
    assert clean_html(html).editor == expected


def test_column_from_meta() -> None:
    html = page(f'<div class="TRS_Editor">{ARTICLE}</div>', '<meta name="ColumnName" content="统计公报">')
    assert clean_html(html).column == "统计公报"


@pytest.mark.parametrize(
    "crumb",
    [
        '<div class="crumbs">当前位置：首页 &gt; 新闻中心 &gt; 延边要闻</div>',
        '<div class="position"><a href="/">首页</a> » <a href="/xw/">新闻中心</a> » <a href="/ybyw/">延边要闻</a>'
        " » 正文</div>",
        '<p>您当前的位置：<a href="/">首页</a>&gt;&gt;<a href="/ybyw/">延边要闻</a></p>',
    ],
)
def test_column_from_breadcrumb_leaf(crumb: str) -> None:
    assert clean_html(page(f'{crumb}<div class="TRS_Editor">{ARTICLE}</div>')).column == "延边要闻"


def test_canonical_url() -> None:
    html = page(f'<div class="TRS_Editor">{ARTICLE}</div>', '<link rel="canonical" href="/zwgk/content/post_1.html">')
    document = clean_html(html, "http://www.yanbian.gov.cn/zwgk/content/post_1.html?from=list")
    assert document.url == "http://www.yanbian.gov.cn/zwgk/content/post_1.html?from=list"
    assert document.canonical_url == "http://www.yanbian.gov.cn/zwgk/content/post_1.html"


def test_canonical_url_defaults_to_the_page_url() -> None:
    html = page(f'<div class="TRS_Editor">{ARTICLE}</div>')
    assert clean_html(html, "http://www.yanbian.gov.cn/a.html").canonical_url == "http://www.yanbian.gov.cn/a.html"
    assert clean_html(html).canonical_url is None


# --- rendering --------------------------------------------------------------------------------------------


def body_text(inner: str) -> str:
    return clean_html(page(f'<div class="TRS_Editor">{inner}</div>')).text


def test_numbers_split_across_spans_stay_whole() -> None:
    inner = '<p>全年实现地区生产总值<span>30</span><span lang="EN-US">8525</span>万元，增长<span>6</span>.5%。</p>'
    assert body_text(inner) == "全年实现地区生产总值308525万元，增长6.5%。"


def test_source_line_breaks_vanish_between_chinese_characters_only() -> None:
    # Between "，" and "G", as between "P" and "g", the break is a space, as a browser shows it.
    inner = "<p>全州地区生产总值\n增长6%，一般公共预算收入\n    增长7.5%，\nGDP\ngrowth 良好。</p>"
    assert body_text(inner) == "全州地区生产总值增长6%，一般公共预算收入增长7.5%， GDP growth 良好。"


def test_full_width_characters_are_untouched() -> None:
    assert (
        body_text("<p>增长６．５％，达到１２３４５元（初步统计）。</p>")
        == "增长６．５％，达到１２３４５元（初步统计）。"
    )


def test_indentation_and_inner_whitespace_fold() -> None:
    assert body_text("<p>&nbsp;&nbsp;　　各位代表：</p><p>宜春市统计局 　 国家统计局宜春调查队</p>") == (
        "各位代表：\n宜春市统计局 国家统计局宜春调查队"
    )


def test_line_breaks_split_lines() -> None:
    inner = "<p>万载县统计局    国家统计局万载调查队<br>（2023年5月）</p>"
    assert body_text(inner) == "万载县统计局 国家统计局万载调查队\n（2023年5月）"


def test_data_table_rows_and_cells() -> None:
    inner = (
        f"<p>{P1}</p><table><caption>表1 主要指标</caption>"
        "<tr><th>指标</th><th>2025年</th><th>增长（%）</th></tr>"
        "<tr><td>地区生产总值</td><td><p>1000.5</p></td><td>6.0</td></tr>"
        "<tr><td><p>其中：</p><p>工业</p></td><td></td><td>7.2</td></tr>"
        f"<tr><td></td><td></td><td></td></tr></table><p>{P2}</p>"
    )
    assert body_text(inner) == (
        f"{P1}\n表1 主要指标\n指标 | 2025年 | 增长（%）\n地区生产总值 | 1000.5 | 6.0\n其中： 工业 | | 7.2\n{P2}"
    )


def test_layout_table_is_read_as_paragraphs() -> None:
    assert body_text(f"<table><tr><td>{ARTICLE}</td></tr></table>") == EXPECTED


def test_headings_are_lines() -> None:
    inner = f"<h2>一、总体要求</h2><p>{P1}</p><p><strong>回顾2024年</strong></p><p>{P2}</p>"
    assert body_text(inner) == f"一、总体要求\n{P1}\n回顾2024年\n{P2}"


# --- rejoining broken paragraphs ---------------------------------------------------------------------------

BROKEN_HEAD = "扎实推进“七+N进”民族团结进步创建，选树“延边好人·最美民族团结之星”等先进"
BROKEN_TAIL = "典型，3个集体、3名个人获评全国民族团结进步模范。"


def test_paragraph_broken_in_two_is_rejoined() -> None:
    assert body_text(f"<p>{BROKEN_HEAD}</p><p>{BROKEN_TAIL}</p>") == BROKEN_HEAD + BROKEN_TAIL


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (f"<p>{P1}</p>", f"<p>{BROKEN_TAIL}</p>"),  # the first paragraph is finished
        (f"<p>{BROKEN_HEAD}</p>", "<p>开拓2025年</p>"),  # a title line
        ("<p>回顾2024年</p>", "<p>真抓实干结硕果</p>"),  # two title lines
        ("<p><strong>全方位扩大内需，增强高质量发展内生动力</strong></p>", "<p>着力扩大有效投资，坚持项目为王。</p>"),
        ("<h3>坚持以民为本，惠民先行</h3>", "<p>民生福祉持续改善。</p>"),
        ("<p>一、2020年和“十三五”工作回顾</p>", "<p>过去一年，面对错综复杂的宏观形势。</p>"),
        (f"<p>{BROKEN_HEAD}</p>", "<p>——五年来，我们稳增长、调结构、促转型。</p>"),
        (f"<p>{BROKEN_HEAD}</p>", "<p>（一）应对疫情有力有效。</p>"),
        (
            "<table><tr><td>地区生产总值增长</td><td>6.0</td></tr><tr><td>工业增加值增长</td><td>7.2</td></tr></table>",
            "",
        ),
    ],
)
def test_paragraphs_that_are_not_broken_stay_apart(first: str, second: str) -> None:
    assert len(body_text(first + second).split("\n")) == 2


# --- any input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("html", ["", "   \n ", "<!-- 注释 -->", "<html><body></body></html>", "<p>  </p>"])
def test_empty_pages_give_empty_text(html: str) -> None:
    assert clean_html(html, "http://x.cn/a.html") == CleanDocument(
        text="", url="http://x.cn/a.html", canonical_url="http://x.cn/a.html"
    )


def assert_well_formed(document: CleanDocument) -> None:
    if document.text:
        for line in document.text.split("\n"):
            assert line == line.strip() and line
            assert "  " not in line
            assert len(line.splitlines()) == 1
    if document.published_at is not None:
        assert document.published_at.utcoffset() is not None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_any_string_is_cleaned_without_error(html: str) -> None:
    assert_well_formed(clean_html(html))


_TAGS = st.sampled_from(
    ["p", "div", "span", "a", "b", "strong", "table", "tr", "td", "th", "br", "h1", "h3", "li", "ul", "script",
     "style", "ucapcontent", "caption", "font", "o:p", "meta", "title", "body", "head", "iframe", "nav"]
)  # fmt: skip
_ATTRIBUTES = st.sampled_from(
    ["", ' class="TRS_Editor"', ' id="zoom"', ' class="content"', ' style="display:none"', " hidden",
     ' class="share"', ' name="ContentStart"', ' name="ArticleTitle" content="标题"',
     ' name="PubDate" content="2026-01-30"', ' rel="canonical" href="/a.html"', ' class="article-content"',
     ' class="crumb"']
)  # fmt: skip
_TEXTS = st.sampled_from(
    ["", P1, "发布时间：2026年01月30日", "来源：延边日报", "王雨 摄", "2022-10-06", "30", "8525", "一、总体要求",
     "【字体：大 中 小】", " ", "\n", "&nbsp;", "<!--ContentStart-->", "<!--ContentEnd-->", BROKEN_HEAD, BROKEN_TAIL,
     "&#0;", "当前位置：首页 > 新闻", "\x00"]
)  # fmt: skip


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, attributes, inner, before, after: f"<{tag}{attributes}>{before}{''.join(inner)}{after}</{tag}>",
        _TAGS,
        _ATTRIBUTES,
        st.lists(children, max_size=4),
        _TEXTS,
        _TEXTS,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.recursive(_TEXTS, _element, max_leaves=30), max_size=4))
def test_random_markup_is_cleaned_without_error(parts: list[str]) -> None:
    assert_well_formed(clean_html("".join(parts), "http://www.yanbian.gov.cn/a.html"))
