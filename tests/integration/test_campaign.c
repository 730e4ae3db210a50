/*
 * The programme calendar, the problem list and concentrated campaigns
 * (issue 12, h-campaign), through the real CLI against the real server:
 *
 * - a ledger of 12 compounds with chosen entry days, boards, a demonstration
 *   compound and illegal-construction cases, and every target of
 *   `campaign status --as-of` and every row of `campaign entries` equal to
 *   the figures counted by hand;
 * - publicity outside 2021-01-26 – 2021-02-10 accepted but flagged (reply,
 *   list, count);
 * - problems: quick or with a plan before fixed, statuses with history,
 *   overdue by the plan's deadline, the summary by unit, category, status;
 * - campaigns: their units, compounds and period checked; their results
 *   (problems found and fixed, cases linked);
 * - roles and units' scope, bad input refused with nothing written, retries
 *   answered as the first time, and the tables append-only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

#include "chengguan/v1/campaign.pb-c.h"

static cg_test_server server;
static char out[1 << 17];

/* The ledger: X1-X5 兴隆台, S1-S3 双台子, L1-L2 辽东湾, D1-D2 大洼. */
enum { X1, X2, X3, X4, X5, S1, S2, S3, L1, L2, D1, D2, NC };
static uint64_t ids[NC];

static const struct {
    const char *district, *name, *entered;
} ledger[NC] = {
    {"xinglongtai", "兴隆台一区", "2021-02-05"}, {"xinglongtai", "兴隆台二区", "2021-02-10"},
    {"xinglongtai", "兴隆台三区", "2021-02-20"}, {"xinglongtai", "兴隆台四区", "2021-02-27"},
    {"xinglongtai", "兴隆台五区", "2021-03-10"}, {"shuangtaizi", "双台子一区", "2021-02-15"},
    {"shuangtaizi", "双台子二区", "2021-02-25"}, {"shuangtaizi", "双台子三区", "2021-03-05"},
    {"liaodongwan", "辽东湾一区", "2021-02-01"}, {"liaodongwan", "辽东湾二区", "2021-05-31"},
    {"dawa", "大洼一区", "2021-04-01"},          {"dawa", "大洼二区", NULL},
};

/* Runs the CLI (LANG=C) and fails the test unless it exits want. */
#define CLI(want, ...) cg_test_cli_exits(&server, want, out, sizeof out, __VA_ARGS__)

static unsigned long long id_of(int c)
{
    return (unsigned long long)ids[c];
}

/* The JSON line of text whose members k1 and k2 (k2 may be NULL) are the
 * strings v1 and v2; NULL when there is none. Free with json_decref. */
static json_t *row(const char *text, const char *k1, const char *v1, const char *k2, const char *v2)
{
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        json_t *j = json_loadb(p, n, 0, NULL);
        const char *a = json_string_value(json_object_get(j, k1));
        const char *b = k2 ? json_string_value(json_object_get(j, k2)) : NULL;
        if (a != NULL && strcmp(a, v1) == 0 && (k2 == NULL || (b != NULL && strcmp(b, v2) == 0)))
            return j;
        json_decref(j);
        p += n + (end != NULL);
    }
    return NULL;
}

static int has_row(const char *text, const char *key, const char *value)
{
    json_t *j = row(text, key, value, NULL, NULL);
    json_decref(j);
    return j != NULL;
}

static long long num(const json_t *j, const char *key)
{
    return json_integer_value(json_object_get(j, key));
}

static const char *str(const json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    return s ? s : "(none)";
}

static void setup(void)
{
    static int done;
    if (done++)
        return;
    uint64_t officer;
    for (int c = 0; c < NC; c++)
        ids[c] = cg_test_make_compound(&server, "hq", ledger[c].district, ledger[c].name, NULL,
                                       ledger[c].entered, &officer);
    /* notice boards: X1 and X2 in March, S1 in July */
    static const struct {
        int c;
        const char *on;
    } boards[] = {{X1, "2021-03-01"}, {X2, "2021-03-01"}, {S1, "2021-07-01"}};
    for (size_t i = 0; i < sizeof boards / sizeof boards[0]; i++)
        CLI(0,
            "--as hq board set %llu --installed-on %s --duties 城管执法进小区 --contact-phone "
            "13904270001 --supervision-phone 12319",
            id_of(boards[i].c), boards[i].on);
    CLI(0, "--as hq compound demo %llu on", id_of(X1));
    /* illegal construction: one in 2021 (counts), one in 2022 (not in the
     * 2021 target), and a category-2 case without the flag (never counts) */
    CLI(0,
        "--as xinglongtai case open --compound %llu --category 2 --illegal-construction "
        "--source patrol --summary 楼顶违法搭建 --at '2021-07-10 09:00'",
        id_of(X2));
    CLI(0,
        "--as shuangtaizi case open --compound %llu --category 2 --illegal-construction "
        "--source patrol --summary 院内违法搭建 --at '2022-02-10 09:00'",
        id_of(S1));
    CLI(0,
        "--as xinglongtai case open --compound %llu --category 2 --source patrol "
        "--summary 擅自改变房屋外观 --at '2021-06-15 09:00'",
        id_of(X3));
}

