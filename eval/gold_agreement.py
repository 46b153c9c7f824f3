"""Where the two labelling passes of the real corpus disagree, as a worklist for settling them.

Run ``.venv/bin/python -m eval.gold_agreement``. For every document labelled in both ``eval/corpus/gold/`` (the
first pass) and ``eval/corpus/gold_second/`` (the cold second pass) it prints, in Markdown: the figure rows only
one pass has (compared on the match key of ``eval.corpus_eval``: indicator, period, kind, measure, value, unit),
rows that agree on the key but differ in basis, value_high or qualifier, the top-level headings only one pass
has, and the page fields that differ. Each line is settled by re-reading the source (``eval/GOLD.md``) and the
decision goes to ``eval/corpus/DISAGREEMENTS.md``. It never looks at the extractor.
"""

from __future__ import annotations

import sys
from collections import Counter
from decimal import Decimal
from typing import Any

from eval.corpus_eval import CORPUS, GOLD_DIR, load_catalog, load_gold

SECOND_DIR = CORPUS / "gold_second"
Key = tuple[str, str, str, str, Decimal, str | None]


def figure_key(row: dict[str, Any]) -> Key:
    return (row["indicator"], row["period"], row["kind"], row["measure"], Decimal(str(row["value"])), row["unit"])


def _describe(row: dict[str, Any]) -> str:
    high = "" if row.get("value_high") is None else f"~{row['value_high']}"
    return (
        f"{row['indicator']} {row['period']} {row['kind']} {row['measure']} {row['basis']} {row['value']}{high}"
        f" {row['unit']} ({row['qualifier']}) «{row['quote']}»"
    )


def compare(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    """One line per disagreement between two gold files of the same document."""
    lines = []
    first_keys = Counter(figure_key(r) for r in first["metrics"])
    second_keys = Counter(figure_key(r) for r in second["metrics"])
    only_first, only_second = first_keys - second_keys, second_keys - first_keys
    for row in first["metrics"]:
        if only_first[figure_key(row)] > 0:
            only_first[figure_key(row)] -= 1
            lines.append(f"- figure only in the first pass: {_describe(row)}")
    for row in second["metrics"]:
        if only_second[figure_key(row)] > 0:
            only_second[figure_key(row)] -= 1
            lines.append(f"- figure only in the second pass: {_describe(row)}")
    seconds = {figure_key(r): r for r in second["metrics"]}
    for row in first["metrics"]:
        other = seconds.get(figure_key(row))
        if other is None:
            continue
        for field in ("basis", "value_high", "qualifier"):
            if row.get(field) != other.get(field):
                lines.append(f"- {field} differs: {row.get(field)!r} / {other.get(field)!r} on {_describe(row)}")
    first_headings = Counter(h["heading"] for h in first["headings"])
    second_headings = Counter(h["heading"] for h in second["headings"])
    lines += [f"- heading only in the first pass: {h}" for h in (first_headings - second_headings).elements()]
    lines += [f"- heading only in the second pass: {h}" for h in (second_headings - first_headings).elements()]
    first_page, second_page = first.get("page") or {}, second.get("page") or {}
    for field in sorted(set(first_page) | set(second_page)):
        if first_page.get(field) != second_page.get(field):
            lines.append(f"- page {field}: {first_page.get(field)!r} / {second_page.get(field)!r}")
    return lines


def main() -> int:
    compared = disagreements = 0
    for entry in load_catalog():
        first, second = load_gold(entry["stem"], GOLD_DIR), load_gold(entry["stem"], SECOND_DIR)
        if first is None or second is None:
            continue
        compared += 1
        lines = compare(first, second)
        disagreements += len(lines)
        print(f"## {entry['stem']}  ({len(first['metrics'])} / {len(second['metrics'])} figures)")
        print("\n".join(lines) if lines else "- the passes agree")
        print()
    print(f"{compared} documents labelled twice, {disagreements} disagreements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
