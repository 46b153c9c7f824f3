-- Which documents the warehouse holds per region and year of publication. A document's region is the one most of
-- its figures name (a statistical bulletin of 万载县 on Yichun's portal is 万载县's), or its source's name when it
-- states no figure; narrowed by $region.
WITH regions AS (
    SELECT doc_id, mode(region) AS region
    FROM metrics_current
    WHERE region IS NOT NULL
    GROUP BY doc_id
)
SELECT
    coalesce(r.region, d.source) AS region,
    year(d.published_at) AS year,
    d.title,
    d.url,
    d.published_at,
    d.source
FROM documents_current AS d
LEFT JOIN regions AS r USING (doc_id)
WHERE $region IS NULL OR coalesce(r.region, d.source) = $region
ORDER BY region, year, d.published_at, d.url;