/* The target `code` of `campaign status --as-of day` as account. */
static json_t *target(const char *as, const char *day, const char *code)
{
    CLI(0, "--as %s --json campaign status --as-of %s", as, day);
    json_t *t = row(out, "code", code, NULL, NULL);
    if (t == NULL)
        fail_msg("no target %s as of %s as %s:\n%s", code, day, as, out);
    return t;
}

static void expect_target(const char *day, const char *code, const char *figure_text,
                          const char *status)
{
    json_t *t = target("hq", day, code);
    if (strcmp(str(t, "figure_text"), figure_text) != 0 || strcmp(str(t, "status"), status) != 0)
        fail_msg("%s as of %s: %s %s, wanted %s %s", code, day, str(t, "figure_text"),
                 str(t, "status"), figure_text, status);
    json_decref(t);
}

/* Every target on chosen days, counted by hand from the ledger above. */
static void test_targets(void **state)
{
    setup();
    /* 2021-02-20: 兴隆台 3 (02-05, 02-10, 02-20), the city 5 (+ S1 02-15, L1 02-01) */
    expect_target("2021-02-20", "entered_feb", "5", "in_progress");
    expect_target("2021-02-20", "entered_feb_xinglongtai", "3", "in_progress");
    /* the due day: 兴隆台 4 met, 双台子 2 and 辽东湾 1 not, the city 7 of 10 */
    expect_target("2021-02-28", "entered_feb", "7", "not_met");
    expect_target("2021-02-28", "entered_feb_xinglongtai", "4", "met");
    expect_target("2021-02-28", "entered_feb_shuangtaizi", "2", "not_met");
    expect_target("2021-02-28", "entered_feb_liaodongwan", "1", "not_met");
    /* later days judge on the due day: X5 (03-10) does not make it late */
    expect_target("2021-04-01", "entered_feb", "7", "not_met");
    /* coverage: 11 of 12 by 05-31 (大洼二区 never entered) */
    expect_target("2021-03-31", "coverage_may", "75.0% (9/12)", "in_progress");
    expect_target("2021-06-01", "coverage_may", "91.7% (11/12)", "not_met");
    /* boards: 2 in March, 3 by July; not 100 % on 2021-12-31 */
    expect_target("2021-06-30", "board_2021", "16.7% (2/12)", "in_progress");
    expect_target("2022-06-30", "board_2021", "25.0% (3/12)", "not_met");
    /* demonstration compounds: today's record, 1 of 4-5 */
    expect_target("2021-06-30", "demo_2021", "1", "in_progress");
    expect_target("2022-01-01", "demo_2021", "1", "not_met");
    /* zero growth: none until 07-10, then one; the 2022 case is not 2021's */
    expect_target("2021-07-01", "illegal_construction_2021", "0", "in_progress");
    expect_target("2021-08-01", "illegal_construction_2021", "1", "not_met");
    expect_target("2022-03-01", "illegal_construction_2021", "1", "not_met");
    /* the ledger: every compound made by the harness lacks contacts */
    json_t *t = target("hq", "2021-12-31", "ledger_2021");
    assert_true(json_is_true(json_object_get(t, "current_record")));
    assert_string_equal(str(t, "status"), "not_met");
    assert_int_equal(num(t, "of"), 12);
    json_decref(t);

    /* the phase of the day, in the heading */
    CLI(0, "--as hq --json campaign status --as-of 2021-02-10");
    assert_non_null(strstr(out, "\"phase\":\"publicity\""));
    CLI(0, "--as hq --json campaign status --as-of 2021-02-11");
    assert_non_null(strstr(out, "\"phase\":\"implementation\""));
    CLI(0, "--as hq --json campaign status --as-of 2022-01-01");
    assert_non_null(strstr(out, "\"phase\":\"normalisation\""));
    /* people read it in Chinese */
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 0,
                                      "--as hq campaign status --as-of 2021-02-28", out,
                                      sizeof out),
                     0);
    assert_non_null(strstr(out, "兴隆台区2月底前进驻4个小区"));
    assert_non_null(strstr(out, "已完成"));
    assert_non_null(strstr(out, "未完成"));
    assert_non_null(strstr(out, "组织实施阶段"));

    /* a unit sees the city's targets and its own, not another unit's */
    CLI(0, "--as shuangtaizi --json campaign status --as-of 2021-02-28");
    assert_non_null(strstr(out, "\"entered_feb_shuangtaizi\""));
    assert_non_null(strstr(out, "\"entered_feb\""));
    assert_null(strstr(out, "\"entered_feb_xinglongtai\""));
    /* bad days */
    CLI(2, "--as hq campaign status --as-of 2021-02-30");
    CLI(2, "--as hq campaign status --as-of 2099-01-01");
    /* not for property companies or the hotline */
    CLI(2, "--as property-demo campaign status");
    CLI(2, "--as hotline campaign entries");
    (void)state;
}

