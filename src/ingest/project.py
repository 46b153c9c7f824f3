"""Where the project's own files are, and the environment Prefect needs before it is imported.

In a checkout, the SQL and the sources files are read where they are edited (warehouse/, sources/); an installed
wheel carries copies of both as package data under ingest/_data/ (see pyproject.toml).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "warehouse").is_dir()
_FILES = PROJECT_ROOT if IN_CHECKOUT else Path(__file__).resolve().parent / "_data"
WAREHOUSE_SQL = _FILES / "warehouse"
SOURCES = _FILES / "sources"

# Telemetry off (this product talks only to its configured sites and the local Prefect API), Prefect's state kept
# inside the project, and the temporary API server's access log quiet.
# The temporary server a run starts without PREFECT_API_URL gets time to start on a busy machine, and records
# events and task runs in one batch when it stops: flushing one at a time, it was often cancelled mid-write at
# shutdown and logged an ERROR with a CancelledError traceback after a successful run. (A long-running server must
# not inherit the PREFECT_SERVER_SERVICES_* ones, or it would record task runs only when it stops; the user's
# `prefect server start` does not see them.)
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "1000000",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "86400",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_BATCH_SIZE": "1000000",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL": "86400",
}


def configure_prefect_environment() -> None:
    """Set Prefect's settings that the user has not set; call before the first ``import prefect``."""
    defaults = PREFECT_DEFAULTS | ({"PREFECT_HOME": str(PROJECT_ROOT / ".prefect")} if IN_CHECKOUT else {})
    for name, value in defaults.items():  # installed, Prefect keeps its state where it always does (~/.prefect)
        os.environ.setdefault(name, value)
