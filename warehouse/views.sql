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
    x.text,
    r.region_code
FROM documents AS d
JOIN extractions_current AS c USING (doc_id)
JOIN document_versions AS v USING (doc_id, version)
JOIN extractions AS x USING (doc_id, version, extractor_version)
LEFT JOIN source_regions AS r ON r.source = d.source;
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
    m.load_id,
    -- Figures extracted before region codes have none of their own; the rule that would have given them one
    -- (ingest.regions.figure_region_code) gives those that name no region, or their source's, the source's code.
    coalesce(
        m.region_code,
        CASE WHEN m.region IS NULL OR m.region = r.region THEN r.region_code END
    ) AS region_code
FROM metrics AS m
JOIN documents AS d USING (doc_id)
JOIN document_versions AS v USING (doc_id, version)
JOIN extractions AS x USING (doc_id, version, extractor_version)
LEFT JOIN sections AS s
    ON s.doc_id = m.doc_id AND s.version = m.version
   AND s.extractor_version = m.extractor_version AND s.ordinal = m.section
LEFT JOIN source_regions AS r ON r.source = d.source;

CREATE OR REPLACE VIEW metrics_current AS
SELECT r.* EXCLUDE (valid_from, valid_to)
FROM metric_rows AS r
JOIN extractions_current USING (doc_id, version, extractor_version);
COMMENT ON VIEW metrics_current IS 'Every figure of every current document, from the newest extractor.';

CREATE OR REPLACE VIEW metric_history AS
SELECT r.* EXCLUDE (region_code), x.extracted_at, r.region_code
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

-- One row per code: its current name, or the latest name of a code no longer in use.
CREATE OR REPLACE VIEW region_names AS
SELECT code, name, level, parent_code
FROM regions
QUALIFY row_number() OVER (PARTITION BY code ORDER BY valid_to DESC NULLS FIRST) = 1;

-- The annual figures of every region, one row per region code, year, indicator and measure (growth and level are
-- two rows, as in target_vs_outcome): the target set for the year, the first estimate of its outcome, the first
-- outcome reported and its latest revision, each from the document that states it first (or, for the revision,
-- last). Values are in the standard unit (unit_std) where there is one.
CREATE OR REPLACE VIEW panel AS
WITH annual AS (
    SELECT
        region_code,
        try_cast(period AS INTEGER) AS year,
        indicator,
        measure,
        unit_std,
        kind,
        {
            'value': coalesce(value_std, value),
            -- value_high scaled to the standard unit the same way as value
            'value_high': value_high * (coalesce(value_std, value) / nullif(value, 0)),
            'qualifier': qualifier,
            'doc_id': doc_id,
            'url': url
        } AS figure,
        (published_at, doc_id, ordinal) AS stated
    FROM metrics_current
    WHERE region_code IS NOT NULL
      AND indicator IS NOT NULL
      AND basis = 'annual'
      AND regexp_full_match(period, '[0-9]{4}')
),
cells AS (
    SELECT
        region_code,
        year,
        indicator,
        measure,
        unit_std,
        arg_min(figure, stated) FILTER (WHERE kind = 'target') AS target,
        arg_min(figure, stated) FILTER (WHERE kind = 'estimate') AS estimate,
        arg_min(figure, stated) FILTER (WHERE kind = 'actual') AS outcome,
        arg_max(figure, stated) FILTER (WHERE kind = 'actual') AS revision
    FROM annual
    GROUP BY ALL
)
SELECT
    c.region_code,
    n.name AS region,
    n.level,
    n.parent_code,
    c.year,
    c.indicator,
    c.measure,
    c.unit_std,
    c.target.value AS target_value,
    c.target.value_high AS target_value_high,
    c.target.qualifier AS target_qualifier,
    c.estimate.value AS estimate_value,
    c.outcome.value AS outcome_value,
    c.revision.value AS revised_value,
    -- against the latest word on the outcome: the latest revision, else the estimate
    coalesce(c.revision.value, c.estimate.value) - c.target.value AS gap,
    c.target.doc_id AS target_doc_id,
    c.target.url AS target_url,
    c.estimate.doc_id AS estimate_doc_id,
    c.estimate.url AS estimate_url,
    c.outcome.doc_id AS outcome_doc_id,
    c.outcome.url AS outcome_url,
    c.revision.doc_id AS revised_doc_id,
    c.revision.url AS revised_url
