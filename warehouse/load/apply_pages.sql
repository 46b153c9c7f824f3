-- Applies the pages of an attached load package (schema pkg, see package.sql): its documents, versions,
-- extractions, sections and figures. The loader runs these statements, then load/apply.sql, in one transaction,
-- binding $load_id and $extractor_version; it leaves them out for a package without pages (a source where nothing
-- changed), to which none of them adds a row. Statements end with a semicolon at the end of a line, and each is
-- idempotent, as in load/apply.sql.

-- The newest staged row of each URL wins when a package holds several. Temp tables hold keys only: the text
-- is read from the package when inserted, so a load of many pages never holds several copies of it.
CREATE OR REPLACE TEMP TABLE staged AS
SELECT url, fetched_at, fetched, source, raw_sha256, content_sha256
FROM pkg.stage_pages
QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1;

INSERT INTO documents (doc_id, url, source, first_seen_at, load_id)
SELECT substr(sha256(s.url), 1, 16), s.url, s.source, s.fetched_at, $load_id
FROM staged AS s
WHERE s.fetched AND NOT EXISTS (SELECT 1 FROM documents AS d WHERE d.url = s.url);

-- A fetched page is a new version when its raw body changed and so did its clean content, compared with the
-- current version's extraction by the same extractor (or its newest extraction, when that extractor never saw it).
-- Comparing raw bodies first keeps an extractor upgrade from looking like an edit of every page.
CREATE OR REPLACE TEMP TABLE new_versions AS
WITH reference AS (
    SELECT e.doc_id, e.content_sha256, e.extractor_version
    FROM extractions AS e
    JOIN document_versions AS cur ON cur.doc_id = e.doc_id AND cur.version = e.version AND cur.valid_to IS NULL
    QUALIFY row_number() OVER (
        PARTITION BY e.doc_id
        ORDER BY e.extractor_version = $extractor_version DESC, e.extracted_at DESC
    ) = 1
)
SELECT d.doc_id, coalesce(cur.version, 0) + 1 AS version, s.url, s.fetched_at
FROM staged AS s
JOIN documents AS d USING (url)
LEFT JOIN document_versions AS cur ON cur.doc_id = d.doc_id AND cur.valid_to IS NULL
LEFT JOIN reference AS r ON r.doc_id = d.doc_id
WHERE s.fetched
  AND (cur.doc_id IS NULL
       OR (cur.raw_sha256 <> s.raw_sha256 AND r.content_sha256 IS DISTINCT FROM s.content_sha256));

UPDATE document_versions SET valid_to = now()
WHERE valid_to IS NULL AND doc_id IN (SELECT doc_id FROM new_versions);

INSERT INTO document_versions BY NAME
SELECT n.doc_id, n.version, p.raw_sha256, p.content_sha256, p.final_url, p.etag, p.last_modified, p.fetched_at,
       p.warc_path, p.warc_offset, p.warc_length, p.warc_record_id,
       now() AS valid_from, NULL AS valid_to, $load_id AS load_id
FROM new_versions AS n
JOIN pkg.stage_pages AS p USING (url, fetched_at);

-- Every staged page is an extraction of its document's current version, unless that pair exists already.
CREATE OR REPLACE TEMP TABLE new_extractions AS
SELECT v.doc_id, v.version, s.url, s.fetched_at, p.extractor_version
FROM staged AS s
JOIN pkg.stage_pages AS p USING (url, fetched_at)
JOIN documents AS d USING (url)
JOIN document_versions AS v ON v.doc_id = d.doc_id AND v.valid_to IS NULL
WHERE NOT EXISTS (
    SELECT 1 FROM extractions AS e
    WHERE e.doc_id = v.doc_id AND e.version = v.version AND e.extractor_version = p.extractor_version
);

INSERT INTO extractions BY NAME
SELECT n.doc_id, n.version, n.extractor_version, p.content_sha256, p.title, p.published_at, p.origin, p.editor,
       p.column_name, p.text, now() AS extracted_at, $load_id AS load_id
FROM new_extractions AS n
JOIN pkg.stage_pages AS p USING (url, fetched_at);

INSERT INTO sections BY NAME
SELECT n.doc_id, n.version, s.* EXCLUDE (url), $load_id AS load_id
FROM pkg.stage_sections AS s
JOIN new_extractions AS n USING (url, extractor_version);

INSERT INTO metrics BY NAME
SELECT n.doc_id, n.version, m.* EXCLUDE (url), $load_id AS load_id
FROM pkg.stage_metrics AS m
JOIN new_extractions AS n USING (url, extractor_version);