static void expect_entry(const char *period, const char *unit, int entered, int total,
                         int compounds, int target, const char *status)
{
    json_t *r = row(out, "period", period, "unit", unit);
    if (r == NULL)
        fail_msg("no row %s %s in:\n%s", period, unit, out);
    if (num(r, "entered") != entered || num(r, "entered_total") != total ||
        num(r, "compounds") != compounds || num(r, "target") != target ||
        strcmp(str(r, "status"), status) != 0)
        fail_msg("%s %s: entered %lld, total %lld, compounds %lld, target %lld, status %s; "
                 "wanted %d %d %d %d %s",
                 period, unit, num(r, "entered"), num(r, "entered_total"), num(r, "compounds"),
                 num(r, "target"), str(r, "status"), entered, total, compounds, target, status);
    json_decref(r);
}

/* Entered compounds per month and unit against the targets. */
static void test_entries(void **state)
{
    setup();
    CLI(0, "--as hq --json campaign entries --to 2021-05-31");
    expect_entry("2021-01", "", 0, 0, 12, 0, "");
    expect_entry("2021-02", "xinglongtai", 4, 4, 5, 4, "met");
    expect_entry("2021-02", "shuangtaizi", 2, 2, 3, 4, "not_met");
    expect_entry("2021-02", "liaodongwan", 1, 1, 2, 2, "not_met");
    expect_entry("2021-02", "dawa", 0, 0, 2, 0, "");
    expect_entry("2021-02", "", 7, 7, 12, 10, "not_met");
    expect_entry("2021-03", "xinglongtai", 1, 5, 5, 0, "");
    expect_entry("2021-03", "", 2, 9, 12, 0, "");
    expect_entry("2021-04", "dawa", 1, 1, 2, 0, "");
    expect_entry("2021-05", "", 1, 11, 12, 12, "not_met");
    assert_false(has_row(out, "period", "2021-06"));
    /* by default from the programme's start, at most 5 years */
    CLI(0, "--as hq --json campaign entries");
    expect_entry("2021-02", "", 7, 7, 12, 10, "not_met");
    assert_true(has_row(out, "period", "2025-12"));
    assert_false(has_row(out, "period", "2026-02"));
    /* by week: 2021-W08 is 02-22 to 02-28, S2 (02-25) and X4 (02-27) */
    CLI(0, "--as hq --json campaign entries --by week --from 2021-02-22 --to 2021-02-28");
    expect_entry("2021-W08", "", 2, 7, 12, 10, "not_met");
    /* a unit: its own rows only, no city */
    CLI(0, "--as liaodongwan --json campaign entries --to 2021-02-28");
    expect_entry("2021-02", "liaodongwan", 1, 1, 2, 2, "not_met");
    assert_false(has_row(out, "unit", ""));
    assert_false(has_row(out, "unit", "xinglongtai"));
    CLI(2, "--as liaodongwan campaign entries --unit xinglongtai");
    /* bad periods and words */
    CLI(2, "--as hq campaign entries --by year");
    CLI(2, "--as hq campaign entries --from 2021-05-01 --to 2021-04-01");
    (void)state;
}

/* Publicity outside its phase: accepted, flagged in the reply and the
 * list, counted by the list and by campaign status. */
