/*
 * The long-term mechanism (issue 12, h-mech), through the real CLI against
 * the real server: co-construction days on the 15th (or rescheduled with a
 * reason) with their suggestions, answered once; the units that held none in
 * a month; the leadership group from the plan's annex, changed by new rows
 * only; leadership-group and three-party meetings with decisions followed up
 * until done; training sessions and who attended; good practices and
 * demonstration-compound write-ups; and the bulletin's three counts
 * (unit_meetings_held, unit_suggestions, unit_officers_trained) against
 * hand-computed figures. Refusals write nothing; retries change nothing;
 * nothing recorded can be changed or deleted.
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

/* Whether the SQL condition cond holds in the test's database. */
static int holds(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int holds(const char *fmt, ...)
{
    char cond[1024], sql[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cond, sizeof cond, fmt, ap);
    va_end(ap);
    snprintf(sql, sizeof sql, "SELECT 1/(%s)::int", cond);
    return cg_test_sql(&server, sql) == 0;
}

/* The CLI, which must exit want (its output in out). */
#define CLI(want, ...) cg_test_cli_exits(&server, want, out, sizeof out, __VA_ARGS__)

/* The id of the JSON line of out (a --json list) that holds text. */
static uint64_t id_of_line(const char *text)
{
    const char *at = strstr(out, text);
    assert_non_null(at);
    while (at > out && at[-1] != '\n')
        at--;
    return cg_test_json_id(at);
}

static uint64_t compound_of(const char *district, const char *name, uint64_t *officer)
{
    return cg_test_make_compound(&server, "hq", district, name, NULL, "2021-02-01", officer);
}

/* A co-construction day on the 15th with two suggestions; another day needs
 * a reason; the compounds must be the unit's; a retry is the first reply. */
static void test_co_meeting_record(void **state)
{
    (void)state;
    uint64_t officer;
    uint64_t c1 = compound_of("dawa", "共建日小区一", &officer);
    uint64_t c2 = compound_of("dawa", "共建日小区二", &officer);
    uint64_t other = compound_of("xinglongtai", "共建日他区小区", &officer);
    char minutes[700];
    snprintf(minutes, sizeof minutes, "%s/minutes.txt", server.dir);
    FILE *f = fopen(minutes, "w");
    assert_non_null(f);
    fputs("一、通报上月巡查情况。\n二、听取意见建议。\n", f);
    fclose(f);

    CLI(0,
        "--as dawa --json meeting record --date 2021-03-15 --compounds %llu,%llu "
        "--participants street=1,community=2,property=2,owners_committee=1,residents=8 "
        "--minutes %s --suggestion 东门增设路灯 --suggestion 清理楼道堆物",
        (unsigned long long)c1, (unsigned long long)c2, minutes);
    uint64_t id = cg_test_json_id(out);
    assert_true(id > 0);
    assert_non_null(strstr(out, "\"residents\":8"));
    assert_non_null(strstr(out, "东门增设路灯"));
    assert_true(holds("(SELECT count(*) FROM suggestions WHERE meeting_id = %llu) = 2 AND "
                      "(SELECT minutes FROM co_meetings WHERE id = %llu) LIKE '一、通报%%'",
                      (unsigned long long)id, (unsigned long long)id));

    /* Chinese party names are taken too; people read the table in Chinese */
    assert_int_equal(
        cg_test_cli_lang(&server, "zh_CN.UTF-8", 1,
                         "--as dawa meeting record --date 2021-04-15 --compounds 999999 "
                         "--participants 街道=1,群众代表=3",
                         out, sizeof out),
        2); /* no such compound: refused, in Chinese */
    assert_non_null(strstr(out, "不存在"));

    /* the 16th without a reason, with one; nothing written by refusals */
    CLI(2, "--as dawa meeting record --date 2021-05-16 --compounds %llu --participants residents=3",
        (unsigned long long)c1);
    assert_non_null(strstr(out, "15th"));
    CLI(2, "--as dawa meeting record --date 2021-05-15 --compounds %llu --participants residents=3",
        (unsigned long long)other);
    CLI(2, "--as dawa meeting record --date 2021-05-15 --compounds %llu --participants street=0",
        (unsigned long long)c1);
    static const char *const bad_parties[] = {
        "crowd=3",        "residents=3x", "residents=",  "street=1,street=2",
        "residents=1001", "=3",           "residents=-1"};
    for (size_t i = 0; i < sizeof bad_parties / sizeof bad_parties[0]; i++)
        CLI(1, "--as dawa meeting record --date 2021-05-15 --compounds %llu --participants '%s'",
            (unsigned long long)c1, bad_parties[i]);
    /* minutes: a file larger than the server takes is refused before sending */
    f = fopen(minutes, "w");
    assert_non_null(f);
    for (int i = 0; i < 27000; i++)
        fputs("长", f);
    fclose(f);
    CLI(1,
        "--as dawa meeting record --date 2021-05-15 --compounds %llu --participants residents=3 "
        "--minutes %s",
        (unsigned long long)c1, minutes);
    CLI(1,
        "--as dawa meeting record --date 2021-05-15 --compounds %llu --participants residents=3 "
        "--minutes %s/no-such-file",
        (unsigned long long)c1, server.dir);
    CLI(2, "--as dawa meeting record --date 2099-05-15 --compounds %llu --participants residents=3",
        (unsigned long long)c1);
    assert_true(holds("(SELECT count(*) FROM co_meetings WHERE held_on >= '2021-05-01') = 0"));
    CLI(0,
        "--as dawa --json meeting record --date 2021-05-17 --rescheduled-reason 15日遇暴雨 "
        "--compounds %llu --participants residents=3",
        (unsigned long long)c1);
    assert_non_null(strstr(out, "15日遇暴雨"));

    /* only units and hq record; hq names the unit */
    CLI(2,
        "--as supervision meeting record --unit dawa --date 2021-06-15 --compounds %llu "
        "--participants residents=3",
        (unsigned long long)c1);
    CLI(0,
        "--as hq --json meeting record --unit 大洼分局 --date 2021-06-15 --compounds %llu "
        "--participants residents=3",
        (unsigned long long)c1);

    /* a retry with the same key is the first reply, one row */
    const char *key = "--idempotency-key 6d656574696e672d72657472792d6b6579";
    CLI(0,
        "--as dawa --json %s meeting record --date 2021-07-15 --compounds %llu "
        "--participants residents=4 --suggestion 重试的建议",
        key, (unsigned long long)c1);
    uint64_t first = cg_test_json_id(out);
    CLI(0,
        "--as dawa --json %s meeting record --date 2021-07-15 --compounds %llu "
        "--participants residents=4 --suggestion 重试的建议",
        key, (unsigned long long)c1);
    assert_int_equal(cg_test_json_id(out), first);
    assert_true(holds("(SELECT count(*) FROM co_meetings WHERE held_on = '2021-07-15') = 1 AND "
                      "(SELECT count(*) FROM suggestions WHERE text = '重试的建议') = 1"));

    /* nothing recorded changes or goes away */
    assert_int_not_equal(cg_test_sql(&server, "UPDATE co_meetings SET residents = 99"), 0);
    assert_int_not_equal(cg_test_sql(&server, "DELETE FROM suggestions"), 0);
}

/* meeting list by month and unit, in scope; meeting missing names the
 * district units that held none, each unit sees only itself. */
static void test_co_meeting_list_missing(void **state)
{
    (void)state;
    uint64_t officer;
    uint64_t c = compound_of("shuangtaizi", "双台子共建小区", &officer);
    CLI(0,
        "--as shuangtaizi meeting record --date 2021-08-15 --compounds %llu "
        "--participants community=2",
        (unsigned long long)c);
    CLI(0, "--as supervision --json meeting list --month 2021-08");
    assert_non_null(strstr(out, "\"unit\":\"shuangtaizi\""));
    assert_null(strstr(out, "\"unit\":\"dawa\""));
    CLI(0, "--as xinglongtai --json meeting list --month 2021-08");
    assert_null(strstr(out, "shuangtaizi"));
    CLI(2, "--as xinglongtai meeting list --unit shuangtaizi");
    CLI(2, "--as supervision meeting list --month 2021-13");

    CLI(0, "--as supervision --json meeting missing --month 2021-08");
    assert_null(strstr(out, "\"unit\":\"shuangtaizi\""));
    assert_non_null(strstr(out, "\"unit\":\"xinglongtai\""));
    assert_non_null(strstr(out, "\"unit\":\"panshan\""));
    assert_null(strstr(out, "detachment")); /* covers no compounds */
    CLI(0, "--as supervision --json meeting missing --month 2021-09");
    assert_non_null(strstr(out, "\"last_date\":\"2021-08-15\""));
    CLI(0, "--as xinglongtai --json meeting missing --month 2021-08");
    assert_non_null(strstr(out, "xinglongtai"));
    assert_null(strstr(out, "panshan"));
    CLI(1, "--as supervision meeting missing");
    CLI(2, "--as supervision meeting missing --month 2099-01");
}

/* A suggestion is answered once by its unit; others cannot; --open. */
static void test_suggestions(void **state)
{
    (void)state;
    uint64_t officer;
    uint64_t c = compound_of("liaodongwan", "辽东湾建议小区", &officer);
    CLI(0,
        "--as liaodongwan --json meeting record --date 2021-03-15 --compounds %llu "
        "--participants residents=5 --suggestion 增加垃圾清运频次 --suggestion 整治楼道小广告",
        (unsigned long long)c);
    uint64_t meeting = cg_test_json_id(out);
    CLI(0, "--as liaodongwan --json suggestion list --open --meeting %llu",
        (unsigned long long)meeting);
    uint64_t s0 = id_of_line("增加垃圾清运频次");
    uint64_t s1 = id_of_line("整治楼道小广告");

    CLI(2, "--as xinglongtai suggestion answer %llu --text 不是我们的 --adopted no",
        (unsigned long long)s0);
    CLI(2, "--as liaodongwan suggestion answer %llu --text 好 --adopted maybe",
        (unsigned long long)s0);
    /* the unit's officer reads them but does not answer; property companies
     * and the hotline see none of this */
    cg_test_issue_cert(&server, "mech-ofc");
    CLI(0,
        "--as hq account add --name mech-ofc --role officer --officer %llu "
        "--cert-subject 'CN=mech-ofc,O=chengguan dev'",
        (unsigned long long)officer);
    CLI(0, "--as mech-ofc --json suggestion list --open");
    assert_int_equal(id_of_line("增加垃圾清运频次"), s0);
    CLI(2, "--as mech-ofc suggestion answer %llu --text 好 --adopted yes", (unsigned long long)s0);
    CLI(2, "--as property-demo suggestion list");
    CLI(2, "--as hotline meeting list");
    CLI(2, "--as property-demo group show");
    CLI(0, "--as liaodongwan --json suggestion answer %llu --text 已协调每日清运两次 --adopted yes",
        (unsigned long long)s0);
    assert_non_null(strstr(out, "\"adopted\":\"yes\""));
    assert_non_null(strstr(out, "\"open\":false"));
    CLI(2, "--as liaodongwan suggestion answer %llu --text 再答一次 --adopted no",
        (unsigned long long)s0);
    assert_non_null(strstr(out, "already answered"));
    assert_true(holds("(SELECT count(*) FROM suggestion_answers WHERE suggestion_id = %llu) = 1",
                      (unsigned long long)s0));

    CLI(0, "--as liaodongwan --json suggestion list --open --meeting %llu",
        (unsigned long long)meeting);
    assert_int_equal(cg_test_json_id(out), s1);
    assert_null(strstr(out, "增加垃圾清运频次"));
    /* Chinese for people */
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 0,
                                      "--as liaodongwan suggestion list --unit 辽东湾分局", out,
                                      sizeof out),
                     0);
    assert_non_null(strstr(out, "采纳"));
    assert_non_null(strstr(out, "是"));
}