FROM cells AS c
LEFT JOIN region_names AS n ON n.code = c.region_code;
COMMENT ON VIEW panel IS 'One row per region code, year, indicator and measure: target, first estimate, first outcome and latest revision, with their documents.';

-- The region, year and kind of every current document; coverage counts them, and `ingest report` lists them
-- (warehouse/report/coverage.sql). A document's region is the one its figures name (a statistical bulletin of 万载县
-- on Yichun's portal is 万载县's), or its source's when it states no figure. The extractor gives every figure of a
-- document the region the document names (ingest.metrics.extract), so the first figure's is read, not all of them:
-- at 10,000 documents the most frequent region of every document's figures took 1.5 s, the first figure's 0.1 s.
CREATE OR REPLACE VIEW document_regions AS
WITH named AS (
    SELECT doc_id, region, region_code
    FROM metrics_current
    WHERE ordinal = 0 AND region IS NOT NULL
)
SELECT
    d.doc_id,
    coalesce(n.region, d.source) AS region,
    CASE WHEN n.doc_id IS NULL THEN d.region_code ELSE n.region_code END AS region_code,
    year(d.published_at) AS year,
    -- by the title, or the column for interpretations (政策解读); not by the text, whose subtitle often says 解读
    -- too: reading every text made coverage over 4 times slower (1.3 s against 0.3 s at 10,000 documents)
    CASE
        WHEN regexp_matches(coalesce(d.title, '') || coalesce(d.column_name, ''), '解读|图解|摘登|一图读懂')
            THEN 'interpretation'
        WHEN contains(d.title, '统计公报') THEN 'bulletin'
        WHEN contains(d.title, '政府工作报告') THEN 'work_report'
        ELSE 'other'
    END AS document_kind,
    d.title,
    d.url,
    d.published_at,
    d.source
FROM documents_current AS d
LEFT JOIN named AS n USING (doc_id);

-- Every year from a region's first document to its last, with the documents of each kind the warehouse holds:
-- a year of zeros, or without a bulletin, is a gap. Documents whose region has no code (全国, or a source without
-- one) are counted under their region's text.
CREATE OR REPLACE VIEW coverage AS
WITH counted AS (
    SELECT
        region_code,
        CASE WHEN region_code IS NULL THEN region END AS uncoded_region,
        year,
        count(*) AS documents,
        count(*) FILTER (WHERE document_kind = 'work_report') AS work_reports,
        count(*) FILTER (WHERE document_kind = 'bulletin') AS bulletins,
        count(*) FILTER (WHERE document_kind = 'interpretation') AS interpretations,
        count(*) FILTER (WHERE document_kind = 'other') AS others,
        list(doc_id ORDER BY published_at, doc_id) AS doc_ids
    FROM document_regions
    WHERE year IS NOT NULL
    GROUP BY ALL
),
spans AS (
    SELECT region_code, uncoded_region, range(min(year), max(year) + 1) AS years
    FROM counted
    GROUP BY region_code, uncoded_region
),
years AS (
    SELECT region_code, uncoded_region, unnest(years) AS year FROM spans
)
SELECT
    y.region_code,
    coalesce(n.name, y.uncoded_region) AS region,
    n.level,
    n.parent_code,
    y.year,
    coalesce(c.documents, 0) AS documents,
    coalesce(c.work_reports, 0) AS work_reports,
    coalesce(c.bulletins, 0) AS bulletins,
    coalesce(c.interpretations, 0) AS interpretations,
    coalesce(c.others, 0) AS others,
    coalesce(c.doc_ids, []) AS doc_ids
FROM years AS y
LEFT JOIN counted AS c
  ON c.region_code IS NOT DISTINCT FROM y.region_code
 AND c.uncoded_region IS NOT DISTINCT FROM y.uncoded_region
 AND c.year = y.year
LEFT JOIN region_names AS n ON n.code = y.region_code;
COMMENT ON VIEW coverage IS 'Per region and year, from its first document to its last: how many work reports, bulletins, interpretations and others the warehouse holds.';

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
