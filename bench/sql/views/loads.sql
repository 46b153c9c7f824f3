-- The latest loads.
SELECT * FROM loads ORDER BY started_at DESC LIMIT 5;
