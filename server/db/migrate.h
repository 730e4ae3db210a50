/*
 * Schema migrations for `chengguand --migrate` and the start-up schema check, run once at
 * start-up before the loop: these calls use blocking libpq and must never be
 * called on the loop.
 *
 * The migrations are the ones embedded in the binary (db/migrations.h);
 * which are applied is recorded in
 *   schema_migrations (version int PRIMARY KEY, name text NOT NULL,
 *                      applied_at timestamptz NOT NULL DEFAULT now()).
 */
#ifndef CG_MIGRATE_H
#define CG_MIGRATE_H

#include <stddef.h>

/*
 * Creates schema_migrations if missing and applies every embedded migration
 * not recorded there, in version order, each in its own transaction together
 * with its schema_migrations row. Holds a session advisory lock meanwhile,
 * so concurrent migrators apply each migration once. A migration must not
 * contain its own BEGIN/COMMIT nor statements that refuse to run inside a
 * transaction block (CREATE INDEX CONCURRENTLY).
 *
 * Returns 0, or with a one-line message in err (when errlen > 0):
 *   CG_ECONNECT              the database could not be reached;
 *   CG_EFAILED_PRECONDITION  the database has a version newer than
 *                            cg_migrations_latest() (nothing is changed);
 *   CG_EINTERNAL             a statement failed (the migration that failed
 *                            is rolled back; earlier ones stay applied).
 */
int cg_migrate_apply(const char *conninfo, char *err, size_t errlen);

/*
 * Stores in *current the newest version recorded in schema_migrations (0
 * when the table does not exist). Changes nothing. Returns 0, or CG_ECONNECT
 * / CG_EINTERNAL with a message in err.
 */
int cg_migrate_status(const char *conninfo, int *current, char *err, size_t errlen);

#endif
