"""Interrupted and concurrent loads on real DuckDB files: kill -9 at several points, two runs at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.demo_site import DemoSite
from ingest.query import open_reader, run_query
from ingest.sources import Source

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # loads in processes of their own, killed at several points

# Everything a load decides, without load ids and timestamps, which differ between runs by design.
SNAPSHOT = {
    "documents": "SELECT url, source FROM documents ORDER BY url",
    "versions": "SELECT d.url, v.version, v.raw_sha256, v.content_sha256, v.valid_to IS NULL "
    "FROM document_versions v JOIN documents d USING (doc_id) ORDER BY ALL",
    "extractions": "SELECT doc_id, version, extractor_version, content_sha256, text FROM extractions ORDER BY ALL",
    "sections": "SELECT * EXCLUDE (load_id) FROM sections ORDER BY ALL",
    "metrics": "SELECT * EXCLUDE (load_id) FROM metrics ORDER BY ALL",
    "url_state": "SELECT url, etag, last_modified FROM url_state ORDER BY ALL",
}


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with open_reader(db) as con:
        return {name: run_query(con, sql).rows for name, sql in SNAPSHOT.items()}


def start_load_process(
    db: Path, source: Source, lock_timeout: float = 30.0, gate: Path | None = None
) -> subprocess.Popen[str]:
    gated = [] if gate is None else [str(gate)]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.load_runner", str(db), source.model_dump_json(), str(lock_timeout), *gated],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(process: subprocess.Popen[str], expected: str) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == expected:
            return
    raise AssertionError(f"the load process ended before printing {expected!r}")


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


@pytest.fixture
def slow_source(demo_site: DemoSite, demo_source: Source) -> Source:
    """The demo site at 8 requests/s, so a load lasts long enough to be killed in each of its phases."""
    return demo_source.model_copy(update={"rate_limit": 8.0})


def test_kill_9_at_any_point_then_rerun_equals_an_uninterrupted_load(tmp_path: Path, slow_source: Source) -> None:
    reference = tmp_path / "reference" / "w.duckdb"
    code, out, err = finish(start_load_process(reference, slow_source))
    assert code == 0, err
    expected = snapshot(reference)
    assert expected["metrics"], "the reference load must have loaded figures"

    db = tmp_path / "killed" / "w.duckdb"
    phases_hit = set()
    # (phase to wait for, seconds after it): mid-crawl, late crawl, and inside the commit
    for phase, delay in (("collecting", 0.2), ("collecting", 0.7), ("committing", 0.0), ("committing", 0.05)):
        process = start_load_process(db, slow_source)
        wait_for_line(process, phase)
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        _, out, _ = finish(process)
        phases_hit.add(out.splitlines()[-1] if out.strip() else phase)
        assert snapshot(db)["versions"] in ([], expected["versions"])  # never a partial load
    code, _, err = finish(start_load_process(db, slow_source))
    assert code == 0, err
    assert snapshot(db) == expected
    assert {"collecting", "committing"} <= phases_hit, f"kills landed only in {phases_hit}"
    with open_reader(db) as con:
        statuses = {row[0] for row in run_query(con, "SELECT status FROM loads").rows}
    assert statuses <= {"completed", "aborted"}


def test_two_concurrent_runs_leave_intact_data_and_a_clear_message(tmp_path: Path, slow_source: Source) -> None:
    db = tmp_path / "w.duckdb"
    # The first commits only once the impatient one has given up: however slowly the others start on a busy
    # machine, the first still holds the run lock when they ask for it.
    gate = tmp_path / "commit"
    first = start_load_process(db, slow_source, lock_timeout=60, gate=gate)
    wait_for_line(first, "collecting")  # the first holds the run lock from here to its commit
    impatient = start_load_process(db, slow_source, lock_timeout=0.5)
    patient = start_load_process(db, slow_source, lock_timeout=60)
    code, _, err = finish(impatient)
    gate.touch()
    assert code != 0 and "another run is writing to" in err
    assert finish(first)[0] == 0
    code, out, err = finish(patient)
    assert code == 0, err
    assert out.strip().endswith("done completed 0")  # it waited, then found nothing new

    reference = tmp_path / "reference.duckdb"
    assert finish(start_load_process(reference, slow_source))[0] == 0
    assert snapshot(db) == snapshot(reference)
