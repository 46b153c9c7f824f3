-- Which extractor produced how many figures.
SELECT extractor_version, count(*) FROM metric_history GROUP BY ALL;
