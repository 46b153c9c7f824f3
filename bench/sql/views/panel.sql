-- GDP growth target against outcome for every prefecture, by year (warehouse/README.md)
SELECT region, year, target_value, target_qualifier, estimate_value, outcome_value, revised_value, gap
FROM panel
WHERE indicator = 'GDP' AND measure = 'growth' AND level = 'prefecture'
ORDER BY region_code, year;
