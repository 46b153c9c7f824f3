-- The headline growth rates of `ingest report`: every target and outcome (actual or estimate) of a year, in %,
-- as the current documents state them, with the sentence and document each comes from. $region and $indicator
-- narrow it (NULL: all). Headline indicators are the ones a work report's opening paragraph and its targets
-- name; levels (亿元) and multi-year periods are left out, so every figure shares one axis.
SELECT
    m.region,
    m.indicator,
    i.name_zh AS indicator_name,
    m.period,
    m.kind,
    m.value,
    m.value_high,
    m.qualifier,
    m.sentence,
    m.url,
    m.title,
    m.published_at
FROM metrics_current AS m
JOIN indicators AS i ON i.code = m.indicator
WHERE m.measure = 'growth'
  AND m.basis = 'annual'
  AND m.unit_std = '%'
  AND length(m.period) = 4
  AND m.region IS NOT NULL
  AND ($region IS NULL OR m.region = $region)
  AND ($indicator IS NULL OR m.indicator = $indicator)
  AND m.indicator IN (
      'GDP', 'INDUSTRIAL_VA', 'FIXED_ASSET_INVESTMENT', 'RETAIL_SALES', 'FOREIGN_TRADE', 'BUDGET_REVENUE',
      'INCOME_URBAN', 'INCOME_RURAL', 'CPI'
  )
ORDER BY m.region, m.indicator, m.period, m.kind, m.published_at, m.url, m.start;
