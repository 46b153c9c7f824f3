-- How did outcomes compare with the targets set a year before? (warehouse/README.md)
SELECT indicator, period, target_value, target_qualifier, outcome_value, outcome_kind, gap
FROM target_vs_outcome ORDER BY period, indicator;
