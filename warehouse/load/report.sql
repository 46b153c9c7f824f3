-- How one load ended and how many of its requests failed (load/report_rows.sql counts the rows it added).
SELECT
    (SELECT count(*) FROM fetch_log WHERE load_id = $load_id AND error IS NOT NULL) AS fetch_failures,
    (SELECT status FROM load_log WHERE load_id = $load_id) AS status,
    (SELECT message FROM load_log WHERE load_id = $load_id) AS message;
