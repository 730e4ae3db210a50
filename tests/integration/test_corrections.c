/*
 * Corrections with history, through the CLI against the real server: the
 * entry date of a compound corrected with a reason, a grid assignment
 * back-dated with --since, a patrol and a resident's request voided with a
 * reason. Nothing is deleted: voided records stay in lists and show, and
 * drop out of every figure (patrol due, compliance, overdue requests); the
 * history says who, what and why; retries with the same key are idempotent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;
static char out[1 << 16];

#define UNIT "liaodongwan"

static uint64_t compound, officer;

static void setup_compound(void)
{
    if (compound == 0)
        compound =
            cg_test_make_compound(&server, UNIT, UNIT, "更正小区", NULL, "2021-02-01", &officer);
}

static uint64_t patrol(const char *day)
{
    assert_int_equal(
        cg_test_clif(&server, out, sizeof out,
                     "--as " UNIT " --json patrol submit --compound %llu --officer %llu "
                     "--start %sT09:00 --end %sT10:00",
                     (unsigned long long)compound, (unsigned long long)officer, day, day),
        0);
    return cg_test_json_id(out);
}

/* "due/patrolled" of the unit's row of patrol compliance over February 2021. */
static void expect_compliance(int due, int patrolled)
{
    assert_int_equal(cg_test_cli(&server,
                                 "--as hq --json patrol compliance --from 2021-02-01 --to "
                                 "2021-02-28 --unit " UNIT,
                                 out, sizeof out),
                     0);
    char want[128];
    snprintf(want, sizeof want, "\"due\":%d,\"patrolled\":%d", due, patrolled);
    assert_non_null(strstr(out, want));
}

static void test_void_patrol_and_correct_entry(void **state)
{
    setup_compound();
    uint64_t p1 = patrol("2021-02-09"); /* W06 */
    uint64_t p2 = patrol("2021-02-16"); /* W07 */
    expect_compliance(3, 2);            /* W06, W07, W08 due */
    assert_int_equal(
        cg_test_cli(&server, "--as " UNIT " --json patrol due --week 2021-W06", out, sizeof out),
        0);
    assert_null(strstr(out, "更正小区"));

    /* another unit cannot void it; supervision may not at all */
    assert_int_equal(cg_test_clif(&server, NULL, 0, "--as dawa patrol void %llu --reason x",
                                  (unsigned long long)p1),
                     2);
    assert_int_equal(cg_test_clif(&server, NULL, 0, "--as supervision patrol void %llu --reason x",
                                  (unsigned long long)p1),
                     2);
    /* a reason is needed */
    assert_int_equal(
        cg_test_clif(&server, NULL, 0, "--as " UNIT " patrol void %llu", (unsigned long long)p1),
        1);
    const char *key = "--idempotency-key void-patrol-0001-key";
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " --json %s patrol void %llu --reason 重复录入", key,
                                  (unsigned long long)p1),
                     0);
    assert_non_null(strstr(out, "\"voided\":true"));
    assert_non_null(strstr(out, "\"void_reason\":\"重复录入\""));
    assert_non_null(strstr(out, "\"voided_by\":\"" UNIT "\""));
    /* the same request again is the same answer; a new one is refused */
    static char first[sizeof out];
    snprintf(first, sizeof first, "%s", out);
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " --json %s patrol void %llu --reason 重复录入", key,
                                  (unsigned long long)p1),
                     0);
    assert_string_equal(out, first);
    assert_int_equal(cg_test_clif(&server, NULL, 0, "--as " UNIT " patrol void %llu --reason 再次",
                                  (unsigned long long)p1),
                     2);

    /* out of every figure, still in the list and in show */
    expect_compliance(3, 1);
    assert_int_equal(
        cg_test_cli(&server, "--as " UNIT " --json patrol due --week 2021-W06", out, sizeof out),
        0);
    assert_non_null(strstr(out, "更正小区"));
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " --json patrol list --compound %llu",
                                  (unsigned long long)compound),
                     0);
    assert_non_null(strstr(out, "\"voided\":true"));
    assert_non_null(strstr(out, "\"voided\":false"));
    setenv("LANG", "C", 1);
    unsetenv("LC_ALL");
    unsetenv("LANGUAGE");
    assert_int_equal(
        cg_test_clif(&server, out, sizeof out, "--as hq patrol show %llu", (unsigned long long)p1),
        0);
    assert_non_null(strstr(out, "重复录入"));

    /* the entry date: not after a patrol that counts (p2), but the voided
     * p1 is no obstacle */
    assert_int_equal(cg_test_clif(&server, NULL, 0,
                                  "--as " UNIT " compound correct-entry %llu --date 2021-02-20 "
                                  "--reason 录入错误",
                                  (unsigned long long)compound),
                     2);
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " compound correct-entry %llu --date 2021-02-20 "
                                  "--reason 录入错误 2>&1 | cat",
                                  (unsigned long long)compound),
                     0);
    char want[64];
    snprintf(want, sizeof want, "patrol %llu", (unsigned long long)p2);
    assert_non_null(strstr(out, want));
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " --json compound correct-entry %llu --date "
                                  "2021-02-10 --reason 录入错误",
                                  (unsigned long long)compound),
                     0);
    assert_non_null(strstr(out, "\"entered_on\":\"2021-02-10\""));
    expect_compliance(2, 1); /* W07, W08 due; W07 patrolled */
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " --json compound history %llu",
                                  (unsigned long long)compound),
                     0);
    assert_non_null(strstr(out, "\"field\":\"entered_on\",\"old_value\":\"2021-02-01\","
                                "\"new_value\":\"2021-02-10\",\"reason\":\"录入错误\""));
    (void)state;
}

