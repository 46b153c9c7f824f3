-- What one load added: every row carries the load_id of the package that wrote it. A load whose package held no
-- pages added none of these (load/apply_pages.sql is where they come from), so the loader does not count them.
SELECT
    (SELECT count(*) FROM documents WHERE load_id = $load_id) AS documents_added,
    (SELECT count(*) FROM document_versions WHERE load_id = $load_id) AS versions_added,
    (SELECT count(*) FROM extractions WHERE load_id = $load_id) AS extractions_added,
    (SELECT count(*) FROM sections WHERE load_id = $load_id) AS sections_added,
    (SELECT count(*) FROM metrics WHERE load_id = $load_id) AS metrics_added;
