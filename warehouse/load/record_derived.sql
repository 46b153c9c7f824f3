-- Marks the views and the indicator vocabulary as built from files with this digest; the previous mark goes.
DELETE FROM schema_migrations WHERE name LIKE 'derived:%';
INSERT INTO schema_migrations (name, applied_at) VALUES ($name, now());
