-- The public interface of the warehouse. These views and their columns are a contract: add columns, never rename or
-- drop them. Documented with examples in warehouse/README.md.
--
-- Time travel: every view answers "as the warehouse stood at as_of", where as_of is the session variable set by
-- `SET VARIABLE as_of = TIMESTAMPTZ '…'` (what `ingest sql --as-of` does). Unset, the views show the current state.

CREATE OR REPLACE MACRO as_of_time() AS coalesce(getvariable('as_of'), 'infinity'::TIMESTAMPTZ);

-- For each document, its version current at as_of and the newest extraction of it committed by as_of.
CREATE OR REPLACE VIEW extractions_current AS
SELECT e.doc_id, e.version, e.extractor_version, e.extracted_at, e.load_id AS extraction_load_id
FROM extractions AS e
JOIN document_versions AS v USING (doc_id, version)
WHERE v.valid_from <= as_of_time()
  AND (v.valid_to IS NULL OR v.valid_to > as_of_time())
  AND e.extracted_at <= as_of_time()
QUALIFY row_number() OVER (PARTITION BY e.doc_id ORDER BY e.extracted_at DESC, e.extractor_version DESC) = 1;
COMMENT ON VIEW extractions_current IS 'Which extractor version the *_current views show for each document.';

CREATE OR REPLACE VIEW documents_current AS
SELECT
    d.doc_id,
    d.source,
    d.url,
    x.title,
    x.published_at,
    v.version,
    x.content_sha256,
    v.fetched_at,
    v.load_id,
    x.origin,
    x.editor,
    x.column_name,
    v.final_url,
    v.valid_from,
    x.extractor_version,
    length(x.text) AS text_length,
    x.text
FROM documents AS d
JOIN extractions_current AS c USING (doc_id)
JOIN document_versions AS v USING (doc_id, version)
JOIN extractions AS x USING (doc_id, version, extractor_version);
COMMENT ON VIEW documents_current IS 'One row per document: its version current at as_of (now, unless set), as the newest extractor reads it.';

CREATE OR REPLACE VIEW sections_current AS
SELECT
    s.doc_id,
    s.ordinal,
    s.level,
    s.number,
    s.heading,
    s.kind,
    substr(d.text, s.start + 1, s."end" - s.start) AS text,
    s.start,
    s."end",
    s.parent,
    d.version,
    d.extractor_version,
    d.title AS document_title
FROM sections AS s
JOIN documents_current AS d USING (doc_id, version, extractor_version);
COMMENT ON VIEW sections_current IS 'The section tree of every current document; text is the slice [start, end) of its clean text.';

-- Metrics of one extraction, with the document they came from. Shared by metrics_current and metric_history.
CREATE OR REPLACE VIEW metric_rows AS
SELECT
    m.doc_id,
    m.indicator,
    m.name,
    m.region,
    m.period,
    m.kind,
    m.measure,
    m.basis,
    m.value,
    m.value_high,
    m.unit,
    m.value_std,
    m.unit_std,
    m.qualifier,
    m.sentence,
    m.start,
    m."end",
    m.section,
    s.heading AS section_heading,
    m.ordinal,
    m.version,
    m.extractor_version,
    d.source,
    d.url,
    x.title,
    x.published_at,
    v.valid_from,
    v.valid_to,
    m.load_id
FROM metrics AS m
JOIN documents AS d USING (doc_id)
JOIN document_versions AS v USING (doc_id, version)
JOIN extractions AS x USING (doc_id, version, extractor_version)
LEFT JOIN sections AS s
    ON s.doc_id = m.doc_id AND s.version = m.version
   AND s.extractor_version = m.extractor_version AND s.ordinal = m.section;

CREATE OR REPLACE VIEW metrics_current AS
SELECT r.* EXCLUDE (valid_from, valid_to)
FROM metric_rows AS r
JOIN extractions_current USING (doc_id, version, extractor_version);
COMMENT ON VIEW metrics_current IS 'Every figure of every current document, from the newest extractor.';

CREATE OR REPLACE VIEW metric_history AS
SELECT r.*, x.extracted_at
FROM metric_rows AS r
JOIN extractions AS x USING (doc_id, version, extractor_version)
WHERE x.extracted_at <= as_of_time()
  AND r.valid_from <= as_of_time();
COMMENT ON VIEW metric_history IS 'Every figure of every document version from every extractor version, for audits.';

-- A target for year Y stated in one report beside the latest outcome for Y reported in a later document.
-- The latest outcome per key is picked first: when any outcome follows a target, the latest one does, so the
-- join stays linear however many documents restate the same figures.
CREATE OR REPLACE VIEW target_vs_outcome AS
WITH targets AS (
    SELECT * FROM metrics_current WHERE kind = 'target' AND indicator IS NOT NULL
),
latest_outcomes AS (
    SELECT * FROM metrics_current
    WHERE kind IN ('actual', 'estimate') AND indicator IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY indicator, period, measure, basis, unit_std, region
        ORDER BY published_at DESC, kind = 'actual' DESC, doc_id, ordinal
    ) = 1
)
SELECT
    t.region,
    t.indicator,
    t.period,
    t.measure,
    t.basis,
    t.unit_std,
    t.value_std AS target_value,
    -- value_high scaled to the standard unit the same way as value
    t.value_high * (t.value_std / nullif(t.value, 0)) AS target_value_high,
    t.qualifier AS target_qualifier,
    o.value_std AS outcome_value,
    o.kind AS outcome_kind,
    coalesce(o.value_std, o.value) - coalesce(t.value_std, t.value) AS gap,
    t.doc_id AS target_doc_id,
    t.published_at AS target_published_at,
    t.sentence AS target_sentence,
    o.doc_id AS outcome_doc_id,
    o.published_at AS outcome_published_at,
    o.sentence AS outcome_sentence
FROM targets AS t
JOIN latest_outcomes AS o
  ON o.indicator = t.indicator
 AND o.period = t.period
 AND o.measure = t.measure
 AND o.basis = t.basis
 AND o.unit_std IS NOT DISTINCT FROM t.unit_std
 AND o.region IS NOT DISTINCT FROM t.region
 AND o.published_at > t.published_at;
COMMENT ON VIEW target_vs_outcome IS 'Targets beside the outcome later reported for the same indicator, period and region; gap = outcome - target.';

CREATE OR REPLACE VIEW loads AS
SELECT
    l.load_id,
    l.kind,
    l.started_at,
    l.finished_at,
    l.status,
    l.source,
    l.message,
    l.extractor_version,
    l.parameters,
    (SELECT count(*) FROM document_versions AS v WHERE v.load_id = l.load_id) AS versions_added,
    (SELECT count(*) FROM extractions AS e WHERE e.load_id = l.load_id) AS extractions_added,
    (SELECT count(*) FROM metrics AS m WHERE m.load_id = l.load_id) AS metrics_added,
    (SELECT count(*) FROM fetch_log AS f WHERE f.load_id = l.load_id AND f.error IS NOT NULL) AS fetch_failures
FROM load_log AS l
WHERE l.started_at <= as_of_time();
COMMENT ON VIEW loads IS 'Every load with its outcome and what it added.';