static void test_publicity_phase(void **state)
{
    setup();
    static const struct {
        const char *day;
        int outside;
    } days[] = {{"2021-01-20", 1}, {"2021-01-26", 0}, {"2021-02-10", 0}, {"2021-02-11", 1}};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        CLI(0, "--as liaodongwan --json publicity record %llu --date %s --notices 10 --letters 5",
            id_of(L1), days[i].day);
        assert_non_null(
            strstr(out, days[i].outside ? "\"outside_phase\":true" : "\"outside_phase\":false"));
    }
    /* people are told */
    CLI(0, "--as liaodongwan publicity record %llu --date 2021-03-01 --notices 1 --letters 0",
        id_of(L1));
    assert_non_null(strstr(out, "outside the publicity phase"));
    CLI(0, "--as liaodongwan publicity record %llu --date 2021-02-01 --notices 1 --letters 0",
        id_of(L1));
    assert_null(strstr(out, "outside the publicity phase"));

    Chengguan__V1__PublicityList req = CHENGGUAN__V1__PUBLICITY_LIST__INIT;
    req.compound_id = ids[L1];
    Chengguan__V1__PublicityListReply *r =
        (Chengguan__V1__PublicityListReply *)cg_test_call(&server, "hq", &req.base, 0, NULL);
    assert_non_null(r);
    assert_int_equal(r->n_records, 6);
    assert_int_equal(r->outside_phase, 3);
    int flagged = 0;
    for (size_t i = 0; i < r->n_records; i++)
        flagged += r->records[i]->outside_phase;
    assert_int_equal(flagged, 3);
    cg_message_free(&r->base);

    CLI(0, "--as hq --json campaign status --as-of 2021-02-10");
    assert_non_null(strstr(out, "\"publicity_records\":4"));
    assert_non_null(strstr(out, "\"publicity_outside_phase\":1"));
    /* another unit counts none of them */
    CLI(0, "--as dawa --json campaign status --as-of 2021-12-31");
    assert_non_null(strstr(out, "\"publicity_records\":0"));
    (void)state;
}

/* The number of rows of table (nothing half-written). */
static int rows_are(const char *table, int n)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT 1/(count(*) = %d)::int FROM %s", n, table);
    return cg_test_sql(&server, sql) == 0;
}

static int count_of(const char *table)
{
    for (int n = 0; n < 10000; n++)
        if (rows_are(table, n))
            return n;
    return -1;
}

/* A problem that is not quick needs a plan before it is fixed; statuses
 * move forward (or back from fixed when the fix did not hold), each with
 * its history; overdue by the plan's deadline. */
static void test_problem_flow(void **state)
{
    setup();
    CLI(0,
        "--as xinglongtai --json problem add --compound %llu --category 5 "
        "--text 消防通道堆放杂物 --quick no --found 2021-06-03",
        id_of(X3));
    unsigned long long p = cg_test_json_id(out);
    assert_true(p > 0);
    assert_non_null(strstr(out, "\"status\":\"open\""));
    assert_non_null(strstr(out, "\"planned\":false"));
    CLI(2, "--as xinglongtai problem update %llu --status fixed", p);
    assert_non_null(strstr(out, "rectification plan"));
    /* a plan: its deadline lies in the past, so the problem is overdue */
    CLI(2,
        "--as xinglongtai problem plan %llu --measures 清理 --owner 王建国 --deadline 2021-06-01",
        p);
    CLI(0,
        "--as xinglongtai --json problem plan %llu --measures 通知业主限期清理 --owner 王建国 "
        "--deadline 2021-06-20",
        p);
    assert_non_null(strstr(out, "\"overdue\":true"));
    CLI(0, "--as hq --json problem list --overdue");
    assert_true(has_row(out, "text", "消防通道堆放杂物"));
    CLI(0, "--as xinglongtai --json problem update %llu --status in_progress", p);
    CLI(2, "--as xinglongtai problem update %llu --status in_progress", p);
    CLI(2, "--as xinglongtai problem update %llu --status verified", p);
    CLI(0, "--as xinglongtai --json problem update %llu --status fixed --note 已清理", p);
    assert_non_null(strstr(out, "\"overdue\":false"));
    CLI(2, "--as xinglongtai problem plan %llu --measures x --owner y --deadline 2021-07-01", p);
    /* supervision verifies, and only verifies; the fix did not hold */
    CLI(2, "--as supervision problem update %llu --status in_progress", p);
    CLI(0, "--as xinglongtai problem update %llu --status in_progress --note 复查发现反弹", p);
    CLI(0, "--as xinglongtai problem update %llu --status fixed --note 再次清理", p);
    CLI(0, "--as supervision --json problem update %llu --status verified --note 核验通过", p);
    assert_non_null(strstr(out, "\"status\":\"verified\""));
    CLI(2, "--as hq problem update %llu --status in_progress", p);
    /* the history, in order */
    CLI(0, "--as xinglongtai --json problem show %llu", p);
    const char *steps[] = {"\"kind\":\"added\"",
                           "\"kind\":\"plan\"",
                           "\"status\":\"in_progress\"",
                           "\"status\":\"fixed\"",
                           "复查发现反弹",
                           "再次清理",
                           "核验通过"};
    const char *at = out;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        const char *hit = strstr(at, steps[i]);
        if (hit == NULL)
            fail_msg("step %s missing or out of order in %s", steps[i], out);
        at = hit;
    }
    /* a quick one is fixed at once */
    CLI(0,
        "--as xinglongtai --json problem add --compound %llu --category 垃圾 --text 楼道堆放垃圾 "
        "--quick yes --found 2021-06-04",
        id_of(X4));
    unsigned long long q = cg_test_json_id(out);
    CLI(0, "--as xinglongtai problem update %llu --status fixed", q);
    /* another unit neither sees nor changes them */
    CLI(2, "--as shuangtaizi problem show %llu", p);
    CLI(2, "--as shuangtaizi problem update %llu --status verified", q);
    CLI(2, "--as shuangtaizi problem add --compound %llu --category 5 --text x --quick yes",
        id_of(X3));
    CLI(0, "--as shuangtaizi --json problem list");
    assert_null(strstr(out, "\"id\""));
    CLI(2, "--as shuangtaizi problem list --unit xinglongtai");
    /* Chinese for people */
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 0, "--as xinglongtai problem list",
                                      out, sizeof out),
                     0);
    assert_non_null(strstr(out, "已核查"));
    assert_non_null(strstr(out, "已整改"));
    (void)state;
}

