"""Where the project's own files are, and the environment Prefect needs before it is imported."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WAREHOUSE_SQL = PROJECT_ROOT / "warehouse"

# Telemetry off (this product talks only to its configured sites and the local Prefect API), Prefect's state kept
# inside the project, and the temporary API server's access log quiet.
PREFECT_DEFAULTS = {
    "PREFECT_HOME": str(PROJECT_ROOT / ".prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}


def configure_prefect_environment() -> None:
    """Set Prefect's settings that the user has not set; call before the first ``import prefect``."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
