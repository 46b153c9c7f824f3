-- Points the public views at a past state: $as_of is a load id (the state right after it committed) or a timestamp.
-- Leaves the variable NULL when $as_of is neither, which the caller reports.
SET VARIABLE as_of = coalesce(
    (SELECT finished_at FROM load_log WHERE load_id = $as_of),
    TRY_CAST($as_of AS TIMESTAMPTZ)
);
SELECT getvariable('as_of');
