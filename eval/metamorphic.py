"""Metamorphic evaluation: the gold documents rewritten the way unseen documents differ, scored on the rewrite.

Run ``.venv/bin/python -m eval.metamorphic [-v] [--only NAME]`` (``make eval-metamorphic``). Every document that
has gold figures — the dev gold (``tests/fixtures/gold/metrics``) and the real corpus gold
(``eval/corpus/gold``) — is rewritten by each transformation below, extracted the way its own evaluator
extracts it (``eval.metrics_eval`` for the dev gold, ``eval.corpus_eval`` for the corpus), and scored against
its gold rows transformed by the same transformation. The expected rows come from the gold alone: a
transformation either leaves a row as it is (a surface form changed, the figure did not) or rewrites its
period by construction (the year shift); the extractor's output never feeds the expectation.

Each transformation preserves the meaning of the text; why each is one that prefecture and county documents
differ by is in ``docs/extraction.md``. A transformation that leaves a document's text unchanged (no 全市 in a
national report) does not count for that document. Printed: F1 per transformation and per document, and with
``-v`` every row lost or invented. ``--json PATH`` writes the scores; ``tests/test_accuracy_gate.py`` holds the
overall and per-transformation F1 to the floor recorded in ``eval/metamorphic_floor.json`` (``--write-floor``
records today's; raising it is a commit of its own).

What it cannot show: new phrasing. Every sentence it scores is a sentence of the gold documents with a new
surface; an indicator named in words the gold documents never use, or a clause built differently, stays unseen.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from eval import corpus_eval, metrics_eval
from eval.metrics_eval import describe, describe_gold, match
from eval.scoring import Counts
from ingest.chinese import HAN_RANGES as HAN
from ingest.clean import clean_text
from ingest.encoding import decode_html
from ingest.extract import extract_html, extract_plain_text
from ingest.metrics import extract_metrics
from ingest.model import Metric
from ingest.sections import split_sections

ROOT = Path(__file__).resolve().parent.parent
FLOOR = ROOT / "eval" / "metamorphic_floor.json"

Form = Literal["seed", "record", "markup", "plain"]
Rows = list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Document:
    """A gold document as its evaluator reads it: a seed's raw text, a record (title, content), a corpus page's
    markup or a corpus plain text."""

    name: str
    form: Form
    text: str  # the raw text, the record's content, or the decoded markup
    title: str | None  # the record's title; None for plain text and markup (their title is in ``text``)
    region: str | None  # the document's own region ("延边州"), None for a national report
    gold: Rows
    indicators: frozenset[str] | None  # the headline scope; None when every stated figure is gold


@dataclass(frozen=True, slots=True)
class Transformation:
    """A meaning-preserving rewrite of a document's prose, and what it does to a gold row.

    ``prose`` rewrites running text (markup: the text between tags); ``title`` rewrites the title alone;
    ``whole_markup`` applies ``prose`` to the markup's attributes too (dates in meta tags shift with the text).
    ``title_into_text`` leaves the title to the text alone: a record's title becomes its first line, a page loses
    its ``<title>`` (its headline in the body stays).
    """

    name: str
    prose: Callable[[str], str] = lambda text: text
    title: Callable[[str], str] = lambda title: title
    row: Callable[[dict[str, Any]], dict[str, Any]] = lambda row: row
    for_document: Callable[[Document], Transformation | None] | None = None
    title_into_text: bool = False
    whole_markup: bool = False
    markup_break: str = "\n"
    chain: tuple[Transformation, ...] = ()  # applied one after another, as real documents combine them


@dataclass(slots=True)
class Outcome:
    transformation: str
    document: str
    counts: Counts
    lost: Rows = field(default_factory=list)
    invented: list[Metric] = field(default_factory=list)


# --- reading the documents ------------------------------------------------------------------------------------


def load_documents() -> list[Document]:
    """The dev gold and the corpus gold documents that have gold figures."""
    documents = []
    for path in sorted(metrics_eval.GOLD_DIR.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        source = metrics_eval.CONTENT_DIR / gold["document"]
        indicators = frozenset(gold["indicators"]) if gold["scope"] == "headline" else None
        if gold["text_from"] == "file":
            raw = source.read_text(encoding="utf-8")
            documents.append(
                Document(path.stem, "seed", raw, None, _DEV_REGIONS.get(path.stem), gold["metrics"], indicators)
            )
        else:
            record = json.loads(source.read_text(encoding="utf-8"))
            content = record[gold["text_from"].split(":", 1)[1]]
            documents.append(
                Document(path.stem, "record", content, record.get("title"), None, gold["metrics"], indicators)
            )
    for entry in corpus_eval.load_catalog():
        corpus_gold = corpus_eval.load_gold(entry["stem"])
        if not corpus_gold or not corpus_gold["metrics"]:
            continue
        path = corpus_eval.CORPUS / entry["file"]
        decoded = decode_html(path.read_bytes())
        form: Form = "markup" if corpus_eval.is_markup(path) else "plain"
        documents.append(
            Document(
                entry["stem"],
                form,
                decoded,
                None,
                corpus_gold.get("region"),
                corpus_gold["metrics"],
                frozenset(corpus_gold["indicators"]),
            )
        )
    return documents


# The dev gold files do not name their region; both seeds are documents of 延边朝鲜族自治州.
_DEV_REGIONS = {"seed_000": "延边州", "seed_001": "延边州"}


def extract(document: Document) -> list[Metric]:
    """The document's figures, extracted as its own evaluator extracts them."""
    if document.form == "markup":
        return list(extract_html(document.text).metrics)
    if document.form == "record":
        # as the pipeline would: every text is cleaned first (metrics_eval reads the record's content as it is)
        text = clean_text(document.text).text
        return extract_metrics(text, split_sections(text), title=document.title)
    if document.form == "seed":
        clean = clean_text(document.text)
        published = clean.published_at.date() if clean.published_at else None
        return extract_metrics(clean.text, split_sections(clean.text), title=clean.title, published=published)
    return list(extract_plain_text(document.text).metrics)


