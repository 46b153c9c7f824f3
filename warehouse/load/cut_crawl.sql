-- The sources of $sources whose latest crawl stopped between two of its packages: a package after the first (its
-- load's parameters name the load it continues) was begun and never committed, and no crawl of the source has
-- ended since. Such a crawl committed some list pages' articles and not the pages after them; the next scheduled
-- run must page on past known articles to reach them (ingest.pipeline, resume).
WITH ends AS (
    -- a committed load that no later package continues: a crawl that ran to its end (a load recorded as failed
    -- because the warehouse was busy has no parameters and crawled nothing)
    SELECT l.source, l.started_at, false AS cut
    FROM load_log AS l
    WHERE list_contains($sources::VARCHAR[], l.source)
      AND l.finished_at IS NOT NULL
      AND l.parameters IS NOT NULL
      AND NOT EXISTS (
          SELECT 1 FROM load_log AS n WHERE json_extract_string(n.parameters, '$.continues') = l.load_id
      )
    UNION ALL
    -- a continuing package that never committed: a crawl cut short between packages
    SELECT source, started_at, true AS cut
    FROM load_log
    WHERE list_contains($sources::VARCHAR[], source)
      AND json_extract_string(parameters, '$.continues') IS NOT NULL
      AND finished_at IS NULL
)
SELECT source
FROM ends
GROUP BY source
HAVING arg_max(cut, started_at);
