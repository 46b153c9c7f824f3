-- URLs of the sources $sources whose latest fetch failed: the next run asks for them again even where incremental
-- paging would not reach them. An article loaded since is excluded by its url_state row.
SELECT l.source, f.url, f.role
FROM fetch_log AS f
JOIN load_log AS l USING (load_id)
WHERE list_contains($sources::VARCHAR[], l.source)
  AND NOT EXISTS (SELECT 1 FROM url_state AS u WHERE u.url = f.url AND u.last_fetched_at > f.fetched_at)
QUALIFY row_number() OVER (PARTITION BY l.source, f.url ORDER BY f.fetched_at DESC) = 1 AND f.error IS NOT NULL;
