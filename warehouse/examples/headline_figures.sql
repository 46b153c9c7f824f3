-- Headline figures of every current document: GDP, budget revenue and income, targets and outcomes side by side.
SELECT title, period, kind, indicator, measure, value, unit, qualifier
FROM metrics_current
WHERE indicator IN ('GDP', 'BUDGET_REVENUE', 'INCOME_URBAN', 'INCOME_RURAL')
ORDER BY published_at, start
LIMIT 12;
