-- Which prefecture-years lack a statistical bulletin? (warehouse/README.md)
SELECT region, year, documents, work_reports, interpretations
FROM coverage
WHERE level = 'prefecture' AND bulletins = 0
ORDER BY region_code, year;