/* The plan's annex is the group; changes are new rows from a day on. */
static void test_group(void **state)
{
    (void)state;
    CLI(0, "--as dawa --json group show");
    assert_non_null(strstr(out, "\"name\":\"赵中华\",\"role\":\"leader\""));
    assert_true(holds("(SELECT count(*) FROM cg_internal.group_on(current_date)) = 16"));
    CLI(2, "--as dawa group set --name 孙立 --role member --post 大洼分局局长 --unit dawa");
    CLI(2, "--as hq group leave --name 无此人 --reason 调动");
    CLI(1, "--as hq group leave --name 何成海");
    CLI(1, "--as hq group set --name 孙立 --post 大洼分局局长 --unit dawa");
    CLI(2, "--as hq group set --name 何成海 --role member --post 大洼分局局长 --unit 大洼分局");
    assert_non_null(strstr(out, "already holds"));
    CLI(0, "--as hq group leave --name 何成海 --reason 工作调动 --from 2022-03-01");
    CLI(0, "--as hq group set --name 孙立 --role member --post 大洼分局局长 --unit 大洼分局 "
           "--from 2022-03-01");
    CLI(0, "--as supervision --json group show");
    assert_non_null(strstr(out, "孙立"));
    assert_null(strstr(out, "何成海"));
    CLI(0, "--as supervision --json group show --as-of 2021-06-30");
    assert_non_null(strstr(out, "何成海"));
    assert_null(strstr(out, "孙立"));
    CLI(0, "--as supervision --json group show --history");
    assert_true(holds("(SELECT count(*) FROM leadership_members) = 18"));
    assert_int_not_equal(cg_test_sql(&server, "UPDATE leadership_members SET post = 'x'"), 0);
    assert_int_equal(
        cg_test_cli_lang(&server, "zh_CN.UTF-8", 0, "--as dawa group show", out, sizeof out), 0);
    assert_non_null(strstr(out, "组长"));
    assert_non_null(strstr(out, "副组长"));
}

