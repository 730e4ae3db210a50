/*
 * The ten kinds of violation are data: CategoryList gives them from the
 * server's table with DOMAIN.md's names, replies that carry a category
 * number carry its names, event notes use the Chinese name, and the CLI
 * lists them (`chengguan categories`) and shows names in its tables.
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

static void test_category_list(void **state)
{
    Chengguan__V1__CategoryList req = CHENGGUAN__V1__CATEGORY_LIST__INIT;
    Chengguan__V1__CategoryListReply *r =
        (Chengguan__V1__CategoryListReply *)cg_test_call(&server, "hotline", &req.base, 0, NULL);
    assert_int_equal(r->n_categories, 10);
    assert_int_equal(r->categories[3]->code, 4);
    assert_string_equal(r->categories[3]->name, "garbage");
    assert_string_equal(r->categories[3]->name_zh, "垃圾倾倒堆放");
    assert_string_equal(r->categories[1]->name_zh, "侵占损坏共用部位（含违法搭建）");
    assert_string_equal(r->categories[9]->name_en, "Other property-management violation");
    protobuf_c_message_free_unpacked(&r->base, NULL);
}

static void test_report_and_finding_carry_names(void **state)
{
    uint64_t officer;
    uint64_t id = cg_test_make_compound(&server, "xinglongtai", "xinglongtai", "类别小区",
                                        "property-demo", "2021-02-01", &officer);
    cg_client *c = cg_test_as(&server, "property-demo");
    uint64_t report = cg_test_file_report(c, id, 5, "消防通道堆物", NULL);
    Chengguan__V1__ReportGet get = CHENGGUAN__V1__REPORT_GET__INIT;
    get.id = report;
    Chengguan__V1__Report *r =
        (Chengguan__V1__Report *)cg_test_call(&server, "xinglongtai", &get.base, 0, NULL);
    assert_string_equal(r->category_name, "侵占消防通道与绿地");
    assert_string_equal(r->category_name_en, "Fire lanes or green space occupied");
    protobuf_c_message_free_unpacked(&r->base, NULL);
    /* the note of the report.filed event names the category (1/0 fails the query) */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT 1 / count(*)::int FROM events WHERE report_id = %llu AND kind = "
             "'report.filed' AND body::text LIKE '%%侵占消防通道与绿地%%'",
             (unsigned long long)report);
    assert_int_equal(cg_test_sql(&server, sql), 0);

    char args[512];
    snprintf(args, sizeof args,
             "--as xinglongtai --json patrol submit --compound %llu --officer %llu "
             "--start 2021-02-09T09:00 --end 2021-02-09T10:00 --finding '4:楼道堆放杂物'",
             (unsigned long long)id, (unsigned long long)officer);
    assert_int_equal(cg_test_cli(&server, args, out, sizeof out), 0);
    assert_non_null(strstr(out, "\"category_name\":\"垃圾倾倒堆放\""));
    /* the table for people shows the name */
    snprintf(args, sizeof args, "--as xinglongtai patrol show %llu",
             (unsigned long long)cg_test_json_id(out));
    assert_int_equal(cg_test_cli(&server, args, out, sizeof out), 0);
    assert_non_null(strstr(out, "垃圾倾倒堆放"));
}

static void test_cli_categories(void **state)
{
    assert_int_equal(
        cg_test_cli_lang(&server, "zh_CN.UTF-8", 0, "--as hq categories", out, sizeof out), 0);
    assert_non_null(strstr(out, "擅自变动主体承重结构"));
    assert_int_equal(cg_test_cli(&server, "--as hq --json categories", out, sizeof out), 0);
    assert_non_null(strstr(out, "\"name\":\"load_bearing_alteration\""));
}

/* --category and --finding take a name too: whole, its start, or a part of
 * the Chinese; a name that fits none or several is a usage error (exit 1)
 * listing the ten. */
static void test_category_by_name(void **state)
{
    uint64_t officer;
    uint64_t id = cg_test_make_compound(&server, "dawa", "dawa", "按名称小区", "property-demo",
                                        "2021-02-01", &officer);
    const struct {
        const char *typed;
        int code;
    } cases[] = {
        {"垃圾倾倒堆放", 4}, {"垃圾", 4}, {"消防", 5}, {"Garbage", 4}, {"load_bearing", 9},
    };
    char args[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(args, sizeof args,
                 "--as property-demo --json report submit --compound %llu --category '%s' "
                 "--text '第%zu次'",
                 (unsigned long long)id, cases[i].typed, i);
        assert_int_equal(cg_test_cli(&server, args, out, sizeof out), 0);
        char want[64];
        snprintf(want, sizeof want, "\"category\":%d,", cases[i].code);
        if (strstr(out, want) == NULL)
            fail_msg("--category %s: %s", cases[i].typed, out);
    }
    snprintf(args, sizeof args,
             "--as xinglongtai --json patrol submit --compound %llu --officer %llu "
             "--start 2021-02-10T09:00 --end 2021-02-10T10:00 --finding '市容:门前乱堆'",
             (unsigned long long)id, (unsigned long long)officer);
    assert_int_equal(cg_test_cli(&server, args, out, sizeof out), 2); /* dawa's compound */
    snprintf(args, sizeof args,
             "--as dawa --json patrol submit --compound %llu --officer %llu "
             "--start 2021-02-10T09:00 --end 2021-02-10T10:00 --finding '市容:门前乱堆'",
             (unsigned long long)id, (unsigned long long)officer);
    assert_int_equal(cg_test_cli(&server, args, out, sizeof out), 0);
    assert_non_null(strstr(out, "\"category\":6,"));

    /* "侵占" starts two names, "parking" fits none: exit 1 with the choices */
    snprintf(args, sizeof args,
             "--as property-demo report submit --compound %llu --category 侵占 --text x",
             (unsigned long long)id);
    assert_int_equal(cg_test_cli_lang(&server, "C", 1, args, out, sizeof out), 1);
    assert_non_null(strstr(out, "fits several"));
    assert_non_null(strstr(out, "垃圾倾倒堆放"));
    snprintf(args, sizeof args,
             "--as property-demo report submit --compound %llu --category parking --text x",
             (unsigned long long)id);
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 1, args, out, sizeof out), 1);
    assert_null(strstr(out, "is not a violation category"));
    assert_non_null(strstr(out, "擅自变动主体承重结构"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_category_list),
        cmocka_unit_test(test_report_and_finding_carry_names),
        cmocka_unit_test(test_cli_categories),
        cmocka_unit_test(test_category_by_name),
    };
    cg_test_server_init(&server, "categories", 0);
    return CG_TEST_RUN(&server, NULL, tests);
}
