/*
 * The repeatable API set (sql/api/, re-applied by --migrate when its checksum
 * changes): a database made by the five migrations that shipped before it is
 * upgraded without losing anything, a second --migrate changes nothing, an
 * edited API file is re-applied, and a server refuses to start on an API set
 * other than its own.
 */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "chengguan/v1/ledger.pb-c.h"
#include "chengguan/v1/patrol.pb-c.h"
#include "chengguan/v1/reports.pb-c.h"

/* Rows written through the functions of the shipped migrations: one patrol
 * and one report on the first sample compound, with fixed keys (hex). */
static const char old_rows_sql[] =
    "SELECT cg_api.patrol_submit('xinglongtai', '{\"idempotency_key\": "
    "\"706174726f6c2d6b65792d6265666f72652d75706772616465\", \"patrol\": {\"compound_id\": 1, "
    "\"officer_ids\": [1, 2], \"start\": \"2021-03-02T09:00\", \"end\": \"2021-03-02T10:30\", "
    "\"findings\": [{\"category\": 3, \"text\": \"楼道堆物\", \"action\": \"stopped_on_site\"}], "
    "\"note\": \"升级前的巡查\"}}');\n"
    "SELECT cg_api.report_submit('property-demo', '{\"idempotency_key\": "
    "\"7265706f72742d6b65792d6265666f72652d75706772616465\", \"report\": {\"compound_id\": 1, "
    "\"category\": 2, \"text\": \"升级前的报告\", \"location\": \"3号楼\", "
    "\"dissuasion_failed\": true}}');\n";

/* Row counts of every table that holds what the bureau recorded, and a few
 * values, as one line. */
static const char fingerprint_sql[] =
    "SELECT string_agg(t || '=' || n, ' ' ORDER BY t) FROM ("
    " SELECT 'accounts' t, count(*)::text n FROM accounts"
    " UNION ALL SELECT 'compounds', count(*)::text FROM compounds"
    " UNION ALL SELECT 'history', count(*)::text FROM compound_history"
    " UNION ALL SELECT 'officers', count(*)::text FROM officers"
    " UNION ALL SELECT 'grid', count(*)::text FROM grid_assignments"
    " UNION ALL SELECT 'publicity', count(*)::text FROM publicity"
    " UNION ALL SELECT 'idem', count(*)::text FROM idempotency_keys"
    " UNION ALL SELECT 'patrols', count(*)::text FROM patrols"
    " UNION ALL SELECT 'findings', count(*)::text FROM patrol_findings"
    " UNION ALL SELECT 'reports', count(*)::text FROM reports"
    " UNION ALL SELECT 'timeline', count(*)::text FROM report_timeline"
    " UNION ALL SELECT 'events', count(*)::text FROM events"
    " UNION ALL SELECT 'c1', name || '/' || coalesce(property_account, '') || '/' || version"
    "  FROM compounds WHERE id = 1"
    " UNION ALL SELECT 'p1', note FROM patrols WHERE id = 1"
    " UNION ALL SELECT 'r1', text || '/' || status || '/' || reporter FROM reports WHERE id = 1) x";

/* The first line psql prints for sql on t's database, in out ("" on failure). */
static void query(const cg_test_server *t, const char *sql, char *out, size_t len)
{
    char path[800], cmd[2400];
    snprintf(path, sizeof path, "%s/query_out.sql", t->dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(sql, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "psql -X -q -At -v ON_ERROR_STOP=1 '%s' -f '%s'", t->conninfo, path);
    out[0] = '\0';
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    if (fgets(out, (int)len, p) != NULL)
        out[strcspn(out, "\n")] = '\0';
    pclose(p);
}

/* Runs bin (a chengguand) with t's config and args, logging to t's log, for
 * at most 20 s; returns its exit status. */
static int run_bin(const cg_test_server *t, const char *bin, const char *args)
{
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "timeout 20 '%s' --config '%s' %s >>'%s' 2>&1", bin, t->config, args,
             t->log);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* How many lines of t's log contain needle. */
static int log_count(const cg_test_server *t, const char *needle)
{
    FILE *f = fopen(t->log, "r");
    int n = 0;
    char line[4096];
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        n += strstr(line, needle) != NULL;
    if (f != NULL)
        fclose(f);
    return n;
}

/* The checksum of the source tree's sql/api, computed as docs/operations.md
 * says. */
static void source_api_checksum(char *out, size_t len)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd '%s/sql/api' && for f in *.sql; do echo \"$f\"; cat \"$f\"; done | sha256sum",
             CG_SOURCE_DIR);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, (int)len, p));
    pclose(p);
    out[strspn(out, "0123456789abcdef")] = '\0';
    assert_int_equal(strlen(out), 64);
}

