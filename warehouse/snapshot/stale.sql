-- Whether the published snapshot's loads differ from the warehouse's: a run killed between committing and
-- publishing, or a warehouse from before snapshots (then $path does not exist and the caller publishes anyway).
SELECT EXISTS (
    (SELECT load_id, status FROM load_log EXCEPT SELECT load_id, status FROM read_parquet($path))
    UNION ALL
    (SELECT load_id, status FROM read_parquet($path) EXCEPT SELECT load_id, status FROM load_log)
);
