-- Refreshes the indicator vocabulary from the project's data file (src/ingest/data/indicators.csv).
DELETE FROM indicators;
INSERT INTO indicators BY NAME
SELECT code, name_zh, name_en, typical_units, aliases
FROM read_csv($path, header = true, all_varchar = true);
