/*
 * The database comes and goes; the server stays. On its own cluster, this
 * test stops PostgreSQL under a running server (requests get UNAVAILABLE),
 * starts it again (requests succeed with no restart), starts the server
 * while PostgreSQL is down, and checks that a schema newer than the server
 * knows stops it from starting. Turned into a standby, the database is
 * refused with one error and counts as down until it is promoted. A mutation whose database
 * connection drops right after its commit is answered UNAVAILABLE; the library sends it again with
 * the same key, in the blocking and the asynchronous API, and it is stored once.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "chengguan/adapters/libuv.h"
#include "chengguan/async.h"
#include "harness.h"

static cg_test_server server;

/* whoami until it succeeds (the pool reconnects with back-off); returns the
 * number of UNAVAILABLE answers seen before. Fails the test after 30 s. */
static int whoami_until_ok(cg_client *c)
{
    long long deadline = cg_test_now_ms() + 30000;
    int unavailable = 0;
    cg_whoami_reply me;
    for (;;) {
        int rc = cg_whoami(c, &me);
        if (rc == 0)
            return unavailable;
        assert_int_equal(rc, CG_EUNAVAILABLE);
        unavailable++;
        assert_true(cg_test_now_ms() < deadline);
        usleep(100000);
    }
}

/* cg_client_connect until Hello succeeds (UNAVAILABLE while the pool has no
 * usable connection); fails the test after 30 s. */
static cg_client *connect_until_ok(const cg_client_options *o)
{
    long long deadline = cg_test_now_ms() + 30000;
    for (;;) {
        cg_client *c = NULL;
        int rc = cg_client_connect(&c, o);
        if (rc == 0)
            return c;
        assert_int_equal(rc, CG_EUNAVAILABLE);
        cg_client_free(c);
        assert_true(cg_test_now_ms() < deadline);
        usleep(100000);
    }
}

static void test_outage_while_running(void **state)
{
    cg_test_server_start(&server, NULL);
    cg_client *c = cg_test_connect(&server, "xinglongtai");
    cg_whoami_reply me;
    assert_int_equal(cg_whoami(c, &me), 0);

    cg_test_pg_stop(&server);
    assert_int_equal(cg_whoami(c, &me), CG_EUNAVAILABLE);
    assert_int_equal(cg_whoami(c, &me), CG_EUNAVAILABLE);
    assert_int_equal(cg_ping(c, "no database needed", 18, NULL), 0);

    cg_client_options o = cg_test_options(&server, "dawa");
    cg_client *d = NULL;
    assert_int_equal(cg_client_connect(&d, &o), CG_EUNAVAILABLE);
    cg_client_free(d);

    cg_test_pg_start(&server);
    whoami_until_ok(c);
    assert_string_equal(me.account, "xinglongtai");
    cg_client_free(c);
    d = cg_test_connect(&server, "dawa");
    cg_client_free(d);
    assert_true(cg_test_log_wait(&server, "event=db_disconnected", NULL));
    assert_int_equal(cg_test_server_stop(&server), 0);
}

static void test_database_down_at_start(void **state)
{
    cg_test_pg_stop(&server);
    cg_test_server_start(&server, NULL);
    assert_true(cg_test_log_wait(&server, "event=db_unreachable_at_start", NULL));
    cg_client_options o = cg_test_options(&server, "hq");
    cg_client *c = NULL;
    assert_int_equal(cg_client_connect(&c, &o), CG_EUNAVAILABLE);
    cg_client_free(c);

    cg_test_pg_start(&server);
    c = connect_until_ok(&o);
    cg_client_free(c);
    assert_int_equal(cg_test_server_stop(&server), 0);
}

static void test_newer_schema_refuses_to_start(void **state)
{
    assert_int_equal(cg_test_sql(&server, "INSERT INTO schema_migrations (version, name) "
                                          "VALUES (9999, '9999_from_the_future')"),
                     0);
    assert_int_equal(cg_test_server_run(&server, NULL), 1);
    assert_true(cg_test_log_wait(&server, "event=schema_too_new", "found=9999", NULL));
    /* --migrate refuses as well, and changes nothing. */
    assert_int_equal(cg_test_server_run(&server, "--migrate"), 1);
    assert_int_equal(cg_test_sql(&server, "DELETE FROM schema_migrations WHERE version = 9999"), 0);
    assert_int_equal(cg_test_server_run(&server, "--migrate"), 0);
}

/* --- a database that takes no writes ----------------------------------------- */

/* Restarts the test's cluster as a hot standby of no primary (standby.signal
 * without primary_conninfo): it stays in recovery, answering reads only, as
 * a streaming replica does, until it is promoted. */
