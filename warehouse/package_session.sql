-- Settings of a load package's connection: rows stream through it to disk, so it needs little memory. One insert
-- holds at most about 4 million characters of text (the writer's flush) plus one page, and a page staging more
-- than ingest.parse.MAX_PAGE_CHARS (8 million) is refused as too_complex: a page just under that cap fits here.
SET memory_limit = '128MB';
