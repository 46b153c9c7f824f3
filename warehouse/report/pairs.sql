-- Targets beside their outcomes (the public view target_vs_outcome), narrowed like figures.sql.
SELECT
    t.region,
    t.indicator,
    t.period,
    t.target_value,
    t.target_value_high,
    t.target_qualifier,
    t.outcome_value,
    t.outcome_kind,
    t.target_sentence,
    t.outcome_sentence
FROM target_vs_outcome AS t
WHERE t.unit_std = '%'
  AND ($region IS NULL OR t.region = $region)
  AND ($indicator IS NULL OR t.indicator = $indicator)
ORDER BY t.region, t.indicator, t.period;
