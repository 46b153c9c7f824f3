-- Marks one schema file as applied (run inside the migration's transaction).
INSERT INTO schema_migrations (name, applied_at) VALUES ($name, now());
