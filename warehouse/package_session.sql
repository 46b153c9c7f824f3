-- Settings of a load package's connection: rows stream through it to disk, so it needs little memory.
SET memory_limit = '128MB';
