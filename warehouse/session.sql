-- Settings of every connection to the warehouse: timestamps are stored as TIMESTAMPTZ and shown in UTC unless a
-- query converts them.
SET TimeZone = 'UTC';
