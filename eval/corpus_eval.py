"""Accuracy on the real corpus: figures, top-level headings and page checks, with trafilatura beside us.

Run ``.venv/bin/python -m eval.corpus_eval`` (part of ``make eval``). For every document of
``eval/corpus/catalog.jsonl`` that has a gold file in ``eval/corpus/gold/`` (the protocol: ``eval/GOLD.md``) it
runs the extractor the way the pipeline does (an HTML page through ``extract_response``, a text file through
``extract_plain_text``) and prints:

- per document and overall, precision, recall and F1 of the figures in the gold's scope (matched on indicator,
  period, kind, measure, value and unit, as ``eval.metrics_eval`` matches the dev gold), and every miss and false
  positive with its sentence;
- top-level heading F1 (heading text compared with spaces and punctuation removed);
- on HTML pages, the four page checks of the protocol (title, visible date, first and last sentence of the body),
  and the same checks on trafilatura's ``bare_extraction`` of the same page.

It writes ``eval/results/latest.json`` with the corpus's counts, the overall figures and one entry per document;
``tests/test_accuracy_gate.py`` holds every document's figures to ``eval/baseline.json``. ``--write-baseline``
records today's per-document figures as the new baseline (commit it on its own).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import trafilatura
from trafilatura.settings import Document as TrafilaturaDocument

from eval.metrics_eval import match
from eval.scoring import Counts
from ingest.encoding import decode_html
from ingest.extract import extract_plain_text, extract_response
from ingest.model import ExtractedDocument, Metric

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "eval" / "corpus"
GOLD_DIR = CORPUS / "gold"
RESULTS = ROOT / "eval" / "results" / "latest.json"
BASELINE = ROOT / "eval" / "baseline.json"
PAGE_SUFFIXES = (".html", ".htm", ".shtml")
# A Markdown post of a news archive carries its article as an HTML fragment: extracted as markup, but not a page.
MARKUP_SUFFIXES = (*PAGE_SUFFIXES, ".md")
EDGE_CHARS = 200  # how much text may stand before the first or after the last sentence of a body (protocol)
_NOISE = re.compile(r"[\s\u3000\W_]+")
_SPACES = re.compile(r"[\s\u3000]+")
_TAGS = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class PageChecks:
    title: bool
    published: bool
    first_sentence: bool
    last_sentence: bool

    @property
    def passed(self) -> int:
        return sum((self.title, self.published, self.first_sentence, self.last_sentence))

    def failed(self) -> list[str]:
        names = ("title", "published", "first_sentence", "last_sentence")
        return [
            name
            for name, ok in zip(
                names, (self.title, self.published, self.first_sentence, self.last_sentence), strict=True
            )
            if not ok
        ]


@dataclass(slots=True)
class DocumentScore:
    stem: str
    entry: dict[str, Any]
    figures: Counts
    headings: Counts
    page: PageChecks | None = None
    trafilatura_page: PageChecks | None = None
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[Metric] = field(default_factory=list)
    missed_headings: list[str] = field(default_factory=list)
    invented_headings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.entry["file"],
            "kind": self.entry.get("doc_kind") or self.entry["kind"],
            "level": self.entry.get("level"),
            "province": self.entry.get("province"),
            "figures_precision": round(self.figures.precision, 4),
            "figures_recall": round(self.figures.recall, 4),
            "figures_f1": round(self.figures.f1, 4),
            "figures_gold": self.figures.gold,
            "heading_f1": round(self.headings.f1, 4),
            "page_checks_passed": self.page.passed if self.page else None,
            "page_checks_failed": self.page.failed() if self.page else None,
            "trafilatura_page_checks_passed": self.trafilatura_page.passed if self.trafilatura_page else None,
        }


def load_catalog(corpus: Path = CORPUS) -> list[dict[str, Any]]:
    """The corpus's files in catalog order; each entry's ``stem`` names its gold file."""
    entries = []
    for line in (corpus / "catalog.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            entry["stem"] = Path(entry["file"]).stem
            entries.append(entry)
    return entries


def load_gold(stem: str, gold_dir: Path = GOLD_DIR) -> dict[str, Any] | None:
    path = gold_dir / f"{stem}.json"
    if not path.exists():
        return None
    gold: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return gold


def is_page(path: Path) -> bool:
    return path.suffix.lower() in PAGE_SUFFIXES


def is_markup(path: Path) -> bool:
    return path.suffix.lower() in MARKUP_SUFFIXES


def extract_file(path: Path) -> ExtractedDocument:
    """Extract a corpus file as the pipeline would: markup from its raw bytes, anything else as plain text."""
    body = path.read_bytes()
    if is_markup(path):
        return extract_response(body)
    return extract_plain_text(decode_html(body))


def visible_text(path: Path) -> str:
    """The document's characters without markup or spaces: what a gold quote must be found in."""
    decoded = decode_html(path.read_bytes())
    if is_markup(path):
        decoded = html.unescape(_TAGS.sub("", decoded))
    return _SPACES.sub("", decoded)


