"""The local Prefect server the `ingest` commands share (ingest.local_server): started by the first command that
needs one, reused by the next, replaced when its record is stale, stopped on `ingest server stop` or when idle.
Real `ingest` processes, real `prefect server start`, the demo site over loopback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL, temporary_settings

from ingest.demo_site import DemoSite
from ingest.load.store import Warehouse
from ingest.local_server import read_record
from tests.conftest import sources_file_for

INGEST = Path(sys.executable).parent / "ingest"
STARTED = "Started a local Prefect server"


def ingest(home: Path, *args: str, idle: float = 600) -> subprocess.CompletedProcess[str]:
    """``ingest`` as a user runs it with no PREFECT_API_URL, its Prefect state under ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_")}
    env |= {"PREFECT_HOME": str(home), "INGEST_SERVER_IDLE_SECONDS": str(idle)}
    return subprocess.run([INGEST, *args], env=env, capture_output=True, text=True, timeout=400, check=False)


def supervisors(home: Path) -> list[int]:
    """The live supervisors of local servers under ``home`` (Linux /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue  # exited while listed
        if b"ingest.local_server" in argv and str(home / "local-server").encode() in argv:
            found.append(int(cmdline.parent.name))
    return found


@pytest.mark.prefect  # a server of its own
def test_a_second_command_reuses_the_server_the_first_started(tmp_path: Path) -> None:
    home = tmp_path / "prefect"
    with DemoSite() as site:
        sources = str(sources_file_for(tmp_path / "sources.toml", site))
        try:
            first = ingest(home, "run", "--sources", sources, "--db", str(tmp_path / "w.duckdb"))
            record = read_record(home / "local-server")
            second = ingest(home, "run", "--sources", sources, "--db", str(tmp_path / "w.duckdb"))

            assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
            assert first.stderr.count(STARTED) == 1 and STARTED not in second.stderr
            assert "Starting temporary server" not in first.stderr + second.stderr
            assert record is not None and read_record(home / "local-server") == record
            assert supervisors(home) == [record.pid]
            with temporary_settings({PREFECT_API_URL: record.url}), get_client(sync_client=True) as client:
                runs = client.read_flow_runs()
            assert sorted(run.state_name or "" for run in runs) == ["Completed", "Completed"]  # both ran there
        finally:
            stopped = ingest(home, "server", "stop")
    assert stopped.stdout.startswith("stopped the server at http://127.0.0.1:"), stopped.stdout + stopped.stderr
    assert supervisors(home) == [] and read_record(home / "local-server") is None


@pytest.mark.prefect
def test_a_dead_servers_record_is_replaced_in_one_line_and_an_idle_server_stops_by_itself(tmp_path: Path) -> None:
    home = tmp_path / "prefect"
    (home / "local-server").mkdir(parents=True)
    gone = subprocess.Popen(["true"])
    gone.wait()  # a pid no process has now; port 9 (discard) has no Prefect server
    record = home / "local-server" / "server.json"
    record.write_text(json.dumps({"pid": gone.pid, "url": "http://127.0.0.1:9/api"}))
    with DemoSite() as site:
        sources = str(sources_file_for(tmp_path / "sources.toml", site))
        completed = ingest(home, "run", "--sources", sources, "--db", str(tmp_path / "w.duckdb"), idle=1)

    assert completed.returncode == 0, completed.stderr
    notes = [line for line in completed.stderr.splitlines() if "is gone" in line]
    assert notes == [f"note: the local Prefect server recorded in {record} is gone; starting another"]
    assert "Traceback" not in completed.stderr and completed.stderr.count(STARTED) == 1
    started = re.search(r"UI at (http://127\.0\.0\.1:\d+) ", completed.stderr)
    assert started is not None and started.group(1) != "http://127.0.0.1:9", completed.stderr

    deadline = time.monotonic() + 60  # idle for a second, with no command holding it
    while supervisors(home) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert supervisors(home) == [] and read_record(home / "local-server") is None


@pytest.mark.parametrize("command", [["--help"], ["sql", "SELECT count(*) FROM documents_current"]])
def test_commands_that_run_no_flow_never_import_prefect(tmp_path: Path, command: list[str]) -> None:
    """Importing Prefect takes seconds; `ingest --help` and `ingest sql` need none of it."""
    db = tmp_path / "w.duckdb"
    Warehouse.at(db).publish()  # an empty warehouse to query
    script = (
        "import sys\nfrom ingest.cli import app\n"
        f"app({[*command, '--db', str(db)] if command[0] == 'sql' else command!r}, standalone_mode=False)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'prefect'))\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[-1] == "[]"


def test_help_imports_no_http_client() -> None:
    """httpx was a quarter of the CPU of `ingest --help`, imported to check the local server's health."""
    script = (
        "import sys\nfrom ingest.cli import app\napp(['--help'], standalone_mode=False)\n"
        "print('httpx' in sys.modules)\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[-1] == "False"
