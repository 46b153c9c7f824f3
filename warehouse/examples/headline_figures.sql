-- Yanbian's headline figures: outcomes and targets of its reports, as typed rows.
SELECT period, kind, indicator, measure, value, unit, qualifier
FROM metrics_current
WHERE source = 'yanbian'
  AND indicator IN ('GDP', 'BUDGET_REVENUE', 'FIXED_ASSET_INVESTMENT', 'RETAIL_SALES', 'INCOME_URBAN', 'INCOME_RURAL')
  AND region = '延边朝鲜族自治州'
ORDER BY published_at, start
LIMIT 12;
