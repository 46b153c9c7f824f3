"""How well ``ingest.clean.clean_html`` keeps the article and drops the page, beside trafilatura.

Run ``.venv/bin/python eval/clean_eval.py``. For every dev page with a gold file in
``tests/fixtures/gold/clean/`` (the seeds wrapped in five CMS templates, built by
``tests/fixtures/pages/build.py``, and the two saved portal pages of the corpus) it prints:

- body precision and recall by character: the output's and the gold's paragraphs are aligned with difflib
  (identical paragraphs first, then character by character inside the blocks that differ); whitespace does
  not count, so a paragraph split or joined differently costs nothing, a missing or extra character does;
  and the share of gold paragraphs the output has exactly, whitespace included ("lines");
- title and publication time exact (source, editor, column and canonical URL are listed when they differ);
- chrome leaks: furniture strings (字体, 打印本页, 关闭窗口, ICP备, 网站标识码, 责任编辑, 分享到, …), photo
  caption lines ending in 摄 and date-only lines, none of which may appear in the output;
- top-level heading precision and recall of ``ingest.sections.split_sections`` on our text, against the
  section gold the clean gold names (skipped when that module is not there);
- the same body and title/date figures for trafilatura (``bare_extraction`` with default settings, i.e.
  neither favor_precision nor favor_recall, metadata on; its date has day precision, so only the day is
  compared), and milliseconds per page for both (best of several runs, from the decoded string).

Exits non-zero unless title and date are exact everywhere, nothing leaks, and overall body precision and
recall are at least 0.98 on these pages. When the demo site's renderer (``ingest.demo_site``) is present, its
article pages are scored the same way against the articles they were rendered from, for information only.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trafilatura
from trafilatura.settings import Document as TrafilaturaDocument

from eval.scoring import Counts
from ingest.clean import clean_html
from ingest.encoding import decode_html

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "tests" / "fixtures" / "gold" / "clean"
SECTIONS_GOLD_DIR = ROOT / "tests" / "fixtures" / "gold" / "sections"
TIMING_RUNS = 15
TARGET = 0.98

CHROME_STRINGS = (
    "字体",
    "字号",
    "打印本页",
    "关闭窗口",
    "关闭本页",
    "返回顶部",
    "ICP备",
    "网站标识码",
    "公网安备",
    "版权所有",
    "主办：",
    "承办：",
    "责任编辑",
    "分享到",
    "扫一扫",
    "当前位置",
    "上一篇",
    "下一篇",
    "发布时间",
    "浏览次数",
    "相关新闻",
    "热点新闻",
    "网站地图",
)
CHROME_LINES = (
    ("caption", re.compile(r"\S\s*摄[）)]?$")),
    ("date line", re.compile(r"^[\[(（【]?\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+[\d:]+)?\s*[\])）】]?$")),
)


@dataclass(frozen=True, slots=True)
class Result:
    body: Counts
    title: bool
    date: bool
    milliseconds: float


def character_overlap(predicted: list[str], gold: list[str]) -> Counts:
    """Characters (whitespace left out) the two paragraph lists share, aligned in order."""
    predicted = ["".join(paragraph.split()) for paragraph in predicted if paragraph.strip()]
    gold = ["".join(paragraph.split()) for paragraph in gold if paragraph.strip()]
    matched = 0
    paragraphs = difflib.SequenceMatcher(None, predicted, gold, autojunk=False)
    for tag, p_start, p_end, g_start, g_end in paragraphs.get_opcodes():
        if tag == "equal":
            matched += sum(len(paragraph) for paragraph in predicted[p_start:p_end])
        elif tag == "replace":
            characters = difflib.SequenceMatcher(
                None, "".join(predicted[p_start:p_end]), "".join(gold[g_start:g_end]), autojunk=False
            )
            matched += sum(block.size for block in characters.get_matching_blocks())
    return Counts(matched, sum(map(len, predicted)), sum(map(len, gold)))


def exact_lines(predicted: list[str], gold: list[str]) -> float:
    """Share of the gold paragraphs found verbatim, in order, among the output lines."""
    matcher = difflib.SequenceMatcher(None, predicted, gold, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(gold) if gold else 1.0


def chrome_leaks(text: str, gold_body: list[str]) -> list[str]:
    """Furniture found in ``text``; a string that the gold body itself contains is not furniture."""
    gold_text = "\n".join(gold_body)
    leaks = [string for string in CHROME_STRINGS if string in text and string not in gold_text]
    for name, pattern in CHROME_LINES:
        leaks.extend(f"{name}: {line}" for line in text.split("\n") if pattern.search(line) and line not in gold_body)
    return leaks


def best_milliseconds(function: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(TIMING_RUNS):
        began = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - began)
    return best * 1000


def heading_scorer() -> Callable[[str, str], tuple[int, int, int]] | None:
    """(matched, predicted, gold) top-level headings of our text, or None without ingest.sections."""
    try:
        sections = importlib.import_module("ingest.sections")
        sections_eval = importlib.import_module("eval.sections_eval")
    except ImportError:
        return None

    def score(text: str, gold_name: str) -> tuple[int, int, int]:
        gold = sections_eval.load_gold(SECTIONS_GOLD_DIR / f"{gold_name}.json")
        scores = sections_eval.heading_scores(sections.split_sections(text), gold.headings, gold.depth)
        return scores.top.matched, scores.top.predicted, scores.top.gold

    return score


def trafilatura_result(html: str, gold: dict[str, Any]) -> Result:
    document = trafilatura.bare_extraction(html, url=gold["url"], with_metadata=True)
    fields: dict[str, Any] = document.as_dict() if isinstance(document, TrafilaturaDocument) else {}
    text = fields.get("text") or ""
    title = fields.get("title")
    date = fields.get("date")
    return Result(
        body=character_overlap(text.split("\n"), gold["body"]),
        title=title == gold["title"],
        date=(date or "")[:10] == gold["published_at"][:10],
        milliseconds=best_milliseconds(lambda: trafilatura.bare_extraction(html, url=gold["url"], with_metadata=True)),
    )


def demo_site_report() -> None:
    """Score the demo site's rendered article pages against their own articles, if the demo site exists."""
    try:
        content = importlib.import_module("ingest.demo_site.content")
        render = importlib.import_module("ingest.demo_site.render")
    except ImportError:
        print("demo site: ingest.demo_site not available, skipped")
        return
    total = Counts(0, 0, 0)
    exact = pages = 0
    leaks: list[str] = []
    for template in ("trs", "second"):
        for article in content.default_articles(template):
            if article.raw_html is not None:  # a saved corpus page, scored above
                continue
            document = clean_html(decode_html(render.render_article(article)))
            gold = [paragraph.text for paragraph in article.paragraphs if paragraph.kind != "caption"]
            total += character_overlap(document.text.split("\n"), gold)
            pages += 1
            exact += document.title == article.title and document.published_at == article.published
            leaks.extend(f"{article.path}: {leak}" for leak in chrome_leaks(document.text, gold))
    print(
        f"demo site: {pages} rendered pages, body P {total.precision:.3f} R {total.recall:.3f},"
        f" title and date exact on {exact}, {len(leaks)} leaks"
    )
    for leak in leaks:
        print(f"    leak {leak}")


