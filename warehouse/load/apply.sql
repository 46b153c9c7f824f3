-- Applies an attached load package (schema pkg, see package.sql) to the warehouse: its fetch log, crawl memory and
-- region, and finishes its load. The loader runs these statements in order inside one transaction, after those of
-- load/apply_pages.sql when the package holds pages, binding $load_id, $kind, $source, $extractor_version and the
-- source's $region and $region_code (NULL for a reprocess, and in packages written before region codes); now() is
-- that transaction's start, so every row of a load shares one timestamp. Statements end with a semicolon at the end
-- of a line (the loader splits there). Every statement is idempotent: applying the same package again adds no row.

-- By name: a package written before reason_class existed, left by a killed run, still applies.
INSERT INTO fetch_log BY NAME
SELECT $load_id AS load_id, *
FROM pkg.stage_fetch_log
WHERE NOT EXISTS (SELECT 1 FROM fetch_log WHERE load_id = $load_id);

INSERT INTO url_state BY NAME
SELECT * FROM pkg.stage_url_state
QUALIFY row_number() OVER (PARTITION BY url ORDER BY last_fetched_at DESC) = 1
ON CONFLICT (url) DO UPDATE SET
    -- a 304 need not repeat the validators; keep the ones we have
    etag = coalesce(excluded.etag, url_state.etag),
    last_modified = coalesce(excluded.last_modified, url_state.last_modified),
    last_status = excluded.last_status,
    last_fetched_at = excluded.last_fetched_at,
    listed_date = coalesce(excluded.listed_date, url_state.listed_date);

-- The source's region as this load states it: what documents_current and the figures of earlier extractions take
-- their codes from.
INSERT INTO source_regions (source, region, region_code, load_id)
SELECT $source, $region, $region_code, $load_id
WHERE $region IS NOT NULL
ON CONFLICT (source) DO UPDATE SET
    region = excluded.region, region_code = excluded.region_code, load_id = excluded.load_id;

-- Finish the load: failed when every request failed, completed_with_failures when some did.
INSERT INTO load_log (load_id, kind, source, started_at, status, extractor_version)
VALUES ($load_id, $kind, $source, now(), 'running', $extractor_version)
ON CONFLICT (load_id) DO NOTHING;

UPDATE load_log
SET finished_at = now(),
    status = CASE
        WHEN f.failed > 0 AND f.failed = f.attempted THEN 'failed'
        WHEN f.failed > 0 THEN 'completed_with_failures'
        ELSE 'completed'
    END,
    message = CASE WHEN f.failed > 0 THEN f.failed || ' of ' || f.attempted || ' requests failed' END
FROM (
    SELECT count(*) AS attempted, count(error) AS failed FROM pkg.stage_fetch_log
) AS f
WHERE load_id = $load_id;
