/*
 * Working days (issue 11): the holiday calendar of 2021-2026 as the State
 * Council's notices give it, the day arithmetic around Spring Festival,
 * National Day, adjusted working weekends (调休) and year ends, a year the
 * calendar does not know, operators extending and correcting it with
 * history, and the default time limits of cases.
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
static char out[1 << 17];

/* Fails the test unless the SQL expression got equals want (both SQL). */
static void sql_is(const char *got, const char *want)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "DO $$ BEGIN IF (%s) IS DISTINCT FROM (%s) THEN RAISE EXCEPTION '%% is %%, not %%', "
             "$q$%s$q$, (%s), (%s); END IF; END $$;",
             got, want, got, got, want);
    if (cg_test_sql(&server, sql) != 0)
        fail_msg("%s is not %s", got, want);
}

/* Fails the test unless the SQL statement fails with sqlstate and the
 * reason in its DETAIL. */
static void sql_fails(const char *stmt, const char *sqlstate, const char *reason)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "DO $$ DECLARE d text; BEGIN %s; RAISE EXCEPTION 'no error from %%', $q$%s$q$; "
             "EXCEPTION WHEN SQLSTATE '%s' THEN GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL; "
             "IF d NOT LIKE '%%\"%s\"%%' THEN RAISE EXCEPTION 'reason %%', d; END IF; END $$;",
             stmt, stmt, sqlstate, reason);
    if (cg_test_sql(&server, sql) != 0)
        fail_msg("%s did not fail with %s %s", stmt, sqlstate, reason);
}

#define WORKING(d, yes)  sql_is("cg_internal.is_working_day('" d "')", yes)
#define ADD(d, n, want)  sql_is("cg_internal.add_working_days('" d "', " #n ")", "date '" want "'")
#define BETWEEN(a, b, n) sql_is("cg_internal.working_days_between('" a "', '" b "')", #n)

/* Days the notices make working or not, the traps first. */
static void test_days_of_the_notices(void **state)
{
    WORKING("2024-02-09",
            "true"); /* 除夕 2024 is a working day: the notice only encourages leave */
    WORKING("2025-01-28", "false"); /* 除夕 2025 is a holiday (since the 2024 amendment) */
    WORKING("2024-02-04", "true");  /* Sunday, 调休 before Spring Festival */
    WORKING("2024-02-18", "true");  /* Sunday, 调休 after it */
    WORKING("2024-02-12", "false"); /* Monday in Spring Festival */
    WORKING("2021-02-07", "true");  /* Sunday 调休 */
    WORKING("2021-02-20", "true");  /* Saturday 调休 */
    WORKING("2021-02-21", "false"); /* the Sunday after it is a plain Sunday */
    WORKING("2022-01-29", "true");
    WORKING("2022-01-30", "true"); /* two 调休 days in a row */
    WORKING("2022-12-31", "false");
    WORKING("2023-01-02", "false"); /* New Year 2023 began on 2022-12-31 */
    WORKING("2023-10-07", "true");
    WORKING("2023-10-08", "true");
    WORKING("2023-10-06", "false"); /* Mid-Autumn and National Day, 8 days */
    WORKING("2024-10-12", "true");
    WORKING("2025-10-08", "false");
    WORKING("2025-10-11", "true");
    WORKING("2026-01-04", "true");  /* Sunday after New Year 2026 */
    WORKING("2026-02-23", "false"); /* the ninth day of Spring Festival 2026 */
    WORKING("2026-02-28", "true");
    WORKING("2026-09-25", "false"); /* Mid-Autumn 2026, a Friday */
    WORKING("2026-09-20", "true");
    WORKING("2026-03-02", "true");  /* a plain Monday */
    WORKING("2026-03-07", "false"); /* a plain Saturday */
    /* working days per year: 365/366 days less weekends, 11 holidays (13 from 2025) */
    BETWEEN("2020-12-31", "2021-12-31", 250);
    BETWEEN("2021-12-31", "2022-12-31", 249);
    BETWEEN("2022-12-31", "2023-12-31", 249);
    BETWEEN("2023-12-31", "2024-12-31", 251);
    BETWEEN("2024-12-31", "2025-12-31", 248);
    BETWEEN("2025-12-31", "2026-12-31", 248);
    /* every adjusted working day of the notices is a Saturday or Sunday */
    sql_is("(SELECT count(*) FROM calendar_days WHERE kind = 'workday' AND extract(isodow FROM "
           "day) < 6)",
           "0");
    sql_is("(SELECT count(*) FROM calendar_days WHERE kind = 'workday')", "40");
}