/* The summary counts by unit, category and status. */
static void test_problem_summary(void **state)
{
    setup();
    CLI(0,
        "--as shuangtaizi --json problem add --compound %llu --category 1 --text 占用道路 "
        "--quick no --found 2021-06-05",
        id_of(S2));
    CLI(0,
        "--as shuangtaizi --json problem add --compound %llu --category 1 --text 挖掘场地 "
        "--quick no --found 2021-06-05",
        id_of(S3));
    unsigned long long p = cg_test_json_id(out);
    CLI(0,
        "--as shuangtaizi problem plan %llu --measures 恢复原状 --owner 李强 --deadline 2099-12-31",
        p);
    CLI(0, "--as shuangtaizi problem update %llu --status in_progress", p);
    CLI(0,
        "--as shuangtaizi --json problem add --compound %llu --category 6 --text 小广告 "
        "--quick yes --found 2021-06-06",
        id_of(S2));
    unsigned long long quick = cg_test_json_id(out);
    CLI(0, "--as hq --json problem summary --unit shuangtaizi");
    json_t *r = row(out, "unit", "shuangtaizi", "category_name", "占用挖掘道路场地");
    assert_non_null(r);
    assert_int_equal(num(r, "total"), 2);
    assert_int_equal(num(r, "open"), 1);
    assert_int_equal(num(r, "in_progress"), 1);
    assert_int_equal(num(r, "unplanned"), 1);
    assert_int_equal(num(r, "overdue"), 0);
    json_decref(r);
    r = row(out, "unit", "shuangtaizi", "category_name", "合计");
    assert_non_null(r);
    assert_int_equal(num(r, "total"), 3);
    assert_int_equal(num(r, "quick"), 1);
    assert_int_equal(num(r, "open"), 2);
    json_decref(r);
    /* the bulletin's counts (cg_internal.unit_problems): June 2021 found 3,
     * none fixed; fixed today, the quick one counts today, not in June */
    CLI(0, "--as shuangtaizi problem update %llu --status fixed", quick);
    assert_int_equal(
        cg_test_sql(&server, "SELECT 1/(f.found = 3 AND f.fixed = 0 AND f.open_at_end = 3)::int "
                             "FROM cg_internal.unit_problems('shuangtaizi', '2021-06-01', "
                             "'2021-06-30') f"),
        0);
    assert_int_equal(
        cg_test_sql(&server, "SELECT 1/(f.found = 0 AND f.fixed = 1 AND f.open_at_end = 2)::int "
                             "FROM cg_internal.unit_problems('shuangtaizi', "
                             "cg_internal.today(), cg_internal.today()) f"),
        0);
    /* the unit reads its own; not another's */
    CLI(0, "--as shuangtaizi --json problem summary");
    assert_null(strstr(out, "xinglongtai"));
    CLI(2, "--as shuangtaizi problem summary --unit xinglongtai");
    (void)state;
}

/* Campaigns: units, compounds and period checked; problems found in them
 * and cases linked to them are their results. */
