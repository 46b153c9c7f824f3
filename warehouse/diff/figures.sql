-- The figures one extraction of a document version added, removed or changed against another's.
--
-- A figure is the same figure in both when its name as written, region, period, kind, measure and basis agree and
-- it is the same occurrence of them (the first, second … in text order): a report that states GDP growth twice
-- keeps both apart. Keys may be NULL (a figure without a region or period), so they are compared with
-- IS NOT DISTINCT FROM, and so are the values: a NULL unit or qualifier on both sides is no change.
WITH old AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY name, region, period, kind, measure, basis ORDER BY start) AS occurrence
    FROM metrics
    WHERE doc_id = $doc_id AND version = $from_version AND extractor_version = $from_extractor
),
new AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY name, region, period, kind, measure, basis ORDER BY start) AS occurrence
    FROM metrics
    WHERE doc_id = $doc_id AND version = $to_version AND extractor_version = $to_extractor
)
SELECT
    CASE WHEN o.doc_id IS NULL THEN 'added' WHEN n.doc_id IS NULL THEN 'removed' ELSE 'changed' END AS change,
    coalesce(n.indicator, o.indicator) AS indicator,
    coalesce(n.name, o.name) AS name,
    coalesce(n.region, o.region) AS region,
    coalesce(n.period, o.period) AS period,
    coalesce(n.kind, o.kind) AS kind,
    coalesce(n.measure, o.measure) AS measure,
    o.value AS old_value,
    o.value_high AS old_value_high,
    o.unit AS old_unit,
    o.qualifier AS old_qualifier,
    o.sentence AS old_sentence,
    n.value AS new_value,
    n.value_high AS new_value_high,
    n.unit AS new_unit,
    n.qualifier AS new_qualifier,
    n.sentence AS new_sentence
FROM old AS o
FULL JOIN new AS n
    ON o.name = n.name
   AND o.region IS NOT DISTINCT FROM n.region
   AND o.period IS NOT DISTINCT FROM n.period
   AND o.kind = n.kind
   AND o.measure = n.measure
   AND o.basis = n.basis
   AND o.occurrence = n.occurrence
WHERE o.doc_id IS NULL
   OR n.doc_id IS NULL
   OR (o.value, o.value_high, o.unit, o.qualifier) IS DISTINCT FROM (n.value, n.value_high, n.unit, n.qualifier)
ORDER BY coalesce(n.start, o.start), change;