/* add_working_days: day 0 and counting from the next day. */
static void test_add_working_days(void **state)
{
    /* Spring Festival 2024: Thu 02-08, Fri 02-09 (working 除夕), 02-10..17 off, Sun 02-18 调休 */
    ADD("2024-02-08", 1, "2024-02-09");
    ADD("2024-02-08", 2, "2024-02-18");
    ADD("2024-02-08", 3, "2024-02-19");
    ADD("2024-02-09", 1, "2024-02-18");
    ADD("2024-02-10", 0, "2024-02-18"); /* day 0 of a holiday: the next working day */
    ADD("2024-02-09", 0, "2024-02-09"); /* day 0 of a working day: itself */
    ADD("2024-02-04", 0, "2024-02-04"); /* a 调休 Sunday is a working day */
    /* Spring Festival 2025 and 2026 */
    ADD("2025-01-24", 1, "2025-01-26");
    ADD("2025-01-24", 3, "2025-02-05");
    ADD("2026-02-13", 1, "2026-02-14");
    ADD("2026-02-13", 2, "2026-02-24");
    /* National Day 2024: Fri 09-27, Sat 09-28 off, Sun 09-29 调休, 10-01..07 off, Sat 10-12 调休 */
    ADD("2024-09-27", 1, "2024-09-29");
    ADD("2024-09-27", 2, "2024-09-30");
    ADD("2024-09-27", 3, "2024-10-08");
    ADD("2024-09-27", 7, "2024-10-12");
    /* seven working days from Thu 2021-09-30: 10-08 (Fri), 10-09 (Sat 调休), 10-11..15 */
    ADD("2021-09-30", 7, "2021-10-15");
    /* year ends */
    ADD("2021-12-31", 1, "2022-01-04");
    ADD("2022-12-30", 1, "2023-01-03");
    ADD("2025-12-31", 1, "2026-01-04");
    ADD("2023-12-29", 1, "2024-01-02");
    ADD("2026-12-30", 1, "2026-12-31");
    /* between is the inverse for working days */
    BETWEEN("2024-02-08", "2024-02-19", 3);
    BETWEEN("2024-02-19", "2024-02-08", -3);
    BETWEEN("2021-09-30", "2021-10-15", 7);
    BETWEEN("2024-02-10", "2024-02-17", 0);
    BETWEEN("2024-02-09", "2024-02-09", 0);
    BETWEEN("2024-09-27", "2024-10-12", 7);
}

/* A day outside the calendar's years is an error, never a guess. */
static void test_unknown_year_is_an_error(void **state)
{
    sql_fails("PERFORM cg_internal.add_working_days('2027-12-31', 1)", "CG009",
              "calendar.year_missing");
    sql_fails("PERFORM cg_internal.is_working_day('2028-01-04')", "CG009", "calendar.year_missing");
    sql_fails("PERFORM cg_internal.is_working_day('2020-12-31')", "CG009", "calendar.year_missing");
    sql_fails("PERFORM cg_internal.working_days_between('2026-12-01', '2028-01-05')", "CG009",
              "calendar.year_missing");
    sql_fails("PERFORM cg_internal.working_days_between('2020-06-01', '2021-01-05')", "CG009",
              "calendar.year_missing");
    sql_fails("PERFORM cg_internal.add_working_days('2024-01-01', -1)", "CG003",
              "value.out_of_range");
    /* the tables are append-only */
    assert_int_not_equal(
        cg_test_sql(&server, "UPDATE calendar_days SET kind = 'workday' WHERE day = '2024-02-12'"),
        0);
    assert_int_not_equal(cg_test_sql(&server, "DELETE FROM time_limits"), 0);
}