static void test_campaign_actions(void **state)
{
    setup();
    CLI(0,
        "--as xinglongtai --json campaign action add --title 消防通道集中整治 --from 2021-06-01 "
        "--to 2021-06-30 --units 兴隆台分局 --compounds %llu,%llu --categories 4,5",
        id_of(X1), id_of(X2));
    unsigned long long a = cg_test_json_id(out);
    assert_true(a > 0);
    /* a unit only for itself; compounds of its units; categories needed */
    CLI(2, "--as xinglongtai campaign action add --title x --from 2021-06-01 --to 2021-06-30 "
           "--units 双台子分局 --categories 4");
    CLI(2,
        "--as hq campaign action add --title x --from 2021-06-01 --to 2021-06-30 "
        "--units xinglongtai --compounds %llu --categories 4",
        id_of(S1));
    CLI(2, "--as hq campaign action add --title x --from 2021-06-30 --to 2021-06-01 "
           "--units xinglongtai --categories 4");
    CLI(2, "--as hq campaign action add --title x --from 2021-06-01 --to 2021-06-30 "
           "--units xinglongtai --categories 11");
    CLI(2, "--as hq campaign action add --title x --from 2021-06-01 --to 2021-06-30 "
           "--units xinglongtai,兴隆台分局 --categories 4");
    CLI(2, "--as hq campaign action add --title x --from 2021-06-01 --to 2021-06-30 "
           "--units detachment --categories 4");
    assert_non_null(strstr(out, "covers no district"));
    /* problems found in it: on its compounds, in its period */
    CLI(0,
        "--as xinglongtai --json problem add --compound %llu --category 5 --text 占用消防通道 "
        "--quick yes --found 2021-06-05 --action %llu",
        id_of(X1), a);
    unsigned long long p = cg_test_json_id(out);
    CLI(0, "--as xinglongtai problem update %llu --status fixed", p);
    CLI(0,
        "--as xinglongtai problem add --compound %llu --category 4 --text 垃圾堆放 --quick no "
        "--found 2021-06-06 --action %llu",
        id_of(X2), a);
    CLI(2,
        "--as xinglongtai problem add --compound %llu --category 4 --text x --quick no "
        "--found 2021-07-06 --action %llu",
        id_of(X2), a);
    CLI(2,
        "--as xinglongtai problem add --compound %llu --category 4 --text x --quick no "
        "--found 2021-06-06 --action %llu",
        id_of(X5), a);
    /* cases opened in it; the illegal construction of 07-10 is outside */
    CLI(0,
        "--as xinglongtai --json case open --compound %llu --category 5 --source patrol "
        "--summary 消防通道违规停车 --at '2021-06-12 10:00'",
        id_of(X1));
    unsigned long long k = cg_test_json_id(out);
    CLI(0, "--as xinglongtai --json campaign action link %llu --case %llu", a, k);
    CLI(0, "--as xinglongtai --json campaign action link %llu --case %llu", a, k);
    CLI(0, "--as hq --json case list --compound %llu --illegal-construction", id_of(X2));
    unsigned long long late = cg_test_json_id(out);
    assert_true(late > 0);
    CLI(2, "--as xinglongtai campaign action link %llu --case %llu", a, late);
    assert_non_null(strstr(out, "not registered from 2021-06-01 to 2021-06-30"));

    CLI(0, "--as supervision --json campaign action show %llu", a);
    json_t *j = json_loads(out, JSON_DISABLE_EOF_CHECK, NULL);
    assert_non_null(j);
    assert_int_equal(num(j, "problems_found"), 2);
    assert_int_equal(num(j, "problems_fixed"), 1);
    assert_int_equal(num(j, "cases_opened"), 1);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "case_ids"), 0)),
                     (long long)k);
    assert_int_equal(json_array_size(json_object_get(j, "problem_ids")), 2);
    json_decref(j);
    CLI(0, "--as hq --json problem list --action %llu", a);
    assert_true(has_row(out, "text", "占用消防通道"));
    /* another unit does not see it */
    CLI(2, "--as shuangtaizi campaign action show %llu", a);
    CLI(0, "--as shuangtaizi --json campaign action list");
    assert_null(strstr(out, "消防通道集中整治"));
    CLI(0, "--as supervision --json campaign action list");
    assert_non_null(strstr(out, "消防通道集中整治"));
    /* the rectification phase in campaign status: 兴隆台 found 4 (X3, X4, X1,
     * X2), fixed 3 (X2's is open), one campaign; none as of May */
    CLI(0, "--as xinglongtai --json campaign status");
    assert_non_null(strstr(out, "\"problems_found\":4,\"problems_fixed\":3,\"problems_open\":1,"
                                "\"campaigns\":1"));
    CLI(0, "--as xinglongtai --json campaign status --as-of 2021-05-31");
    assert_non_null(strstr(out, "\"problems_found\":0,\"problems_fixed\":0,\"problems_open\":0,"
                                "\"campaigns\":0"));
    CLI(2, "--as supervision campaign action add --title x --from 2021-06-01 --to 2021-06-30 "
           "--units xinglongtai --categories 4");
    (void)state;
}

