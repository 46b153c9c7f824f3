"""What an `ingest run` process imports (issue 17's fast CLI, docs/cli_speed.md): a no-change run is mostly the
interpreter importing modules, so the libraries a run has no use for must stay out of its module graph, even when
they are installed (`make setup` installs the analysis and dask extras). A real `ingest run` process, against the
session's Prefect server, loads the demo site over loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.demo_site import DemoSite
from tests.conftest import sources_file_for

# pandas alone was 1.3 s of the 6 s of CPU a no-change run cost: Arrow imported it to build the package's batches.
NOT_IN_A_RUN = ("pandas", "polars", "numpy", "pyarrow", "dask", "distributed", "vl_convert", "bs4", "nbclient")


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_run_imports_no_dataframe_chart_or_soup_library(tmp_path: Path, demo_site: DemoSite) -> None:
    from prefect.settings import PREFECT_API_URL

    sources = sources_file_for(tmp_path / "sources.toml", demo_site)
    arguments = ["run", "--sources", str(sources), "--db", str(tmp_path / "w.duckdb")]
    script = (
        "import json, sys\nfrom ingest.cli import app\n"
        f"app({arguments!r}, standalone_mode=False)\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    env = os.environ | {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    completed = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=240, check=False
    )

    assert completed.returncode == 0, completed.stderr
    assert "Completed('" in completed.stderr and "new versions" in completed.stderr  # pages parsed and staged
    imported = set(json.loads(completed.stdout.splitlines()[-1]))
    assert imported & set(NOT_IN_A_RUN) == set()
    assert {"prefect", "duckdb", "lxml"} <= imported  # the check would see them
