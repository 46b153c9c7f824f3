"""What `ingest serve` registers, built without a server: schedules and each deployment's default parameters."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from flows.serve import build_deployments, ingest_schedule

from ingest.errors import ConfigError


def test_the_default_schedule_is_six_in_the_morning_beijing_time() -> None:
    schedule = ingest_schedule()
    assert (schedule.cron, schedule.timezone) == ("0 6 * * *", "Asia/Shanghai")
    assert ingest_schedule(interval=60).interval == timedelta(seconds=60)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"cron": "every morning"}, "'every morning' is not a cron expression"),
        ({"timezone": "Beijing"}, "unknown timezone 'Beijing'"),
        ({"interval": 0}, "--interval must be a positive number of seconds, got 0"),
    ],
)
def test_a_bad_schedule_is_a_config_error(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ingest_schedule(**arguments)  # type: ignore[arg-type]


def test_runs_default_to_absolute_paths_and_to_the_dask_cluster_given() -> None:
    sources, db = Path("sources/demo.toml"), Path("warehouse/demo.duckdb")

    plain = build_deployments(sources, db, ingest_schedule())
    on_dask = build_deployments(sources, db, ingest_schedule(), dask="tcp://dask-scheduler:8786")

    assert [d.name for d in plain] == ["ingest", "backfill", "reprocess"]
    assert [len(d.schedules or []) for d in plain] == [1, 0, 0]
    for deployment in plain:
        assert deployment.parameters == {"sources_file": str(sources.resolve()), "db": str(db.resolve())}
        assert deployment.concurrency_limit == 1
    assert all(d.parameters["dask"] == "tcp://dask-scheduler:8786" for d in on_dask)


def test_every_entrypoint_of_prefect_yaml_is_the_flow_it_deploys() -> None:
    from prefect.flows import load_flow_from_entrypoint

    config = yaml.safe_load((Path(__file__).parents[1] / "prefect.yaml").read_text(encoding="utf-8"))
    for deployment in config["deployments"]:
        flow = load_flow_from_entrypoint(deployment["entrypoint"])
        assert flow.name == deployment["name"]


def test_the_run_form_describes_every_parameter_in_plain_words() -> None:
    """Issue 17: the form showed no descriptions, RST markup and an internal class name (ingest.pipeline.Refetch)."""
    for deployment in build_deployments(Path("sources/demo.toml"), Path("w.duckdb"), ingest_schedule()):
        schema = deployment._parameter_openapi_schema.model_dump()
        texts = {name: field.get("description") or "" for name, field in schema["properties"].items()}
        texts["(deployment)"] = deployment.description or ""
        for name, text in texts.items():
            assert len(text) > 10, (deployment.name, name)
            assert not re.search(r"``|:\w+:`|\b(ingest|flows)\.\w|Args:", text), (deployment.name, name, text)
    backfill = build_deployments(Path("sources/demo.toml"), Path("w.duckdb"), ingest_schedule())[1]
    reprocess = backfill._parameter_openapi_schema.model_dump()["properties"]["reprocess"]
    assert reprocess["enum"] == ["none", "failed", "all"]
    assert all(f"{choice} " in reprocess["description"] for choice in reprocess["enum"])  # each choice explained
