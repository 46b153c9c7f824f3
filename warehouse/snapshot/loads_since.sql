-- The loads committed since a snapshot ($loads: the files of its load_log) was published: their rows are what the
-- next snapshot adds to the tables loads only append to.
SELECT load_id FROM load_log WHERE finished_at IS NOT NULL
EXCEPT
SELECT load_id FROM read_parquet($loads) WHERE finished_at IS NOT NULL;
