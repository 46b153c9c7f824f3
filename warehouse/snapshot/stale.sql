-- Whether the published snapshot's loads ($loads: the files of its load_log) differ from the warehouse's: a run
-- killed between committing and publishing.
SELECT EXISTS (
    (SELECT load_id, status FROM load_log EXCEPT SELECT load_id, status FROM read_parquet($loads))
    UNION ALL
    (SELECT load_id, status FROM read_parquet($loads) EXCEPT SELECT load_id, status FROM load_log)
);
