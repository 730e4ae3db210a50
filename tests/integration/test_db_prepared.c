/*
 * Prepared statements (issue 14): each pool connection prepares a statement
 * text once and then only executes it; after its backend is terminated the
 * new connection prepares it again, and the request succeeds. The server
 * runs with one pool connection and logs each prepare at debug level
 * (event=db_prepared, with the statement's text).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;

/* WhoAmI's statement (system_service.c: CG_ACCOUNT_SELECT "WHERE a.name = $1"). */
#define WHOAMI_SQL "WHERE a.name = $1"

/* Lines of the server's log that prepare a statement containing text. */
static int prepares_of(const char *text)
{
    FILE *f = fopen(server.log, "r");
    assert_non_null(f);
    char line[8192];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, "event=db_prepared") && strstr(line, text))
            n++;
    fclose(f);
    return n;
}

static void whoami_until_ok(cg_client *c)
{
    long long deadline = cg_test_now_ms() + 30000;
    cg_whoami_reply me;
    while (cg_whoami(c, &me) != 0) {
        assert_true(cg_test_now_ms() < deadline);
        usleep(100000);
    }
}

static void test_prepared_once_per_connection(void **state)
{
    cg_client *c = cg_test_connect(&server, "xinglongtai");
    cg_whoami_reply me;
    for (int i = 0; i < 20; i++)
        assert_int_equal(cg_whoami(c, &me), 0);
    assert_int_equal(prepares_of(WHOAMI_SQL), 1);

    /* The pool's backend goes away: its statements with it. */
    assert_int_equal(cg_test_sql(&server, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                          "WHERE application_name = 'chengguand' "
                                          "AND datname = current_database()"),
                     0);
    whoami_until_ok(c);
    for (int i = 0; i < 5; i++)
        assert_int_equal(cg_whoami(c, &me), 0);
    assert_int_equal(prepares_of(WHOAMI_SQL), 2);
    cg_client_free(c);
}

int main(void)
{
    cg_test_server_init(&server, "db_prepared", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prepared_once_per_connection),
    };
    return CG_TEST_RUN(&server, "log_level = debug\ndb_pool_size = 1\n", tests);
}
