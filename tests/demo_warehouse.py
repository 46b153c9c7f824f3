"""The warehouse `ingest demo` builds, built in the test's process: sources/demo.toml's two sources, each read
from its own demo site on a free port (the fixed ports 8765 and 8766 may be taken on a shared machine)."""

from __future__ import annotations

from pathlib import Path

from ingest import pipeline
from ingest.demo_site import DemoSite
from ingest.load.store import Warehouse
from ingest.project import SOURCES
from ingest.sources import Source, load_sources

# The demo site each port of sources/demo.toml stands for (as `ingest demo` serves them).
DEMO_TEMPLATES = {"127.0.0.1:8765": "trs", "127.0.0.1:8766": "second"}


def build_demo_warehouse(db: Path) -> Warehouse:
    """Load every source of sources/demo.toml once into a new warehouse at ``db``."""
    warehouse = Warehouse.at(db)
    for source in load_sources(SOURCES / "demo.toml"):
        [host] = source.allowed_hosts
        with DemoSite(template=DEMO_TEMPLATES[host]) as site:  # type: ignore[arg-type]
            served = site.base_url.split("//", 1)[1].rstrip("/")
            moved = Source.model_validate(
                source.model_dump()
                | {
                    "start_urls": [url.replace(host, served) for url in source.start_urls],
                    "allowed_hosts": [served],
                    "rate_limit": 100.0,
                }
            )
            pipeline.run_load(warehouse, pipeline.LoadRequest(moved, kind="scheduled", mode="scheduled"))
    return warehouse
