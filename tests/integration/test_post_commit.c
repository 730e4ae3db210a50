/*
 * After a write commits, the server reads its events (and rings the other
 * instances in that read); it runs no escalation query that no deadline
 * asked for, and ignores its own doorbell's echo (issue 14). Counted with
 * the function statistics of PostgreSQL (track_functions = all on the
 * test's database), on one pool connection so that its counts reach the
 * statistics together.
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

#define WRITES 20

static cg_test_server server;

static long long calls_of(const char *function)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions "
             "WHERE schemaname = 'cg_internal' AND funcname = '%s'",
             function);
    return cg_test_sql_int(&server, sql);
}

static void test_writes_run_no_escalation(void **state)
{
    uint64_t officer;
    uint64_t compound =
        cg_test_make_compound(&server, "hq", "dawa", "提交后测试", "property-demo", NULL, &officer);
    cg_client *c = cg_test_connect(&server, "property-demo");
    /* The start-up run (there is always one) in the statistics, which a
     * backend sends when it goes idle, at most once a second. */
    long long deadline = cg_test_now_ms() + 30000;
    long long escalations;
    while ((escalations = calls_of("escalate_due")) < 1) {
        assert_true(cg_test_now_ms() < deadline);
        usleep(200000);
    }
    for (int i = 0; i < WRITES; i++)
        cg_test_file_report(c, compound, (uint32_t)(1 + i % 10), "提交后", NULL);
    cg_client_free(c);
    /* Every submit counted: the statistics of the same backend are there. */
    deadline = cg_test_now_ms() + 30000;
    while (calls_of("emit_event") < WRITES + 0LL) {
        assert_true(cg_test_now_ms() < deadline);
        usleep(200000);
    }
    /* The deadlines are 15 minutes away: nothing asked for escalate_due. */
    assert_int_equal(calls_of("escalate_due") - escalations, 0);
}

int main(void)
{
    cg_test_server_init(&server, "post_commit", 0);
    if (cg_test_sql(&server, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET track_functions "
                             "= ''all''', current_database()); END $$") != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writes_run_no_escalation),
    };
    return CG_TEST_RUN(&server, "db_pool_size = 1\n", tests);
}