# --- applying a transformation ------------------------------------------------------------------------------

_TEXT_SEGMENT = re.compile(r">([^<>]+)<")
_TITLE_ELEMENT = re.compile(r"(<title[^>]*>)([^<]*)(</title>)", re.IGNORECASE)
_META_CONTENT = re.compile(r'(<meta\b[^>]*\bcontent=")([^"]*)(")', re.IGNORECASE)
_SKIPPED_ELEMENT = re.compile(r"<(script|style)\b.*?</\1>", re.IGNORECASE | re.DOTALL)


def _plain_title_line(lines: Sequence[str]) -> int | None:
    """The index of a plain text's title: its first non-empty line that is not a field ("发布时间:…")."""
    for index, line in enumerate(lines):
        if line.strip() and not re.search("[:：]", line):
            return index
    return None


def _markup_title(markup: str) -> str | None:
    found = _TITLE_ELEMENT.search(markup)
    if not found:
        return None
    return re.split(r"\s*[|_\-–—]\s*", found.group(2).strip())[0] or None


def _rewrite_markup(markup: str, transformation: Transformation) -> str:
    title = _markup_title(markup)
    skipped: list[str] = []

    def keep(found: re.Match[str]) -> str:
        skipped.append(found.group(0))
        return f"\x00{len(skipped) - 1}\x00"

    def segment(found: re.Match[str]) -> str:
        text = found.group(1)
        if title and text.strip() == title:
            text = text.replace(title, transformation.title(title))
        return ">" + transformation.prose(text).replace("\n", transformation.markup_break) + "<"

    def meta(found: re.Match[str]) -> str:
        value = found.group(2)
        if not title or value.strip() != title:
            return found.group(0)  # only a meta tag that carries the title is prose; dates and codes stay as served
        return found.group(1) + transformation.prose(transformation.title(value)) + found.group(3)

    masked = _SKIPPED_ELEMENT.sub(keep, markup)
    if transformation.whole_markup:
        masked = transformation.prose(masked)
    else:
        masked = _META_CONTENT.sub(meta, _TEXT_SEGMENT.sub(segment, masked))
    if transformation.title_into_text:
        masked = _TITLE_ELEMENT.sub(lambda m: m.group(1) + m.group(3), masked, count=1)
    elif title:
        masked = _TITLE_ELEMENT.sub(
            lambda m: m.group(1) + m.group(2).replace(title, transformation.title(title)) + m.group(3), masked, count=1
        )
    return re.sub("\x00(\\d+)\x00", lambda m: skipped[int(m.group(1))], masked)


