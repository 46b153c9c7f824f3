-- What the warehouse holds now, for the demo's closing summary.
SELECT
    (SELECT count(*) FROM documents_current) AS documents,
    (SELECT count(*) FROM sections_current) AS sections,
    (SELECT count(*) FROM metrics_current) AS metrics,
    (SELECT count(*) FROM document_versions) AS versions;
