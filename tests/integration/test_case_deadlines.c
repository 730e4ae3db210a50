/*
 * The time limits of cases against the real server, through the CLI: the
 * closing limit counted in working days around National Day 2026 and in
 * calendar days onto a holiday, a limit that needs a year the calendar lacks
 * (left empty, filled in when the year is entered), the rectification
 * deadline of the decision, and `case list --overdue` (past the closing
 * limit while open, or past the rectification deadline while rectifying).
 * Deadlines lie in the past by back-dating with --at and by short limits set
 * with `limits set`, never by waiting.
 */
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;
static char out[1 << 16];

#define UNIT "liaodongwan"

static uint64_t compound, officer;

#define OK(...) cg_test_cli_exits(&server, 0, out, sizeof out, __VA_ARGS__)

static void expect(const char *s)
{
    if (strstr(out, s) == NULL)
        fail_msg("expected '%s' in:\n%s", s, out);
}

/* Opens a case of category on the test compound, registered at `at`. */
static uint64_t open_case(int category, const char *at)
{
    if (compound == 0)
        compound = cg_test_make_compound(&server, UNIT, UNIT, "期限小区", "property-demo",
                                         "2021-02-01", &officer);
    OK("--as " UNIT " --json case open --compound %llu --category %d --source patrol "
       "--summary 占道经营 --at %s",
       (unsigned long long)compound, category, at);
    return cg_test_json_id(out);
}

/* The case's closing_due and overdue as hq reads it. */
static void expect_due(uint64_t id, const char *closing_due, int overdue)
{
    char want[96];
    OK("--as hq --json case show %llu", (unsigned long long)id);
    snprintf(want, sizeof want, "\"closing_due\":\"%s\"", closing_due);
    expect(want);
    snprintf(want, sizeof want, "\"overdue\":%s", overdue ? "true" : "false");
    expect(want);
}

/* Whether case id is in `case list --overdue` of account. */
static int listed_overdue(const char *account, uint64_t id)
{
    char want[48];
    OK("--as %s --json case list --overdue --compound %llu", account, (unsigned long long)compound);
    snprintf(want, sizeof want, "\"id\":%llu,", (unsigned long long)id);
    return strstr(out, want) != NULL;
}

/* YYYY-MM-DD of Beijing's today + days. */
static void beijing_day(int days, char *buf, size_t len)
{
    time_t t = time(NULL) + 8 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d", &tm);
}

/* 5 working days from Monday 2026-09-28: 29, 30 September, (1-7 October
 * off), 8, 9 and the adjusted working Saturday 10 October. 90 calendar days
 * from 2026-07-03 end on 1 October, a holiday: the limit ends on 8 October. */
static void test_closing_due_around_national_day(void **state)
{
    OK("--as supervision limits set 3 --kind closing --days 5 --day-kind working --reason 测试");
    uint64_t working = open_case(3, "2026-09-28T10:00");
    expect("\"closing_due\":\"2026-10-10\"");
    uint64_t calendar = open_case(2, "2026-07-03T10:00");
    expect("\"closing_due\":\"2026-10-08\"");
    OK("--as " UNIT " case show %llu", (unsigned long long)working);
    expect("closing due");
    expect("2026-10-10");
    /* both past and open: overdue, listed for the unit and supervision */
    expect_due(working, "2026-10-10", 1);
    expect_due(calendar, "2026-10-08", 1);
    assert_true(listed_overdue(UNIT, working));
    assert_true(listed_overdue("supervision", calendar));
    /* a later limit does not move a registered case's deadline */
    OK("--as supervision limits set 3 --kind closing --days 60 --day-kind working --reason 测试");
    expect_due(working, "2026-10-10", 1);
    /* rejected or transferred: no longer overdue */
    OK("--as " UNIT " case move %llu --to rejected --reason 不构成违法",
       (unsigned long long)working);
    expect_due(working, "2026-10-10", 0);
    assert_false(listed_overdue(UNIT, working));
    OK("--as " UNIT " case move %llu --to transferred --department 区规划局",
       (unsigned long long)calendar);
    assert_false(listed_overdue(UNIT, calendar));
}

/* Past the rectification deadline while rectifying, not past the closing
 * limit: overdue until verified. (Dates relative to today: the decision
 * and its deadline lie in the past, the 90-day closing limit ahead.) */
static void test_rectification_overdue(void **state)
{
    char opened[32], decided[32], deadline[16], rectifying[32];
    beijing_day(-10, opened, sizeof opened);
    strcat(opened, "T09:00");
    beijing_day(-9, decided, sizeof decided);
    strcat(decided, "T09:00");
    beijing_day(-8, deadline, sizeof deadline);
    beijing_day(-7, rectifying, sizeof rectifying);
    strcat(rectifying, "T09:00");
    uint64_t id = open_case(2, opened);
    OK("--as " UNIT " case move %llu --to investigating --at %s", (unsigned long long)id, opened);
    assert_false(listed_overdue(UNIT, id));
    OK("--as " UNIT " --json case move %llu --to decided --penalty rectify --deadline %s --at %s",
       (unsigned long long)id, deadline, decided);
    char want[64];
    snprintf(want, sizeof want, "\"deadline\":\"%s\"", deadline);
    expect(want);
    OK("--as " UNIT " --json case move %llu --to rectifying --at %s", (unsigned long long)id,
       rectifying);
    expect("\"overdue\":true");
    assert_true(listed_overdue(UNIT, id));
    OK("--as " UNIT " --json case verify %llu --officer %llu --passed", (unsigned long long)id,
       (unsigned long long)officer);
    expect("\"state\":\"verified\"");
    expect("\"overdue\":false");
    assert_false(listed_overdue(UNIT, id));
}