static void test_upgrade_from_the_shipped_migrations(void **state)
{
    (void)state;
    static cg_test_server t;
    cg_test_server_init_empty(&t, "migrate_upgrade", 0);

    /* The database exactly as the five shipped migrations leave it, with
     * what --migrate recorded then, and rows written through their
     * functions. */
    char sql[4096];
    int n = snprintf(sql, sizeof sql,
                     "SET client_min_messages = warning;\n"
                     /* migrated by the schema's owner, as --migrate does */
                     "SET ROLE chengguan_owner;\n"
                     "CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL,"
                     " applied_at timestamptz NOT NULL DEFAULT now());\n");
    const char *const shipped[] = {"0001_core", "0002_reference_data", "0003_ledger",
                                   "0004_patrols", "0005_reports"};
    for (int i = 0; i < 5; i++)
        n += snprintf(sql + n, sizeof sql - (size_t)n,
                      "BEGIN;\n\\i %s/sql/%s.sql\n"
                      "INSERT INTO schema_migrations (version, name) VALUES (%d, '%s');\nCOMMIT;\n",
                      CG_SOURCE_DIR, shipped[i], i + 1, shipped[i]);
    snprintf(sql + n, sizeof sql - (size_t)n,
             "\\i %s/sql/dev/accounts.sql\n\\i %s/sql/dev/ledger_sample.sql\n", CG_SOURCE_DIR,
             CG_SOURCE_DIR);
    assert_int_equal(cg_test_sql(&t, sql), 0);
    assert_int_equal(cg_test_sql(&t, old_rows_sql), 0);
    char before[1024], after[1024];
    query(&t, fingerprint_sql, before, sizeof before);
    assert_non_null(strstr(before, "patrols=1 "));
    assert_non_null(strstr(before, "reports=1 "));
    assert_non_null(strstr(before, "p1=升级前的巡查"));

    assert_int_equal(cg_test_server_run(&t, "--migrate"), 0);
    query(&t, fingerprint_sql, after, sizeof after);
    assert_string_equal(after, before);
    char want[80], got[200];
    source_api_checksum(want, sizeof want);
    query(&t, "SELECT checksum FROM schema_api ORDER BY id DESC LIMIT 1", got, sizeof got);
    assert_string_equal(got, want);
    query(&t, "SELECT count(*) FROM schema_migrations WHERE version <= 5", got, sizeof got);
    assert_string_equal(got, "5");
    assert_int_equal(log_count(&t, "event=api_applied"), 1);

    /* Again: nothing to do. */
    assert_int_equal(cg_test_server_run(&t, "--migrate"), 0);
    assert_int_equal(log_count(&t, "event=api_applied"), 1);
    assert_int_equal(log_count(&t, "applied=0 api="), 1);
    query(&t, "SELECT count(*) FROM schema_api", got, sizeof got);
    assert_string_equal(got, "1");
    query(&t, fingerprint_sql, after, sizeof after);
    assert_string_equal(after, before);

    /* The upgraded database serves the rows written before, and new ones. */
    cg_test_server_start(&t, NULL);
    Chengguan__V1__PatrolGet pget = CHENGGUAN__V1__PATROL_GET__INIT;
    pget.id = 1;
    Chengguan__V1__Patrol *p = (Chengguan__V1__Patrol *)cg_test_call(&t, "hq", &pget.base, 0, NULL);
    assert_non_null(p);
    assert_string_equal(p->note, "升级前的巡查");
    assert_int_equal(p->n_findings, 1);
    cg_message_free(&p->base);
    Chengguan__V1__ReportGet rget = CHENGGUAN__V1__REPORT_GET__INIT;
    rget.id = 1;
    Chengguan__V1__Report *r =
        (Chengguan__V1__Report *)cg_test_call(&t, "property-demo", &rget.base, 0, NULL);
    assert_non_null(r);
    assert_string_equal(r->text, "升级前的报告");
    cg_message_free(&r->base);
    uint64_t officer;
    uint64_t id =
        cg_test_make_compound(&t, "dawa", "dawa", "升级后的小区", NULL, "2021-03-01", &officer);
    assert_true(id > 13);
    cg_test_forget_clients();
    assert_int_equal(cg_test_server_stop(&t), 0);
}

