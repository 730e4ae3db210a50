/*
 * Refusals carry a stable reason and parameters next to the English
 * message: through the library (cg_client_error_reason/_param), with times
 * as RFC 3339 instants, and through the CLI, which shows them in Chinese
 * under zh_CN.UTF-8 (Beijing time) and in English under C.
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

static const char *reason(const char *account)
{
    return cg_client_error_reason(cg_test_as(&server, account));
}

static const char *param(const char *account, const char *name)
{
    const char *v = cg_client_error_param(cg_test_as(&server, account), name);
    return v != NULL ? v : "(none)";
}

static void test_not_found_has_reason_and_id(void **state)
{
    Chengguan__V1__CompoundGet get = CHENGGUAN__V1__COMPOUND_GET__INIT;
    get.id = 987654;
    cg_test_call(&server, "hq", &get.base, CG_ENOT_FOUND, "id");
    assert_string_equal(reason("hq"), "compound.not_found");
    assert_string_equal(param("hq", "id"), "987654");
    /* the English message stays, for logs and older clients */
    assert_non_null(
        strstr(cg_client_error(cg_test_as(&server, "hq")), "compound 987654 not found"));
}

static void test_value_problem_names_field_and_limit(void **state)
{
    char name[160];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    Chengguan__V1__CompoundAdd add = CHENGGUAN__V1__COMPOUND_ADD__INIT;
    Chengguan__V1__Compound c = CHENGGUAN__V1__COMPOUND__INIT;
    c.name = name;
    c.district = "xinglongtai";
    add.compound = &c;
    cg_test_call(&server, "hq", &add.base, CG_EINVALID_ARGUMENT, "name");
    assert_string_equal(reason("hq"), "value.too_long");
    assert_string_equal(param("hq", "field"), "name");
    assert_string_equal(param("hq", "max"), "100");
    assert_string_equal(param("hq", "got"), "159");
}

static void test_patrol_in_future_gives_instants(void **state)
{
    uint64_t officer;
    uint64_t id = cg_test_make_compound(&server, "xinglongtai", "xinglongtai", "错误码小区", NULL,
                                        "2021-02-01", &officer);
    Chengguan__V1__PatrolSubmit req = CHENGGUAN__V1__PATROL_SUBMIT__INIT;
    Chengguan__V1__Patrol p = CHENGGUAN__V1__PATROL__INIT;
    p.compound_id = id;
    p.officer_ids = &officer;
    p.n_officer_ids = 1;
    p.start = "2098-01-01T09:00";
    p.end = "2098-01-01T10:00";
    req.patrol = &p;
    cg_test_call(&server, "xinglongtai", &req.base, CG_EINVALID_ARGUMENT, "end");
    assert_string_equal(reason("xinglongtai"), "patrol.ends_in_future");
    /* 10:00 Beijing time is 02:00 UTC */
    assert_string_equal(param("xinglongtai", "end"), "2098-01-01T02:00:00.000Z");
    assert_non_null(strstr(param("xinglongtai", "now"), "Z"));

    /* The CLI says it in the clerk's language, in Beijing time. */
    char args[512];
    snprintf(args, sizeof args,
             "--as xinglongtai patrol submit --compound %llu --officer %llu "
             "--start 2098-01-01T09:00 --end 2098-01-01T10:00",
             (unsigned long long)id, (unsigned long long)officer);
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 1, args, out, sizeof out), 2);
    assert_non_null(strstr(out, "巡查结束时间晚于现在（2098-01-01 10:00；现在 "));
    assert_null(strstr(out, "02:00"));
    assert_int_equal(cg_test_cli_lang(&server, "C", 1, args, out, sizeof out), 2);
    assert_non_null(strstr(out, "the patrol ends in the future (2098-01-01 10:00; now "));
}

static void test_cli_not_found_in_both_languages(void **state)
{
    const char *args = "--as hq compound show 987654";
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 1, args, out, sizeof out), 2);
    assert_non_null(strstr(out, "小区 987654 不存在"));
    assert_int_equal(cg_test_cli_lang(&server, "C", 1, args, out, sizeof out), 2);
    assert_non_null(strstr(out, "compound 987654 not found"));
}

/* Errors made by the server itself (no SQL) carry the generic reason of their code. */
static void test_role_refusal_has_generic_reason(void **state)
{
    Chengguan__V1__CompoundAdd add = CHENGGUAN__V1__COMPOUND_ADD__INIT;
    Chengguan__V1__Compound c = CHENGGUAN__V1__COMPOUND__INIT;
    c.name = "x";
    c.district = "xinglongtai";
    add.compound = &c;
    cg_test_call(&server, "supervision", &add.base, CG_EPERMISSION_DENIED, NULL);
    assert_string_equal(reason("supervision"), "permission_denied");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_found_has_reason_and_id),
        cmocka_unit_test(test_value_problem_names_field_and_limit),
        cmocka_unit_test(test_patrol_in_future_gives_instants),
        cmocka_unit_test(test_cli_not_found_in_both_languages),
        cmocka_unit_test(test_role_refusal_has_generic_reason),
    };
    cg_test_server_init(&server, "errors", 0);
    return CG_TEST_RUN(&server, NULL, tests);
}