/* 90 calendar days from 2026-11-20 fall in 2027, which the shipped calendar
 * has provisionally (its statutory holidays): the limit is there at once.
 * 500 days fall in 2028, which it lacks: the case is opened with
 * closing_due empty (never overdue by it), and gets its limit when the
 * operators enter 2028. */
static void test_closing_due_waits_for_the_year(void **state)
{
    uint64_t early = open_case(2, "2026-11-20T10:00");
    expect("\"closing_due\":\"2027-02-18\"");
    OK("--as supervision limits set 9 --kind closing --days 500 --day-kind calendar --reason 测试");
    uint64_t id = open_case(9, "2026-11-20T10:00");
    expect("\"closing_due\":\"\"");
    OK("--as hq calendar add-holiday 2028-04-03 --name 清明节 --reason '2028年通知（测试）'");
    expect_due(id, "", 0);
    OK("--as hq calendar add-year 2028 --notice '2028年通知（测试）'");
    /* 500 days on is Monday 2028-04-03, a day off of this test's 2028 */
    expect_due(id, "2028-04-04", 0);
    expect_due(early, "2027-02-18", 0);
}

/* The registration limit: 7 working days from when the source was seen.
 * Two findings of a patrol on Monday 2026-09-28: the 7th working day after
 * it is 10-13 (29, 30 September; 1-7 October off; 8, 9, the adjusted
 * Saturday 10, 12, 13). Registered on 10-12: in time; on 10-14: late. */
static void test_registration_limit(void **state)
{
    if (compound == 0)
        open_case(1, "2026-09-01T10:00");
    OK("--as " UNIT " --json patrol submit --compound %llu --officer %llu --start 2026-09-28T09:00 "
       "--end 2026-09-28T10:00 --finding 3:楼道堆物:case_needed --finding 5:私拉电线:case_needed",
       (unsigned long long)compound, (unsigned long long)officer);
    uint64_t finding[2];
    const char *p = strstr(out, "\"findings\":[");
    assert_non_null(p);
    for (int i = 0; i < 2; i++) {
        p = strstr(p, "{\"id\":");
        assert_non_null(p);
        p += 6;
        finding[i] = strtoull(p, NULL, 10);
    }
    /* not before its source was seen */
    char early[160];
    snprintf(early, sizeof early,
             "--as " UNIT " case open --compound %llu --category 3 --from-finding %llu --summary x "
             "--at 2026-09-27T10:00",
             (unsigned long long)compound, (unsigned long long)finding[0]);
    assert_int_equal(cg_test_cli_lang(&server, "C", 1, early, out, sizeof out), 2);
    expect("before its source was seen");
    OK("--as " UNIT " --json case open --compound %llu --category 3 --from-finding %llu "
       "--summary 楼道堆物立案 --at 2026-10-12T10:00",
       (unsigned long long)compound, (unsigned long long)finding[0]);
    expect("\"source_at\":\"2026-09-28T09:00:00.000+08:00\"");
    expect("\"registration_due\":\"2026-10-13\"");
    expect("\"registered_late\":false");
    OK("--as " UNIT " --json case open --compound %llu --category 5 --from-finding %llu "
       "--summary 私拉电线立案 --at 2026-10-14T10:00",
       (unsigned long long)compound, (unsigned long long)finding[1]);
    expect("\"registration_due\":\"2026-10-13\"");
    expect("\"registered_late\":true");
    OK("--as hq --json case stats --from 2026-10-01 --to 2026-10-31 --unit " UNIT);
    /* one JSON line per unit and category */
    const char *row = strstr(out, "\"category\":5,");
    assert_non_null(row);
    const char *late = strstr(row, "\"registered_late\":");
    assert_non_null(late);
    assert_true(late < strchr(row, '\n'));
    assert_int_equal(atoi(late + strlen("\"registered_late\":")), 1);
    row = strstr(out, "\"category\":3,");
    assert_non_null(row);
    assert_int_equal(atoi(strstr(row, "\"registered_late\":") + strlen("\"registered_late\":")), 0);
}

int main(void)
{
    cg_test_server_init(&server, "case_deadlines", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closing_due_around_national_day),
        cmocka_unit_test(test_registration_limit),
        cmocka_unit_test(test_rectification_overdue),
        cmocka_unit_test(test_closing_due_waits_for_the_year),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
