-- The failed requests of the given loads, by kind (fetch_log.reason_class), for the report's loads section.
SELECT load_id, url, role, status, coalesce(reason_class, 'unclassified') AS kind, error
FROM fetch_log
WHERE error IS NOT NULL AND list_contains($load_ids, load_id)
ORDER BY load_id DESC, url;
