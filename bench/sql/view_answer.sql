-- Template of an analyst query's timing (bench.views.slower_query_ms puts the query of sql/views/ in place of
-- {query}): every row and column of its answer computed inside DuckDB, its ORDER BY included, without the cost
-- of turning them into Python objects, which grows with the answer's size and is the client's, not the view's.
SELECT count(*) FROM ({query}) AS answer WHERE hash(answer) IS NOT NULL;
