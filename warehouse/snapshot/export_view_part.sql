-- The rows of one materialised view (as in export_view.sql) whose doc_id lies in [$low, $high): one part of it,
-- sorted by doc_id, so that a query for one document reads only the row groups that hold it.
-- A view keyed by document is exported in parts when the warehouse is large, since its joins and its sort carry
-- the documents' text, which the writer's memory limit (writer_session.sql) cannot hold all at once; the filter
-- reaches the tables' scans through the joins on doc_id, so each part joins and sorts only its own documents.
COPY (FROM query_table($view) WHERE doc_id >= $low AND doc_id < $high ORDER BY 1)
TO $path (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE_BYTES '32MB');
