"""Sorted, normalised contents of a warehouse after the demo load and a small bench-mirror load.

Run as ``python -m tests.reference`` to write ``tests/fixtures/reference/tables.json``. The reference committed
there was captured from the code before issue 16's refactor (see the README beside it); test_reference.py loads
the same sites with today's code and compares.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
from bench.mirror import build_mirror

from ingest import pipeline
from ingest.demo_site import DemoSite
from ingest.load.store import Warehouse
from ingest.sources import Source

REFERENCE = Path(__file__).parent / "fixtures" / "reference" / "tables.json"
MIRROR_PAGES = 6
# What differs between two runs of the same load: times, ids of the load, where the WARC records landed.
VOLATILE = {
    "load_id",
    "doc_id",
    "fetched_at",
    "first_seen_at",
    "valid_from",
    "valid_to",
    "extracted_at",
    "last_fetched_at",
    "warc_path",
    "warc_offset",
    "warc_length",
    "warc_record_id",
    "started_at",
    "finished_at",
}
TABLES = {
    "documents": "documents",
    "document_versions": "document_versions JOIN documents USING (doc_id)",
    "extractions": "extractions JOIN documents USING (doc_id)",
    "sections": "sections JOIN documents USING (doc_id)",
    "metrics": "metrics JOIN documents USING (doc_id)",
    "fetch_log": "fetch_log",
    "url_state": "url_state",
    "load_log": "load_log",
}
# Columns added since the reference was captured (issue 16; issue 14's region codes), left out so that it still
# compares what it knew.
ADDED_SINCE = {"reason_class", "region_code"}
_LONG = 120  # characters: longer strings are kept as their length and digest


@contextmanager
def demo_sources() -> Iterator[tuple[list[Source], dict[str, str]]]:
    """The two demo sites as sources/demo.toml describes them, on free ports."""
    with DemoSite() as trs, DemoSite(template="second") as second:
        yield (
            [_source("yanbian", "延边朝鲜族自治州", trs), _source("yichun", "宜春市", second)],
            {trs.base_url: "http://trs", second.base_url: "http://second"},
        )


@contextmanager
def mirror_sources() -> Iterator[tuple[list[Source], dict[str, str]]]:
    """A bench mirror of :data:`MIRROR_PAGES` pages, as bench.run serves it."""
    with ExitStack() as stack:
        sites = build_mirror(MIRROR_PAGES)
        demos = [stack.enter_context(DemoSite(template=s.template, articles=s.articles)) for s in sites]
        yield (
            [_source(site.name, site.region, demo) for site, demo in zip(sites, demos, strict=True)],
            {demo.base_url: f"http://{site.name}" for site, demo in zip(sites, demos, strict=True)},
        )


def _source(name: str, region: str, site: DemoSite) -> Source:
    return Source(name=name, region=region, start_urls=site.list_urls, allow_private=True, rate_limit=100.0)


def table_contents(db: Path, hosts: dict[str, str]) -> dict[str, list[str]]:
    """Every table's rows, without volatile columns, as sorted canonical JSON; site addresses replaced.

    ``hosts`` maps each site's address to a stable name, since the sites listen on free ports."""
    contents: dict[str, list[str]] = {}
    # one pass per string, whatever the number of sites (bench.national compares 300 sites' warehouses)
    addresses = re.compile("|".join(map(re.escape, sorted(hosts, key=len, reverse=True)))) if hosts else None
    with duckdb.connect(str(db), read_only=True) as con:
        for table, relation in TABLES.items():
            cursor = con.execute(f"SELECT * FROM {relation}")
            names = [column[0] for column in cursor.description or ()]
            rows = []
            for row in cursor.fetchall():
                record = {
                    n: _plain(v, addresses, hosts)
                    for n, v in zip(names, row, strict=True)
                    if n not in VOLATILE | ADDED_SINCE
                }
                rows.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
            contents[table] = sorted(rows)
    return contents


def _plain(value: object, addresses: re.Pattern[str] | None, hosts: dict[str, str]) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        if addresses is not None:
            value = addresses.sub(lambda found: hosts[found.group()], value)
        if len(value) > _LONG:
            return f"{len(value)} chars sha256:{hashlib.sha256(value.encode()).hexdigest()[:16]}"
    return value


def load_all(db: Path) -> dict[str, dict[str, list[str]]]:
    """The demo's two sites into one warehouse and the mirror into another, with the pipeline of this code."""
    results = {}
    for name, sites in (("demo", demo_sources), ("mirror", mirror_sources)):
        target = db.with_name(f"{name}-{db.name}")
        with sites() as (sources, hosts):
            warehouse = Warehouse.at(target)
            for source in sources:
                pipeline.run_load(warehouse, pipeline.LoadRequest(source, kind="scheduled", mode="scheduled"))
        results[name] = table_contents(target, hosts)
    return results


def row_digest(row: str) -> str:
    """What the reference keeps of a row: its digest (the rows in full would make a file of megabytes)."""
    return hashlib.sha256(row.encode()).hexdigest()[:20]


def digests(results: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, list[str]]]:
    return {
        load: {table: sorted(map(row_digest, rows)) for table, rows in tables.items()}
        for load, tables in results.items()
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ingest-reference-") as temporary:
        results = load_all(Path(temporary) / "reports.duckdb")
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_text(json.dumps(digests(results), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {REFERENCE}: " + ", ".join(f"{k}: {sum(map(len, v.values()))} rows" for k, v in results.items()))


if __name__ == "__main__":
    sys.exit(main())
