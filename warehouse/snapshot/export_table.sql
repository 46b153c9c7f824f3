-- One table of a snapshot. $table is checked against tables.sql by the caller; query() takes it as a value, so
-- no identifier is spliced into SQL. Zstd: the documents' text makes most of a snapshot's bytes.
COPY (FROM query_table($table)) TO $path (FORMAT parquet, COMPRESSION zstd);
