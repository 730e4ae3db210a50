/*
 * A report on a compound with nobody to call (no grid officer, or not
 * entered) is accepted, but the reply and the report.filed event say so,
 * and the unit's report list puts it first while it is not resolved.
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

static void test_nobody_to_call(void **state)
{
    uint64_t officer;
    /* one with a grid officer, entered; one not entered; one with nobody */
    uint64_t ok = cg_test_make_compound(&server, "panshan", "panshan", "有人小区", "property-demo",
                                        "2021-02-01", &officer);
    uint64_t not_entered = cg_test_make_compound(&server, "panshan", "panshan", "未进驻小区",
                                                 "property-demo", NULL, &officer);
    assert_int_equal(cg_test_cli(&server,
                                 "--as panshan --json compound add --name 无人小区 --district "
                                 "panshan --community 无人社区 --property-account property-demo",
                                 out, sizeof out),
                     0);
    uint64_t nobody = cg_test_json_id(out);

    cg_client *c = cg_test_as(&server, "property-demo");
    uint64_t r_nobody = cg_test_file_report(c, nobody, 4, "楼道堆物", NULL);
    uint64_t r_not_entered = cg_test_file_report(c, not_entered, 4, "楼道堆物", NULL);
    uint64_t r_ok = cg_test_file_report(c, ok, 4, "楼道堆物", NULL);
    assert_true(r_ok > r_not_entered && r_not_entered > r_nobody);

    Chengguan__V1__ReportGet get = CHENGGUAN__V1__REPORT_GET__INIT;
    get.id = r_nobody;
    Chengguan__V1__Report *r =
        (Chengguan__V1__Report *)cg_test_call(&server, "panshan", &get.base, 0, NULL);
    assert_true(r->nobody_to_call);
    assert_string_equal(r->nobody_to_call_reason, "no_grid_officer");
    protobuf_c_message_free_unpacked(&r->base, NULL);
    get.id = r_not_entered;
    r = (Chengguan__V1__Report *)cg_test_call(&server, "panshan", &get.base, 0, NULL);
    assert_string_equal(r->nobody_to_call_reason, "not_entered");
    protobuf_c_message_free_unpacked(&r->base, NULL);
    get.id = r_ok;
    r = (Chengguan__V1__Report *)cg_test_call(&server, "panshan", &get.base, 0, NULL);
    assert_false(r->nobody_to_call);
    protobuf_c_message_free_unpacked(&r->base, NULL);

    /* the event says so (1/0 fails the query) */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT 1 / count(*)::int FROM events WHERE report_id = %llu AND kind = "
             "'report.filed' AND body->>'text' LIKE '%%无人可叫%%' "
             "AND (body->'report'->>'nobody_to_call')::boolean",
             (unsigned long long)r_nobody);
    assert_int_equal(cg_test_sql(&server, sql), 0);

    /* the unit's list: those two first (newest first), then the rest; a page
     * of 2 holds both first, and the others after them */
    assert_int_equal(cg_test_cli(&server, "--as panshan --json report list", out, sizeof out), 0);
    const char *a = strstr(out, "\"compound_name\":\"未进驻小区\"");
    const char *b = strstr(out, "\"compound_name\":\"无人小区\"");
    const char *d = strstr(out, "\"compound_name\":\"有人小区\"");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(d);
    assert_true(a < b && b < d);
    Chengguan__V1__ReportList list = CHENGGUAN__V1__REPORT_LIST__INIT;
    list.limit = 2;
    Chengguan__V1__ReportListReply *page =
        (Chengguan__V1__ReportListReply *)cg_test_call(&server, "panshan", &list.base, 0, NULL);
    assert_int_equal(page->n_reports, 3);
    assert_int_equal(page->reports[0]->id, r_not_entered);
    assert_int_equal(page->reports[2]->id, r_ok);
    assert_int_equal(page->next_after_id, 0);
    protobuf_c_message_free_unpacked(&page->base, NULL);
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nobody_to_call),
    };
    cg_test_server_init(&server, "report_nobody", 0);
    return CG_TEST_RUN(&server, NULL, tests);
}
