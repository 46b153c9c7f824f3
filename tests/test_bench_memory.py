"""The benchmark's children report their own peak memory, not their parent's (issue 18's 1.2–1.4 GB at 1k)."""

from __future__ import annotations

import subprocess
import sys

from ingest.project import PROJECT_ROOT


def test_a_child_started_by_a_large_parent_reports_its_own_peak_memory() -> None:
    ballast = bytearray(600 * 2**20)
    for offset in range(0, len(ballast), 4096):  # touched, so that the pages are resident
        ballast[offset] = 1
    child = subprocess.run(
        [sys.executable, "-c", "from bench.child import peak_rss_mb; print(peak_rss_mb())"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert float(child.stdout) < 400, "the child's peak includes its parent's 600 MB"
    assert ballast[0] == 1
