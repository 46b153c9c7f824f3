-- Settings of an `ingest sql` connection, applied after --as-of has set its variable and before the user's query
-- (and after query_no_files.sql, unless --allow-files): no extension installed or loaded behind the query's back,
-- and the configuration locked so that the query cannot undo any of it. Times are shown in the time zone the
-- user asked for (--timezone, Asia/Shanghai by default), set here because nothing can change it once locked.
SET TimeZone = $timezone;
SET autoinstall_known_extensions = false;
SET autoload_known_extensions = false;
SET lock_configuration = true;
