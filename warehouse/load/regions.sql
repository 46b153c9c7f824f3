-- Refreshes the division list from the project's data file (src/ingest/data/regions.csv, docs/regions.md).
DELETE FROM regions;
INSERT INTO regions BY NAME
SELECT code, name, short_name, level, parent AS parent_code, valid_from, valid_to
FROM read_csv($path, header = true, types = {'code': 'VARCHAR', 'parent': 'VARCHAR', 'valid_from': 'INTEGER', 'valid_to': 'INTEGER'});