def apply(transformation: Transformation, document: Document) -> Document:
    """The document rewritten, with its gold rows rewritten by construction."""
    gold = [transformation.row(dict(row)) for row in document.gold]
    if document.form == "markup":
        return replace(document, text=_rewrite_markup(document.text, transformation), gold=gold)
    if document.form == "record":
        if transformation.title_into_text and document.title:
            return replace(document, text=f"{document.title}\n{document.text}", title=None, gold=gold)
        title = transformation.title(transformation.prose(document.title)) if document.title else None
        return replace(document, text=transformation.prose(document.text), title=title, gold=gold)
    lines = transformation.prose(document.text).split("\n")
    at = _plain_title_line(lines)
    if at is not None:
        lines[at] = transformation.title(lines[at])
    return replace(document, text="\n".join(lines), gold=gold)


def score(document: Document) -> Outcome:
    metrics = extract(document)
    scored = metrics if document.indicators is None else [m for m in metrics if m.indicator in document.indicators]
    pairs = match(document.gold, scored)
    matched_gold, matched = {g for g, _ in pairs}, {m for _, m in pairs}
    return Outcome(
        "",
        document.name,
        Counts(len(pairs), len(scored), len(document.gold)),
        [row for g, row in enumerate(document.gold) if g not in matched_gold],
        [m for i, m in enumerate(scored) if i not in matched],
    )


# --- the transformations -------------------------------------------------------------------------------------

# The level of a region: the words a document uses for its own region and its organs, by the region's last
# character. 市场, 城市 and 县域 never match: each word starts with 全/本/我 or ends with an organ.
_ORGANS = ("委", "政府", "人民政府", "人大", "人大常委会", "政协", "长", "直", "属", "级")
_LEVELS = ("县", "区", "旗", "盟", "州", "市")


def _relevel(source: str, target: str, region: str) -> Callable[[str], str]:
    """A document of ``region`` (whose level is its last character, ``source``) rewritten as one of ``target``."""
    base = region[:-1]
    name = re.compile(rf"{re.escape(base)}(?:[{HAN}]{{0,6}}?自治)?{source}")
    whole = re.compile(rf"(?<=[全本我]){source}")
    organs = "|".join(sorted(_ORGANS, key=len, reverse=True))
    organ = re.compile(rf"(?<![{HAN}{source}城都超街门集夜]){source}(?={organs})")

    def rewrite(text: str) -> str:
        return organ.sub(target, whole.sub(target, name.sub(base + target, text)))

    return rewrite


def _level(target: str) -> Transformation:
    def for_document(document: Document) -> Transformation | None:
        if not document.region or document.region[-1] == target or document.region[-1] not in "市州县区旗盟":
            return None
        return Transformation(f"level→{target}", prose=_relevel(document.region[-1], target, document.region))

    return Transformation(f"level→{target}", for_document=for_document)


_PLANS = ("十一", "十二", "十三", "十四", "十五", "十六", "十七")
_YEAR = re.compile(
    r"(?<![\d.,])((?:19|20)\d{2})(?=\s*(?:年|[-—–~～至到]\s*(?:19|20)\d{2}\s*年|[-/.]\d{1,2}[-/.]\d{1,2}))"
)
_PLAN = re.compile(rf"({'|'.join(_PLANS)})(?=五)")


def _shift_years(k: int) -> Callable[[str], str]:
    """Every year shifted by ``k`` (a multiple of 5), and the five-year plans with them (十三五 → 十四五)."""

    def rewrite(text: str) -> str:
        text = _YEAR.sub(lambda m: str(int(m.group(1)) + k), text)
        text = _PLAN.sub(lambda m: _PLANS[_PLANS.index(m.group(1)) + k // 5], text)
        return text

    return rewrite


def _shift_period(k: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def rewrite(row: dict[str, Any]) -> dict[str, Any]:
        if row["period"]:
            row["period"] = "-".join(str(int(year) + k) for year in row["period"].split("-"))
        return row

    return rewrite


_FULL_WIDTH = str.maketrans("0123456789%", "０１２３４５６７８９％")
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def _full_width(text: str) -> str:
    return _DECIMAL_POINT.sub("．", text).translate(_FULL_WIDTH)


_LONG_AMOUNT = re.compile(
    r"(?<![\d.,])(\d{4,})(?=(?:\.\d+)?(?:多|余)?(?:万|亿|元|人|吨|户|家|个|辆|套|亩|公顷|千瓦|美元))"
)


def _thousands(text: str) -> str:
    return _LONG_AMOUNT.sub(lambda m: f"{int(m.group(1)):,}", text)


_HAN_THEN_NUMBER = re.compile(rf"(?<=[{HAN}])(?=\d)")
_NUMBER_THEN_HAN = re.compile(rf"(?<=[\d%])(?=[{HAN}])")


def _spaced(text: str) -> str:
    """Spaces between Chinese and Latin digits, as typesetting tools and many editors insert them."""
    return _NUMBER_THEN_HAN.sub(" ", _HAN_THEN_NUMBER.sub(" ", text))


_WRAP_AT = 36
# Between two Chinese characters, never inside a numeral ("百分之二|十" would start a line "十、…", a list label).
_NUMERAL_CHARS = "〇零一二两三四五六七八九十百千万亿点"
_BREAKABLE = re.compile(rf"(?<=[{HAN}])(?<![{_NUMERAL_CHARS}])(?=[{HAN}])(?![{_NUMERAL_CHARS}])")


def _wrapped(text: str) -> str:
    """Lines broken every 36 characters or so, between two Chinese characters, as text copied from a PDF."""
    out = []
    for line in text.split("\n"):
        start = 0
        pieces = []
        while len(line) - start > _WRAP_AT:
            found = _BREAKABLE.search(line, start + _WRAP_AT)
            if not found:
                break
            pieces.append(line[start : found.start()])
            start = found.start()
        pieces.append(line[start:])
        out.append("\n".join(pieces))
    return "\n".join(out)


_FIGURE_END = re.compile(r"(?<=\d)(%|亿元|万元|万人|元)(?=[，。；,;])")


def _footnoted(text: str) -> str:
    counter = iter(range(1, 10**6))
    return _FIGURE_END.sub(lambda m: f"{m.group(1)}[{next(counter)}]", text)


_CN_DIGIT = "〇一二三四五六七八九"
_FULL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})年(\d{1,2})月(?:(\d{1,2})日)?")
_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年)")


