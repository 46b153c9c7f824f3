-- Records a load as running. A load still 'running' here belongs to a process that died before committing
-- (the run lock guarantees no other run is alive), so it is marked aborted.
UPDATE load_log
SET status = 'aborted', message = 'the process ended before committing'
WHERE status = 'running';

INSERT INTO load_log (load_id, kind, source, parameters, started_at, status, extractor_version)
VALUES ($load_id, $kind, $source, $parameters, now(), 'running', $extractor_version)
ON CONFLICT (load_id) DO NOTHING;
