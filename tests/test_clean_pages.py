"""The dev pages against their gold: every CMS family the seeds are wrapped in, and the saved portal pages.

The pages are built by tests/fixtures/pages/build.py (the seed wrappers) or saved from the portals (corpus);
each gold file says how its body was derived. eval/clean_eval.py prints the same comparison as figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.clean import clean_html
from ingest.encoding import decode_html

ROOT = Path(__file__).resolve().parent.parent
GOLD = sorted((ROOT / "tests" / "fixtures" / "gold" / "clean").glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    gold: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return gold


def test_every_family_has_gold() -> None:
    families = {path.stem.split("_")[0] for path in GOLD}
    assert {"trs", "hanweb", "post", "plain", "gkmlpt", "yichun", "wanzai"} <= families


@pytest.mark.parametrize("gold_path", GOLD, ids=[path.stem for path in GOLD])
def test_dev_page_matches_gold(gold_path: Path) -> None:
    gold = load(gold_path)
    document = clean_html(decode_html((ROOT / gold["page"]).read_bytes()), gold["url"])
    assert document.text.split("\n") == gold["body"]
    assert document.title == gold["title"]
    assert document.published_at is not None
    assert document.published_at.isoformat() == gold["published_at"]
    assert document.source == gold["source"]
    assert document.editor == gold["editor"]
    assert document.column == gold["column"]
    assert document.canonical_url == gold["canonical_url"]