def missing_quotes(gold: dict[str, Any], path: Path) -> list[str]:
    """The gold rows' quotes (and page snippets) that the document does not contain."""
    text = visible_text(path)
    quotes = [row["quote"] for row in gold["metrics"]]
    page = gold.get("page") or {}
    quotes += [page[key] for key in ("first_sentence", "last_sentence") if page.get(key)]
    return [quote for quote in quotes if _SPACES.sub("", quote) not in text]


def _key(heading: str) -> str:
    return _NOISE.sub("", heading)


def _multiset_counts(predicted: Sequence[str], gold: Sequence[str]) -> tuple[Counts, list[str], list[str]]:
    found, expected = Counter(predicted), Counter(gold)
    matched = sum((found & expected).values())
    missed = list((expected - found).elements())
    invented = list((found - expected).elements())
    return Counts(matched, len(predicted), len(gold)), missed, invented


def score_headings(extracted: ExtractedDocument, gold: dict[str, Any]) -> tuple[Counts, list[str], list[str]]:
    predicted = [_key(s.heading) for s in extracted.sections if s.level == 1 and s.kind == "body"]
    expected = [_key(h["heading"]) for h in gold["headings"]]
    return _multiset_counts(predicted, expected)


def page_checks(title: str | None, published: str | None, text: str, gold: dict[str, Any]) -> PageChecks:
    """The protocol's four checks of one extraction of a page (``published`` as an ISO date or datetime)."""
    flat = _SPACES.sub("", text)
    first, last = _SPACES.sub("", gold["first_sentence"]), _SPACES.sub("", gold["last_sentence"])
    first_at, last_at = flat.find(first), flat.rfind(last)
    return PageChecks(
        title=_SPACES.sub("", title or "") == _SPACES.sub("", gold["title"]),
        published=(published or "")[:10] == gold["published"],
        first_sentence=0 <= first_at <= EDGE_CHARS,
        last_sentence=last_at >= 0 and len(flat) - (last_at + len(last)) <= EDGE_CHARS,
    )


def trafilatura_checks(path: Path, gold: dict[str, Any]) -> PageChecks:
    document = trafilatura.bare_extraction(decode_html(path.read_bytes()), with_metadata=True)
    fields: dict[str, Any] = document.as_dict() if isinstance(document, TrafilaturaDocument) else {}
    return page_checks(fields.get("title"), fields.get("date"), fields.get("text") or "", gold["page"])


def score_document(entry: dict[str, Any], gold: dict[str, Any], corpus: Path = CORPUS) -> DocumentScore:
    path = corpus / entry["file"]
    extracted = extract_file(path)
    scope = frozenset(gold["indicators"])
    scored = [m for m in extracted.metrics if m.indicator in scope]
    pairs = match(gold["metrics"], scored)
    matched_gold, matched_metrics = {g for g, _ in pairs}, {m for _, m in pairs}
    headings, missed_headings, invented_headings = score_headings(extracted, gold)
    score = DocumentScore(
        stem=entry["stem"],
        entry=entry,
        figures=Counts(len(pairs), len(scored), len(gold["metrics"])),
        headings=headings,
        misses=[row for g, row in enumerate(gold["metrics"]) if g not in matched_gold],
        false_positives=[m for i, m in enumerate(scored) if i not in matched_metrics],
        missed_headings=missed_headings,
        invented_headings=invented_headings,
    )
    if gold.get("page"):
        document = extracted.document
        published = document.published_at.isoformat() if document.published_at else None
        score.page = page_checks(document.title, published, document.text, gold["page"])
        score.trafilatura_page = trafilatura_checks(path, gold)
    return score


def score_corpus(corpus: Path = CORPUS, gold_dir: Path = GOLD_DIR) -> list[DocumentScore]:
    scores = []
    for entry in load_catalog(corpus):
        gold = load_gold(entry["stem"], gold_dir)
        if gold is not None:
            scores.append(score_document(entry, gold, corpus))
    return scores


def _total(counts: Iterable[Counts]) -> Counts:
    return sum(counts, Counts(0, 0, 0))


