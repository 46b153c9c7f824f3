-- What one load added: every row carries the load_id of the package that wrote it.
SELECT
    (SELECT count(*) FROM documents WHERE load_id = $load_id) AS documents_added,
    (SELECT count(*) FROM document_versions WHERE load_id = $load_id) AS versions_added,
    (SELECT count(*) FROM extractions WHERE load_id = $load_id) AS extractions_added,
    (SELECT count(*) FROM sections WHERE load_id = $load_id) AS sections_added,
    (SELECT count(*) FROM metrics WHERE load_id = $load_id) AS metrics_added,
    (SELECT count(*) FROM fetch_log WHERE load_id = $load_id AND error IS NOT NULL) AS fetch_failures,
    (SELECT status FROM load_log WHERE load_id = $load_id) AS status,
    (SELECT message FROM load_log WHERE load_id = $load_id) AS message;
