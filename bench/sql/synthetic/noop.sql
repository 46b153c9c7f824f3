-- A scheduled load ($load_id, committed at $committed) that found nothing new: a row in load_log and the
-- conditional requests it made, one per source's list page, all answered.
INSERT INTO load_log VALUES (
    $load_id, 'scheduled', NULL, '{}'::JSON, $committed::TIMESTAMPTZ - INTERVAL 10 MINUTE, $committed::TIMESTAMPTZ,
    'completed', NULL, $extractor
);

INSERT INTO fetch_log
SELECT $load_id, printf('http://source%05d.example.gov.cn/list.html', s), 'list', 304, NULL, 1,
       $committed::TIMESTAMPTZ, NULL
FROM range($sources) AS r(s);
