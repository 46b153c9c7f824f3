-- An `ingest sql` connection without --allow-files: no file or network access at all but to the snapshot's own
-- Parquet files, which its views read ($snapshot_data, a folder). DuckDB refuses to turn access back on while the
-- database is open, so it is left as it is when files are allowed.
SET allowed_directories = [$snapshot_data];
SET enable_external_access = false;
