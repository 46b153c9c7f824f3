"""Benchmarks of the ingestion pipeline: ``make bench`` (``python -m bench.run --pages N``).

A synthetic mirror of N report pages (:mod:`bench.mirror`) is served on loopback by the demo site; the harness
(:mod:`bench.run`) times extraction against trafilatura and lxml, a full backfill, a no-change scheduled run,
Prefect's start-up, loading into DuckDB and the public views, and writes ``bench/results/``.
"""