/* Leadership-group and three-party meetings with decisions; a decision is
 * followed up by the meeting's unit (hq for the group's) until done. */
static void test_coordination(void **state)
{
    (void)state;
    uint64_t officer;
    uint64_t c = compound_of("xinglongtai", "兴隆台三方小区", &officer);
    CLI(2, "--as xinglongtai coordination record --kind leadership --date 2021-02-05 --topic 部署 "
           "--attendees 全体");
    CLI(0, "--as hq --json coordination record --kind leadership --date 2021-02-05 "
           "--topic 部署进驻工作 --attendees 赵中华、由德宏等 "
           "--decision 2021-02-28:各分局:2月底前进驻10个小区");
    assert_non_null(strstr(out, "\"unit\":\"hq\""));
    CLI(2, "--as hq coordination record --kind leadership --unit dawa --date 2021-02-05 "
           "--topic 部署 --attendees 全体");
    CLI(0, "--as hq --json decision list --kind leadership");
    uint64_t lead = cg_test_json_id(out);

    CLI(2, "--as xinglongtai coordination record --kind three_party --date 2021-03-20 --topic 停车 "
           "--attendees 街道、物业、城管 --decision 2021-03-01:物业:太早");
    assert_non_null(strstr(out, "before the meeting"));
    static const char *const bad_decisions[] = {"没有期限", ":物业:内容", "2021-04-01::内容",
                                                "2021-04-01:物业:", "2021-04-01:物业"};
    for (size_t i = 0; i < sizeof bad_decisions / sizeof bad_decisions[0]; i++)
        CLI(1,
            "--as xinglongtai coordination record --kind three_party --date 2021-03-20 "
            "--topic 停车 --attendees 街道、物业、城管 --decision '%s'",
            bad_decisions[i]);
    CLI(2, "--as xinglongtai coordination record --kind three_party --date 2021-03-20 --topic 停车 "
           "--attendees 街道、物业、城管 --decision 2021-02-30:物业:没有这一天");
    CLI(0,
        "--as xinglongtai --json coordination record --kind three_party --date 2021-03-20 "
        "--topic 小区停车秩序 --attendees 兴隆街道、宏达物业、兴隆台分局 --compounds %llu "
        "--decision 2099-04-30:宏达物业:施划停车位并公示 --decision 2021-04-10:社区:通知业主",
        (unsigned long long)c);
    assert_true(holds("(SELECT count(*) FROM decisions d JOIN mech_meetings m ON m.id = "
                      "d.meeting_id WHERE m.unit_code = 'xinglongtai') = 2"));
    CLI(0, "--as xinglongtai --json decision list --kind three_party --open");
    uint64_t park = id_of_line("施划停车位并公示");
    uint64_t notify = id_of_line("通知业主");

    /* overdue: not done past the deadline */
    CLI(0, "--as supervision --json decision list --overdue --unit xinglongtai");
    assert_int_equal(cg_test_json_id(out), notify);

    /* follow-ups: the unit for its own, hq for the group's */
    CLI(2, "--as xinglongtai decision follow-up %llu --text 已部署", (unsigned long long)lead);
    CLI(2, "--as dawa decision follow-up %llu --text 不是我们的", (unsigned long long)park);
    CLI(0, "--as xinglongtai --json decision follow-up %llu --text 已划一半",
        (unsigned long long)park);
    assert_non_null(strstr(out, "\"done\":false"));
    CLI(0, "--as xinglongtai --json decision follow-up %llu --text 全部施划完毕 --done",
        (unsigned long long)park);
    assert_non_null(strstr(out, "\"done\":true"));
    assert_non_null(strstr(out, "\"follow_ups\":2"));
    CLI(2, "--as xinglongtai decision follow-up %llu --text 又一次", (unsigned long long)park);
    CLI(0, "--as hq decision follow-up %llu --text 十个小区已进驻 --done",
        (unsigned long long)lead);
    CLI(0, "--as xinglongtai --json decision list --open");
    assert_null(strstr(out, "施划停车位"));
    assert_non_null(strstr(out, "通知业主"));
    /* every unit reads the group's meetings, not other units' */
    CLI(0, "--as dawa --json coordination list");
    assert_non_null(strstr(out, "部署进驻工作"));
    assert_null(strstr(out, "小区停车秩序"));
}

