/*
 * Applying the embedded migrations (see migrate.h). Start-up only, so this
 * file uses blocking libpq (PQconnectdbParams, PQexec) on purpose.
 */
#include "db/migrate.h"

#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/migrations.h"
#include "error.h"
#include "log.h"

/* pg_advisory_lock key held while migrating: "cgmigrat" in ASCII. */
#define MIGRATE_LOCK_SQL "SELECT pg_advisory_lock(7162814031830606196)"

static const char create_sql[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                 " version int PRIMARY KEY,"
                                 " name text NOT NULL,"
                                 " applied_at timestamptz NOT NULL DEFAULT now())";

/*
 * Before the API set is applied: drops every function, view and type of
 * cg_api and cg_internal, so the set's files alone say what exists (a changed
 * signature or a removed view leaves nothing behind). Functions returning
 * trigger are kept, since triggers on the tables use them: the set replaces
 * them with CREATE OR REPLACE. Refuses, changing nothing, when an object
 * outside the two schemas other than a trigger depends on one of them (a
 * column default, an index, a view elsewhere): CASCADE would drop it.
 */
static const char api_reset_sql[] =
    "DO $reset$\n"
    "DECLARE\n"
    "    outside text;\n"
    "    stmts text[];\n"
    "    s text;\n"
    "BEGIN\n"
    "    WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname IN ('cg_api', 'cg_internal')),\n"
    "    api AS (\n"
    "        SELECT 'pg_proc'::regclass AS classid, oid AS objid FROM pg_proc\n"
    "        WHERE pronamespace IN (SELECT oid FROM ns)\n"
    "        UNION ALL SELECT 'pg_class'::regclass, oid FROM pg_class\n"
    "        WHERE relnamespace IN (SELECT oid FROM ns)\n"
    "        UNION ALL SELECT 'pg_type'::regclass, oid FROM pg_type\n"
    "        WHERE typnamespace IN (SELECT oid FROM ns)\n"
    "        UNION ALL SELECT 'pg_rewrite'::regclass, r.oid FROM pg_rewrite r\n"
    "        JOIN pg_class c ON c.oid = r.ev_class WHERE c.relnamespace IN (SELECT oid FROM ns))\n"
    "    SELECT string_agg(DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid), ', ')\n"
    "    INTO outside\n"
    "    FROM pg_depend d JOIN api ON (api.classid, api.objid) = (d.refclassid, d.refobjid)\n"
    "    WHERE d.deptype IN ('n', 'a') AND d.classid <> 'pg_trigger'::regclass\n"
    "      AND NOT EXISTS (SELECT 1 FROM api x WHERE (x.classid, x.objid) = (d.classid, "
    "d.objid));\n"
    "    IF outside IS NOT NULL THEN\n"
    "        RAISE EXCEPTION 'objects outside cg_api and cg_internal depend on them: %', outside\n"
    "            USING HINT = 'drop them in a numbered migration first';\n"
    "    END IF;\n"
    "    SELECT array_agg(x) INTO stmts FROM (\n"
    "        SELECT format('DROP VIEW IF EXISTS %s CASCADE', c.oid::regclass) FROM pg_class c\n"
    "        JOIN pg_namespace n ON n.oid = c.relnamespace\n"
    "        WHERE n.nspname IN ('cg_api', 'cg_internal') AND c.relkind = 'v'\n"
    "        UNION ALL\n"
    "        SELECT format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure) FROM pg_proc "
    "p\n"
    "        JOIN pg_namespace n ON n.oid = p.pronamespace\n"
    "        WHERE n.nspname IN ('cg_api', 'cg_internal') AND p.prokind IN ('f', 'p')\n"
    "          AND p.prorettype <> 'trigger'::regtype\n"
    "        UNION ALL\n"
    "        SELECT format('DROP TYPE IF EXISTS %s CASCADE', t.oid::regtype) FROM pg_type t\n"
    "        JOIN pg_namespace n ON n.oid = t.typnamespace\n"
    "        LEFT JOIN pg_class c ON c.oid = t.typrelid\n"
    "        WHERE n.nspname IN ('cg_api', 'cg_internal') AND t.typelem = 0\n"
    "          AND (t.typtype IN ('e', 'd', 'r') OR c.relkind = 'c')) AS q(x);\n"
    "    FOREACH s IN ARRAY coalesce(stmts, '{}') LOOP\n"
    "        EXECUTE s;\n"
    "    END LOOP;\n"
    "END\n"
    "$reset$";

/* Writes a message to err on one line (libpq's messages end in newlines and
 * may continue on indented lines). */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    size_t n = 0;
    int space = 0;
    for (const char *p = err; *p; p++) {
        if (*p == '\n' || *p == '\t' || *p == '\r' || *p == ' ') {
            space = 1;
            continue;
        }
        if (space && n > 0)
            err[n++] = ' ';
        space = 0;
        err[n++] = *p;
    }
    err[n] = '\0';
}

