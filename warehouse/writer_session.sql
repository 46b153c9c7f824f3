-- Settings of a writing connection. DuckDB's buffer pool would grow to most of the machine's memory before
-- spilling; a load of thousands of pages stays under 2 GB (issue 14) by spilling to disk (beside the database) past
-- this. 1 GB, not 512 MB: at 100,000 documents, storing a view's part after a load that changed 1 document in 20
-- ran out of 512 MB (bench.view_scale). Readers keep DuckDB's default, so analysts' wide queries are not starved.
SET memory_limit = '1GB';
