"""The warehouse `ingest demo` builds, built in the test's process: every source of sources/demo.toml, each read
from its own demo site on free ports (the fixed ports 8765 to 8768 may be taken on a shared machine)."""

from __future__ import annotations

import fcntl
import tempfile
from contextlib import ExitStack
from pathlib import Path

from ingest import pipeline
from ingest.demo_site import DemoSite
from ingest.demo_site.portal import PortalSite
from ingest.load.store import Warehouse
from ingest.project import SOURCES
from ingest.sources import Source, load_sources

TIMEOUT_S = 1.0  # loopback answers in milliseconds, and a request that times out is tried again


def _host(url: str) -> str:
    return url.split("//", 1)[1].split("/", 1)[0]


def build_demo_warehouse(db: Path) -> Warehouse:
    """Load every source of sources/demo.toml once into a new warehouse at ``db``."""
    warehouse = Warehouse.at(db)
    with ExitStack() as sites:
        trs, second = (sites.enter_context(DemoSite(template=template)) for template in ("trs", "second"))
        portal = sites.enter_context(PortalSite())
        # the site each port of sources/demo.toml stands for, as `ingest demo` serves them
        served = {
            "127.0.0.1:8765": _host(trs.base_url),
            "127.0.0.1:8766": _host(second.base_url),
            "127.0.0.1:8767": _host(portal.base_url),
            "127.0.0.1:8768": _host(portal.blackhole_url),
        }
        requests = [
            pipeline.LoadRequest(_moved(source, served), kind="scheduled", mode="scheduled")
            for source in load_sources(SOURCES / "demo.toml")
        ]
        # every source at once, as `ingest demo`'s run loads them
        for request, error in pipeline.run_sources(warehouse, requests):
            if error is not None:
                raise RuntimeError(f"the demo warehouse's load of {request.source.name} failed") from error
    return warehouse


def _moved(source: Source, served: dict[str, str]) -> Source:
    """``source`` read from the sites that stand for its ports, with every request's timeout at most
    :data:`TIMEOUT_S`: the blackholed host then costs the build, which every test of the demo warehouse waits for,
    a second instead of three a timeout, and only the text of its failure differs from `ingest demo`'s."""
    return Source.model_validate(
        source.model_dump()
        | {
            "start_urls": [url.replace(_host(url), served[_host(url)]) for url in source.start_urls],
            "allowed_hosts": [served[host] for host in source.allowed_hosts],
            "rate_limit": 100.0,
            "timeout": min(source.timeout, TIMEOUT_S),
        }
    )


def shared_demo_warehouse(root: Path) -> Path:
    """The database of a demo warehouse under ``root``, built by the first process that asks and read by every
    later one: the pytest-xdist workers of a run share one build (seconds of CPU and a robots.txt timeout each).

    A build that fails leaves no record, so the next process to ask builds again, in a folder of its own. The
    warehouse is not moved once built: its snapshot's views name their Parquet files by absolute path.
    """
    record = root / "demo-warehouse.txt"
    with (root / "demo-warehouse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait here while the first one builds
        if not record.exists():
            db = Path(tempfile.mkdtemp(prefix="demo-warehouse-", dir=root)) / "reports.duckdb"
            build_demo_warehouse(db)
            record.write_text(str(db), encoding="utf-8")
        return Path(record.read_text(encoding="utf-8"))