static Chengguan__V1__Problem *add(const char *as, uint64_t compound, uint32_t category,
                                   const char *text, const char *quick, const char *found, int want,
                                   const char *field)
{
    Chengguan__V1__ProblemAdd req = CHENGGUAN__V1__PROBLEM_ADD__INIT;
    req.compound_id = compound;
    req.category = category;
    req.text = (char *)text;
    req.quick = (char *)quick;
    req.found_on = (char *)found;
    return (Chengguan__V1__Problem *)cg_test_call(&server, as, &req.base, want, field);
}

/* Every peer input has a limit and a clear error, and nothing is written. */
static void test_refusals(void **state)
{
    setup();
    int before = count_of("problems");
    char big[2100];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_null(add("dawa", ids[D1], 4, big, "no", "", CG_EINVALID_ARGUMENT, "text"));
    assert_null(add("dawa", ids[D1], 4, "", "no", "", CG_EINVALID_ARGUMENT, "text"));
    assert_null(add("dawa", ids[D1], 11, "x", "no", "", CG_EINVALID_ARGUMENT, "category"));
    assert_null(add("dawa", ids[D1], 4, "x", "maybe", "", CG_EINVALID_ARGUMENT, "quick"));
    assert_null(add("dawa", ids[D1], 4, "x", "", "", CG_EINVALID_ARGUMENT, "quick"));
    assert_null(add("dawa", ids[D1], 4, "x", "no", "2021-13-01", CG_EINVALID_ARGUMENT, "found_on"));
    assert_null(add("dawa", ids[D1], 4, "x", "no", "2099-01-01", CG_EINVALID_ARGUMENT, "found_on"));
    assert_null(add("dawa", 0, 4, "x", "no", "", CG_EINVALID_ARGUMENT, "compound_id"));
    assert_null(add("dawa", ids[X1], 4, "x", "no", "", CG_ENOT_FOUND, "compound_id"));
    assert_null(add("supervision", ids[D1], 4, "x", "no", "", CG_EPERMISSION_DENIED, NULL));
    assert_null(add("property-demo", ids[D1], 4, "x", "no", "", CG_EPERMISSION_DENIED, NULL));
    assert_int_equal(count_of("problems"), before);

    Chengguan__V1__Problem *p =
        add("dawa", ids[D1], 7, "供热管道被破坏", "no", "2021-06-10", 0, NULL);
    assert_non_null(p);
    uint64_t id = p->id;
    cg_message_free(&p->base);
    int plans = count_of("problem_plans");
    Chengguan__V1__ProblemPlan plan = CHENGGUAN__V1__PROBLEM_PLAN__INIT;
    plan.id = id;
    plan.measures = "修复";
    plan.owner = big;
    plan.deadline = "2021-07-01";
    assert_null(cg_test_call(&server, "dawa", &plan.base, CG_EINVALID_ARGUMENT, "owner"));
    plan.owner = "张三\n李四";
    assert_null(cg_test_call(&server, "dawa", &plan.base, CG_EINVALID_ARGUMENT, "owner"));
    plan.owner = "张三";
    plan.deadline = "2021-06-09";
    assert_null(cg_test_call(&server, "dawa", &plan.base, CG_EINVALID_ARGUMENT, "deadline"));
    plan.deadline = "soon";
    assert_null(cg_test_call(&server, "dawa", &plan.base, CG_EINVALID_ARGUMENT, "deadline"));
    plan.id = 999999;
    plan.deadline = "2021-07-01";
    assert_null(cg_test_call(&server, "dawa", &plan.base, CG_ENOT_FOUND, "id"));
    assert_int_equal(count_of("problem_plans"), plans);

    Chengguan__V1__ProblemUpdate up = CHENGGUAN__V1__PROBLEM_UPDATE__INIT;
    up.id = id;
    up.status = "open";
    assert_null(cg_test_call(&server, "dawa", &up.base, CG_EINVALID_ARGUMENT, "status"));
    up.status = "fixed";
    assert_null(cg_test_call(&server, "dawa", &up.base, CG_EFAILED_PRECONDITION, "status"));
    up.status = "verified";
    assert_null(cg_test_call(&server, "supervision", &up.base, CG_EFAILED_PRECONDITION, "status"));
    assert_int_equal(count_of("problem_statuses WHERE problem_id = (SELECT max(id) FROM problems)"),
                     0);

    /* campaigns: too many, unknown */
    Chengguan__V1__CampaignActionLink link = CHENGGUAN__V1__CAMPAIGN_ACTION_LINK__INIT;
    link.id = 999999;
    uint64_t one = 1;
    link.case_ids = &one;
    link.n_case_ids = 1;
    assert_null(cg_test_call(&server, "hq", &link.base, CG_ENOT_FOUND, "id"));
    uint64_t many[101] = {0};
    link.case_ids = many;
    link.n_case_ids = 101;
    assert_null(cg_test_call(&server, "hq", &link.base, CG_EINVALID_ARGUMENT, "case_ids"));
    int actions = count_of("campaign_actions");
    Chengguan__V1__CampaignAction act = CHENGGUAN__V1__CAMPAIGN_ACTION__INIT;
    act.title = big;
    act.from = "2021-06-01";
    act.to = "2021-06-02";
    char *units[] = {"dawa"};
    act.units = units;
    act.n_units = 1;
    uint32_t cats[] = {4};
    act.categories = cats;
    act.n_categories = 1;
    Chengguan__V1__CampaignActionAdd aa = CHENGGUAN__V1__CAMPAIGN_ACTION_ADD__INIT;
    aa.action = &act;
    assert_null(cg_test_call(&server, "hq", &aa.base, CG_EINVALID_ARGUMENT, "title"));
    act.title = "整治";
    act.to = "2022-06-02";
    assert_null(cg_test_call(&server, "hq", &aa.base, CG_EINVALID_ARGUMENT, "to"));
    act.to = "2021-06-02";
    char *nounit[] = {"nowhere"};
    act.units = nounit;
    assert_null(cg_test_call(&server, "hq", &aa.base, CG_EINVALID_ARGUMENT, "units"));
    act.n_units = 0;
    assert_null(cg_test_call(&server, "hq", &aa.base, CG_EINVALID_ARGUMENT, "units"));
    assert_int_equal(count_of("campaign_actions"), actions);
    (void)state;
}