/* Initial limits: registration 7 working days, closing 90 calendar days
 * moved past a holiday. */
static void test_time_limit_due(void **state)
{
    sql_is("(SELECT count(*) FROM time_limits)", "20");
    sql_is("cg_internal.time_limit_due(1, 'registration', '2024-02-08')", "date '2024-02-23'");
    /* 90 days after 2024-07-03 is 2024-10-01, a holiday: the limit ends on 10-08 */
    sql_is("cg_internal.time_limit_due(4, 'closing', '2024-07-03')", "date '2024-10-08'");
    sql_is("cg_internal.time_limit_due(4, 'closing', '2024-07-02')", "date '2024-09-30'");
}

/* Fails the test unless the last output has (lacks) text. */
static void has(const char *text)
{
    if (strstr(out, text) == NULL)
        fail_msg("no '%s' in:\n%s", text, out);
}

static void lacks(const char *text)
{
    if (strstr(out, text) != NULL)
        fail_msg("'%s' in:\n%s", text, out);
}

/* Refused by the server (exit 2) with the CLI's text of the reason, under LANG=C. */
static void cli_refused(const char *args, const char *text)
{
    if (cg_test_cli_lang(&server, "C", 1, args, out, sizeof out) != 2)
        fail_msg("%s: not refused: %s", args, out);
    has(text);
}

/* A day of the calendar by the CLI, --json. */
static int cli_json(const char *args)
{
    return cg_test_cli(&server, args, out, sizeof out);
}

/* 2027 ships provisional: its notice was not at hand, so it counts the 13
 * statutory holidays of the law (全国年节及纪念日放假办法 art. 2) until the
 * operators enter the notice's own days and declare the year. */
static void test_provisional_2027(void **state)
{
    WORKING("2027-01-01", "false");
    WORKING("2027-02-04", "true");
    WORKING("2027-02-05", "false"); /* 除夕, a Friday */
    WORKING("2027-02-08", "false"); /* 初三, a Monday */
    WORKING("2027-02-09", "true");  /* a bridging day only once the notice says so */
    WORKING("2027-04-05", "false"); /* 清明 */
    WORKING("2027-06-09", "false"); /* 端午 */
    WORKING("2027-09-15", "false"); /* 中秋 */
    WORKING("2027-10-01", "false");
    WORKING("2027-10-04", "true");
    BETWEEN("2027-02-04", "2027-02-10", 2);
    ADD("2026-12-31", 1, "2027-01-04");
    Chengguan__V1__CalendarShow show = CHENGGUAN__V1__CALENDAR_SHOW__INIT;
    show.year = 2027;
    Chengguan__V1__CalendarShowReply *r =
        (Chengguan__V1__CalendarShowReply *)cg_test_call(&server, "dawa", &show.base, 0, NULL);
    assert_false(r->year->known);
    assert_true(r->year->provisional);
    assert_int_equal(r->year->holidays, 13);
    /* 261 weekdays less the 7 statutory days that fall on one */
    assert_int_equal(r->year->working_days, 254);
    assert_non_null(strstr(r->year->notice, "全国年节及纪念日放假办法"));
    cg_message_free(&r->base);
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 0,
                                      "--as dawa calendar show --year 2027", out, sizeof out),
                     0);
    has("254 个工作日，暂定");
    has("02-05 – 02-08  放假  春节");
    /* declaring it needs a day of the notice entered by an operator */
    Chengguan__V1__CalendarYearAdd year = CHENGGUAN__V1__CALENDAR_YEAR_ADD__INIT;
    year.year = 2027;
    year.notice = "2027年通知（测试）";
    cg_test_call(&server, "hq", &year.base, CG_EFAILED_PRECONDITION, "year");
    assert_string_equal(cg_client_error_reason(cg_test_as(&server, "hq")), "calendar.year_empty");
    assert_int_equal(cli_json("--as hq --json calendar add-holiday 2027-02-09 --name 春节 "
                              "--reason '2027年通知（测试）'"),
                     0);
    Chengguan__V1__CalendarYear *y =
        (Chengguan__V1__CalendarYear *)cg_test_call(&server, "supervision", &year.base, 0, NULL);
    assert_true(y->known);
    assert_false(y->provisional);
    assert_string_equal(y->notice, "2027年通知（测试）");
    assert_int_equal(y->working_days, 253);
    cg_message_free(&y->base);
    BETWEEN("2027-02-04", "2027-02-10", 1);
}

