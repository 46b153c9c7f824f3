-- Whether a materialised view ($view) is exported in parts by doc_id (export_view_part.sql): when it has a doc_id
-- column and the warehouse holds more than $documents_per_part documents.
SELECT EXISTS (
    FROM duckdb_columns()
    WHERE database_name = current_database() AND table_name = $view AND column_name = 'doc_id'
) AND (SELECT count(*) FROM documents) > $documents_per_part;
