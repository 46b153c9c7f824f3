-- Schema of a load package: a small DuckDB file a run fills while it crawls and extracts, and that the loader
-- applies to the warehouse in one transaction (load/apply.sql). Rows are keyed by canonical URL and extractor version,
-- not by doc_id or version: the warehouse decides those when the package is applied, so applying it twice, or
-- after another load, is safe.

-- One row per page: a fetched response (fetched = true) or a stored version re-extracted by reprocess.
CREATE TABLE IF NOT EXISTS stage_pages (
    url               VARCHAR NOT NULL,   -- canonical URL
    source            VARCHAR NOT NULL,
    fetched           BOOLEAN NOT NULL,
    raw_sha256        VARCHAR NOT NULL,
    final_url         VARCHAR NOT NULL,
    etag              VARCHAR,
    last_modified     VARCHAR,
    fetched_at        TIMESTAMPTZ NOT NULL,
    warc_path         VARCHAR,
    warc_offset       BIGINT,
    warc_length       BIGINT,
    warc_record_id    VARCHAR,
    extractor_version VARCHAR NOT NULL,
    content_sha256    VARCHAR NOT NULL,
    title             VARCHAR,
    published_at      TIMESTAMPTZ,
    origin            VARCHAR,
    editor            VARCHAR,
    column_name       VARCHAR,
    text              VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS stage_sections (
    url               VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    ordinal           INTEGER NOT NULL,
    level             INTEGER NOT NULL,
    number            VARCHAR,
    heading           VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,
    parent            INTEGER,
    start             INTEGER NOT NULL,
    "end"             INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS stage_metrics (
    url               VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    ordinal           INTEGER NOT NULL,
    indicator         VARCHAR,
    name              VARCHAR NOT NULL,
    region            VARCHAR,
    period            VARCHAR,
    kind              VARCHAR NOT NULL,
    measure           VARCHAR NOT NULL,
    basis             VARCHAR NOT NULL,
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
    region_code       VARCHAR             -- ingest.regions.figure_region_code
);

CREATE TABLE IF NOT EXISTS stage_fetch_log (
    url        VARCHAR NOT NULL,
    role       VARCHAR NOT NULL,
    status     INTEGER,
    error      VARCHAR,
    reason_class VARCHAR,               -- the failure's kind (ingest.failures.FailureKind) when error is set
    attempts   INTEGER NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL
);

-- Validators of every article answered with 200 or 304, for the next run's conditional requests.
CREATE TABLE IF NOT EXISTS stage_url_state (
    url             VARCHAR NOT NULL,
    source          VARCHAR NOT NULL,
    etag            VARCHAR,
    last_modified   VARCHAR,
    last_status     INTEGER,
    last_fetched_at TIMESTAMPTZ NOT NULL,
    listed_date     DATE
);
