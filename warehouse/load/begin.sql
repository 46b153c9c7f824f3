-- Records loads as running, all of a run's loads in one statement: $load_ids, $kinds, $sources and $parameters are
-- lists of the same length, one element per load (their unnests line up). A run of 300 sources that recorded its
-- loads one by one kept the warehouse's one connection busy for seconds while the sources waited to start.
-- Loads a killed process left running are marked aborted by recovery (load/abort_running.sql) at the start of a
-- run, not here: the loads of one run begin while others still run.
INSERT INTO load_log (load_id, kind, source, parameters, started_at, status, extractor_version)
SELECT
    unnest($load_ids::VARCHAR[]),
    unnest($kinds::VARCHAR[]),
    unnest($sources::VARCHAR[]),
    unnest($parameters::VARCHAR[]),
    now(),
    'running',
    $extractor_version
ON CONFLICT (load_id) DO NOTHING;
