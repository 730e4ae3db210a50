/*
 * Plans kept for the session (issue 14): a SQL-language function that reads
 * a table is planned afresh in every transaction, so the functions every
 * write and read calls (the document builders and the category lookups) are
 * plpgsql, whose plans a connection keeps. And a report is rendered once per
 * submit: the reply is the document the event carries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;

static void test_hot_functions_keep_their_plans(void **state)
{
    static const char *const hot[] = {"report_doc", "report_timeline_doc", "compound_doc",
                                      "category_zh", "category_problem"};
    for (size_t i = 0; i < sizeof hot / sizeof hot[0]; i++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
                 "WHERE p.pronamespace = 'cg_internal'::regnamespace AND p.proname = '%s' "
                 "AND l.lanname = 'plpgsql'",
                 hot[i]);
        if (cg_test_sql_int(&server, sql) != 1)
            fail_msg("cg_internal.%s is not one plpgsql function", hot[i]);
    }
}

static void test_submit_renders_its_report_once(void **state)
{
    uint64_t officer;
    uint64_t compound =
        cg_test_make_compound(&server, "hq", "dawa", "计划测试", "property-demo", NULL, &officer);
    assert_int_equal(cg_test_sql(&server, "CREATE TABLE plan_probe AS SELECT 0 AS calls"), 0);
    /* The same function the server calls, in one transaction, counting the
     * renderings with the function statistics of this backend. */
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SET track_functions = 'all'; BEGIN; "
             "SELECT cg_api.report_submit('hq', "
             "'{\"idempotency_key\": \"0123456789abcdef0123456789abcdef\", \"report\": "
             "{\"compound_id\": %llu, "
             "\"category\": 1, \"text\": \"一次\"}}'::jsonb); "
             "UPDATE plan_probe SET calls = coalesce((SELECT calls FROM "
             "pg_stat_get_xact_function_calls('cg_internal.report_doc(bigint)'::regprocedure) "
             "calls), 0); COMMIT",
             (unsigned long long)compound);
    assert_int_equal(cg_test_sql(&server, sql), 0);
    assert_int_equal(cg_test_sql_int(&server, "SELECT calls FROM plan_probe"), 1);
}

int main(void)
{
    cg_test_server_init(&server, "sql_plans", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hot_functions_keep_their_plans),
        cmocka_unit_test(test_submit_renders_its_report_once),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