static void on_notice(void *arg, const PGresult *res)
{
    (void)arg;
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    int loud = sev && strcmp(sev, "NOTICE") != 0 && strcmp(sev, "INFO") != 0 &&
               strcmp(sev, "DEBUG") != 0 && strcmp(sev, "LOG") != 0;
    cg_log_kv(loud ? CG_LOG_WARN : CG_LOG_DEBUG, "db_notice", "severity", sev, "message",
              PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY), CG_LOG_END);
}

static PGconn *open_db(const char *conninfo, char *err, size_t errlen)
{
    const char *const keys[] = {"dbname", "fallback_application_name", NULL};
    const char *const vals[] = {conninfo, "chengguand-migrate", NULL};
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    if (pg == NULL) {
        set_err(err, errlen, "could not connect to the database: out of memory");
        return NULL;
    }
    if (PQstatus(pg) != CONNECTION_OK) {
        set_err(err, errlen, "could not connect to the database: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return NULL;
    }
    PQsetNoticeReceiver(pg, on_notice, NULL);
    return pg;
}

/* The line (1-based) of sql that PostgreSQL's character position pos
 * (1-based, in characters) falls on. */
static int line_of(const char *sql, const char *pos)
{
    long chars = pos ? atol(pos) : 0;
    int line = 1;
    for (const unsigned char *p = (const unsigned char *)sql; *p && chars > 1; p++) {
        if ((*p & 0xC0) == 0x80)
            continue; /* a UTF-8 continuation byte is not a character */
        if (*p == '\n')
            line++;
        chars--;
    }
    return line;
}

/* Reports a failed statement: "<what>: <message> (SQLSTATE xxxxx)". Returns
 * CG_ECONNECT when the connection itself is gone, else CG_EINTERNAL. */
static int fail(PGconn *pg, PGresult *res, const char *what, const char *sql, char *err,
                size_t errlen)
{
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    const char *pos = res ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
    char where[32] = "";
    if (sql && pos)
        snprintf(where, sizeof where, " at line %d", line_of(sql, pos));
    set_err(err, errlen, "%s%s: %s%s%s (SQLSTATE %s)", what, where, msg ? msg : PQerrorMessage(pg),
            detail ? " DETAIL: " : "", detail ? detail : "", state ? state : "none");
    return PQstatus(pg) == CONNECTION_BAD ? CG_ECONNECT : CG_EINTERNAL;
}

/* Runs sql (one or more statements); 0 or fail(). */
static int run(PGconn *pg, const char *sql, const char *what, char *err, size_t errlen)
{
    PGresult *res = PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
        PQclear(res);
        return 0;
    }
    int rc = fail(pg, res, what, sql, err, errlen);
    PQclear(res);
    return rc;
}

/* The newest version in schema_migrations, 0 when the table is missing, or
 * a negative CG_E* code. */
static int current_version(PGconn *pg, char *err, size_t errlen)
{
    PGresult *res = PQexec(pg, "SELECT coalesce(max(version), 0) FROM schema_migrations");
    int rc;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        rc = atoi(PQgetvalue(res, 0, 0));
    } else {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (state && strcmp(state, "42P01") == 0)
            rc = 0;
        else
            rc = fail(pg, res, "reading schema_migrations", NULL, err, errlen);
    }
    PQclear(res);
    return rc;
}

/* Ends the transaction that applied something: unless rc says it failed,
 * inserts its record (insert with n params) and commits; rolls back when
 * anything failed. Returns 0 or the failure's code. */
