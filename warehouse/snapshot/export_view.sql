-- The current state of one public view ($view, a name of ingest.load.snapshot.MATERIALISED_VIEWS taken as a value
-- by query_table(), so no identifier is spliced into SQL), computed once at publish time on the writer's connection
-- (where as_of is never set) and stored in the snapshot: readers then scan its rows instead of joining the history
-- tables and slicing text on every query. Unsorted: a view stored whole is not keyed by document, and sorting
-- target_vs_outcome's 800,000 rows of a national warehouse ran out of the writer's memory (writer_session.sql).
-- Options as in export_table.sql.
COPY (FROM query_table($view)) TO $path (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE_BYTES '32MB');
