-- The file of the warehouse a connection writes: its snapshot is published beside it.
SELECT path FROM duckdb_databases() WHERE database_name = current_database();