static void test_void_request(void **state)
{
    setup_compound();
    /* a request answered late long ago: overdue */
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO resident_requests (compound_id, channel, kind, text, answer_due, "
             "created_by, created_at) VALUES (%llu, 'hotline', 'problem', '楼道堆物', now() - "
             "interval '1 day', '" UNIT "', now() - interval '4 days')",
             (unsigned long long)compound);
    assert_int_equal(cg_test_sql(&server, sql), 0);
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " --json request list --overdue --compound %llu",
                                  (unsigned long long)compound),
                     0);
    uint64_t id = cg_test_json_id(out);
    assert_true(id > 0);
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " --json request void %llu --reason 重复登记",
                                  (unsigned long long)id),
                     0);
    assert_non_null(strstr(out, "\"status\":\"voided\""));
    assert_non_null(strstr(out, "\"overdue\":false"));
    /* no longer overdue nor open; still listed, and refused an answer */
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " --json request list --overdue --compound %llu",
                                  (unsigned long long)compound),
                     0);
    assert_int_equal(cg_test_json_id(out), 0);
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " --json request list --open --compound %llu",
                                  (unsigned long long)compound),
                     0);
    assert_int_equal(cg_test_json_id(out), 0);
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " --json request list --compound %llu",
                                  (unsigned long long)compound),
                     0);
    assert_int_equal(cg_test_json_id(out), id);
    assert_non_null(strstr(out, "\"void_reason\":\"重复登记\""));
    assert_int_equal(cg_test_clif(&server, NULL, 0,
                                  "--as " UNIT " request answer %llu --text 已处理",
                                  (unsigned long long)id),
                     2);
    (void)state;
}

static void test_grid_since(void **state)
{
    setup_compound();
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " --json officer add --name 接任队员 --unit " UNIT
                                  " --phone "
                                  "13911112222"),
                     0);
    uint64_t second = cg_test_json_id(out);
    /* before the day the current officer's assignment was recorded: refused */
    assert_int_equal(cg_test_clif(&server, NULL, 0,
                                  "--as " UNIT
                                  " grid assign %llu --officer %llu --since 2021-03-01",
                                  (unsigned long long)compound, (unsigned long long)second),
                     2);
    /* the current officer's day corrected first, then the successor back-dated */
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " --json grid assign %llu --officer %llu --since "
                                  "2021-01-20 --reason 补录",
                                  (unsigned long long)compound, (unsigned long long)officer),
                     0);
    assert_non_null(strstr(out, "\"grid_officer_since\":\"2021-01-20\""));
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " --json grid assign %llu --officer %llu --since "
                                  "2021-03-01 --reason 人员调整",
                                  (unsigned long long)compound, (unsigned long long)second),
                     0);
    assert_non_null(strstr(out, "\"grid_officer_since\":\"2021-03-01\""));
    assert_int_equal(cg_test_cli(&server, "--as " UNIT " --json grid show", out, sizeof out), 0);
    assert_non_null(strstr(out, "\"since\":\"2021-03-01\""));
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as " UNIT " --json compound history %llu",
                                  (unsigned long long)compound),
                     0);
    assert_non_null(strstr(out, "\"field\":\"grid_officer_since\",\"old_value\":\"\","
                                "\"new_value\":\"2021-03-01\",\"reason\":\"人员调整\""));
    assert_non_null(strstr(out, "\"new_value\":\"2021-01-20\",\"reason\":\"补录\""));
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_void_patrol_and_correct_entry),
        cmocka_unit_test(test_void_request),
        cmocka_unit_test(test_grid_since),
    };
    cg_test_server_init(&server, "corrections", 0);
    return CG_TEST_RUN(&server, NULL, tests);
}
