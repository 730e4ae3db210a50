/*
 * The database comes and goes; the server stays. On its own cluster, this
 * test stops PostgreSQL under a running server (requests get UNAVAILABLE),
 * starts it again (requests succeed with no restart), starts the server
 * while PostgreSQL is down, and checks that a schema newer than the server
 * knows stops it from starting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

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
    long long deadline = cg_test_now_ms() + 30000;
    int rc;
    do {
        c = NULL;
        rc = cg_client_connect(&c, &o);
        if (rc != 0) {
            assert_int_equal(rc, CG_EUNAVAILABLE);
            cg_client_free(c);
            usleep(100000);
        }
    } while (rc != 0 && cg_test_now_ms() < deadline);
    assert_int_equal(rc, 0);
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

int main(void)
{
    cg_test_server_init(&server, "db_outage", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outage_while_running),
        cmocka_unit_test(test_database_down_at_start),
        cmocka_unit_test(test_newer_schema_refuses_to_start),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    cg_test_pg_stop(&server);
    return failed;
}
