/* Beijing time for people and +08:00 for --json (client/cli/local_time.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "local_time.h"

static void assert_text_of(const char *instant, const char *want)
{
    char buf[64];
    assert_int_equal(cg_time_text_of(instant, buf, sizeof buf), 0);
    assert_string_equal(buf, want);
}

static void test_people_read_beijing_time(void **state)
{
    assert_text_of("2021-03-01T01:30:00Z", "2021-03-01 09:30");
    assert_text_of("2021-02-28T16:05:59.999Z", "2021-03-01 00:05");
    assert_text_of("2021-12-31T20:00:00+00:00", "2022-01-01 04:00");
    assert_text_of("2021-03-01T09:30:00+08:00", "2021-03-01 09:30");
    assert_text_of("2021-03-01 03:30:00-05:30", "2021-03-01 17:00");
    char buf[64];
    assert_int_equal(cg_time_text_of("2021-03-01", buf, sizeof buf), -1);
    assert_int_equal(cg_time_text_of("2021-03-01T09:30:00", buf, sizeof buf), -1);
    assert_int_equal(cg_time_text_of("2021-03-01T09:30:00.Z", buf, sizeof buf), -1);
    assert_int_equal(cg_time_text_of("", buf, sizeof buf), -1);
}

static void test_rfc3339_has_the_offset(void **state)
{
    int64_t us;
    assert_int_equal(cg_time_parse("2021-03-01T01:30:00.123456789Z", &us), 0);
    assert_int_equal(us % 1000000, 123456);
    char buf[64];
    cg_time_rfc3339(us, 1, buf, sizeof buf);
    assert_string_equal(buf, "2021-03-01T09:30:00.123+08:00");
    cg_time_rfc3339(us, 0, buf, sizeof buf);
    assert_string_equal(buf, "2021-03-01T09:30:00+08:00");
    assert_int_equal(cg_time_parse("1969-12-31T23:59:59.5Z", &us), 0);
    assert_int_equal(us, -500000);
    cg_time_rfc3339(us, 1, buf, sizeof buf);
    assert_string_equal(buf, "1970-01-01T07:59:59.500+08:00");
    cg_time_now(buf, sizeof buf);
    assert_int_equal(strlen(buf), 25);
    assert_string_equal(buf + 19, "+08:00");
}

/* Instants of a reply by their names, nested too; nothing else is touched. */
static void test_json_instants_in_beijing_time(void **state)
{
    json_t *v =
        json_loads("{\"created_at\": \"2021-03-01T01:30:00.000Z\", \"ack_due\": \"\","
                   " \"start\": \"2021-03-01T16:00:00Z\", \"note\": \"2021-03-01T01:30:00Z\","
                   " \"entered_on\": \"2021-03-01\", \"id\": 5,"
                   " \"timeline\": [{\"at\": \"2021-02-28T23:59:59.999Z\"}]}",
                   0, NULL);
    assert_non_null(v);
    cg_time_json_local(v);
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(s,
                        "{\"ack_due\":\"\",\"created_at\":\"2021-03-01T09:30:00.000+08:00\","
                        "\"entered_on\":\"2021-03-01\",\"id\":5,\"note\":\"2021-03-01T01:30:00Z\","
                        "\"start\":\"2021-03-02T00:00:00+08:00\","
                        "\"timeline\":[{\"at\":\"2021-03-01T07:59:59.999+08:00\"}]}");
    free(s);
    /* Already +08:00: the same text. */
    json_t *again = json_pack("{ss}", "at", "2021-03-01T09:30:00.000+08:00");
    cg_time_json_local(again);
    assert_string_equal(json_string_value(json_object_get(again, "at")),
                        "2021-03-01T09:30:00.000+08:00");
    json_decref(again);
    json_decref(v);
}

static void test_weeks(void **state)
{
    char buf[64];
    assert_int_equal(cg_week_parse("2021-W9", buf, sizeof buf), 0);
    assert_string_equal(buf, "2021-W09");
    assert_int_equal(cg_week_parse("2021-w10", buf, sizeof buf), 0);
    assert_string_equal(buf, "2021-W10");
    assert_int_equal(cg_week_parse("2021-W0", buf, sizeof buf), -1);
    assert_int_equal(cg_week_parse("2021-W54", buf, sizeof buf), -1);
    assert_int_equal(cg_week_parse("2021-W009", buf, sizeof buf), -1);
    assert_int_equal(cg_week_parse("2021-09", buf, sizeof buf), -1);
    assert_int_equal(cg_week_parse("21-W09", buf, sizeof buf), -1);
    assert_int_equal(cg_week_text("2021-W10", buf, sizeof buf), 0);
    assert_string_equal(buf, "2021-W10 (03-08 – 03-14)");
    /* Week 1 may start in December, week 53 end in January. */
    assert_int_equal(cg_week_text("2020-W01", buf, sizeof buf), 0);
    assert_string_equal(buf, "2020-W01 (12-30 – 01-05)");
    assert_int_equal(cg_week_text("2020-W53", buf, sizeof buf), 0);
    assert_string_equal(buf, "2020-W53 (12-28 – 01-03)");
    assert_int_equal(cg_week_text("", buf, sizeof buf), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_people_read_beijing_time),
        cmocka_unit_test(test_rfc3339_has_the_offset),
        cmocka_unit_test(test_json_instants_in_beijing_time),
        cmocka_unit_test(test_weeks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
