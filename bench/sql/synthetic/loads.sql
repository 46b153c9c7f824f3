-- The loads of a synthetic warehouse (bench.view_scale): one backfill per source, committed one second apart from
-- $committed on, as a national backfill of $sources sources would leave them.
INSERT INTO load_log
SELECT
    printf('synthetic-%05d', s) AS load_id,
    'backfill' AS kind,
    printf('source%05d', s) AS source,
    '{}'::JSON AS parameters,
    $committed::TIMESTAMPTZ + to_seconds(s) - INTERVAL 10 MINUTE AS started_at,
    $committed::TIMESTAMPTZ + to_seconds(s) AS finished_at,
    'completed' AS status,
    NULL AS message,
    $extractor AS extractor_version
FROM range($sources) AS r(s);