static int finish(PGconn *pg, int rc, const char *insert, int n, const char *const *params,
                  const char *what, char *err, size_t errlen)
{
    if (rc == 0) {
        PGresult *res = PQexecParams(pg, insert, n, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = fail(pg, res, what, NULL, err, errlen);
        PQclear(res);
    }
    if (rc == 0)
        rc = run(pg, "COMMIT", what, err, errlen);
    if (rc != 0)
        PQclear(PQexec(pg, "ROLLBACK"));
    return rc;
}

static long long ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Copies the checksum of the API set recorded last into out (at least
 * CG_API_CHECKSUM_SIZE bytes; "" when none is, or schema_api does not exist
 * yet). 0, or a negative CG_E* code. */
static int recorded_api(PGconn *pg, char *out, char *err, size_t errlen)
{
    PGresult *res = PQexec(pg, "SELECT checksum FROM schema_api ORDER BY id DESC LIMIT 1");
    int rc = 0;
    out[0] = '\0';
    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        if (PQntuples(res) == 1)
            snprintf(out, CG_API_CHECKSUM_SIZE, "%s", PQgetvalue(res, 0, 0));
    } else {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (state == NULL || strcmp(state, "42P01") != 0)
            rc = fail(pg, res, "reading schema_api", NULL, err, errlen);
    }
    PQclear(res);
    return rc;
}

/* Re-applies the whole API set in one transaction with its schema_api row,
 * unless the recorded checksum is already this binary's. */
static int apply_api(PGconn *pg, char *err, size_t errlen)
{
    char recorded[CG_API_CHECKSUM_SIZE];
    int rc = recorded_api(pg, recorded, err, errlen);
    if (rc != 0 || strcmp(recorded, cg_api_checksum) == 0)
        return rc;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const char *what = "the API set failed";
    rc = run(pg, "BEGIN", what, err, errlen);
    if (rc == 0)
        rc = run(pg, api_reset_sql, "dropping the API set", err, errlen);
    for (int i = 0; i < cg_api_files_count && rc == 0; i++) {
        char file_what[160];
        snprintf(file_what, sizeof file_what, "API file %s failed", cg_api_files[i].name);
        rc = run(pg, cg_api_files[i].sql, file_what, err, errlen);
    }
    char version[16], files[1024] = "{";
    snprintf(version, sizeof version, "%d", cg_migrations_latest());
    for (int i = 0; i < cg_api_files_count; i++) /* plain names: no quoting needed */
        snprintf(files + strlen(files), sizeof files - strlen(files), "%s%s", i ? "," : "",
                 cg_api_files[i].name);
    snprintf(files + strlen(files), sizeof files - strlen(files), "}");
    const char *const params[] = {cg_api_checksum, version, files};
    rc = finish(pg, rc,
                "INSERT INTO schema_api (checksum, schema_version, files) VALUES ($1, $2, $3)", 3,
                params, what, err, errlen);
    if (rc != 0)
        return rc;
    cg_log_line l;
    cg_log_begin(&l, CG_LOG_INFO, "api_applied");
    cg_log_str(&l, "checksum", cg_api_checksum);
    cg_log_str(&l, "replaced", recorded[0] ? recorded : "none");
    cg_log_int(&l, "files", cg_api_files_count);
    cg_log_int(&l, "ms", ms_since(&t0));
    cg_log_end(&l);
    return 0;
}

/* Applies migration m in one transaction with its schema_migrations row. */
static int apply_one(PGconn *pg, const cg_migration *m, char *err, size_t errlen)
{
    char what[160];
    snprintf(what, sizeof what, "migration %s failed", m->name);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = run(pg, "BEGIN", what, err, errlen);
    if (rc == 0)
        rc = run(pg, m->sql, what, err, errlen);
    char version[16];
    snprintf(version, sizeof version, "%d", m->version);
    const char *const params[] = {version, m->name};
    rc = finish(pg, rc, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", 2, params,
                what, err, errlen);
    if (rc != 0)
        return rc;
    cg_log_line l;
    cg_log_begin(&l, CG_LOG_INFO, "migration_applied");
    cg_log_int(&l, "version", m->version);
    cg_log_str(&l, "name", m->name);
    cg_log_int(&l, "ms", ms_since(&t0));
    cg_log_end(&l);
    return 0;
}

