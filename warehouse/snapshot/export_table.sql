-- One table of a snapshot, whole. $table is a name from tables.sql, taken as a value by query_table(), so no
-- identifier is spliced into SQL. Zstd: the documents' text makes most of a snapshot's bytes. Row groups are cut
-- by size: DuckDB's default of 122,880 rows of whole documents' text would not fit the writer's memory limit.
COPY (FROM query_table($table)) TO $path (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE_BYTES '32MB');
