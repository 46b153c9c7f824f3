"""Tests of ingest.sections.split_sections: numbering schemes, nesting, guards, appendices, news titles, offsets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.model import Section
from ingest.sections import split_sections

CONTENT = Path(__file__).resolve().parent.parent / "src" / "ingest" / "demo_site" / "content"
GOLD = Path(__file__).resolve().parent / "fixtures" / "gold" / "sections"

Outline = list[tuple[int, str | None, str, int | None]]


def outline(text: str) -> Outline:
    return [(s.level, s.number, s.heading, s.parent) for s in split_sections(text)]


def headings(text: str) -> list[str]:
    return [s.heading for s in split_sections(text)]


# --- numbering schemes and nesting -------------------------------------------------------------------------------

NESTED = "\n".join(
    [
        "第一部分 总体要求",
        "一、主要目标",
        "（一）经济增长。全年地区生产总值增长6%。",
        "1.工业。规模以上工业增加值增长7%。",
        "（1）装备制造。增长9%。",
        "①汽车。增长12%。",
        "②农机。增长3%。",
        "（2）食品加工。增长4%。",
        "2.服务业。增长5%。",
        "（二）社会事业。",
        "二、重点任务",
        "第二部分 保障措施",
    ]
)


def test_every_scheme_nests_in_the_order_it_opens() -> None:
    assert outline(NESTED) == [
        (1, "第一部分", "总体要求", None),
        (2, "一", "主要目标", 0),
        (3, "（一）", "经济增长", 1),
        (4, "1", "工业", 2),
        (5, "（1）", "装备制造", 3),
        (6, "①", "汽车", 4),
        (6, "②", "农机", 4),
        (5, "（2）", "食品加工", 3),
        (4, "2", "服务业", 2),
        (3, "（二）", "社会事业", 1),
        (2, "二", "重点任务", 0),
        (1, "第二部分", "保障措施", None),
    ]


def test_levels_follow_the_schemes_a_document_uses() -> None:
    text = "一、工作回顾\n1.经济运行。增长6%。\n2.民生改善。增长7%。\n二、工作安排\n1.扩大投资。增长8%。"
    assert outline(text) == [
        (1, "一", "工作回顾", None),
        (2, "1", "经济运行", 0),
        (2, "2", "民生改善", 0),
        (1, "二", "工作安排", None),
        (2, "1", "扩大投资", 3),
    ]


def test_chapters_and_sections() -> None:
    text = "第一章 总则\n第一节 一般规定\n本办法适用于全州。\n第二节 职责分工\n各部门按职责办理。\n第二章 附则"
    assert outline(text) == [
        (1, "第一章", "总则", None),
        (2, "第一节", "一般规定", 0),
        (2, "第二节", "职责分工", 0),
        (1, "第二章", "附则", None),
    ]


@pytest.mark.parametrize(
    ("line", "number", "heading"),
    [
        ("（一）应对疫情有力有效。及时启动重大突发公共卫生事件应急响应。", "（一）", "应对疫情有力有效"),
        ("(一)应对疫情有力有效。及时启动重大突发公共卫生事件应急响应。", "(一)", "应对疫情有力有效"),
        ("1.加快项目建设。实施5000万元以上项目420个。", "1", "加快项目建设"),
        ("1．加快项目建设。实施5000万元以上项目420个。", "1", "加快项目建设"),
        ("1、加快项目建设。实施5000万元以上项目420个。", "1", "加快项目建设"),
        ("（1）加快项目建设。实施5000万元以上项目420个。", "（1）", "加快项目建设"),
        ("(1)加快项目建设。实施5000万元以上项目420个。", "(1)", "加快项目建设"),
        ("1）加快项目建设。实施5000万元以上项目420个。", "1）", "加快项目建设"),
        ("①加快项目建设。实施5000万元以上项目420个。", "①", "加快项目建设"),
    ],
)
def test_label_and_heading_as_written(line: str, number: str, heading: str) -> None:
    text = f"一、总体安排\n{line}\n二、保障措施"
    assert outline(text)[1][1:3] == (number, heading)


def test_heading_ends_at_a_colon_and_label_spacing_is_dropped() -> None:
    text = "一、 过去五年工作回顾\n二、主要预期目标：地区生产总值增长6%左右。"
    assert headings(text) == ["过去五年工作回顾", "主要预期目标"]


def test_standalone_ordinal_lines_are_headings() -> None:
    text = "\n".join(
        [
            "三、加快社会主义经济建设",
            "　　要把规划变为现实，我们还必须采取有力措施。",
            "第一，全国动员，大办农业",
            "　　农业是国民经济的基础。",
            "第二，加快发展基础工业，发挥工业的主导作用",
            "　　随着国民经济向现代化迈进，工业的主导作用越来越显著。",
            "四、繁荣社会主义科学教育文化事业",
        ]
    )
    assert outline(text) == [
        (1, "三", "加快社会主义经济建设", None),
        (2, "第一", "全国动员，大办农业", 0),
        (2, "第二", "加快发展基础工业，发挥工业的主导作用", 0),
        (1, "四", "繁荣社会主义科学教育文化事业", None),
    ]


# --- guards against false headings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "一是坚持稳中求进，经济运行稳中向好。",
        "1.5倍的增长主要来自固定资产投资。",
        "2021年，全州经济运行稳中向好。",
        "1月7日至10日，两会在延吉召开。",
        "12.8%的增速居全省第一。",
        "一、二、三产业协调发展，结构持续优化。",
        "二、三季度经济增速逐季回升。",
        "1、2月份规模以上工业增加值增长8%。",
        "一、三年来的斗争和新时期的总任务；二、把揭批“四人帮”的斗争进行到底；三、加快社会主义经济建设。",
        "（一）稳增长；（二）促改革；（三）调结构。",
        "报告分六个部分：一、三年来的斗争和新时期的总任务；二、把揭批“四人帮”的斗争进行到底。",
        "第一，必须坚持解放思想。解放思想、实事求是是我们党的思想路线。",
    ],
)
def test_running_text_is_not_a_heading(line: str) -> None:
    text = f"一、工作回顾\n过去一年，全州经济运行稳中向好。\n{line}\n二、工作安排\n今年要着力扩大有效投资。"
    assert outline(text) == [(1, "一", "工作回顾", None), (1, "二", "工作安排", None)]


def test_a_numeral_out_of_sequence_is_not_a_heading() -> None:
    text = "一、工作回顾\n正文。\n三、十大民生工程全部完成\n正文。\n二、工作安排\n正文。"
    assert [number for _, number, _, _ in outline(text)] == ["一", "二"]


def test_a_gap_confirmed_by_the_next_heading_is_kept() -> None:
    text = "一、工作回顾\n正文。\n三、工作安排\n正文。\n四、政府建设\n正文。"
    assert [number for _, number, _, _ in outline(text)] == ["一", "三", "四"]


def test_a_numbered_list_in_the_preamble_is_not_the_top_level() -> None:
    text = (
        "各位代表：\n1.本报告所称全州，指延边州。\n2.本报告数据均为初步统计。\n"
        + "一、工作回顾\n正文。\n二、工作安排\n正文。"
    )
    assert outline(text) == [(1, "一", "工作回顾", None), (1, "二", "工作安排", None)]


def test_plain_paragraphs_have_no_sections() -> None:
    text = "一是坚持稳中求进。\n二是深化改革开放，增强发展活力。\n全年地区生产总值增长1.5倍，完成2021年目标。"
    assert split_sections(text) == []


# --- closing words and appendices --------------------------------------------------------------------------------

REPORT = "\n".join(
    [
        "政府工作报告",
        "各位代表：",
        "一、过去一年的工作",
        "全州地区生产总值增长6%。",
        "（一）经济运行稳中向好。规模以上工业增加值增长7%。",
        "二、今年的主要任务",
        "着力扩大有效投资。",
        "各位代表，让我们砥砺前行！",
        "州十五届人大六次会议秘书处",
        "2021年1月",
        "附件1：名词解释",
        "1.高标准农田：指田块平整、集中连片的农田。",
        "2.两区：指粮食生产功能区和重要农产品生产保护区。",
        "附件：",
    ]
)


def test_closing_words_end_the_body_and_appendices_stay_out_of_the_tree() -> None:
    sections = split_sections(REPORT)
    assert [(s.level, s.number, s.heading, s.kind, s.parent) for s in sections] == [
        (1, "一", "过去一年的工作", "body", None),
        (2, "（一）", "经济运行稳中向好", "body", 0),
        (1, "二", "今年的主要任务", "body", None),
        (1, None, "附件1：名词解释", "appendix", None),
    ]
    closing = "各位代表，让我们砥砺前行！"
    assert sections[2].end == REPORT.index(closing) + len(closing)
    last_note = "2.两区：指粮食生产功能区和重要农产品生产保护区。"
    assert sections[3].end == REPORT.index(last_note) + len(last_note)


def test_notes_after_a_bulletin_are_appendices() -> None:
    text = "\n".join(
        [
            "一、综合",
            "全年实现地区生产总值3473.12亿元。",
            "二、农业",
            "全年农业总产值613.22亿元。",
            "注释：",
            "1.本公报中数据均为初步统计数。",
            "2.地区生产总值绝对数按现价计算。",
            "资料来源：",
            "本公报中财政数据来自市财政局。",
        ]
    )
    assert [(s.number, s.heading, s.kind) for s in split_sections(text)] == [
        ("一", "综合", "body"),
        ("二", "农业", "body"),
        (None, "注释", "appendix"),
        (None, "资料来源", "appendix"),
    ]


def test_a_note_inside_the_body_does_not_end_it() -> None:
    text = "一、综合\n表1 主要指标\n注：\n数据为初步统计。\n二、农业\n全年农业总产值613.22亿元。"
    assert [(s.number, s.kind) for s in split_sections(text)] == [("一", "body"), ("二", "body")]


# --- news title lines --------------------------------------------------------------------------------------------

NEWS = "\n".join(
    [
        "凝心聚力共奋进 务实笃行谱新篇",
        "——解读延边州政府工作报告",
        "冬日的暖阳照耀着延边大地，处处涌动着砥砺奋进的磅礴伟力，孕育着高质量发展的无限希望。",
        "",
        "回顾2024年",
        "",
        "真抓实干结硕果",
        "",
        "坚持干字当头、合力攻坚，经济运行向上向好。牢牢扭住发展第一要务，千方百计扩投资、促消费、活外贸。牢牢扭住发展第一要务，千方百计扩投资、促消费、活外贸。",
        "1月8日，延边朝鲜族自治州第十六届人民代表大会第五次会议在延吉工人文化宫隆重开幕。王雨 摄",
        "开拓2025年",
        "初心如磐启新程",
        "2025年是“十四五”规划的收官之年，也是“十五五”规划的谋定之年，做好各项工作意义重大。",
        "立足本职善作为 建言献策促发展",
        "政协委员参加分组讨论。孙扬 摄",
    ]
)


def test_news_title_lines_are_level_one_headings() -> None:
    assert outline(NEWS) == [
        (1, None, "凝心聚力共奋进 务实笃行谱新篇 ——解读延边州政府工作报告", None),
        (1, None, "回顾2024年 真抓实干结硕果", None),
        (1, None, "开拓2025年 初心如磐启新程", None),
        (1, None, "立足本职善作为 建言献策促发展", None),
    ]


def test_news_section_runs_to_the_next_title() -> None:
    sections = split_sections(NEWS)
    caption = "隆重开幕。王雨 摄"
    assert sections[1].start == NEWS.index("回顾2024年")
    assert sections[1].end == NEWS.index(caption) + len(caption)


OPENING = "1月8日上午，延边朝鲜族自治州第十六届人民代表大会第五次会议在延吉工人文化宫开幕，代表们建言献策。"


@pytest.mark.parametrize(
    "text",
    [
        # a paragraph broken across columns: the short tail is not a title
        "扩大高水平对外开放，全方位提升要素\n集聚能力\n畅通开放通道，加快建设双日峰口岸、圈河口岸专用道路，争取7个口岸类国债项目获批。",
        # byline and date lines
        "本报记者 王雨\n" + OPENING,
        "2025年1月10日\n" + OPENING,
        # a photo credit
        "王雨 摄\n" + OPENING,
        # a menu: too many short lines in a row
        "首页\n政务公开\n统计数据\n统计公报\n2022年，全市上下坚持稳中求进工作总基调，经济运行总体平稳、稳中有进。",
        # a short line with nothing to head
        "坚守为民初心 践行使命担当\n人大代表",
    ],
)
def test_lines_that_are_not_news_titles(text: str) -> None:
    assert split_sections(text) == []


# --- offsets -----------------------------------------------------------------------------------------------------


def test_offsets_point_at_the_label_and_exclude_trailing_blank_lines() -> None:
    text = (
        "　　各位代表：\n\n　　一、工作回顾\n\n　　（一）经济运行稳中向好。增长6%。\n\n\n"
        "　　二、工作安排\n\n　　今年增长6%左右。\n\n"
    )
    first, child, second = split_sections(text)
    assert text[first.start :].startswith("一、工作回顾")
    assert text[child.start :].startswith("（一）经济运行稳中向好")
    assert text[first.start : first.end] == "一、工作回顾\n\n　　（一）经济运行稳中向好。增长6%。"
    assert child.end == first.end
    assert text[second.start : second.end] == "二、工作安排\n\n　　今年增长6%左右。"


# --- dev documents against their hand-checked gold ---------------------------------------------------------------


def _gold_text(gold: dict[str, object]) -> str:
    path = CONTENT / str(gold["document"])
    if gold["text_from"] == "file":
        return path.read_text(encoding="utf-8")
    field = str(gold["text_from"]).removeprefix("json:")
    text: str = json.loads(path.read_text(encoding="utf-8"))[field]
    return text


TEXT_GOLD = [
    path
    for path in sorted(GOLD.glob("*.json"))
    if not json.loads(path.read_text(encoding="utf-8"))["text_from"].startswith("html:")
]


@pytest.mark.parametrize("gold_path", TEXT_GOLD, ids=[path.stem for path in TEXT_GOLD])
def test_dev_document_headings_match_the_gold(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    expected = [(h["level"], h["number"], h["heading"], h["kind"]) for h in gold["headings"]]
    sections = split_sections(_gold_text(gold))
    found = [(s.level, s.number, s.heading, s.kind) for s in sections if s.level <= gold["depth"]]
    assert found == expected


def test_seed_report_body_ends_at_the_secretariat_line() -> None:
    text = (CONTENT / "seeds" / "001_87a0047e5aaad651.txt").read_text(encoding="utf-8")
    sections = split_sections(text)
    assert max(s.end for s in sections) < text.index("州十五届人大六次会议秘书处")
    assert text[sections[0].start :].startswith("一、2020年和“十三五”工作回顾")


# --- properties --------------------------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "一、",
        "二、",
        "三、",
        "十一、",
        "（一）",
        "(二)",
        "1.",
        "2．",
        "3、",
        "（1）",
        "(2)",
        "1）",
        "①",
        "②",
        "第一部分",
        "第二章",
        "第一，",
        "附件1：",
        "注释：",
        "资料来源",
        "秘书处",
        "2021年1月",
        "回顾2024年",
        "王雨 摄",
        "工作回顾",
        "。",
        "，",
        "；",
        "：",
        " ",
        "\u3000",
        "\n",
        "\n\n",
        "\r\n",
        "1.5",
        "全州地区生产总值增长6%，经济运行稳中向好。",
    ]
)
_TEXTS = st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=60).map("".join))


def _check_invariants(text: str, sections: list[Section]) -> None:
    for ordinal, section in enumerate(sections):
        assert section.ordinal == ordinal
        assert 0 <= section.start < section.end <= len(text)
        assert section.level >= 1 and section.heading
        if section.kind == "appendix":
            assert section.level == 1 and section.parent is None
        if section.parent is None:
            assert section.level == 1
        else:
            parent = sections[section.parent]
            assert section.parent < ordinal and parent.level == section.level - 1
            assert parent.start <= section.start and section.end <= parent.end


@given(_TEXTS)
def test_any_text_gives_consistent_sections(text: str) -> None:
    _check_invariants(text, split_sections(text))


def test_invariants_hold_on_the_examples() -> None:
    for text in (NESTED, REPORT, NEWS):
        _check_invariants(text, split_sections(text))


REVIEW = "回顾2024年\n真抓实干结硕果\n坚持干字当头、合力攻坚，经济运行向上向好。千方百计扩投资、促消费、活外贸。\n"
# a paragraph a multi-column layout cut mid-sentence
FRAGMENT = (
    "紧盯镇村自然资源、文化历史等可发掘点位，精准化、科学化谋划设计研学文旅线路，切实为示范村打造提供底蕴支撑和\n"
)
OUTLOOK_BODY = "加快培育新质生产力，构建现代化产业体系。培育新兴产业，布局未来产业，推动传统产业转型升级。\n"


def test_a_kicker_and_title_pair_may_follow_a_paragraph_cut_by_the_page_layout() -> None:
    text = REVIEW + FRAGMENT + "开拓2025年\n初心如磐启新程\n" + OUTLOOK_BODY
    headings = [s.heading for s in split_sections(text)]
    assert headings == ["回顾2024年 真抓实干结硕果", "开拓2025年 初心如磐启新程"]


def test_a_single_title_line_after_a_fragment_is_not_a_heading() -> None:
    text = REVIEW + FRAGMENT + "初心如磐启新程\n" + OUTLOOK_BODY
    assert [s.heading for s in split_sections(text)] == ["回顾2024年 真抓实干结硕果"]


def test_a_headline_ending_the_page_is_a_section() -> None:
    text = REVIEW + "坚守为民初心 践行使命担当\n" + OUTLOOK_BODY + "立足本职善作为 建言献策促发展"
    sections = split_sections(text)
    assert [s.heading for s in sections][-1] == "立足本职善作为 建言献策促发展"
    assert text[sections[-1].start : sections[-1].end] == "立足本职善作为 建言献策促发展"


# --- unnumbered part headings of a report (issue 13) ----------------------------------------------------------------

# Constructed (no report in the material we may use writes its parts unnumbered): the shape issue 13 reports from
# unseen prefecture reports, a year heading per part and a numbered list under each that starts again at （一）.
UNNUMBERED_PARTS = "\n".join(
    [
        "各位代表：",
        "现在，我代表市人民政府，向大会报告政府工作，请予审议，并请市政协委员和其他列席人员提出意见。",
        "2024年工作回顾",
        "过去一年，面对复杂严峻的外部环境，全市上下攻坚克难，全市地区生产总值增长5.1%，一般公共预算收入增长3%。",
        "（一）坚持稳中求进，经济运行回升向好。全年规模以上工业增加值增长6%，固定资产投资增长4%。",
        "（二）坚持改革创新，发展动能持续增强。新增高新技术企业120家。",
        "2025年工作安排",
        "今年经济社会发展的主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%。",
        "（一）着力扩大有效需求。社会消费品零售总额增长6%。",
        "（二）着力推进产业升级。规模以上工业增加值增长7%。",
    ]
)


def test_unnumbered_part_headings_are_the_top_level_and_each_list_restarts() -> None:
    assert outline(UNNUMBERED_PARTS) == [
        (1, None, "2024年工作回顾", None),
        (2, "（一）", "坚持稳中求进，经济运行回升向好", 0),
        (2, "（二）", "坚持改革创新，发展动能持续增强", 0),
        (1, None, "2025年工作安排", None),
        (2, "（一）", "着力扩大有效需求", 3),
        (2, "（二）", "着力推进产业升级", 3),
    ]


@pytest.mark.parametrize("line", ["2024年工作回顾", "2025年主要预期目标", "今年工作安排", "“十四五”时期主要成就"])
def test_part_headings(line: str) -> None:
    text = f"{line}\n正文。\n2026年重点工作\n正文。"
    assert headings(text) == [line, "2026年重点工作"]


def test_one_part_heading_alone_leaves_the_numbered_top_level() -> None:
    # the national report of 2025 numbers its parts: "一、2024年工作回顾" is a numbered heading, not a part line
    text = "一、2024年工作回顾\n正文。\n二、2025年经济社会发展总体要求和政策取向\n正文。\n2025年主要预期目标\n正文。"
    assert [number for _, number, _, _ in outline(text)] == ["一", "二"]


def test_a_list_annexed_to_a_report_and_numbered_again_is_not_its_parts() -> None:
    text = "\n".join(
        [
            "一、过去一年工作回顾",
            "全市经济稳中有进。",
            "二、今年工作安排",
            "今年要抓好以下工作。",
            "名词解释",
            "1.新质生产力：以创新起主导作用的生产力。",
            "附件",
            "2025年十件民生实事",
            "一、稳定和扩大就业",
            "年度目标：城镇新增就业5万人。",
            "二、提升养老服务",
            "年度目标：新增养老床位800张。",
            "三、改善农村人居环境",
            "年度目标：新建农村户厕1000个。",
        ]
    )
    top = [s.heading for s in split_sections(text) if s.kind == "body" and s.level == 1]
    assert top == ["过去一年工作回顾", "今年工作安排"]
