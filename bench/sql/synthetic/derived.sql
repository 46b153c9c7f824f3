-- The sections and figures of every extraction that has none yet, shaped like a report's: six sections (three
-- top-level ones, each with one subsection) cutting the text into equal parts, and 40 figures spread through it.
-- Figures 0–19 state last year's outcomes: actual in a work report or a bulletin, estimate in an interpretation.
-- Figures 20–39 of a work report state this year's targets; of the other kinds, last year's levels. Indicators are
-- codes of the real vocabulary (the indicators table), the region is the source's, so targets of one year meet
-- the outcomes a later document of the same region reports for that year, as in target_vs_outcome.
CREATE TEMP TABLE synthetic_new AS
SELECT x.doc_id, x.version, x.extractor_version, x.load_id, length(x.text) AS size, d.s, d.year, d.genre
FROM extractions AS x
JOIN synthetic_documents AS d USING (doc_id)
WHERE NOT EXISTS (
    FROM sections AS s
    WHERE s.doc_id = x.doc_id AND s.version = x.version AND s.extractor_version = x.extractor_version
);

INSERT INTO sections
SELECT
    doc_id, version, extractor_version, k,
    1 + k % 2 AS level,
    CASE WHEN k % 2 = 0 THEN ['一', '二', '三'][k // 2 + 1] ELSE '（一）' END AS number,
    ['过去一年工作回顾', '主要指标完成情况', '今年工作总体要求', '主要预期目标', '重点工作', '保障措施'][k + 1],
    CASE WHEN k = 5 THEN 'appendix' ELSE 'body' END,
    CASE WHEN k % 2 = 1 THEN k - 1 END AS parent,
    -- a top-level section spans its subsection too
    size * k // 6,
    size * (k + 1 + (k + 1) % 2) // 6,
    load_id
FROM synthetic_new CROSS JOIN range(6) AS r(k);

INSERT INTO metrics
WITH figures AS (
    SELECT n.*, k, i.code, i.name_zh, (hash(doc_id, k) % 2000)::DECIMAL(38, 10) / 100 AS value, g.region_code
    FROM synthetic_new AS n
    JOIN source_regions AS g ON g.source = printf('source%05d', n.s)
    CROSS JOIN range(40) AS r(k)
    JOIN (SELECT code, name_zh, row_number() OVER (ORDER BY code) - 1 AS number FROM indicators) AS i
      ON i.number = k % 20
)
SELECT
    doc_id, version, extractor_version, k, code, name_zh, '地区' || s,
    CASE WHEN k >= 20 AND genre = 0 THEN year ELSE year - 1 END::VARCHAR AS period,
    CASE WHEN k >= 20 AND genre = 0 THEN 'target' WHEN genre = 2 AND k < 20 THEN 'estimate' ELSE 'actual' END,
    CASE WHEN k >= 20 AND genre <> 0 THEN 'level' ELSE 'growth' END,
    'annual',
    value,
    NULL,
    '%',
    value,
    '%',
    CASE WHEN k >= 20 AND genre = 0 THEN '左右' END,
    name_zh || '增长' || value::DECIMAL(6, 2) || '%。',
    size * k // 40,
    size * k // 40 + 12,
    (6 * k // 40)::INTEGER,
    load_id,
    region_code
FROM figures;

DROP TABLE synthetic_new;
