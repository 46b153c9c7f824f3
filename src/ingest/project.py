"""Where the project's own files are, and the environment Prefect needs before it is imported."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WAREHOUSE_SQL = PROJECT_ROOT / "warehouse"

# Telemetry off (this product talks only to its configured sites and the local Prefect API), Prefect's state kept
# inside the project, and the temporary API server's access log quiet.
# The temporary server a run starts without PREFECT_API_URL gets time to start on a busy machine, and records
# events and task runs in one batch when it stops: flushing one at a time, it was often cancelled mid-write at
# shutdown and logged an ERROR with a CancelledError traceback after a successful run. (A long-running server must
# not inherit the PREFECT_SERVER_SERVICES_* ones, or it would record task runs only when it stops; the user's
# `prefect server start` does not see them.)
PREFECT_DEFAULTS = {
    "PREFECT_HOME": str(PROJECT_ROOT / ".prefect"),
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
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
