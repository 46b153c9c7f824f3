-- Whether a snapshot ($migrations: the files of its schema_migrations) has the warehouse's schema and views: the
-- next snapshot may then reuse its files; otherwise every table is written again.
SELECT NOT EXISTS (
    (SELECT name FROM schema_migrations EXCEPT SELECT name FROM read_parquet($migrations))
    UNION ALL
    (SELECT name FROM read_parquet($migrations) EXCEPT SELECT name FROM schema_migrations)
);