/* A retried change (same idempotency key) gets the first reply and
 * changes nothing; the tables refuse edits and deletes. */
static void test_retries_and_append_only(void **state)
{
    setup();
    int before = count_of("problems");
    uint8_t key[16] = "problem-retry-k1";
    Chengguan__V1__ProblemAdd req = CHENGGUAN__V1__PROBLEM_ADD__INIT;
    req.idempotency_key.data = key;
    req.idempotency_key.len = sizeof key;
    req.compound_id = ids[L2];
    req.category = 3;
    req.text = "占用共用部位经营";
    req.quick = "yes";
    Chengguan__V1__Problem *a =
        (Chengguan__V1__Problem *)cg_test_call(&server, "liaodongwan", &req.base, 0, NULL);
    Chengguan__V1__Problem *b =
        (Chengguan__V1__Problem *)cg_test_call(&server, "liaodongwan", &req.base, 0, NULL);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(a->id, b->id);
    assert_int_equal(count_of("problems"), before + 1);
    req.text = "别的";
    assert_null(
        cg_test_call(&server, "liaodongwan", &req.base, CG_EINVALID_ARGUMENT, "idempotency_key"));

    uint8_t ukey[16] = "problem-retry-k2";
    Chengguan__V1__ProblemUpdate up = CHENGGUAN__V1__PROBLEM_UPDATE__INIT;
    up.idempotency_key.data = ukey;
    up.idempotency_key.len = sizeof ukey;
    up.id = a->id;
    up.status = "fixed";
    cg_message_free(cg_test_call(&server, "liaodongwan", &up.base, 0, NULL));
    cg_message_free(cg_test_call(&server, "liaodongwan", &up.base, 0, NULL));
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT 1/(count(*) = 1)::int FROM problem_statuses WHERE problem_id = %llu",
             (unsigned long long)a->id);
    assert_int_equal(cg_test_sql(&server, sql), 0);
    cg_message_free(&a->base);
    cg_message_free(&b->base);

    assert_int_not_equal(cg_test_sql(&server, "UPDATE problems SET text = 'x'"), 0);
    assert_int_not_equal(cg_test_sql(&server, "DELETE FROM problem_statuses"), 0);
    assert_int_not_equal(cg_test_sql(&server, "DELETE FROM campaign_actions"), 0);
    assert_int_not_equal(
        cg_test_sql(&server,
                    "UPDATE programme_targets SET goal_min = 1 WHERE code = 'entered_feb'"),
        0);
    assert_int_not_equal(cg_test_sql(&server, "DELETE FROM programme_phases"), 0);
    (void)state;
}

int main(void)
{
    cg_test_server_init(&server, "test_campaign", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_targets),         cmocka_unit_test(test_entries),
        cmocka_unit_test(test_publicity_phase), cmocka_unit_test(test_problem_flow),
        cmocka_unit_test(test_problem_summary), cmocka_unit_test(test_campaign_actions),
        cmocka_unit_test(test_refusals),        cmocka_unit_test(test_retries_and_append_only),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