/* Operators extend the calendar: 2028 is unknown until its days are entered
 * and the year declared; then it counts. Roles: hq and supervision keep it,
 * a unit may not, everyone reads it. */
static void test_extend_to_a_new_year(void **state)
{
    /* counting into 2028 is refused, by name */
    Chengguan__V1__CalendarWorkingDays span = CHENGGUAN__V1__CALENDAR_WORKING_DAYS__INIT;
    span.from = "2027-12-30";
    span.to = "2028-01-06";
    cg_test_call(&server, "xinglongtai", &span.base, CG_EFAILED_PRECONDITION, NULL);
    assert_string_equal(cg_client_error_reason(cg_test_as(&server, "xinglongtai")),
                        "calendar.year_missing");
    /* the year cannot be declared before any of its days is entered */
    Chengguan__V1__CalendarYearAdd year = CHENGGUAN__V1__CALENDAR_YEAR_ADD__INIT;
    year.year = 2028;
    year.notice = "2028年通知（测试）";
    cg_test_call(&server, "hq", &year.base, CG_EFAILED_PRECONDITION, "year");
    /* a unit may not change the calendar; hq and supervision may */
    Chengguan__V1__CalendarHolidayAdd h = CHENGGUAN__V1__CALENDAR_HOLIDAY_ADD__INIT;
    h.date = "2028-01-03";
    h.name = "元旦";
    h.reason = "2028年通知（测试）";
    cg_test_call(&server, "xinglongtai", &h.base, CG_EPERMISSION_DENIED, NULL);
    Chengguan__V1__CalendarDay *d =
        (Chengguan__V1__CalendarDay *)cg_test_call(&server, "hq", &h.base, 0, NULL);
    assert_string_equal(d->kind, "holiday");
    assert_false(d->working);
    assert_string_equal(d->added_by, "hq");
    cg_message_free(&d->base);
    assert_int_equal(cli_json("--as supervision --json calendar add-workday 2028-01-08 --name 元旦 "
                              "--reason '2028年通知（测试）'"),
                     0);
    has("\"working\":true");
    has("\"weekend\":true");
    Chengguan__V1__CalendarYear *y =
        (Chengguan__V1__CalendarYear *)cg_test_call(&server, "supervision", &year.base, 0, NULL);
    assert_true(y->known);
    assert_false(y->provisional);
    assert_int_equal(y->holidays, 1);
    assert_int_equal(y->workdays, 1);
    /* 2028: 260 weekdays (366 days from a Saturday), one day off, one Saturday worked */
    assert_int_equal(y->working_days, 260);
    cg_message_free(&y->base);
    /* once per year */
    cg_test_call(&server, "hq", &year.base, CG_EALREADY_EXISTS, "year");
    /* now it counts: 12-31 (Fri), 2028-01-04 (Tue) .. 01-06, with 01-03 off */
    Chengguan__V1__CalendarWorkingDaysReply *r =
        (Chengguan__V1__CalendarWorkingDaysReply *)cg_test_call(&server, "property-demo",
                                                                &span.base, 0, NULL);
    assert_int_equal(r->working_days, 4);
    assert_int_equal(r->calendar_days, 7);
    assert_int_equal(r->n_days, 1);
    assert_string_equal(r->days[0]->date, "2028-01-03");
    cg_message_free(&r->base);
    sql_is("cg_internal.add_working_days('2027-12-31', 1)", "date '2028-01-04'");
}

/* A correction: nothing is edited in place, the latest entry of a day wins,
 * and show keeps the history. */
