"""What an `ingest run` process imports (issue 17's fast CLI, docs/cli_speed.md): a no-change run is mostly the
interpreter importing modules, so the libraries a run has no use for must stay out of its module graph, even when
they are installed (`make setup` installs the analysis and dask extras), and those it uses must not be compiled
again by every command. A real `ingest run` process, against the session's Prefect server, loads the demo site
over loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from ingest.demo_site import DemoSite
from tests.conftest import sources_file_for

# pandas alone was 1.3 s of the 6 s of CPU a no-change run cost: Arrow imported it to build the package's batches.
NOT_IN_A_RUN = ("pandas", "polars", "numpy", "pyarrow", "dask", "distributed", "vl_convert", "bs4", "nbclient")
# The modules of the environment whose bytecode is not cached and current (the .pyc next to the source, whose header
# records the source's mtime and size): with PYTHONDONTWRITEBYTECODE set, an import never writes it, and a no-change
# run spent half its CPU compiling them; `make setup` compiles them.
UNCACHED = """
import importlib.util, os, struct, sys, sysconfig
environment = sysconfig.get_paths()["purelib"]
def cached(path):
    try:
        with open(importlib.util.cache_from_source(path), "rb") as pyc:
            header = pyc.read(16)
    except OSError:
        return False
    source = os.stat(path)
    return struct.unpack("<4xIII", header) == (0, int(source.st_mtime) & 0xFFFFFFFF, source.st_size & 0xFFFFFFFF)
files = {getattr(module, "__file__", None) for module in list(sys.modules.values())}
print(json.dumps(sorted(f for f in files if f and f.startswith(environment) and f.endswith(".py") and not cached(f))))
"""


@pytest.fixture(scope="module")
def run_process(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Iterator[list[str]]:
    """The last two lines of a real `ingest run` process: the top-level modules it imported, and the modules of the
    environment it imported without cached bytecode."""
    from prefect.settings import PREFECT_API_URL

    tmp_path = tmp_path_factory.mktemp("run")
    with DemoSite() as demo_site:
        sources = sources_file_for(tmp_path / "sources.toml", demo_site)
        arguments = ["run", "--sources", str(sources), "--db", str(tmp_path / "w.duckdb")]
        script = (
            "import json, sys\nfrom ingest.cli import app\n"
            f"app({arguments!r}, standalone_mode=False)\n"
            "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
            f"{UNCACHED}"
        )
        env = os.environ | {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": str(PREFECT_API_URL.value())}
        completed = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=240, check=False
        )
    assert completed.returncode == 0, completed.stderr
    assert "Completed('" in completed.stderr and "new versions" in completed.stderr  # pages parsed and staged
    yield completed.stdout.splitlines()[-2:]


def test_ingest_run_imports_no_dataframe_chart_or_soup_library(run_process: list[str]) -> None:
    imported = set(json.loads(run_process[0]))
    assert imported & set(NOT_IN_A_RUN) == set()
    assert {"prefect", "duckdb", "lxml"} <= imported  # the check would see them


def test_ingest_run_reads_the_environment_s_modules_from_cached_bytecode(run_process: list[str]) -> None:
    uncached = json.loads(run_process[1])
    assert uncached == []
