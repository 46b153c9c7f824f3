-- Loads still 'running' at the start of a run belong to a process that died before committing them (the run
-- lock guarantees no other run is alive, and recovery has applied every complete package), so they are aborted.
UPDATE load_log
SET status = 'aborted', message = 'the process ended before committing'
WHERE status = 'running';
