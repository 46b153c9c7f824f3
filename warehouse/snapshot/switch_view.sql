-- Template of a materialised view in the views file (ingest.load.snapshot._write_views fills in the view's name
-- and, as string literals, the names of its two sources, since DDL takes no parameters): its stored current state
-- while as_of is unset, its history definition (views.sql's, renamed) once `ingest sql --as-of` or
-- `SET VARIABLE as_of` sets it. getvariable() is folded to a constant when a query is bound, and query_table()
-- then binds only the relation chosen: a current-state query never plans the history joins, whose binding alone
-- (reading every table's Parquet metadata) would cost more than scanning the stored rows.
CREATE VIEW {view} AS
FROM query_table(CASE WHEN getvariable('as_of') IS NULL THEN {stored} ELSE {history} END);
