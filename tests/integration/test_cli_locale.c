/*
 * The CLI in the clerk's language and clock (issue 10): the same commands
 * under LANG=zh_CN.UTF-8 and LANG=C. Headings, enum values and errors are
 * Chinese or English; times are Beijing time in one format with no Z or UTC
 * wherever a person reads; units by their Chinese names; --json is the same
 * bytes under both locales, its instants RFC 3339 with +08:00.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define ZH "zh_CN.UTF-8"

static cg_test_server server;
static char out[1 << 16], other[1 << 16];
static unsigned long long compound, patrol, report, request;

/* The CLI under lang with printf-style arguments; stdout and stderr in buf. */
static int cli(const char *lang, char *buf, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int cli(const char *lang, char *buf, const char *fmt, ...)
{
    char args[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return cg_test_cli_lang(&server, lang, 1, args, buf, sizeof out);
}

/* Whether text shows an instant in UTC: "UTC", or a 'Z' right after a digit
 * ("…:00Z", "….123Z"). */
static int shows_utc(const char *text)
{
    for (const char *p = text + 1; *p; p++)
        if (*p == 'Z' && p[-1] >= '0' && p[-1] <= '9')
            return 1;
    return strstr(text, "UTC") != NULL;
}

static void assert_has(const char *text, const char *want)
{
    if (strstr(text, want) == NULL)
        fail_msg("'%s' not in:\n%s", want, text);
}

static int setup(void **state)
{
    assert_int_equal(cli("C", out,
                         "--as xinglongtai --json compound add --name 时间小区 --district "
                         "xinglongtai --community 时间社区 --property-account property-demo"),
                     0);
    compound = cg_test_json_id(out);
    assert_int_equal(cli("C", out,
                         "--as xinglongtai --json officer add --name 赵网格 --unit xinglongtai "
                         "--phone 13500006666"),
                     0);
    unsigned long long officer = cg_test_json_id(out);
    assert_int_equal(
        cli("C", out, "--as xinglongtai grid assign %llu --officer %llu", compound, officer), 0);
    assert_int_equal(
        cli("C", out, "--as xinglongtai compound enter %llu --date 2021-02-01", compound), 0);
    /* 10:00 Beijing time is 02:00 UTC: the people's view shows 10:00. */
    assert_int_equal(cli("C", out,
                         "--as xinglongtai --json patrol submit --compound %llu --officer %llu "
                         "--start '2021-03-09 10:00' --end '2021-03-09 11:30' "
                         "--finding '4:楼道堆物:stopped_on_site'",
                         compound, officer),
                     0);
    patrol = cg_test_json_id(out);
    assert_int_equal(cli("C", out,
                         "--as property-demo --json report submit --compound %llu --category 5 "
                         "--text 占用消防通道",
                         compound),
                     0);
    report = cg_test_json_id(out);
    assert_int_equal(cli("C", out,
                         "--as xinglongtai --json request add --compound %llu --channel hotline "
                         "--kind suggestion --text 增设宣传栏",
                         compound),
                     0);
    request = cg_test_json_id(out);
    return 0;
}

static void test_patrol_in_both_languages(void **state)
{
    assert_int_equal(cli(ZH, out, "--as xinglongtai patrol show %llu", patrol), 0);
    assert_has(out, "小区名称");
    assert_has(out, "开始时间");
    assert_has(out, "2021-03-09 10:00");
    assert_has(out, "2021-03-09 11:30");
    assert_has(out, "2021-W10 (03-08 – 03-14)");
    assert_has(out, "兴隆台分局");
    assert_has(out, "当场制止");
    assert_false(shows_utc(out));
    assert_int_equal(cli("C", out, "--as xinglongtai patrol show %llu", patrol), 0);
    assert_has(out, "compound name");
    assert_has(out, "2021-03-09 10:00");
    assert_has(out, "2021-W10 (03-08 – 03-14)");
    assert_has(out, "stopped_on_site");
    assert_false(shows_utc(out));

    /* A week with one digit is the same week. */
    assert_int_equal(cli(ZH, out, "--as xinglongtai patrol list --week 2021-W10"), 0);
    assert_int_equal(cli(ZH, other, "--as xinglongtai patrol list --week 2021-w10"), 0);
    assert_string_equal(out, other);
    assert_has(out, "2021-03-09 10:00");
    assert_int_equal(cli(ZH, out, "--as xinglongtai patrol due --week 2021-W9"), 0);
    assert_has(out, "2021-W09 (03-01 – 03-07)");
    assert_has(out, "时间小区"); /* entered, and no patrol that week */
}

static void test_report_and_request(void **state)
{
    assert_int_equal(cli(ZH, out, "--as xinglongtai report show %llu", report), 0);
    assert_has(out, "状态");
    assert_has(out, "未办结");
    assert_has(out, "上报时间");
    assert_has(out, "兴隆台分局");
    assert_false(shows_utc(out));
    assert_int_equal(cli("C", out, "--as xinglongtai report show %llu", report), 0);
    assert_has(out, "status");
    assert_has(out, "open");
    assert_has(out, "filed at");
    assert_false(shows_utc(out));
    assert_int_equal(cli(ZH, out, "--as xinglongtai request list"), 0);
    assert_has(out, "渠道");
    assert_has(out, "热线");
    assert_has(out, "建议");
    assert_false(shows_utc(out));
    assert_int_equal(cli(ZH, out, "--as xinglongtai ledger summary"), 0);
    assert_has(out, "兴隆台分局");
    assert_has(out, "合计");
    assert_int_equal(cli(ZH, out, "--as xinglongtai grid show"), 0);
    assert_has(out, "指派时间");
    assert_false(shows_utc(out));
}

/* A compound's missing ledger fields and its history name the fields as
 * compound show's lines do, not by their codes. */
static void test_compound_fields_by_label(void **state)
{
    assert_int_equal(cli(ZH, out, "--as xinglongtai compound show %llu", compound), 0);
    assert_has(out, "社区负责人");
    assert_null(strstr(out, "community_contact"));
    assert_int_equal(cli("C", out, "--as xinglongtai compound show %llu", compound), 0);
    assert_has(out, "community contact");
    assert_int_equal(cli(ZH, out, "--as xinglongtai compound history %llu", compound), 0);
    assert_has(out, "进驻日期");
    assert_null(strstr(out, "entered_on"));
    (void)state;
}

static void test_errors_in_both_languages(void **state)
{
    assert_int_equal(cli(ZH, out, "--as xinglongtai patrol list --week 2021-W"), 1);
    assert_has(out, "不是 ISO 周");
    assert_int_equal(cli("C", out, "--as xinglongtai patrol list --week 2021-W"), 1);
    assert_has(out, "not an ISO week");
    assert_int_equal(cli(ZH, out,
                         "--as xinglongtai report submit --compound 1 --category 11 "
                         "--text t"),
                     1);
    assert_has(out, "不是 1 到 10 的违法行为代码");
    assert_int_equal(cli(ZH, out, "--as xinglongtai ping --count 0"), 1);
    assert_has(out, "--count 应为 1 到 1000000");
    assert_int_equal(cli(ZH, out, "--as xinglongtai patrol --help"), 0);
    assert_has(out, "定期巡查");
}

/* --json: the same bytes under both locales, instants with +08:00. */
static void test_json_does_not_change_with_the_locale(void **state)
{
    static const char *const cmds[] = {"patrol show %llu",
                                       "report show %llu",
                                       "request show %llu",
                                       "patrol list",
                                       "patrol due --week 2021-W9",
                                       "ledger summary",
                                       "whoami",
                                       "grid show"};
    unsigned long long ids[] = {patrol, report, request, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, cmds[i], ids[i]);
        assert_int_equal(cli(ZH, out, "--as xinglongtai --json %s", cmd), 0);
        assert_int_equal(cli("C", other, "--as xinglongtai --json %s", cmd), 0);
        assert_string_equal(out, other);
        assert_false(shows_utc(out));
    }
    assert_int_equal(cli(ZH, out, "--as xinglongtai --json patrol show %llu", patrol), 0);
    assert_has(out, "\"start\":\"2021-03-09T10:00:00.000+08:00\"");
    assert_has(out, "\"week\":\"2021-W10\"");
    assert_has(out, "\"unit\":\"xinglongtai\"");
    assert_has(out, "\"action\":\"stopped_on_site\"");
}

int main(void)
{
    cg_test_server_init(&server, "cli_locale", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_patrol_in_both_languages, setup),
        cmocka_unit_test(test_report_and_request),
        cmocka_unit_test(test_compound_fields_by_label),
        cmocka_unit_test(test_errors_in_both_languages),
        cmocka_unit_test(test_json_does_not_change_with_the_locale),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
