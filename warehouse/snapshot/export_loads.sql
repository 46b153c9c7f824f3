-- The rows that the loads $loads added to a table that loads only append to, as one more file of the snapshot.
-- $table and the options as in export_table.sql.
COPY (FROM query_table($table) WHERE list_contains($loads, load_id))
TO $path (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE_BYTES '32MB');
