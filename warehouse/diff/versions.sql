-- The versions of one document, named by its doc_id or its canonical URL, each with its newest extraction (the
-- clean text and the extractor version whose figures `ingest diff` compares), oldest first.
SELECT
    d.doc_id,
    d.url,
    v.version,
    v.valid_from,
    v.load_id,
    x.extractor_version,
    x.title,
    x.text
FROM documents AS d
JOIN document_versions AS v USING (doc_id)
JOIN extractions AS x USING (doc_id, version)
WHERE d.doc_id = $doc OR d.url = $doc
QUALIFY row_number() OVER (PARTITION BY v.version ORDER BY x.extracted_at DESC, x.extractor_version DESC) = 1
ORDER BY v.version;
