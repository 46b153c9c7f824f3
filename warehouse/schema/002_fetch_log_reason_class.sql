-- Failures counted by kind (ingest.failures.FailureKind) rather than by their free text, whose retry counts and
-- exception messages vary. Rows logged before this migration keep reason_class NULL: their kind was never recorded.
ALTER TABLE fetch_log ADD COLUMN IF NOT EXISTS reason_class VARCHAR;
COMMENT ON COLUMN fetch_log.reason_class IS 'The failure''s kind (timeout, not_found, server_error, …) when error is set; NULL otherwise and for rows logged before kinds existed.';