static void pg_restart_as_standby(void)
{
    cg_test_pg_stop(&server);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "touch \"$(%s/scripts/dev-db.sh '%s' home)/data/standby.signal\"",
             CG_SOURCE_DIR, server.pg_dir);
    assert_int_equal(system(cmd), 0);
    cg_test_pg_start(&server);
}

/* Lines of the server's log from byte offset start on that contain needle. */
static int log_count_since(off_t start, const char *needle)
{
    char *text = cg_test_read_text(server.log);
    int n = 0;
    for (const char *p = text + start; (p = strstr(p, needle)) != NULL; p++)
        n++;
    free(text);
    return n;
}

/* Pointed at a standby, chengguand says so once per pool (the requests' and
 * the event listener's) and treats the database as unavailable, instead of
 * failing LISTEN and the escalation engine every second; once the standby
 * is promoted, the pool connects by itself. */
static void test_standby_refused_until_promoted(void **state)
{
    struct stat st;
    off_t start = stat(server.log, &st) == 0 ? st.st_size : 0;
    pg_restart_as_standby();
    assert_int_equal(cg_test_sql_int(&server, "SELECT pg_is_in_recovery()::int"), 1);
    cg_test_server_start(&server, NULL);
    cg_client_options o = cg_test_options(&server, "hq");
    cg_client *c = NULL;
    assert_int_equal(cg_client_connect(&c, &o), CG_EUNAVAILABLE);
    cg_client_free(c);
    /* Long enough for several reconnects of each pool connection and for the
     * escalation engine's retry (1 s) to fail if it ran. */
    usleep(2500000);
    assert_true(cg_test_log_has(&server, "event=db_read_only", "reason=\"in recovery", NULL));
    assert_int_equal(log_count_since(start, "event=db_read_only"), 2);
    assert_int_equal(log_count_since(start, "event=events_listen_failed"), 0);
    assert_int_equal(log_count_since(start, "event=escalation_failed"), 0);

    assert_int_equal(cg_test_sql(&server, "SELECT pg_promote()"), 0);
    c = connect_until_ok(&o);
    cg_whoami_reply me;
    assert_int_equal(cg_whoami(c, &me), 0);
    cg_client_free(c);
    assert_true(cg_test_log_wait(&server, "event=events_started", NULL));
    assert_int_equal(cg_test_server_stop(&server), 0);
}

/* Whatever happened, the next tests get a primary and no server. */
static int promote(void **state)
{
    if (server.pid > 0)
        cg_test_server_kill(&server);
    return cg_test_sql(&server, "SELECT pg_promote() WHERE pg_is_in_recovery()");
}

/* --- a reply lost after the commit ----------------------------------------- */

/* 1 when the SQL condition holds on the test's database. */
static int sql_true(const char *condition)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "DO $$ BEGIN IF NOT (%s) THEN RAISE EXCEPTION 'no'; END IF; END $$;",
             condition);
    return cg_test_sql(&server, sql) == 0;
}

/*
 * From now on a report whose text starts with "lost reply" commits and then
 * waits for a synchronous standby that does not exist (only that one
 * transaction asks for it). Terminating the waiting backend is PostgreSQL's
 * own case of "the connection dropped after the commit": the transaction
 * stays committed and no reply reaches the server.
 */
static void lose_replies_after_commit(void)
{
    assert_int_equal(
        cg_test_sql(
            &server,
            "SET synchronous_commit = local;\n"
            "ALTER SYSTEM SET synchronous_standby_names = 'nobody';\n"
            "SELECT pg_reload_conf();\n"
            "ALTER DATABASE db_outage SET synchronous_commit = local;\n"
            "CREATE OR REPLACE FUNCTION test_wait_for_standby() RETURNS trigger LANGUAGE plpgsql "
            "AS\n"
            "$$ BEGIN IF NEW.text LIKE 'lost reply%' THEN\n"
            "  PERFORM set_config('synchronous_commit', 'on', true); END IF;\n"
            "  RETURN NEW; END $$;\n"
            "CREATE OR REPLACE TRIGGER test_wait_for_standby AFTER INSERT ON reports FOR EACH ROW\n"
            "  EXECUTE FUNCTION test_wait_for_standby();\n"),
        0);
}

static void restore_commits(void)
{
    assert_int_equal(cg_test_sql(&server, "SET synchronous_commit = local;\n"
                                          "DROP FUNCTION test_wait_for_standby() CASCADE;\n"
                                          "ALTER DATABASE db_outage RESET synchronous_commit;\n"
                                          "ALTER SYSTEM RESET synchronous_standby_names;\n"
                                          "SELECT pg_reload_conf();\n"),
                     0);
}

#define WAITING_COMMIT "EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event = 'SyncRep')"