static void test_correction_keeps_history(void **state)
{
    /* Dragon Boat 2026 (Fri 06-19) wrongly made a working day, then put back */
    assert_int_equal(cli_json("--as hq --json calendar add-workday 2026-06-19 --name 端午节 "
                              "--reason 误录"),
                     0);
    sql_is("cg_internal.is_working_day('2026-06-19')", "true");
    sql_is("cg_internal.working_days_between('2026-06-18', '2026-06-22')", "2");
    assert_int_equal(cli_json("--as supervision --json calendar add-holiday 2026-06-19 --name "
                              "端午节 --reason 更正：按通知放假"),
                     0);
    sql_is("cg_internal.is_working_day('2026-06-19')", "false");
    sql_is("cg_internal.working_days_between('2026-06-18', '2026-06-22')", "1");
    Chengguan__V1__CalendarShow show = CHENGGUAN__V1__CALENDAR_SHOW__INIT;
    show.year = 2026;
    Chengguan__V1__CalendarShowReply *r =
        (Chengguan__V1__CalendarShowReply *)cg_test_call(&server, "hotline", &show.base, 0, NULL);
    assert_true(r->year->known);
    assert_int_equal(r->year->working_days, 248);
    size_t rows = 0;
    for (size_t i = 0; i < r->n_days; i++) {
        if (strcmp(r->days[i]->date, "2026-06-19") != 0)
            continue;
        /* the notice's entry, the wrong one, the correction: only the last in effect */
        static const char *const kinds[] = {"holiday", "workday", "holiday"};
        assert_true(rows < 3);
        assert_string_equal(r->days[i]->kind, kinds[rows]);
        assert_int_equal(r->days[i]->in_effect, rows == 2);
        rows++;
    }
    assert_int_equal(rows, 3);
    cg_message_free(&r->base);
    /* the rows are all still there */
    sql_is("(SELECT count(*) FROM calendar_days WHERE day = '2026-06-19')", "3");

    /* the month view a clerk reads, in Chinese */
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 0,
                                      "--as xinglongtai calendar show "
                                      "--year 2026",
                                      out, sizeof out),
                     0);
    has("2026年2月");
    has("一   二   三   四   五   六   日");
    has("14班"); /* Saturday 02-14 worked */
    has("15休");
    has("02-15 – 02-23  放假  春节");
    has("248 个工作日");
    has("更正：按通知放假"); /* the history */
    lacks("holiday");
    assert_int_equal(cg_test_cli_lang(&server, "C", 0, "--as xinglongtai calendar show --year 2024",
                                      out, sizeof out),
                     0);
    has(" 9   10H"); /* 除夕 2024 is a working Friday */
    has(" 4W");
}

/* calendar working-days in the CLI. */
static void test_cli_working_days(void **state)
{
    assert_int_equal(cli_json("--as dawa --json calendar working-days --from 2024-02-08 --to "
                              "2024-02-19"),
                     0);
    has("\"working_days\":3");
    has("\"calendar_days\":11");
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 0,
                                      "--as dawa calendar working-days "
                                      "--from 2021-09-30 --to 2021-10-15",
                                      out, sizeof out),
                     0);
    has("国庆节");
    has("调休上班");
}

