-- What a reprocess load changed, per indicator: metrics of the extractions it added beside those of the newest
-- earlier extraction of the same document version. A figure is identified by document, indicator (or its name
-- when unmatched), period, kind, measure, basis and its position among equal keys; its value may change.
WITH new_x AS (
    SELECT doc_id, version, extractor_version FROM extractions WHERE load_id = $load_id
),
old_x AS (
    SELECT e.doc_id, e.version, e.extractor_version
    FROM extractions AS e
    JOIN new_x AS n ON n.doc_id = e.doc_id AND n.version = e.version AND e.extractor_version <> n.extractor_version
    QUALIFY row_number() OVER (PARTITION BY e.doc_id, e.version ORDER BY e.extracted_at DESC) = 1
),
keyed AS (
    SELECT
        CASE WHEN n.doc_id IS NOT NULL THEN 'new' ELSE 'old' END AS side,
        m.doc_id,
        coalesce(m.indicator, m.name) AS indicator,
        m.period, m.kind, m.measure, m.basis, m.value, m.value_high,
        row_number() OVER (
            PARTITION BY m.doc_id, m.extractor_version, coalesce(m.indicator, m.name), m.period, m.kind, m.measure, m.basis
            ORDER BY m.start
        ) AS nth
    FROM metrics AS m
    LEFT JOIN new_x AS n USING (doc_id, version, extractor_version)
    LEFT JOIN old_x AS o USING (doc_id, version, extractor_version)
    WHERE n.doc_id IS NOT NULL OR o.doc_id IS NOT NULL
),
paired AS (
    SELECT
        coalesce(a.indicator, b.indicator) AS indicator,
        b.doc_id IS NULL AS added,
        a.doc_id IS NULL AS removed,
        a.doc_id IS NOT NULL AND b.doc_id IS NOT NULL
            AND (a.value IS DISTINCT FROM b.value OR a.value_high IS DISTINCT FROM b.value_high) AS changed
    FROM (SELECT * FROM keyed WHERE side = 'new') AS a
    FULL OUTER JOIN (SELECT * FROM keyed WHERE side = 'old') AS b
      USING (doc_id, indicator, period, kind, measure, basis, nth)
)
SELECT indicator, count(*) FILTER (added) AS added, count(*) FILTER (removed) AS removed,
       count(*) FILTER (changed) AS changed
FROM paired
GROUP BY indicator
HAVING count(*) FILTER (added OR removed OR changed) > 0
ORDER BY indicator;