/* Terminates the backend of the commit that waits. */
static void drop_waiting_commit(void)
{
    assert_int_equal(cg_test_sql(&server, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                          "WHERE wait_event = 'SyncRep'"),
                     0);
}

static uint64_t compound_id;

static void report_init(Chengguan__V1__ReportSubmit *req, Chengguan__V1__Report *rep,
                        const char *text)
{
    chengguan__v1__report_submit__init(req);
    chengguan__v1__report__init(rep);
    rep->compound_id = compound_id;
    rep->category = 3;
    rep->text = (char *)text;
    req->report = rep;
}

/* The report of text is stored once, and the server answered a first attempt
 * UNAVAILABLE (the case under test did happen). */
static void expect_stored_once(const char *text)
{
    char cond[256];
    snprintf(cond, sizeof cond, "(SELECT count(*) FROM reports WHERE text = '%s') = 1", text);
    assert_true(sql_true(cond));
    assert_true(cg_test_log_has(&server, "method=report.submit", "status=UNAVAILABLE", NULL));
}

typedef struct {
    cg_client *c;
    const char *text;
    int rc;
    ProtobufCMessage *reply;
} blocking_call;

static void *submit_blocking(void *arg)
{
    blocking_call *b = arg;
    Chengguan__V1__ReportSubmit req;
    Chengguan__V1__Report rep;
    report_init(&req, &rep, b->text);
    b->rc = cg_call(b->c, &req.base, &b->reply);
    return NULL;
}

static void start_for_lost_replies(void)
{
    lose_replies_after_commit();
    cg_test_server_start(&server, "dedup_window = 0");
    uint64_t officer;
    if (compound_id == 0)
        compound_id =
            cg_test_make_compound(&server, "hq", "dawa", "断线小区", NULL, NULL, &officer);
}

static void stop_for_lost_replies(void)
{
    cg_test_forget_clients();
    assert_int_equal(cg_test_server_stop(&server), 0);
    restore_commits();
}

static void test_blocking_call_retried_after_lost_commit(void **state)
{
    start_for_lost_replies();
    blocking_call b = {cg_test_connect(&server, "hq"), "lost reply, blocking", -1, NULL};
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, submit_blocking, &b), 0);
    long long deadline = cg_test_now_ms() + 10000;
    while (!sql_true(WAITING_COMMIT) && cg_test_now_ms() < deadline)
        usleep(50000);
    drop_waiting_commit();
    pthread_join(thread, NULL);

    assert_int_equal(b.rc, 0);
    assert_string_equal(((Chengguan__V1__Report *)b.reply)->text, b.text);
    cg_message_free(b.reply);
    cg_client_free(b.c);
    expect_stored_once(b.text);
    stop_for_lost_replies();
}

static void on_async_reply(cg_async *a, int status, ProtobufCMessage *reply, void *arg)
{
    blocking_call *b = arg;
    b->rc = status;
    b->reply = cg_async_take_reply(a);
}

static void test_async_call_retried_after_lost_commit(void **state)
{
    start_for_lost_replies();
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    cg_client_options o = cg_test_options(&server, "hq");
    cg_async *a = cg_async_new(&o);
    assert_non_null(a);
    assert_int_equal(cg_libuv_attach(a, &loop), 0);
    blocking_call b = {NULL, "lost reply, async", 1, NULL};
    Chengguan__V1__ReportSubmit req;
    Chengguan__V1__Report rep;
    report_init(&req, &rep, b.text);
    assert_int_equal(cg_async_call(a, &req.base, on_async_reply, &b), 0);

    long long deadline = cg_test_now_ms() + 10000;
    while (!sql_true(WAITING_COMMIT) && cg_test_now_ms() < deadline)
        uv_run(&loop, UV_RUN_NOWAIT);
    drop_waiting_commit();
    while (b.rc == 1 && cg_test_now_ms() < deadline + 10000)
        uv_run(&loop, UV_RUN_ONCE);

    assert_int_equal(b.rc, 0);
    assert_string_equal(((Chengguan__V1__Report *)b.reply)->text, b.text);
    cg_message_free(b.reply);
    cg_async_free(a);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    expect_stored_once(b.text);
    stop_for_lost_replies();
}

int main(void)
{
    cg_test_server_init(&server, "db_outage", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outage_while_running),
        cmocka_unit_test(test_database_down_at_start),
        cmocka_unit_test(test_newer_schema_refuses_to_start),
        cmocka_unit_test_teardown(test_standby_refused_until_promoted, promote),
        cmocka_unit_test(test_blocking_call_retried_after_lost_commit),
        cmocka_unit_test(test_async_call_retried_after_lost_commit),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    cg_test_pg_stop(&server);
    return failed;
}
