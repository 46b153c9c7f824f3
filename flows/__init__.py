"""Prefect flows: wiring, schedules and parameters only. Every stage lives in the ``ingest`` package."""