/* Training of a unit's own officers; hq's bureau-wide sessions count for
 * the officers' units. */
static void test_training(void **state)
{
    (void)state;
    uint64_t o1, o2, ox;
    compound_of("panshan", "盘山培训小区一", &o1);
    compound_of("panshan", "盘山培训小区二", &o2);
    compound_of("xinglongtai", "兴隆台培训小区", &ox);
    CLI(2, "--as panshan training record --date 2021-03-02 --topic 执法程序 --officers %llu",
        (unsigned long long)ox);
    CLI(2, "--as panshan training record --date 2021-03-02 --topic 执法程序 --officers %llu,%llu",
        (unsigned long long)o1, (unsigned long long)o1);
    CLI(1, "--as panshan training record --date 2021-03-02 --topic 执法程序");
    CLI(0,
        "--as panshan --json training record --date 2021-03-02 --topic 物业管理执法程序 "
        "--hours 4 --officers %llu",
        (unsigned long long)o1);
    CLI(0,
        "--as hq --json training record --unit hq --date 2021-03-09 --topic 文明执法 "
        "--officers %llu,%llu,%llu",
        (unsigned long long)o1, (unsigned long long)o2, (unsigned long long)ox);
    CLI(0, "--as panshan --json training list --month 2021-03");
    assert_non_null(strstr(out, "文明执法"));
    assert_non_null(strstr(out, "物业管理执法程序"));
    CLI(0, "--as supervision --json training list --officer %llu", (unsigned long long)ox);
    assert_non_null(strstr(out, "文明执法"));
    assert_null(strstr(out, "物业管理执法程序"));
}

