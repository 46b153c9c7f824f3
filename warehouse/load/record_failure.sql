-- A load that gave up waiting for the warehouse (another process held it past the run's --lock-timeout): recorded
-- by the next run that gets in, so that `loads` says why nothing was loaded then.
INSERT INTO load_log (load_id, kind, source, started_at, finished_at, status, message)
VALUES ($load_id, $kind, $source, CAST($started_at AS TIMESTAMPTZ), now(), 'failed', $message)
ON CONFLICT (load_id) DO NOTHING;
