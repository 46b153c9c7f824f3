-- GDP growth, targets and outcomes, by report (warehouse/README.md).
SELECT published_at::DATE AS published, period, kind, value, unit, qualifier
FROM metrics_current WHERE indicator = 'GDP' AND measure = 'growth'
ORDER BY published_at, period;