def summary(scores: Sequence[DocumentScore], catalog: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The figures ``eval/results/latest.json`` holds: the corpus's make-up and the overall scores."""
    documents = [e for e in catalog if (e.get("doc_kind") or e["kind"]) in ("work_report", "digest", "bulletin")]
    pages = [e for e in catalog if is_page(Path(e["file"]))]
    figures = _total(s.figures for s in scores)
    headings = _total(s.headings for s in scores)
    paged = [s for s in scores if s.page is not None]
    return {
        "documents": len(documents),
        "provinces": len({e["province"] for e in catalog if e.get("province")}),
        "prefecture_or_county_documents": sum(e.get("level") in ("prefecture", "county") for e in documents),
        "pages": len(pages),
        "cms_platforms": len({e["cms"] for e in pages if e.get("cms")}),
        "gold_documents": len(scores),
        "figures_gold": figures.gold,
        "figures_precision": round(figures.precision, 4),
        "figures_recall": round(figures.recall, 4),
        "figures_f1": round(figures.f1, 4),
        "min_document_f1": round(min((s.figures.f1 for s in scores), default=1.0), 4),
        "heading_f1": round(headings.f1, 4),
        "page_checks_passed": sum(s.page.passed for s in paged if s.page),
        "page_checks_total": 4 * len(paged),
        "trafilatura_page_checks_passed": sum(s.trafilatura_page.passed for s in paged if s.trafilatura_page),
        "per_document": {s.stem: s.as_json() for s in scores},
    }


def baseline_of(scores: Sequence[DocumentScore]) -> dict[str, dict[str, float | int | None]]:
    """Per document, the figures the accuracy gate holds: figure F1, heading F1 and page checks passed."""
    return {
        s.stem: {
            "figures_f1": round(s.figures.f1, 4),
            "heading_f1": round(s.headings.f1, 4),
            "page_checks_passed": s.page.passed if s.page else None,
        }
        for s in scores
    }


def _describe_gold(row: dict[str, Any]) -> str:
    value = row["value"] if row.get("value_high") is None else f"{row['value']}~{row['value_high']}"
    return f"{row['indicator']} {row['period']} {row['kind']} {row['measure']} {value} {row['unit']}  «{row['quote']}»"


def _describe(metric: Metric) -> str:
    value = metric.value if metric.value_high is None else f"{metric.value}~{metric.value_high}"
    return (
        f"{metric.indicator} {metric.period} {metric.kind} {metric.measure} {value} {metric.unit}"
        f"  «{metric.sentence[:80]}»"
    )


def report(scores: Sequence[DocumentScore], result: dict[str, Any], *, details: bool) -> None:
    print(
        f"{'document':34} {'level':10} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'head F1':>7} {'page':>5} {'traf':>5}"
    )
    for s in scores:
        page = f"{s.page.passed}/4" if s.page else ""
        theirs = f"{s.trafilatura_page.passed}/4" if s.trafilatura_page else ""
        print(
            f"{s.stem:34} {s.entry.get('level') or '':10} {s.figures.precision:6.3f} {s.figures.recall:6.3f}"
            f" {s.figures.f1:6.3f} {s.figures.gold:5d} {s.headings.f1:7.3f} {page:>5} {theirs:>5}"
        )
        if not details:
            continue
        for row in s.misses:
            print(f"    missed      {_describe_gold(row)}")
        for metric in s.false_positives:
            print(f"    false pos.  {_describe(metric)}")
        for heading in s.missed_headings:
            print(f"    heading missed    {heading}")
        for heading in s.invented_headings:
            print(f"    heading invented  {heading}")
        if s.page and s.page.failed():
            print(f"    page checks failed: {', '.join(s.page.failed())}")
    print()
    print(
        f"corpus: {result['documents']} documents ({result['prefecture_or_county_documents']} prefecture or county)"
        f" from {result['provinces']} provinces; {result['pages']} pages of {result['cms_platforms']} CMS platforms;"
        f" gold for {result['gold_documents']} files, {result['figures_gold']} figures"
    )
    print(
        f"figures  P {result['figures_precision']:.3f}  R {result['figures_recall']:.3f}"
        f"  F1 {result['figures_f1']:.3f}  (lowest document F1 {result['min_document_f1']:.3f})"
    )
    print(f"top-level headings F1 {result['heading_f1']:.3f}")
    print(
        f"page checks {result['page_checks_passed']}/{result['page_checks_total']};"
        f" trafilatura {result['trafilatura_page_checks_passed']}/{result['page_checks_total']}"
    )


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=_json_default) + "\n", encoding="utf-8")


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-q", "--quiet", action="store_true", help="only the table, without misses and false positives")
    parser.add_argument("--write-baseline", action="store_true", help=f"record today's figures in {BASELINE.name}")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    scores = score_corpus()
    result = summary(scores, catalog)
    report(scores, result, details=not args.quiet)
    write_json(RESULTS, result)
    if args.write_baseline:
        write_json(BASELINE, baseline_of(scores))
        print(f"baseline written to {BASELINE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
