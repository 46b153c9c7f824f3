"""Page metadata and body classes the real corpus (eval/corpus/pages) showed, in the markup those pages use."""

from __future__ import annotations

from datetime import datetime

import pytest

from ingest.clean import clean_html
from tests.test_clean import ARTICLE, EXPECTED, page, shanghai

BODY = f'<div class="TRS_Editor">{ARTICLE}</div>'


@pytest.mark.parametrize(
    ("label", "day"),
    [("发文日期：", "2023-04-18"), ("生成日期：", "2023-05-11"), ("发布时间：", "2023-04-18")],
)
def test_the_day_the_page_shows_beats_a_meta_pubdate(label: str, day: str) -> None:
    # 宜春 and 万载 (Ucap): the catalog shows 发文日期 / 生成日期 while PubDate holds the time the page was generated
    catalog = (
        f'<dl><dd class="scrq"><label><font>{label}</font></label><div class="display-block">{day}</div></dd></dl>'
    )
    html = page(catalog + BODY, '<meta name="PubDate" content="2023-05-16 12:34:05">')
    published = clean_html(html).published_at
    assert published is not None
    assert published.date().isoformat() == day


def test_a_meta_time_that_agrees_with_the_shown_day_adds_its_time() -> None:
    html = page(
        '<div class="info">发布时间：2025-03-05</div>' + BODY, '<meta name="PubDate" content="2025-03-05 16:30">'
    )
    assert clean_html(html).published_at == shanghai(2025, 3, 5, 16, 30)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        # 长江日报 (TRS): the date stands in the element after the h1, with no label
        (
            '<h1 class="art-title">外媒眼中的武汉长假</h1><div class="art-meta"><span class="pub-time">'
            '2020-10-04 20:30</span> <span class="source">长江日报</span></div>',
            shanghai(2020, 10, 4, 20, 30),
        ),
        # 太原晚报: an empty h2 and the source stand between
        (
            '<h2></h2><h1>居家养老有“医”靠 安宁疗护有温度</h1><h2></h2><p class="ly"><span>来源：太原晚报</span>'
            " <span>2021-11-25 16:26:07</span></p>",
            shanghai(2021, 11, 25, 16, 26, 7),
        ),
        # a body paragraph's date far below the title is not the publication date
        ("<h1>居家养老有医靠</h1>" + "<p>" + "安宁疗护" * 30 + "</p><p>2021年11月25日</p>", None),
    ],
)
def test_the_date_under_the_title(markup: str, expected: datetime | None) -> None:
    assert clean_html(page(markup + BODY)).published_at == expected


def test_an_e_paper_shows_its_issue_day_in_a_bar() -> None:
    bar = '<div class="cb-text"><span id="paperdate">2022年02月13日</span></div>'
    assert clean_html(page(bar + "<h2>“厕所革命”改善农牧区人居环境</h2>" + BODY)).published_at == shanghai(2022, 2, 13)


def test_a_wechat_article_takes_the_time_its_script_writes() -> None:
    html = page(
        '<h2 class="rich_media_title">三星 Galaxy S20 系列手机正式发布</h2><em id="publish_time">昨天</em>' + BODY,
        '<script>var appmsg_type = "9";\n    var ct = "1581517074";</script>',
    )
    assert clean_html(html).published_at == shanghai(2020, 2, 12, 22, 17, 54)


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # 巴彦淖尔 (TRS): the subtitle escaped into ArticleTitle
        (
            '<meta name="ArticleTitle" content="为现代化巴彦淖尔建设凝聚强大智慧和力量'
            '&lt;div&gt;——热烈祝贺市政协五届一次会议开幕&lt;/div&gt;">',
            "",
            "为现代化巴彦淖尔建设凝聚强大智慧和力量",
        ),
        (
            '<meta name="ArticleTitle" content="2024年政府工作报告&ltbr/>——在市第十届人民代表大会第三次会议上">',
            "",
            "2024年政府工作报告",
        ),
        # 西藏日报: a block with "title" in its class holds the title and its subtitle; the h2 holds the title
        (
            "<title>“厕所革命”改善农牧区人居环境</title>",
            '<div class="art-title-box"><h2 class="art-title">“厕所革命”改善农牧区人居环境</h2>'
            '<p class="subtitle">去年改造户用卫生厕所4.66万座</p></div>',
            "“厕所革命”改善农牧区人居环境",
        ),
        # 松花江网: the site name joined by a space, and an h1 holding only the site name
        (
            "<title>土豆不“土” 土豆无“土” 松花江网</title>",
            '<h1 class="none">松花江网</h1><h2>土豆不“土” 土豆无“土”</h2>',
            "土豆不“土” 土豆无“土”",
        ),
        # 大河报: a double dash before the site name
        ("<title>拿起跨界“指挥棒”她跟学生“较着劲儿”成长--大河网</title>", "", "拿起跨界“指挥棒”她跟学生“较着劲儿”成长"),
        # 扬子晚报: "|" inside the headline, shown in a "tit2" block
        (
            "<title>书记市长这一周 | 奋马扬鞭争春色</title>",
            '<div class="tit2">书记市长这一周 | 奋马扬鞭争春色</div>',
            "书记市长这一周 | 奋马扬鞭争春色",
        ),
    ],
)
def test_title_as_the_page_shows_it(head: str, body: str, expected: str) -> None:
    assert clean_html(page(body + BODY, head)).title == expected


def test_a_public_information_catalog_table_is_not_body() -> None:
    # 吉林省人民政府 (信息公开): the catalog restates the document's metadata above it
    catalog = (
        '<table><tr><td class="l1">索 &nbsp;引 号：</td><td>11220000013544357T/2022-00426</td></tr>'
        '<tr><td class="l1">发文机关：</td><td>吉林省人民政府</td></tr>'
        '<tr><td class="l1">标&nbsp;&nbsp;题：</td><td>吉林省人民政府关于…的通告</td></tr>'
        '<tr><td class="l1">发文字号：</td><td>吉政明电〔2022〕1号</td></tr></table>'
    )
    assert clean_html(page(f'<div class="TRS_Editor">{catalog}{ARTICLE}</div>')).text == EXPECTED


def test_a_data_table_stays() -> None:
    table = "<table><tr><td>指标</td><td>数值</td></tr><tr><td>地区生产总值</td><td>3473.12亿元</td></tr></table>"
    assert "地区生产总值 | 3473.12亿元" in clean_html(page(f'<div class="TRS_Editor">{ARTICLE}{table}</div>')).text
