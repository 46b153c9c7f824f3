-- The current version of every document of a source (all sources when $source is NULL) published on or after
-- $since (any time when NULL), with the WARC record to rebuild it from.
SELECT d.url, d.source, v.warc_path, v.warc_offset, v.warc_length, v.warc_record_id
FROM documents AS d
JOIN document_versions AS v USING (doc_id)
LEFT JOIN extractions_current AS c USING (doc_id, version)
LEFT JOIN extractions AS x USING (doc_id, version, extractor_version)
WHERE v.valid_to IS NULL
  AND v.warc_path IS NOT NULL
  AND ($source IS NULL OR d.source = $source)
  AND ($since IS NULL OR x.published_at >= $since)
ORDER BY d.url;
