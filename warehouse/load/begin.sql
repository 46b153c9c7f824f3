-- Records a load as running. Loads a killed process left running are marked aborted by recovery
-- (load/abort_running.sql) at the start of a run, not here: the loads of one run begin while others still run.
INSERT INTO load_log (load_id, kind, source, parameters, started_at, status, extractor_version)
VALUES ($load_id, $kind, $source, $parameters, now(), 'running', $extractor_version)
ON CONFLICT (load_id) DO NOTHING;
