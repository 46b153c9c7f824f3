-- Every row of one public view, counted (issue 8's measure; the optimiser may skip columns nothing reads).
SELECT count(*) FROM (SELECT * FROM query_table($view));