static void test_an_edited_api_file_is_reapplied(void **state)
{
    (void)state;
    static cg_test_server t;
    cg_test_server_init(&t, "migrate_edited", 0);
    char original[200], got[200], triggers[4096], triggers_after[4096];
    static const char triggers_sql[] = "SELECT string_agg(tgname || ':' || tgfoid::regproc, ',' "
                                       "ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal";
    query(&t, "SELECT checksum FROM schema_api ORDER BY id DESC LIMIT 1", original,
          sizeof original);
    query(&t, triggers_sql, triggers, sizeof triggers);
    assert_non_null(strstr(triggers, "compounds_no_delete:cg_internal.refuse_change"));

    /* A binary whose core.sql has an added function and view. */
    assert_int_equal(run_bin(&t, CG_EDITED_SERVER_BIN, "--migrate"), 0);
    query(&t, "SELECT count(*) FROM schema_api", got, sizeof got);
    assert_string_equal(got, "2");
    query(&t, "SELECT checksum FROM schema_api ORDER BY id DESC LIMIT 1", got, sizeof got);
    assert_string_not_equal(got, original);
    query(&t, "SELECT cg_internal.edited_marker() + (SELECT x FROM cg_internal.edited_view)", got,
          sizeof got);
    assert_string_equal(got, "43");
    /* Run again, the edited binary finds its own set: nothing to do. */
    assert_int_equal(run_bin(&t, CG_EDITED_SERVER_BIN, "--migrate"), 0);
    query(&t, "SELECT count(*) FROM schema_api", got, sizeof got);
    assert_string_equal(got, "2");

    /* The normal binary refuses to serve another API set. */
    assert_int_equal(run_bin(&t, CG_SERVER_BIN, ""), 1);
    assert_true(cg_test_log_has(&t, "event=api_mismatch", original, NULL));

    /* A table built on an API function would be dropped with it: --migrate
     * refuses and changes nothing. */
    assert_int_equal(cg_test_sql(&t, "CREATE TABLE built_on_api (v integer DEFAULT "
                                     "cg_internal.edited_marker());"),
                     0);
    assert_int_equal(cg_test_server_run(&t, "--migrate"), 1);
    assert_true(cg_test_log_has(&t, "depend on them", "built_on_api", NULL));
    query(&t, "SELECT count(*) FROM schema_api", got, sizeof got);
    assert_string_equal(got, "2");
    assert_int_equal(cg_test_sql(&t, "DROP TABLE built_on_api;"), 0);

    /* Back to the original set: what only the edit had is gone. */
    assert_int_equal(cg_test_server_run(&t, "--migrate"), 0);
    query(&t, "SELECT checksum FROM schema_api ORDER BY id DESC LIMIT 1", got, sizeof got);
    assert_string_equal(got, original);
    query(&t,
          "SELECT to_regprocedure('cg_internal.edited_marker()') IS NULL"
          " AND to_regclass('cg_internal.edited_view') IS NULL",
          got, sizeof got);
    assert_string_equal(got, "t");
    /* The append-only triggers survived both re-applications, and work. */
    query(&t, triggers_sql, triggers_after, sizeof triggers_after);
    assert_string_equal(triggers_after, triggers);
    assert_int_not_equal(cg_test_sql(&t, "TRUNCATE compound_history;"), 0);

    cg_test_server_start(&t, NULL);
    uint64_t officer;
    uint64_t id = cg_test_make_compound(&t, "dawa", "dawa", "重新应用之后", NULL, NULL, &officer);
    assert_true(id > 0);
    cg_test_forget_clients();
    assert_int_equal(cg_test_server_stop(&t), 0);
}

/* docs/operations.md's install step 4, as written: no config file, only
 * CHENGGUAN_DATABASE, as the database's owner; no TLS setting anywhere. */
static void test_migrate_with_only_the_database(void **state)
{
    (void)state;
    static cg_test_server t;
    cg_test_server_init_empty(&t, "migrate_env_only", 0);
    char cmd[2400], got[200];
    snprintf(cmd, sizeof cmd,
             "env -u CHENGGUAN_TLS_CERT -u CHENGGUAN_TLS_KEY -u CHENGGUAN_TLS_CA "
             "CHENGGUAN_DATABASE='%s' timeout 60 '%s' --migrate >>'%s' 2>&1",
             t.conninfo, CG_SERVER_BIN, t.log);
    int rc = system(cmd);
    assert_true(WIFEXITED(rc));
    assert_int_equal(WEXITSTATUS(rc), 0);
    assert_int_equal(log_count(&t, "is required"), 0);
    query(&t, "SELECT count(*) > 0 FROM schema_migrations", got, sizeof got);
    assert_string_equal(got, "t");
    /* Serving still needs the certificates. */
    snprintf(cmd, sizeof cmd,
             "env -u CHENGGUAN_TLS_CERT -u CHENGGUAN_TLS_KEY -u CHENGGUAN_TLS_CA "
             "CHENGGUAN_DATABASE='%s' timeout 20 '%s' >>'%s' 2>&1",
             t.conninfo, CG_SERVER_BIN, t.log);
    rc = system(cmd);
    assert_true(WIFEXITED(rc));
    assert_int_equal(WEXITSTATUS(rc), 1);
    assert_int_equal(log_count(&t, "tls_cert is required"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upgrade_from_the_shipped_migrations),
        cmocka_unit_test(test_an_edited_api_file_is_reapplied),
        cmocka_unit_test(test_migrate_with_only_the_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
