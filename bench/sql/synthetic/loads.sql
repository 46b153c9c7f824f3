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

-- Each source a prefecture of the division list, in code order and round again, as its load recorded it: panel and
-- coverage then span the regions a national warehouse holds.
INSERT INTO source_regions
WITH prefectures AS (
    SELECT code, min(name) AS name, row_number() OVER (ORDER BY code) - 1 AS number
    FROM regions
    WHERE level = 'prefecture' AND valid_to IS NULL
    GROUP BY code
)
SELECT printf('source%05d', s), p.name, p.code, printf('synthetic-%05d', s)
FROM range($sources) AS r(s)
JOIN prefectures AS p ON p.number = s % (SELECT count(*) FROM prefectures);