def main() -> int:
    score_headings = heading_scorer()
    ours_total = theirs_total = Counts(0, 0, 0)
    headings_total = [0, 0, 0]
    failures: list[str] = []
    header = f"{'page':26} {'KB':>4} {'P':>6} {'R':>6} {'lines':>6} {'title':>5} {'date':>5} {'leaks':>5} {'ms':>6}"
    header += f" {'head P':>6} {'head R':>6}" if score_headings else ""
    header += f" | {'traf P':>6} {'traf R':>6} {'title':>5} {'day':>5} {'ms':>6}"
    print(header)
    our_ms: list[float] = []
    their_ms: list[float] = []
    for gold_path in sorted(GOLD_DIR.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        name = gold_path.stem
        raw = (ROOT / gold["page"]).read_bytes()
        html = decode_html(raw)
        document = clean_html(html, gold["url"])
        lines = document.text.split("\n") if document.text else []
        body = character_overlap(lines, gold["body"])
        published = document.published_at.isoformat() if document.published_at else None
        result = Result(
            body=body,
            title=document.title == gold["title"],
            date=published == gold["published_at"],
            milliseconds=best_milliseconds(functools.partial(clean_html, html, gold["url"])),
        )
        leaks = chrome_leaks(document.text, gold["body"])
        theirs = trafilatura_result(html, gold)
        ours_total += body
        theirs_total += theirs.body
        our_ms.append(result.milliseconds)
        their_ms.append(theirs.milliseconds)
        row = (
            f"{name:26} {len(raw) // 1024:4} {body.precision:6.3f} {body.recall:6.3f}"
            f" {exact_lines(lines, gold['body']):6.3f}"
            f" {_mark(result.title):>5} {_mark(result.date):>5}"
            f" {len(leaks):5} {result.milliseconds:6.2f}"
        )
        if score_headings:
            matched, predicted, expected = score_headings(document.text, gold["sections_gold"])
            headings_total = [a + b for a, b in zip(headings_total, (matched, predicted, expected), strict=True)]
            row += f" {_ratio(matched, predicted):6.3f} {_ratio(matched, expected):6.3f}"
        row += (
            f" | {theirs.body.precision:6.3f} {theirs.body.recall:6.3f} {_mark(theirs.title):>5}"
            f" {_mark(theirs.date):>5} {theirs.milliseconds:6.2f}"
        )
        print(row)
        details = [f"leak {leak}" for leak in leaks]
        for field in ("source", "editor", "column", "canonical_url"):
            if getattr(document, field) != gold[field]:
                details.append(f"{field}: {getattr(document, field)!r} != gold {gold[field]!r}")
        if not result.title:
            details.append(f"title: {document.title!r} != gold {gold['title']!r}")
        if not result.date:
            details.append(f"published_at: {published!r} != gold {gold['published_at']!r}")
        for detail in details:
            print(f"    {detail}")
        if leaks or not result.title or not result.date:
            failures.append(name)
    matched, predicted, expected = headings_total
    overall = f"{'overall':26} {'':4} {ours_total.precision:6.3f} {ours_total.recall:6.3f} {'':24} {_mean(our_ms):6.2f}"
    if score_headings:
        overall += f" {_ratio(matched, predicted):6.3f} {_ratio(matched, expected):6.3f}"
    overall += f" | {theirs_total.precision:6.3f} {theirs_total.recall:6.3f} {'':11} {_mean(their_ms):6.2f}"
    print(overall)
    if score_headings is None:
        print("headings: ingest.sections not available, column skipped")
    else:
        print(f"top-level headings: {matched} found of {expected} gold, {predicted} predicted")
    demo_site_report()
    ok = not failures and ours_total.precision >= TARGET and ours_total.recall >= TARGET
    print("targets met" if ok else f"targets missed: {', '.join(failures) or 'body precision/recall'}")
    return 0 if ok else 1


def _mark(value: bool) -> str:
    return "ok" if value else "NO"


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


if __name__ == "__main__":
    sys.exit(main())
