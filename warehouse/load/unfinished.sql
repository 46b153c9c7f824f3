-- Every load begun here and never finished, and whether this run may recover it: the only loads whose package the
-- writer may apply (a package of any other load was not written by a run of this warehouse, but planted in the
-- packages folder). $sources is the sources whose run locks this run holds, NULL when it holds the whole
-- warehouse: another source's load may belong to a run still alive in another process. A reprocess load is always
-- this run's to recover: a reprocess holds the whole warehouse, so none is alive while any run holds a lock.
SELECT load_id, $sources IS NULL OR kind = 'reprocess' OR list_contains(CAST($sources AS VARCHAR[]), source)
FROM load_log
WHERE finished_at IS NULL;
