-- Settings of a writing connection. DuckDB's buffer pool would grow to most of the machine's memory before
-- spilling; a load of thousands of pages stays well under 1 GB by spilling to disk (beside the database) past
-- this. Readers keep DuckDB's default, so analysts' wide queries are not starved.
SET memory_limit = '512MB';
