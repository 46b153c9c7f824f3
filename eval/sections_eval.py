"""Heading precision and recall of ``ingest.sections.split_sections`` on the dev documents, and its speed.

Run ``.venv/bin/python eval/sections_eval.py``: per document and overall, the precision and recall of the top-level
headings and of all headings down to the depth each gold file covers, the headings missed or invented, and the time
split_sections takes. Exits non-zero unless every top-level heading is found and none is invented.

Gold: ``tests/fixtures/gold/sections/*.json``, written by reading the documents, one file per dev document with the
document's path (under ``src/ingest/demo_site/content``), how its text is taken (``file``, ``json:FIELD`` or
``html:#ID``), the depth the gold covers and the headings (level, number, heading, kind). For the HTML pages this
script uses a plain paragraph extraction of the content element as a stand-in for the cleaning stage; the cleaning
evaluation scores its own text with ``load_gold_documents`` and ``heading_scores``.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import lxml.html

from eval.scoring import Counts
from ingest.model import Section, SectionKind
from ingest.sections import split_sections

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "tests" / "fixtures" / "gold" / "sections"
CONTENT_DIR = ROOT / "src" / "ingest" / "demo_site" / "content"
TIMING_CHARS = 35_000
TIMING_RUNS = 50


@dataclass(frozen=True, slots=True)
class GoldHeading:
    level: int
    number: str | None
    heading: str
    kind: SectionKind


@dataclass(frozen=True, slots=True)
class GoldDocument:
    name: str  # the gold file's stem
    document: str  # path under CONTENT_DIR
    text_from: str  # "file", "json:FIELD" or "html:#ID"
    depth: int  # the gold lists every heading of levels 1..depth
    headings: list[GoldHeading]


@dataclass(frozen=True, slots=True)
class Scores:
    top: Counts  # level-1 headings, body and appendix
    all: Counts  # headings of levels 1..depth

    def __add__(self, other: Scores) -> Scores:
        return Scores(self.top + other.top, self.all + other.all)


_Key = tuple[int, str | None, str, str]


def _key(level: int, number: str | None, heading: str, kind: str) -> _Key:
    # Whitespace is layout: a cleaner may join "回顾2024年" and "真抓实干结硕果" with or without a space.
    return (level, number, "".join(heading.split()), kind)


def _counts(predicted: list[_Key], gold: list[_Key]) -> Counts:
    matched = sum((Counter(predicted) & Counter(gold)).values())
    return Counts(matched, len(predicted), len(gold))


def heading_scores(predicted: Sequence[Section], gold: Sequence[GoldHeading], depth: int = 1) -> Scores:
    """Score predicted sections against gold headings: top level, and all levels down to ``depth``.

    A heading counts as found when level, number, heading (ignoring whitespace) and kind all match.
    """
    predicted_keys = [_key(s.level, s.number, s.heading, s.kind) for s in predicted if s.level <= depth]
    gold_keys = [_key(g.level, g.number, g.heading, g.kind) for g in gold if g.level <= depth]
    return Scores(
        top=_counts([k for k in predicted_keys if k[0] == 1], [k for k in gold_keys if k[0] == 1]),
        all=_counts(predicted_keys, gold_keys),
    )


def load_gold(path: Path) -> GoldDocument:
    data = json.loads(path.read_text(encoding="utf-8"))
    headings = [GoldHeading(h["level"], h["number"], h["heading"], h["kind"]) for h in data["headings"]]
    return GoldDocument(path.stem, data["document"], data["text_from"], data["depth"], headings)


def load_gold_documents(directory: Path = GOLD_DIR) -> list[GoldDocument]:
    return [load_gold(path) for path in sorted(directory.glob("*.json"))]


def document_text(gold: GoldDocument, content_dir: Path = CONTENT_DIR) -> str:
    """The text of a dev document; for HTML, the paragraphs of the content element, one per line."""
    path = content_dir / gold.document
    kind, _, detail = gold.text_from.partition(":")
    if kind == "file":
        return path.read_text(encoding="utf-8")
    if kind == "json":
        text: str = json.loads(path.read_text(encoding="utf-8"))[detail]
        return text
    if kind == "html":
        element_id = detail.removeprefix("#")
        root = lxml.html.fromstring(path.read_bytes())
        content = next((el for el in root.iter() if el.get("id") == element_id), None)
        if content is None:
            raise ValueError(f"{gold.name}: no element with id {element_id!r} in {path}; fix text_from")
        blocks = (el for el in content.iter("p", "div", "li", "td") if el.tag == "p" or el.find(".//p") is None)
        paragraphs = (" ".join("".join(str(piece) for piece in el.itertext()).split()) for el in blocks)
        return "\n".join(paragraph for paragraph in paragraphs if paragraph)
    raise ValueError(f"{gold.name}: unknown text_from {gold.text_from!r}; use file, json:FIELD or html:#ID")


def _milliseconds(text: str) -> float:
    best = float("inf")
    for _ in range(TIMING_RUNS):
        began = time.perf_counter()
        split_sections(text)
        best = min(best, time.perf_counter() - began)
    return best * 1000


def _describe(key: _Key) -> str:
    level, number, heading, kind = key
    return f"L{level} {number or '-'} {heading}" + (" [appendix]" if kind == "appendix" else "")


def main() -> int:
    total = Scores(Counts(0, 0, 0), Counts(0, 0, 0))
    texts: dict[str, str] = {}
    print(f"{'document':28} {'top P':>6} {'top R':>6} {'all P':>6} {'all R':>6} {'chars':>7} {'ms':>6}")
    for gold in load_gold_documents():
        text = document_text(gold)
        texts[gold.name] = text
        predicted = split_sections(text)
        scores = heading_scores(predicted, gold.headings, gold.depth)
        total += scores
        print(
            f"{gold.name:28} {scores.top.precision:6.3f} {scores.top.recall:6.3f} "
            f"{scores.all.precision:6.3f} {scores.all.recall:6.3f} {len(text):7} {_milliseconds(text):6.2f}"
        )
        predicted_keys = Counter(_key(s.level, s.number, s.heading, s.kind) for s in predicted if s.level <= gold.depth)
        gold_keys = Counter(_key(g.level, g.number, g.heading, g.kind) for g in gold.headings)
        for key in (gold_keys - predicted_keys).elements():
            print(f"    missed   {_describe(key)}")
        for key in (predicted_keys - gold_keys).elements():
            print(f"    invented {_describe(key)}")
    print(
        f"{'overall':28} {total.top.precision:6.3f} {total.top.recall:6.3f} "
        f"{total.all.precision:6.3f} {total.all.recall:6.3f}"
    )
    print(f"top level: {total.top.matched} found of {total.top.gold} gold, {total.top.predicted} predicted")
    # A long report: the 1978 report followed by the start of the 2008 one.
    sample = (texts["national_1978"] + "\n" + texts["national_2008"])[:TIMING_CHARS]
    print(f"split_sections on a {len(sample)}-character report: {_milliseconds(sample):.2f} ms (best of {TIMING_RUNS})")
    return 0 if total.top.matched == total.top.gold == total.top.predicted else 1


if __name__ == "__main__":
    sys.exit(main())
