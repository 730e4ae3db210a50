/*
 * Patrols and residents' requests through the CLI, as an officer records
 * them: findings given as CATEGORY:TEXT[:ACTION] come back with their ids,
 * the week's duty, and a resident's contact masked for everyone but the
 * compound's own unit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

static cg_test_server server;
static char out[1 << 20];
static uint64_t compound, officer;

/* The CLI with printf-style arguments, its output in out. */
#define cli(...) cg_test_clif(&server, out, sizeof out, __VA_ARGS__)

static int setup(void **state)
{
    /* An entered compound of xinglongtai with a grid officer, made with the
     * CLI itself. */
    assert_int_equal(cli("--as xinglongtai --json compound add --name 巡查小区 --district "
                         "xinglongtai --community 巡查社区"),
                     0);
    compound = cg_test_json_id(out);
    assert_int_equal(cli("--as xinglongtai --json officer add --name 王队员 --unit xinglongtai "
                         "--phone 13500004444"),
                     0);
    officer = cg_test_json_id(out);
    assert_int_equal(cli("--as xinglongtai grid assign %llu --officer %llu",
                         (unsigned long long)compound, (unsigned long long)officer),
                     0);
    assert_int_equal(
        cli("--as xinglongtai compound enter %llu --date 2021-02-01", (unsigned long long)compound),
        0);
    return 0;
}

static void test_patrol_with_findings(void **state)
{
    assert_int_equal(
        cli("--as xinglongtai --json patrol submit --compound %llu --officer %llu "
            "--start 2021-02-09T09:00 --end '2021-02-09 10:30' "
            "--finding '5:占用消防通道:stopped_on_site' --finding '2:楼顶搭建: 彩钢房' "
            "--note 白天巡查",
            (unsigned long long)compound, (unsigned long long)officer),
        0);
    json_t *p = json_loads(out, JSON_DISABLE_EOF_CHECK, NULL);
    assert_non_null(p);
    assert_string_equal(json_string_value(json_object_get(p, "week")), "2021-W06");
    json_t *findings = json_object_get(p, "findings");
    assert_int_equal(json_array_size(findings), 2);
    json_t *f0 = json_array_get(findings, 0), *f1 = json_array_get(findings, 1);
    assert_true(json_integer_value(json_object_get(f0, "id")) > 0);
    assert_int_equal(json_integer_value(json_object_get(f0, "category")), 5);
    assert_string_equal(json_string_value(json_object_get(f0, "action")), "stopped_on_site");
    /* ':' inside the text, no action word after it: all of it is text. */
    assert_string_equal(json_string_value(json_object_get(f1, "text")), "楼顶搭建: 彩钢房");
    json_decref(p);

    /* The human view lists the findings with their ids. */
    assert_int_equal(
        cli("--as xinglongtai patrol list --compound %llu", (unsigned long long)compound), 0);
    assert_non_null(strstr(out, "2021-02-09"));
}

static void test_bad_patrols(void **state)
{
    /* A finding that is not CATEGORY:TEXT is a usage error; the server's
     * refusals exit 2. */
    assert_int_equal(cli("--as xinglongtai patrol submit --compound %llu --officer %llu "
                         "--start 2021-02-10T09:00 --end 2021-02-10T10:00 --finding oops",
                         (unsigned long long)compound, (unsigned long long)officer),
                     1);
    assert_int_equal(cli("--as xinglongtai patrol submit --compound %llu --officer %llu "
                         "--start 2021-02-10T09:00 --end 2021-02-12T10:00",
                         (unsigned long long)compound, (unsigned long long)officer),
                     2);
    assert_int_equal(cli("--as dawa patrol submit --compound %llu --officer %llu "
                         "--start 2021-02-10T09:00 --end 2021-02-10T10:00",
                         (unsigned long long)compound, (unsigned long long)officer),
                     2);
}

static void test_duty_of_a_week(void **state)
{
    assert_int_equal(cli("--as xinglongtai --json patrol due --week 2021-W07"), 0);
    assert_non_null(strstr(out, "2021-W07"));
    assert_non_null(strstr(out, "巡查小区")); /* no patrol in W07 */
    assert_int_equal(cli("--as xinglongtai --json patrol due --week 2021-W06"), 0);
    assert_null(strstr(out, "巡查小区")); /* patrolled in W06 */
    assert_int_equal(cli("--as supervision patrol compliance --from 2021-02-01 --to 2021-02-28"),
                     0);
    assert_non_null(strstr(out, "兴隆台分局")); /* the unit by its name */
}

static void test_request_contact_masked_for_others(void **state)
{
    assert_int_equal(cli("--as xinglongtai --json request add --compound %llu --channel in_person "
                         "--kind problem --text 车库积水 --contact 张三/13812345678",
                         (unsigned long long)compound),
                     0);
    uint64_t id = cg_test_json_id(out);
    assert_non_null(strstr(out, "13812345678"));
    assert_int_equal(cli("--as hq --json request show %llu", (unsigned long long)id), 0);
    assert_non_null(strstr(out, "138****5678"));
    assert_null(strstr(out, "13812345678"));
    assert_int_equal(cli("--as xinglongtai request close %llu", (unsigned long long)id), 2);
    assert_int_equal(
        cli("--as xinglongtai request answer %llu --text 已联系物业抽水", (unsigned long long)id),
        0);
    assert_int_equal(cli("--as xinglongtai request close %llu", (unsigned long long)id), 0);
}

int main(void)
{
    cg_test_server_init(&server, "cli_patrols", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_patrol_with_findings, setup),
        cmocka_unit_test(test_bad_patrols),
        cmocka_unit_test(test_duty_of_a_week),
        cmocka_unit_test(test_request_contact_masked_for_others),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
