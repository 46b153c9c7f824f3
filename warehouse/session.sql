-- Settings of every connection to the warehouse. Timestamps are stored as TIMESTAMPTZ and shown in UTC unless a
-- query converts them. DuckDB's buffer pool would grow to most of the machine's memory before spilling; a load of
-- thousands of pages must stay well under 1 GB, so it spills to disk (beside the database) past this.
SET TimeZone = 'UTC';
SET memory_limit = '512MB';
