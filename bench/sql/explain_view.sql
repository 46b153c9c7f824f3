-- DuckDB's profile of reading every row and column of one view, as JSON: the operators and their times.
EXPLAIN (ANALYZE, FORMAT json) SELECT count(*) FROM (SELECT * FROM query_table($view)) AS t WHERE hash(t) IS NOT NULL;
