-- The documents one load added or changed, for run summaries.
SELECT v.version = 1 AS is_new, x.title, x.published_at, d.url
FROM document_versions AS v
JOIN documents AS d USING (doc_id)
LEFT JOIN extractions AS x USING (doc_id, version)
WHERE v.load_id = $load_id
QUALIFY row_number() OVER (PARTITION BY v.doc_id ORDER BY x.extracted_at DESC) = 1
ORDER BY x.published_at DESC NULLS LAST, d.url;