/* Whether version is recorded; applied is the result of
 * SELECT version, name FROM schema_migrations. Warns when the recorded name
 * differs from the embedded one. */
static int is_applied(const PGresult *applied, const cg_migration *m)
{
    for (int i = 0; i < PQntuples(applied); i++) {
        if (atoi(PQgetvalue(applied, i, 0)) != m->version)
            continue;
        const char *name = PQgetvalue(applied, i, 1);
        if (strcmp(name, m->name) != 0)
            cg_log_kv(CG_LOG_WARN, "migration_name_differs", "recorded", name, "embedded", m->name,
                      CG_LOG_END);
        return 1;
    }
    return 0;
}

static int migrate(PGconn *pg, char *err, size_t errlen)
{
    int rc = run(pg, MIGRATE_LOCK_SQL, "taking the migration lock", err, errlen);
    if (rc == 0)
        rc = run(pg, create_sql, "creating schema_migrations", err, errlen);
    if (rc != 0)
        return rc;
    int current = current_version(pg, err, errlen);
    if (current < 0)
        return current;
    int latest = cg_migrations_latest();
    if (current > latest) {
        set_err(err, errlen,
                "the database schema is at version %d, newer than the newest this chengguand "
                "knows (%d); refusing to migrate",
                current, latest);
        return CG_EFAILED_PRECONDITION;
    }
    PGresult *applied = PQexec(pg, "SELECT version, name FROM schema_migrations");
    if (PQresultStatus(applied) != PGRES_TUPLES_OK) {
        rc = fail(pg, applied, "reading schema_migrations", NULL, err, errlen);
        PQclear(applied);
        return rc;
    }
    int count = 0;
    for (int i = 0; i < cg_migrations_count && rc == 0; i++) {
        if (is_applied(applied, &cg_migrations[i]))
            continue;
        rc = apply_one(pg, &cg_migrations[i], err, errlen);
        count += rc == 0;
    }
    PQclear(applied);
    if (rc == 0)
        rc = apply_api(pg, err, errlen);
    if (rc != 0)
        return rc;
    cg_log_line l;
    cg_log_begin(&l, CG_LOG_INFO, "migrate_done");
    cg_log_int(&l, "version", latest);
    cg_log_int(&l, "applied", count);
    cg_log_str(&l, "api", cg_api_checksum);
    cg_log_end(&l);
    return 0;
}

int cg_migrate_apply(const char *conninfo, char *err, size_t errlen)
{
    PGconn *pg = open_db(conninfo, err, errlen);
    if (pg == NULL)
        return CG_ECONNECT;
    int rc = migrate(pg, err, errlen);
    PQfinish(pg); /* also releases the advisory lock */
    return rc;
}

/* Whether the connection's role escapes row-level security (see
 * cg_schema_state.unconfined). 0, or a negative CG_E* code. */
static int unconfined(PGconn *pg, int *out, char *err, size_t errlen)
{
    PGresult *res = PQexec(pg, "SELECT r.rolsuper OR r.rolbypassrls OR EXISTS (SELECT 1 FROM "
                               "pg_class c WHERE c.relkind = 'r' AND c.relnamespace = "
                               "'public'::regnamespace AND pg_has_role(r.oid, c.relowner, "
                               "'USAGE')) FROM pg_roles r WHERE r.rolname = current_user");
    int rc = 0;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        *out = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    else
        rc = fail(pg, res, "reading the role's privileges", NULL, err, errlen);
    PQclear(res);
    return rc;
}

int cg_migrate_status(const char *conninfo, cg_schema_state *state, char *err, size_t errlen)
{
    PGconn *pg = open_db(conninfo, err, errlen);
    if (pg == NULL)
        return CG_ECONNECT;
    int rc = current_version(pg, err, errlen);
    if (rc >= 0) {
        state->version = rc;
        rc = recorded_api(pg, state->api_checksum, err, errlen);
    }
    if (rc >= 0)
        rc = unconfined(pg, &state->unconfined, err, errlen);
    PQfinish(pg);
    return rc < 0 ? rc : 0;
}
