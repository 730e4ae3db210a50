/*
 * Schema migrations for `chengguand --migrate` and the start-up schema check, run once at
 * start-up before the loop: these calls use blocking libpq and must never be
 * called on the loop.
 *
 * The migrations are the ones embedded in the binary (db/migrations.h);
 * which are applied is recorded in
 *   schema_migrations (version int PRIMARY KEY, name text NOT NULL,
 *                      applied_at timestamptz NOT NULL DEFAULT now()),
 * and each application of the repeatable API set (sql/api/) in schema_api
 * (sql/0006_repeatable.sql), the newest row being what the database holds.
 */
#ifndef CG_MIGRATE_H
#define CG_MIGRATE_H

#include <stddef.h>

/*
 * Creates schema_migrations if missing and applies every embedded migration
 * not recorded there, in version order, each in its own transaction together
 * with its schema_migrations row. Holds a session advisory lock meanwhile,
 * so concurrent migrators apply each migration once. Then, when the API
 * checksum recorded last differs from cg_api_checksum, drops every function,
 * view and type of cg_api and cg_internal (except trigger functions) and
 * applies the whole API set, all in one transaction with its schema_api
 * row. A migration must not
 * contain its own BEGIN/COMMIT nor statements that refuse to run inside a
 * transaction block (CREATE INDEX CONCURRENTLY).
 *
 * Returns 0, or with a one-line message in err (when errlen > 0):
 *   CG_ECONNECT              the database could not be reached;
 *   CG_EFAILED_PRECONDITION  the database has a version newer than
 *                            cg_migrations_latest() (nothing is changed);
 *   CG_EINTERNAL             a statement failed (the migration or API set
 *                            that failed is rolled back; earlier migrations
 *                            stay applied).
 */
int cg_migrate_apply(const char *conninfo, char *err, size_t errlen);

/* 64 hex digits and a NUL. */
#define CG_API_CHECKSUM_SIZE 65

/* What a database holds. */
typedef struct {
    int version; /* newest in schema_migrations; 0 when the table does not exist */
    char api_checksum[CG_API_CHECKSUM_SIZE]; /* newest in schema_api; "" for none */
    /* The connection's role escapes row-level security: a superuser, BYPASSRLS,
     * or (a member of) the owner of a table of the schema. */
    int unconfined;
} cg_schema_state;

/*
 * Reads the database's cg_schema_state into *state. Changes nothing.
 * Returns 0, or CG_ECONNECT / CG_EINTERNAL with a message in err.
 */
int cg_migrate_status(const char *conninfo, cg_schema_state *state, char *err, size_t errlen);

#endif
