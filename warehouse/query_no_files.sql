-- An `ingest sql` connection without --allow-files: no file or network access at all (DuckDB refuses to turn it
-- back on while the database is open, so it is left as it is when files are allowed).
SET enable_external_access = false;
