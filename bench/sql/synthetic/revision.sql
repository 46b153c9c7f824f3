-- A later load ($load_id, committed at $committed) that finds one in $every documents changed: each gets a second
-- version, and its first version is closed, as the loader does (warehouse/load/apply.sql). Its extraction,
-- sections and figures follow from extractions.sql and derived.sql.
INSERT INTO load_log VALUES (
    $load_id, 'scheduled', NULL, '{}'::JSON, $committed::TIMESTAMPTZ - INTERVAL 10 MINUTE, $committed::TIMESTAMPTZ,
    'completed', NULL, $extractor
);

UPDATE document_versions SET valid_to = $committed::TIMESTAMPTZ
WHERE valid_to IS NULL AND hash(doc_id, 'revised') % $every = 0;

INSERT INTO document_versions
SELECT doc_id, version + 1, sha256(doc_id || '-raw-' || (version + 1)), sha256(doc_id || '-content-' || (version + 1)),
       final_url, NULL, NULL, $committed::TIMESTAMPTZ - INTERVAL 5 MINUTE, warc_path, warc_offset, warc_length,
       warc_record_id, $committed::TIMESTAMPTZ, NULL, $load_id
FROM document_versions
WHERE valid_to = $committed::TIMESTAMPTZ;