def _cn_small(number: int) -> str:
    """1 to 31 in Chinese numerals, as dates write them (十二, 二十一)."""
    tens, ones = divmod(number, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else _CN_DIGIT[tens] + "十")) + (_CN_DIGIT[ones] if ones else "")


def _cn_year(year: str) -> str:
    return "".join(_CN_DIGIT[int(d)] for d in year)


def _cn_dates(text: str) -> str:
    """Full dates in Chinese numerals, as formal documents date themselves ("二〇二一年一月十二日")."""

    def rewrite(found: re.Match[str]) -> str:
        year, month, day = found.groups()
        written = f"{_cn_year(year)}年{_cn_small(int(month))}月"
        return written + (f"{_cn_small(int(day))}日" if day else "")

    return _FULL_DATE.sub(rewrite, text)


_PERCENT = re.compile(r"(?<![\d.,\-—–~～至])(\d{1,2})(?:\.(\d))?%(?![\-—–~～至\d])")


def _percent_in_words(text: str) -> str:
    """Percentages below 100 in words ("增长百分之六点五"), as formal and older documents write them."""

    def rewrite(found: re.Match[str]) -> str:
        whole, decimal = found.groups()
        words = _cn_small(int(whole)) if int(whole) else "零"
        return "百分之" + words + (f"点{_CN_DIGIT[int(decimal)]}" if decimal else "")

    return _PERCENT.sub(rewrite, text)


def _half_width_brackets(text: str) -> str:
    return text.replace("（", "(").replace("）", ")")


def _issuer_subtitle(document: Document) -> Transformation | None:
    """The title with its issuer as a subtitle; on a page, after an escaped line break ("&lt;br/&gt;——…"), as
    gkmlpt and other CMS carry it in the title field."""
    issuer = f"{document.region}人民政府" if document.region else "国务院"
    separator = "&lt;br/&gt;——" if document.form == "markup" else "——"
    return Transformation(
        "title subtitle", title=lambda title: f"{title}{separator}{issuer}" if title.strip() else title
    )


TRANSFORMATIONS: tuple[Transformation, ...] = (
    *(_level(target) for target in _LEVELS),
    Transformation("years+5", prose=_shift_years(5), row=_shift_period(5), whole_markup=True),
    Transformation("years-5", prose=_shift_years(-5), row=_shift_period(-5), whole_markup=True),
    Transformation("full-width digits", prose=_full_width),
    Transformation("thousands separators", prose=_thousands),
    Transformation("spaced numbers", prose=_spaced),
    Transformation("half-width brackets", prose=_half_width_brackets),
    Transformation("PDF line breaks", prose=_wrapped, markup_break="<br>"),
    Transformation("figure footnotes", prose=_footnoted),
    Transformation(
        "Chinese-numeral dates", prose=_cn_dates, title=lambda t: _TITLE_YEAR.sub(lambda m: _cn_year(m[1]), t)
    ),
    Transformation("percent in words", prose=_percent_in_words),
    Transformation("title footnote", title=lambda title: f"{title}[1]" if title.strip() else title),
    Transformation("title in first line", title_into_text=True),
    Transformation("title (全文)", title=lambda title: f"{title}（全文）" if title.strip() else title),
    Transformation("title subtitle", for_document=_issuer_subtitle),
)
_BY_NAME = {t.name: t for t in TRANSFORMATIONS}
# A county's report five years earlier, typeset and copied as real ones are: every surface change at once.
TRANSFORMATIONS += (
    Transformation(
        "all at once",
        chain=tuple(
            _BY_NAME[name]
            for name in (
                "level→县",
                "years-5",
                "thousands separators",
                "percent in words",
                "figure footnotes",
                "spaced numbers",
                "full-width digits",
                "half-width brackets",
                "PDF line breaks",
                "title footnote",
            )
        ),
    ),
)


