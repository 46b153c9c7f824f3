"""clean_text: pages saved as plain text, such as the seeds as stored."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.clean import clean_text

SEEDS = Path(__file__).resolve().parent.parent / "src" / "ingest" / "demo_site" / "content" / "seeds"
SEED_000 = (SEEDS / "000_82c341a43f7495af.txt").read_text(encoding="utf-8")
SEED_001 = (SEEDS / "001_87a0047e5aaad651.txt").read_text(encoding="utf-8")


def test_seed_001_info_line_becomes_metadata() -> None:
    document = clean_text(SEED_001)
    assert document.published_at == datetime(2022, 7, 11, 20, 57, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert document.editor == "www"
    assert document.source is None
    assert not document.text.startswith("发布时间")
    assert "责任编辑" not in document.text


def test_seed_001_sidebar_dates_are_dropped_and_the_sign_off_kept() -> None:
    lines = clean_text(SEED_001).text.split("\n")
    assert "2022-10-06" not in lines
    assert lines[-2:] == ["州十五届人大六次会议秘书处", "2021年1月"]


def test_seed_001_title_line() -> None:
    document = clean_text(SEED_001)
    assert document.title == "政府工作报告"
    assert document.text.split("\n")[:5] == [
        "政府工作报告",
        "——2021年1月12日在延边朝鲜族自治州第十五届",
        "人民代表大会第六次会议上",
        "州长 金寿浩",
        "各位代表:",
    ]


def test_seed_000_captions_dropped_and_broken_paragraph_rejoined() -> None:
    document = clean_text(SEED_000)
    lines = document.text.split("\n")
    assert document.title == "凝心聚力共奋进 务实笃行谱新篇"
    assert not [line for line in lines if line.endswith("摄")]
    assert "选树“延边好人·最美民族团结之星”等先进典型，3个集体、3名个人获评全国民族团结进步模范。" in document.text
    # 49 non-blank lines, less 3 captions, less 3 continuation paragraphs joined to the one before.
    assert len(lines) == 43
    assert lines[5:7] == ["回顾2024年", "真抓实干结硕果"]


def test_no_title_unless_obvious() -> None:
    assert clean_text("全州地区生产总值增长6%。\n全州接待游客4511万人次。").title is None
    assert clean_text("延边州2025年国民经济和社会发展统计公报\n延边州统计局").title == (
        "延边州2025年国民经济和社会发展统计公报"
    )


def test_source_and_time_forms() -> None:
    document = clean_text("来源：延边日报　发布日期：2026年01月30日 09:35\n全州地区生产总值增长6%。")
    assert document.source == "延边日报"
    assert document.published_at == datetime(2026, 1, 30, 9, 35, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert document.text == "全州地区生产总值增长6%。"


def test_whitespace_folds_but_characters_stay() -> None:
    text = "\ufeff  　　增长６．５％，  达到  １２３４５元。 \r\n\r\n\t\n各位代表："
    assert clean_text(text).text == "增长６．５％， 达到 １２３４５元。\n各位代表："


def test_empty_text() -> None:
    assert clean_text("").text == ""
    assert clean_text(" \n\n\t").text == ""


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=3000), st.one_of(st.none(), st.just("file:///tmp/a.txt")))
def test_any_text_is_cleaned_without_error(text: str, url: str | None) -> None:
    document = clean_text(text, url)
    assert document.url == url
    for line in document.text.split("\n") if document.text else []:
        assert line and line == line.strip() and "  " not in line and len(line.splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # the bulletin title with a footnote marker
        (
            "宜春市2022年国民经济和社会发展统计公报[1]\n宜春市统计局\n（2023年4月12日）",
            "宜春市2022年国民经济和社会发展统计公报",
        ),
        # 吉林省人民政府's 通告 sets its title over four lines
        (
            "吉林省人民政府关于禁止在\n吉林省嫩江干流补充治理工程建设\n征占地范围内新增建设项目\n和迁入人口的通告\n"
            "吉政明电〔2022〕1号\n为做好吉林省嫩江干流补充治理工程建设，现就有关事项通告如下：",
            "吉林省人民政府关于禁止在吉林省嫩江干流补充治理工程建设征占地范围内新增建设项目和迁入人口的通告",
        ),
        # an issuer's line over a whole title
        (
            "宜春市统计局\n宜春市2022年国民经济和社会发展统计公报\n全年实现地区生产总值3473.12亿元。",
            "宜春市2022年国民经济和社会发展统计公报",
        ),
        # a date line is not part of a title
        ("2024年1月\n各位代表：\n现在，我代表市人民政府作政府工作报告。", None),
    ],
)
def test_title_from_the_first_lines(text: str, title: str | None) -> None:
    assert clean_text(text).title == title


def test_a_text_run_together_on_one_line_is_split_at_its_indents() -> None:
    # a report copied from a page that set paragraphs apart by indents alone: one line, indents between paragraphs
    paragraph = "全区上下团结一心，攻坚克难，各项事业取得新进展。" * 50
    text = f"各位代表： \u2003\u2003一、过去一年工作回顾 \u2003\u2003{paragraph} 二、今年主要任务 {paragraph}"
    assert clean_text(text).text.split("\n") == [
        "各位代表：",
        "一、过去一年工作回顾",
        paragraph,
        "二、今年主要任务",
        paragraph,
    ]


def test_a_run_on_text_broken_into_lines_of_its_own_is_split_all_the_same() -> None:
    paragraph = "全区上下团结一心，攻坚克难，各项事业取得新进展。" * 50
    run_on = f"各位代表： \u2003\u2003一、过去一年工作回顾 \u2003\u2003{paragraph} 二、今年主要任务 {paragraph}"
    # broken every 36 characters or so between two Chinese characters, as a PDF's lines are
    breaks = [0]
    for at in range(1, len(run_on)):
        if at - breaks[-1] >= 36 and run_on[at - 1].isalpha() and run_on[at].isalpha():
            breaks.append(at)
    wrapped = "\n".join(run_on[start:end] for start, end in zip(breaks, [*breaks[1:], len(run_on)], strict=True))
    assert clean_text(wrapped).text == clean_text(run_on).text


def test_a_short_line_keeps_its_spaces() -> None:
    assert clean_text("区长\u3000王某某 各位代表：").text == "区长 王某某 各位代表："
