-- Core tables of the warehouse. Internal: analysts query the views in views.sql, whose columns are the contract.
--
-- Versioning model:
--   documents          one row per canonical URL, forever
--   document_versions  one row per change of a document's cleaned content (valid_from / valid_to)
--   extractions        one row per (document version, extractor version): when sections and metrics were derived
--   sections, metrics  rows of one extraction
-- Every row carries the load_id of the load package that wrote it; a load is one transaction.

CREATE TABLE IF NOT EXISTS load_log (
    load_id           VARCHAR PRIMARY KEY,
    kind              VARCHAR NOT NULL,     -- scheduled | backfill | reprocess | manual | demo
    source            VARCHAR,
    parameters        JSON,
    started_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ,
    status            VARCHAR NOT NULL,     -- running | completed | completed_with_failures | failed | aborted
    message           VARCHAR,
    extractor_version VARCHAR
);
COMMENT ON TABLE load_log IS 'One row per load: a run of ingest, backfill or reprocess for one source, committed as one transaction.';
COMMENT ON COLUMN load_log.load_id IS 'Identifier of the load package, e.g. 20260122T060000Z-yanbian-1a2b3c.';
COMMENT ON COLUMN load_log.kind IS 'scheduled, backfill, reprocess, manual or demo.';
COMMENT ON COLUMN load_log.status IS 'running until committed; then completed, completed_with_failures, failed or aborted.';
COMMENT ON COLUMN load_log.finished_at IS 'Commit time of the load; as-of queries by load id use it.';

CREATE TABLE IF NOT EXISTS documents (
    doc_id        VARCHAR PRIMARY KEY,       -- first 16 hex digits of sha256(url)
    url           VARCHAR NOT NULL UNIQUE,   -- canonical URL
    source        VARCHAR NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    load_id       VARCHAR NOT NULL
);
COMMENT ON TABLE documents IS 'Every document ever loaded, keyed by its canonical URL.';
COMMENT ON COLUMN documents.doc_id IS 'Stable id: the first 16 hex digits of sha256 of the canonical URL.';

CREATE TABLE IF NOT EXISTS document_versions (
    doc_id          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,         -- 1, 2, … in order of change
    raw_sha256      VARCHAR NOT NULL,         -- sha256 of the response body
    content_sha256  VARCHAR NOT NULL,         -- sha256 of the cleaned title and text when the version was added
    final_url       VARCHAR NOT NULL,
    etag            VARCHAR,
    last_modified   VARCHAR,
    fetched_at      TIMESTAMPTZ NOT NULL,
    warc_path       VARCHAR,                  -- relative to the WARC archive root
    warc_offset     BIGINT,
    warc_length     BIGINT,
    warc_record_id  VARCHAR,
    valid_from      TIMESTAMPTZ NOT NULL,     -- commit time of the load that added the version
    valid_to        TIMESTAMPTZ,              -- valid_from of the next version; NULL while current
    load_id         VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, version)
);
COMMENT ON TABLE document_versions IS 'Each change of a document''s cleaned content, with its raw response in the WARC archive.';
COMMENT ON COLUMN document_versions.valid_to IS 'When a newer version replaced this one; NULL for the current version.';
COMMENT ON COLUMN document_versions.warc_path IS 'WARC file holding the raw response, relative to the archive root.';

-- Cleaning is part of extraction, so the clean text (which all offsets point into) and the metadata belong to
-- the pair (document version, extractor version), not to the version alone.
CREATE TABLE IF NOT EXISTS extractions (
    doc_id            VARCHAR NOT NULL,
    version           INTEGER NOT NULL,
    extractor_version VARCHAR NOT NULL,
    content_sha256    VARCHAR NOT NULL,
    title             VARCHAR,
    published_at      TIMESTAMPTZ,
    origin            VARCHAR,                -- 来源 as the page states it
    editor            VARCHAR,
    column_name       VARCHAR,
    text              VARCHAR NOT NULL,
    extracted_at      TIMESTAMPTZ NOT NULL,
    load_id           VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, version, extractor_version)
);
COMMENT ON TABLE extractions IS 'The clean text and metadata one extractor version derived from one document version, and when.';
COMMENT ON COLUMN extractions.text IS 'The clean main text; section and metric offsets are character offsets into it.';

CREATE TABLE IF NOT EXISTS sections (
    doc_id            VARCHAR NOT NULL,
    version           INTEGER NOT NULL,
    extractor_version VARCHAR NOT NULL,
    ordinal           INTEGER NOT NULL,
    level             INTEGER NOT NULL,
    number            VARCHAR,
    heading           VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,       -- body | appendix
    parent            INTEGER,
    start             INTEGER NOT NULL,
    "end"             INTEGER NOT NULL,
    load_id           VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, version, extractor_version, ordinal)
);
COMMENT ON TABLE sections IS 'The section tree of each document version; start/end are character offsets into its text.';

CREATE TABLE IF NOT EXISTS metrics (
    doc_id            VARCHAR NOT NULL,
    version           INTEGER NOT NULL,
    extractor_version VARCHAR NOT NULL,
    ordinal           INTEGER NOT NULL,
    indicator         VARCHAR,
    name              VARCHAR NOT NULL,
    region            VARCHAR,
    period            VARCHAR,
    kind              VARCHAR NOT NULL,       -- actual | estimate | target
    measure           VARCHAR NOT NULL,       -- growth | level
    basis             VARCHAR NOT NULL,       -- annual | average_annual | cumulative
    value             DECIMAL(38, 10) NOT NULL,
    value_high        DECIMAL(38, 10),
    unit              VARCHAR,
    value_std         DECIMAL(38, 10),
    unit_std          VARCHAR,
    qualifier         VARCHAR,
    sentence          VARCHAR NOT NULL,
    start             INTEGER NOT NULL,
    "end"             INTEGER NOT NULL,
    section           INTEGER,
    load_id           VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, version, extractor_version, ordinal)
);
COMMENT ON TABLE metrics IS 'Every stated figure of each document version, typed and traceable to its sentence.';

CREATE TABLE IF NOT EXISTS indicators (
    code          VARCHAR PRIMARY KEY,
    name_zh       VARCHAR NOT NULL,
    name_en       VARCHAR NOT NULL,
    typical_units VARCHAR,
    aliases       VARCHAR
);
COMMENT ON TABLE indicators IS 'The indicator vocabulary metrics.indicator refers to; refreshed from the project''s data file on every load.';

CREATE TABLE IF NOT EXISTS fetch_log (
    load_id    VARCHAR NOT NULL,
    url        VARCHAR NOT NULL,
    role       VARCHAR NOT NULL,              -- list | article
    status     INTEGER,                       -- HTTP status; NULL when no response arrived
    error      VARCHAR,                       -- one-line reason; NULL when the fetch succeeded
    attempts   INTEGER NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE fetch_log IS 'Every request outcome of every load; rows with an error are retried by the next run.';

CREATE TABLE IF NOT EXISTS url_state (
    url             VARCHAR PRIMARY KEY,      -- canonical URL of an article
    source          VARCHAR NOT NULL,
    etag            VARCHAR,
    last_modified   VARCHAR,
    last_status     INTEGER,
    last_fetched_at TIMESTAMPTZ NOT NULL,
    listed_date     DATE                      -- the date the list page showed beside the link
);
COMMENT ON TABLE url_state IS 'Crawl memory: validators for conditional requests of every article URL loaded so far.';