/* Good practice; a demonstration compound's write-up needs the compound to
 * be marked demo and names criteria. */
static void test_practice(void **state)
{
    (void)state;
    uint64_t officer;
    uint64_t c = compound_of("dawa", "大洼示范小区", &officer);
    char file[700];
    snprintf(file, sizeof file, "%s/writeup.txt", server.dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("物业、社区、城管每月共商，小区面貌明显改善。\n", f);
    fclose(f);
    CLI(0, "--as dawa --json practice add --title 共建日议事会 --write-up %s", file);
    assert_non_null(strstr(out, "\"compound_id\":0"));
    CLI(2, "--as dawa practice add --title 示范 --write-up %s --criteria 管理有序", file);
    CLI(2, "--as dawa practice add --title 示范 --write-up %s --compound %llu --criteria 管理有序",
        file, (unsigned long long)c);
    assert_non_null(strstr(out, "not a demonstration compound"));
    CLI(0, "--as supervision compound demo %llu on", (unsigned long long)c);
    CLI(2, "--as dawa practice add --title 示范 --write-up %s --compound %llu", file,
        (unsigned long long)c);
    CLI(2, "--as dawa practice add --title 示范 --write-up %s --compound %llu --criteria 好看",
        file, (unsigned long long)c);
    CLI(1, "--as dawa practice add --title 示范 --write-up %s/none.txt", server.dir);
    CLI(0,
        "--as dawa --json practice add --title 大洼示范小区经验 --write-up %s --compound %llu "
        "--criteria 管理有序 --criteria clean_environment --criteria 违法建设零增长",
        file, (unsigned long long)c);
    assert_non_null(strstr(
        out, "[\"orderly_management\",\"clean_environment\",\"zero_illegal_construction\"]"));
    CLI(0, "--as supervision --json practice list --demo");
    assert_non_null(strstr(out, "大洼示范小区经验"));
    assert_null(strstr(out, "共建日议事会"));
    CLI(0, "--as xinglongtai --json practice list");
    assert_null(strstr(out, "大洼"));
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 0, "--as dawa practice list --demo",
                                      out, sizeof out),
                     0);
    assert_non_null(strstr(out, "管理有序"));
}

