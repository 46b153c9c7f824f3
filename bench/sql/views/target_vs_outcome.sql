-- How did GDP growth compare with the target set a year before, region by region? (warehouse/README.md)
SELECT region, period, target_value, target_qualifier, outcome_value, outcome_kind, gap
FROM target_vs_outcome WHERE indicator = 'GDP' AND measure = 'growth' ORDER BY region, period;
