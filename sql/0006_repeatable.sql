-- The repeatable migrations: every function, view and type of the schemas
-- cg_api and cg_internal lives in sql/api/*.sql, which `chengguand --migrate`
-- re-applies as one set, in one transaction, whenever the set's checksum
-- differs from the newest row here (see docs/operations.md, Migrations).
-- From this version on, the numbered migrations hold tables, indexes,
-- triggers and data changes only, and are never edited once shipped.

CREATE TABLE schema_api (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- SHA-256 of the set: each file's name, a newline and its contents, in name order.
    checksum        text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
    -- The numbered schema version of the chengguand that applied it.
    schema_version  integer NOT NULL,
    files           text[] NOT NULL,
    applied_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE schema_api IS 'Each application of the sql/api set; the newest row is what the database holds. Append-only.';