/* The bulletin's counts against figures by hand, for detachment-free unit
 * panshan: days held (distinct days, the 15th or rescheduled), suggestions
 * made and answered in the period, distinct officers trained. */
static void test_counts(void **state)
{
    (void)state;
    uint64_t o1, o2, o3;
    uint64_t c = compound_of("panshan", "盘山计数小区一", &o1);
    compound_of("panshan", "盘山计数小区二", &o2);
    compound_of("panshan", "盘山计数小区三", &o3);
    /* April: two meetings on the 15th (one day), one rescheduled to the
     * 20th; May: one. Suggestions: April 3 (2 answered), May 1 (answered). */
    CLI(0,
        "--as panshan --json meeting record --date 2022-04-15 --compounds %llu "
        "--participants residents=2 --suggestion 甲 --suggestion 乙",
        (unsigned long long)c);
    CLI(0,
        "--as panshan meeting record --date 2022-04-15 --compounds %llu "
        "--participants residents=2 --suggestion 丙",
        (unsigned long long)c);
    CLI(0,
        "--as panshan meeting record --date 2022-04-20 --rescheduled-reason 改期 "
        "--compounds %llu --participants residents=2",
        (unsigned long long)c);
    CLI(0,
        "--as panshan meeting record --date 2022-05-15 --compounds %llu "
        "--participants residents=2 --suggestion 丁",
        (unsigned long long)c);
    static const char *const answered[] = {"\"甲\"", "\"丙\"", "\"丁\""};
    for (size_t i = 0; i < 3; i++) {
        CLI(0, "--as panshan --json suggestion list --unit panshan");
        CLI(0, "--as panshan suggestion answer %llu --text 已办 --adopted partly",
            (unsigned long long)id_of_line(answered[i]));
    }
    assert_true(holds("cg_internal.unit_meetings_held('panshan', '2022-04-01', '2022-04-30') = 2"));
    assert_true(holds("cg_internal.unit_meetings_held('panshan', '2022-04-01', '2022-06-30') = 3"));
    assert_true(holds("cg_internal.unit_meetings_held('panshan', '2022-04-16', '2022-04-19') = 0"));
    assert_true(holds("cg_internal.unit_meetings_held('dawa', '2022-04-01', '2022-04-30') = 0"));
    assert_true(
        holds("cg_internal.unit_meetings_rescheduled('panshan', '2022-04-01', '2022-06-30') = 1"));
    assert_true(holds("(SELECT made = 3 AND answered = 2 FROM "
                      "cg_internal.unit_suggestions('panshan', '2022-04-01', '2022-04-30'))"));
    assert_true(holds("(SELECT made = 4 AND answered = 3 FROM "
                      "cg_internal.unit_suggestions('panshan', '2022-01-01', '2022-12-31'))"));
    assert_true(holds("(SELECT made = 0 AND answered = 0 FROM "
                      "cg_internal.unit_suggestions('panshan', '2022-06-01', '2022-06-30'))"));
    /* answered now, so none before a cutoff at the end of April 2022 (the
     * bulletin's: answered by the end of its period) */
    assert_true(holds("(SELECT made = 3 AND answered = 0 FROM cg_internal.unit_suggestions("
                      "'panshan', '2022-04-01', '2022-04-30', '2022-05-01 00:00+08'))"));

    /* officers: o1 twice in June (own and bureau-wide), o2 once in June, o3
     * in July; a xinglongtai officer at the bureau-wide one counts there */
    uint64_t ox;
    compound_of("xinglongtai", "兴隆台计数小区", &ox);
    CLI(0, "--as panshan training record --date 2022-06-02 --topic 甲 --officers %llu,%llu",
        (unsigned long long)o1, (unsigned long long)o2);
    CLI(0, "--as hq training record --unit hq --date 2022-06-09 --topic 乙 --officers %llu,%llu",
        (unsigned long long)o1, (unsigned long long)ox);
    CLI(0, "--as panshan training record --date 2022-07-01 --topic 丙 --officers %llu",
        (unsigned long long)o3);
    assert_true(
        holds("cg_internal.unit_officers_trained('panshan', '2022-06-01', '2022-06-30') = 2"));
    assert_true(
        holds("cg_internal.unit_officers_trained('panshan', '2022-06-01', '2022-07-31') = 3"));
    assert_true(
        holds("cg_internal.unit_officers_trained('xinglongtai', '2022-06-01', '2022-06-30') = 1"));
    assert_true(
        holds("cg_internal.unit_officers_trained('panshan', '2022-08-01', '2022-08-31') = 0"));
}

