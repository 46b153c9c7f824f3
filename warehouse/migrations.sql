-- Bookkeeping of schema migrations: each file of warehouse/schema/ is applied once, in name order.
CREATE TABLE IF NOT EXISTS schema_migrations (
    name       VARCHAR PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL
);
