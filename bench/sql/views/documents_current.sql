-- Documents and characters per source and year.
SELECT source, year(published_at) AS year, count(*) AS documents, sum(text_length) AS characters
FROM documents_current GROUP BY ALL ORDER BY ALL;
