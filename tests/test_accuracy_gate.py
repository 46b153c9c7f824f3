"""The accuracy gate on the real corpus (eval/corpus), as trafilatura gates its evaluation.

Every document with gold must score at least its recorded baseline (``eval/baseline.json``) in figure F1,
top-level heading F1 and page checks. Raising the baseline is a commit of its own
(``python -m eval.corpus_eval --write-baseline``). Timing is measured in bench/, never here.

The gold itself is checked too: it was written by reading the documents (``eval/GOLD.md``), so every quote it
gives must stand in its document, and every row must use the protocol's vocabulary.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from eval import corpus_eval, metamorphic

BASELINE: dict[str, dict[str, Any]] = json.loads(corpus_eval.BASELINE.read_text(encoding="utf-8"))
FLOOR: dict[str, Any] = json.loads(metamorphic.FLOOR.read_text(encoding="utf-8"))
CATALOG = corpus_eval.load_catalog()
GOLD = {entry["stem"]: corpus_eval.load_gold(entry["stem"]) for entry in CATALOG}
SCOPE = {
    "GDP", "GDP_PER_CAPITA", "VA_PRIMARY", "VA_SECONDARY", "VA_TERTIARY", "INDUSTRIAL_VA",
    "FIXED_ASSET_INVESTMENT", "RETAIL_SALES", "FOREIGN_TRADE", "EXPORTS", "BUDGET_REVENUE", "INCOME_URBAN",
    "INCOME_RURAL", "INCOME_ALL", "CPI", "UNEMPLOYMENT_REGISTERED", "UNEMPLOYMENT_SURVEYED", "NEW_URBAN_JOBS",
}  # fmt: skip


@pytest.fixture(scope="module")
def scores() -> dict[str, corpus_eval.DocumentScore]:
    return {score.stem: score for score in corpus_eval.score_corpus()}


@pytest.mark.parametrize("stem", sorted(BASELINE))
def test_no_document_scores_below_its_baseline(stem: str, scores: dict[str, corpus_eval.DocumentScore]) -> None:
    baseline, score = BASELINE[stem], scores[stem]
    assert round(score.figures.f1, 4) >= baseline["figures_f1"], [corpus_eval._describe_gold(m) for m in score.misses]
    assert round(score.headings.f1, 4) >= baseline["heading_f1"], (score.missed_headings, score.invented_headings)
    if baseline["page_checks_passed"] is not None:
        assert score.page is not None
        assert score.page.passed >= baseline["page_checks_passed"], score.page.failed()


def test_every_gold_document_is_held_by_the_baseline() -> None:
    assert {stem for stem, gold in GOLD.items() if gold is not None} == set(BASELINE)


@pytest.mark.parametrize("stem", sorted(stem for stem, gold in GOLD.items() if gold is not None))
def test_gold_follows_the_protocol(stem: str) -> None:
    gold = GOLD[stem]
    assert gold is not None
    entry = next(e for e in CATALOG if e["stem"] == stem)
    assert set(gold["indicators"]) == SCOPE
    for row in gold["metrics"]:
        assert row["indicator"] in SCOPE, row
        assert row["kind"] in ("actual", "estimate", "target"), row
        assert row["measure"] in ("growth", "level"), row
        assert row["basis"] in ("annual", "average_annual", "cumulative"), row
        assert isinstance(Decimal(str(row["value"])), Decimal)
        assert len(row["period"]) in (4, 9), row
    assert corpus_eval.missing_quotes(gold, corpus_eval.CORPUS / entry["file"]) == []
    page = gold.get("page")
    assert (page is not None) == corpus_eval.is_page(corpus_eval.CORPUS / entry["file"])
    if page is not None:
        assert len(page["published"]) == 10, page


def test_results_name_the_keys_the_issue_asks_for(scores: dict[str, corpus_eval.DocumentScore]) -> None:
    result = corpus_eval.summary(list(scores.values()), CATALOG)
    assert {
        "documents", "provinces", "prefecture_or_county_documents", "pages", "cms_platforms", "figures_precision",
        "figures_recall", "figures_f1", "min_document_f1", "heading_f1", "page_checks_passed",
        "page_checks_total", "trafilatura_page_checks_passed",
    } <= set(result)  # fmt: skip
    assert result["gold_documents"] == len(BASELINE)


PAGE_GOLD = {
    "title": "某市2023年政府工作报告",
    "published": "2023-01-16",
    "first_sentence": "现在，我代表市人民政府",
    "last_sentence": "为全面建设社会主义现代化国家作出新的更大贡献！",
}
BODY = "各位代表：\n现在，我代表市人民政府，向大会报告工作。\n……\n为全面建设社会主义现代化国家作出新的更大贡献！"


def test_page_checks_pass_a_clean_extraction() -> None:
    checks = corpus_eval.page_checks("某市 2023年政府工作报告", "2023-01-16T09:30:00+08:00", BODY, PAGE_GOLD)
    assert checks.passed == 4


def test_page_checks_fail_each_defect_on_its_own() -> None:
    furniture = "\n相关链接 " + "打印本页 关闭窗口 " * 30
    assert corpus_eval.page_checks(
        "某市2023年政府工作报告——在市人大会议上", "2023-01-16", BODY, PAGE_GOLD
    ).failed() == ["title"]
    assert corpus_eval.page_checks(PAGE_GOLD["title"], "2023-01-17", BODY, PAGE_GOLD).failed() == ["published"]
    assert corpus_eval.page_checks(PAGE_GOLD["title"], None, BODY, PAGE_GOLD).failed() == ["published"]
    assert corpus_eval.page_checks(PAGE_GOLD["title"], "2023-01-16", BODY + furniture, PAGE_GOLD).failed() == [
        "last_sentence"
    ]
    assert corpus_eval.page_checks(PAGE_GOLD["title"], "2023-01-16", PAGE_GOLD["title"], PAGE_GOLD).failed() == [
        "first_sentence",
        "last_sentence",
    ]


def test_headings_match_on_their_text_whatever_the_spacing() -> None:
    counts, missed, invented = corpus_eval._multiset_counts(
        [corpus_eval._key("2022年 工作回顾"), corpus_eval._key("附件")],
        [corpus_eval._key("2022年工作回顾"), corpus_eval._key("2023年工作安排")],
    )
    assert (counts.matched, counts.predicted, counts.gold) == (1, 2, 2)
    assert missed == ["2023年工作安排"] and invented == ["附件"]


@pytest.fixture(scope="module")
def metamorphic_scores() -> dict[str, Any]:
    return metamorphic.summary(metamorphic.evaluate(metamorphic.load_documents()))


@pytest.mark.parametrize("transformation", sorted(FLOOR["per_transformation"]))
def test_no_metamorphic_transformation_scores_below_its_floor(
    transformation: str, metamorphic_scores: dict[str, Any]
) -> None:
    # `make eval-metamorphic` lists the rows lost and invented
    assert metamorphic_scores["per_transformation"][transformation] >= FLOOR["per_transformation"][transformation]


def test_metamorphic_f1_holds_its_floor(metamorphic_scores: dict[str, Any]) -> None:
    assert metamorphic_scores["overall_f1"] >= FLOOR["overall_f1"]
    assert set(metamorphic_scores["per_transformation"]) >= set(FLOOR["per_transformation"])


def _rewrite(name: str, text: str) -> str:
    (transformation,) = [t for t in metamorphic.TRANSFORMATIONS if t.name == name]
    return transformation.prose(text)


def test_the_year_shift_moves_years_dates_and_plans_together_and_nothing_else() -> None:
    text = "“十三五”时期（2016—2020年），发布时间:2021-01-12，2020年地区生产总值2020亿元，增长5%。"
    assert _rewrite("years+5", text) == (
        "“十四五”时期（2021—2025年），发布时间:2026-01-12，2025年地区生产总值2020亿元，增长5%。"
    )
    row = {"period": "2016-2020"}
    (shift,) = [t for t in metamorphic.TRANSFORMATIONS if t.name == "years-5"]
    assert shift.row(dict(row)) == {"period": "2011-2015"}


def test_the_level_change_rewrites_the_region_and_its_organs_but_not_words_that_contain_its_level() -> None:
    document = metamorphic.Document("d", "seed", "", None, "宜春市", [], None)
    (level,) = [t for t in metamorphic.TRANSFORMATIONS if t.name == "level→旗"]
    assert level.for_document is not None
    concrete = level.for_document(document)
    assert concrete is not None
    text = "宜春市人民政府：全市城市建设和市场主体增长，市委、市政府部署，市级收入增长，我市居民增收。"
    assert (
        concrete.prose(text)
        == "宜春旗人民政府：全旗城市建设和市场主体增长，旗委、旗政府部署，旗级收入增长，我旗居民增收。"
    )