/* Bad input: refused with a reason, nothing written. */
static void test_bad_input(void **state)
{
    static const struct {
        const char *args, *text;
    } bad[] = {
        {"--as hq calendar add-holiday 2026-02-30 --name x --reason y", "no such date"},
        {"--as hq calendar add-holiday 2020-10-01 --name x --reason y", "must be"},
        {"--as hq calendar add-holiday 2026-10-01 --name '' --reason y", "must be given"},
        {"--as hq calendar add-workday 2026-10-10 --name x --reason ''", "must be given"},
        {"--as hq calendar add-year 2020 --notice x", "must be"},
        {"--as hq calendar add-year 2026 --notice x", "already in the calendar"},
        {"--as hq calendar working-days --from 2024-02-19 --to 2024-02-08",
         "ends before it starts"},
        {"--as hq calendar working-days --from 2024-02-19 --to 2024-13-01", "no such date"},
        {"--as hq calendar working-days --from 2020-12-01 --to 2021-01-08", "has no year 2020"},
        {"--as hq calendar show --year 1999", "must be"},
        {"--as supervision limits set 2 --kind closing --days 0 --reason x", "must be given"},
        {"--as supervision limits set 2 --kind closing --days 4000 --reason x", "must be"},
        {"--as supervision limits set 2 --kind close --days 30 --reason x", "is not one of"},
        {"--as supervision limits set 2 --kind closing --days 30 --day-kind weeks --reason x",
         "is not one of"},
        {"--as supervision limits set 11 --kind closing --days 30 --reason x",
         "no violation category"},
        {"--as hq limits set 2 --kind closing --days 30 --reason x", "PERMISSION_DENIED"},
        {"--as dawa limits set 2 --kind closing --days 30 --reason x", "PERMISSION_DENIED"},
        {"--as dawa calendar add-holiday 2026-10-12 --name x --reason y", "PERMISSION_DENIED"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char args[512];
        snprintf(args, sizeof args, "--json %s", bad[i].args);
        cli_refused(args, bad[i].text);
    }
    sql_is("(SELECT count(*) FROM calendar_days WHERE added_by IS NOT NULL AND day >= '2026-10-01' "
           "AND day < '2026-11-01')",
           "0");
    sql_is("(SELECT count(*) FROM time_limits)", "20");
}

/* Supervision changes a limit; the history stays and the new one counts. */
static void test_limits(void **state)
{
    assert_int_equal(
        cg_test_cli_lang(&server, "zh_CN.UTF-8", 0, "--as dawa limits list", out, sizeof out), 0);
    has("立案");
    has("工作日");
    Chengguan__V1__LimitSet set = CHENGGUAN__V1__LIMIT_SET__INIT;
    set.category = 2;
    set.kind = "registration";
    set.days = 5;
    set.reason = "督查科通知（测试）";
    Chengguan__V1__TimeLimit *l =
        (Chengguan__V1__TimeLimit *)cg_test_call(&server, "supervision", &set.base, 0, NULL);
    assert_int_equal(l->days, 5);
    assert_string_equal(l->day_kind, "working"); /* kept */
    assert_string_equal(l->set_by, "supervision");
    cg_message_free(&l->base);
    set.days = 60;
    set.kind = "closing";
    set.day_kind = "working";
    set.idempotency_key.len = 0;
    l = (Chengguan__V1__TimeLimit *)cg_test_call(&server, "supervision", &set.base, 0, NULL);
    cg_message_free(&l->base);
    /* 5 working days from Thu 2024-02-08: 02-09, 02-18, 02-19, 02-20, 02-21 */
    sql_is("cg_internal.time_limit_due(2, 'registration', '2024-02-08')", "date '2024-02-21'");
    sql_is("cg_internal.time_limit_due(1, 'registration', '2024-02-08')", "date '2024-02-23'");
    sql_is("cg_internal.time_limit_due(2, 'closing', '2024-02-08')",
           "cg_internal.add_working_days('2024-02-08', 60)");
    Chengguan__V1__LimitList list = CHENGGUAN__V1__LIMIT_LIST__INIT;
    Chengguan__V1__LimitListReply *r =
        (Chengguan__V1__LimitListReply *)cg_test_call(&server, "xinglongtai", &list.base, 0, NULL);
    assert_int_equal(r->n_limits, 20);
    cg_message_free(&r->base);
    list.history = 1;
    r = (Chengguan__V1__LimitListReply *)cg_test_call(&server, "dawa", &list.base, 0, NULL);
    assert_int_equal(r->n_limits, 22);
    assert_false(r->limits[2]->current); /* category 2's registration, replaced */
    assert_true(r->limits[20]->current);
    cg_message_free(&r->base);
    /* the property company and the hotline do not see the limits */
    list.history = 0;
    cg_test_call(&server, "hotline", &list.base, CG_EPERMISSION_DENIED, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_of_the_notices),
        cmocka_unit_test(test_add_working_days),
        cmocka_unit_test(test_unknown_year_is_an_error),
        cmocka_unit_test(test_time_limit_due),
        cmocka_unit_test(test_provisional_2027),
        cmocka_unit_test(test_extend_to_a_new_year),
        cmocka_unit_test(test_correction_keeps_history),
        cmocka_unit_test(test_cli_working_days),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_limits),
    };
    cg_test_server_init(&server, "calendar", 0);
    return CG_TEST_RUN(&server, NULL, tests);
}
