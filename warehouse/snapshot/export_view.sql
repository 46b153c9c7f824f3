-- The current state of one public view ($view, a name of ingest.load.snapshot.MATERIALISED_VIEWS taken as a value
-- by query_table(), so no identifier is spliced into SQL), computed once at publish time on the writer's connection
-- (where as_of is never set) and stored in the snapshot: readers then scan its rows instead of joining the history
-- tables and slicing text on every query. Sorted by the view's first column (doc_id, or region for
-- target_vs_outcome), so that a query for one document or region reads only the row groups that hold it.
-- Options as in export_table.sql.
COPY (FROM query_table($view) ORDER BY 1)
TO $path (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE_BYTES '32MB');
