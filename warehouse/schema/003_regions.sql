-- Region identity (GB/T 2260 codes, src/ingest/regions.py). Only new tables and columns: rows loaded before this
-- migration keep every value they had, and their new columns stay NULL (the views fall back on source_regions).

-- The division list, refreshed from src/ingest/data/regions.csv whenever it changes (load/regions.sql).
CREATE TABLE IF NOT EXISTS regions (
    code        VARCHAR NOT NULL,       -- 6 digits
    name        VARCHAR NOT NULL,       -- the unit's name; a renamed unit that kept its code has a row per name
    short_name  VARCHAR,                -- 延边 for 延边朝鲜族自治州; several are separated by "/"
    level       VARCHAR NOT NULL,       -- province | prefecture | county
    parent_code VARCHAR,                -- NULL for a province
    valid_from  INTEGER,                -- first year of the unit, when a recorded change created it
    valid_to    INTEGER,                -- last year of the unit, when a recorded change replaced it; NULL while in force
    PRIMARY KEY (code, name)
);
COMMENT ON TABLE regions IS 'Administrative divisions (GB/T 2260): code, name, level, parent and the years each unit was valid.';
COMMENT ON COLUMN regions.valid_to IS 'Last year of a unit a rename or re-division replaced (撤县设区 …); NULL while in force.';

-- The region of each source as its last load stated it. Documents take their source's code from here rather than
-- from a column of their own: documents is append-only in the published snapshot, and a warehouse loaded before
-- region codes existed gets its codes with each source's next load, without rewriting a row.
CREATE TABLE IF NOT EXISTS source_regions (
    source      VARCHAR PRIMARY KEY,
    region      VARCHAR NOT NULL,       -- the sources file's region, as written
    region_code VARCHAR,                -- its code (Source.region_code)
    load_id     VARCHAR NOT NULL        -- the load that recorded it
);
COMMENT ON TABLE source_regions IS 'Each source''s region and its code, as recorded by the source''s latest load.';

-- The code of the region a figure is about (ingest.regions.figure_region_code), decided when it is extracted.
ALTER TABLE metrics ADD COLUMN IF NOT EXISTS region_code VARCHAR;
COMMENT ON COLUMN metrics.region_code IS 'Code of the figure''s region: its source''s, or the one its region names within it; NULL otherwise and for figures extracted before region codes.';
