-- Loads still 'running' at the start of a run belong to a process that died before committing them, when they are
-- loads of this run's sources ($sources; NULL: every source) or reprocess loads: the run locks guarantee that no
-- other run of them is alive (see load/unfinished.sql), and recovery has applied every complete package of theirs.
-- Another source's running load may be a live run's in another process, and is left alone.
UPDATE load_log
SET status = 'aborted', message = 'the process ended before committing'
WHERE status = 'running'
  AND ($sources IS NULL OR kind = 'reprocess' OR list_contains(CAST($sources AS VARCHAR[]), source));
