-- The warehouse's tables, each published as one Parquet file of the snapshot (views are rebuilt over them).
SELECT table_name
FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'main'
ORDER BY table_name;