def _rewritten(transformation: Transformation, document: Document) -> tuple[str, Document] | None:
    if transformation.chain:
        rewritten = document
        for link in transformation.chain:
            found = _rewritten(link, rewritten)
            rewritten = found[1] if found else rewritten  # a level change does not apply to a national report
        return transformation.name, rewritten
    concrete = transformation.for_document(document) if transformation.for_document else transformation
    return None if concrete is None else (concrete.name, apply(concrete, document))


def instances(transformation: Transformation, documents: Iterable[Document]) -> Iterable[tuple[str, Document]]:
    """The documents a transformation changes, each rewritten; the name may be refined per document."""
    for document in documents:
        found = _rewritten(transformation, document)
        if found and (found[1].text, found[1].title) != (document.text, document.title):
            yield found


def evaluate(documents: Sequence[Document], only: str | None = None) -> list[Outcome]:
    outcomes = []
    for document in documents:
        outcome = score(document)
        outcome.transformation = "identity"
        outcomes.append(outcome)
    for transformation in TRANSFORMATIONS:
        if only and only != transformation.name:
            continue
        for name, rewritten in instances(transformation, documents):
            outcome = score(rewritten)
            outcome.transformation = name
            outcomes.append(outcome)
    return outcomes


def by_transformation(outcomes: Sequence[Outcome]) -> dict[str, Counts]:
    totals: dict[str, Counts] = {}
    for outcome in outcomes:
        totals[outcome.transformation] = totals.get(outcome.transformation, Counts(0, 0, 0)) + outcome.counts
    return totals


def summary(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    rewritten = [o.counts for o in outcomes if o.transformation != "identity"]
    overall = sum(rewritten, Counts(0, 0, 0))
    return {
        "overall_f1": round(overall.f1, 4),
        "per_transformation": {name: round(c.f1, 4) for name, c in by_transformation(outcomes).items()},
        "per_document": {f"{o.transformation} / {o.document}": round(o.counts.f1, 4) for o in outcomes},
    }


def report(outcomes: Sequence[Outcome], *, verbose: bool) -> None:
    print(f"{'transformation':24} {'document':36} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5}")
    for o in outcomes:
        c = o.counts
        print(f"{o.transformation:24} {o.document:36} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.gold:5d}")
        if verbose:
            for row in o.lost:
                print(f"    lost      {describe_gold(row)}")
            for metric in o.invented:
                print(f"    invented  {describe(metric)}")
    print("\nper transformation")
    for name, c in by_transformation(outcomes).items():
        rates = f"P {c.precision:6.3f}  R {c.recall:6.3f}  F1 {c.f1:6.3f}"
        print(f"  {name:24} {rates}  ({c.matched}/{c.predicted}/{c.gold})")
    print(f"\nmetamorphic F1 over every rewritten document: {summary(outcomes)['overall_f1']:.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list the rows lost and invented")
    parser.add_argument("--only", help="run one transformation (its name as printed)")
    parser.add_argument("--json", type=Path, help="write the scores to this file")
    parser.add_argument("--write-floor", action="store_true", help=f"record today's F1 in {FLOOR.name}")
    args = parser.parse_args(argv)
    outcomes = evaluate(load_documents(), args.only)
    report(outcomes, verbose=args.verbose)
    scores = summary(outcomes)
    if args.json:
        corpus_eval.write_json(args.json, scores)
    if args.write_floor:
        if args.only:
            parser.error("--write-floor records every transformation: leave out --only")
        corpus_eval.write_json(FLOOR, {key: scores[key] for key in ("overall_f1", "per_transformation")})
        print(f"floor written to {FLOOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
