"""The wheel is the product: installed into a fresh venv, its `ingest demo` works outside the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def uv() -> str:
    """The uv `make setup` used: on the PATH, or the one it installed into .uv/."""
    found = shutil.which("uv") or str(ROOT / ".uv" / "bin" / "uv")
    if not Path(found).is_file():
        pytest.fail("no uv: run `make setup` first")
    return found


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: float = 600) -> str:
    completed = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, f"{command} exited with {completed.returncode}:\n{output}"
    return output


@pytest.mark.slow
def test_the_installed_wheel_runs_the_demo_from_another_directory(tmp_path: Path) -> None:
    dist, venv, elsewhere = tmp_path / "dist", tmp_path / "venv", tmp_path / "elsewhere"
    elsewhere.mkdir()
    run(uv(), "build", "--wheel", "--out-dir", dist, cwd=ROOT)
    [wheel] = dist.glob("ingest-*.whl")
    run(uv(), "venv", "--python", os.environ.get("PYTHON", "python3.11"), venv, cwd=tmp_path)
    install = [uv(), "pip", "install", "--python", venv / "bin" / "python", wheel]
    try:  # from the cache `make setup` filled, when it holds every dependency
        run(*install, "--offline", cwd=tmp_path)
    except AssertionError:
        run(*install, cwd=tmp_path)

    # a clean environment: nothing of the checkout or of this test session's Prefect server
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PREFECT_HOME": str(tmp_path / "prefect")}
    env["INGEST_SERVER_IDLE_SECONDS"] = "30"  # the local Prefect server the demo starts, gone soon after the test
    output = run(venv / "bin" / "ingest", "demo", "--db", "demo.duckdb", cwd=elsewhere, env=env)

    assert "Example query" in output and "Traceback" not in output, output
    assert (elsewhere / "demo.duckdb").is_file() and (elsewhere / "demo.archive").is_dir()
    installed = run(venv / "bin" / "python", "-c", "import ingest.project as p; print(p.WAREHOUSE_SQL)", cwd=elsewhere)
    assert not installed.strip().startswith(str(ROOT)), installed
