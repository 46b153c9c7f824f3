-- The latest loads, newest first, with what they added and how many requests failed.
SELECT load_id, kind, source, status, started_at, finished_at, versions_added, metrics_added, fetch_failures, message
FROM loads
ORDER BY started_at DESC
LIMIT $limit;
