-- How many requests of one load failed, per kind of failure, most frequent first.
SELECT coalesce(reason_class, 'unclassified') AS kind, count(*) AS failures
FROM fetch_log
WHERE load_id = $load_id AND error IS NOT NULL
GROUP BY ALL
ORDER BY failures DESC, kind;