/* Lists page by after_id, cut at the limit and at the reply budget (the
 * minutes make a meeting large), always at least one row per page. */
static void test_paging(void **state)
{
    (void)state;
    uint64_t officer;
    uint64_t c = compound_of("liaodongwan", "辽东湾分页小区", &officer);
    char minutes[700];
    snprintf(minutes, sizeof minutes, "%s/long-minutes.txt", server.dir);
    FILE *f = fopen(minutes, "w");
    assert_non_null(f);
    for (int i = 0; i < 2000; i++)
        fputs("纪要", f);
    fclose(f);
    for (int m = 1; m <= 3; m++)
        CLI(0,
            "--as liaodongwan meeting record --date 2023-0%d-15 --compounds %llu "
            "--participants residents=1 --minutes %s",
            m, (unsigned long long)c, minutes);
    /* the first page of two */
    const char *one = "cg_api.co_meeting_list('liaodongwan', "
                      "'{\"unit\": \"liaodongwan\", \"limit\": 2}')";
    char next[600], sql[1200];
    assert_true(holds("jsonb_array_length(%s -> 'meetings') = 2 AND (%s ->> 'next_after_id') = "
                      "(%s -> 'meetings' -> 1 ->> 'id')",
                      one, one, one));
    /* the second page starts below the first one's last id */
    snprintf(next, sizeof next,
             "cg_api.co_meeting_list('liaodongwan', jsonb_build_object('unit', 'liaodongwan', "
             "'limit', 2, 'after_id', (%s ->> 'next_after_id')::bigint))",
             one);
    assert_true(holds("(%s -> 'meetings' -> 0 ->> 'id')::bigint < (%s ->> 'next_after_id')::bigint",
                      next, one));
    /* a budget of 10 kB holds one meeting of 12 kB of minutes: one per page */
    snprintf(
        sql, sizeof sql,
        "SET cg.reply_budget_bytes = 10000;\nSELECT 1/(jsonb_array_length(%s -> 'meetings') = 1 "
        "AND (%s ->> 'next_after_id')::bigint > 0)::int",
        one, one);
    assert_int_equal(cg_test_sql(&server, sql), 0);
    CLI(0, "--as liaodongwan --json meeting list --month 2023-02");
    assert_non_null(strstr(out, "2023-02-15"));
    assert_null(strstr(out, "2023-01-15"));
}

int main(void)
{
    cg_test_server_init(&server, "mechanism", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_co_meeting_record),
        cmocka_unit_test(test_co_meeting_list_missing),
        cmocka_unit_test(test_suggestions),
        cmocka_unit_test(test_group),
        cmocka_unit_test(test_coordination),
        cmocka_unit_test(test_training),
        cmocka_unit_test(test_practice),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_paging),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
