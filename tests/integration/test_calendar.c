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
    sql_fails("PERFORM cg_internal.add_working_days('2026-12-31', 1)", "CG009",
              "calendar.year_missing");
    sql_fails("PERFORM cg_internal.is_working_day('2027-01-04')", "CG009", "calendar.year_missing");
    sql_fails("PERFORM cg_internal.is_working_day('2020-12-31')", "CG009", "calendar.year_missing");
    sql_fails("PERFORM cg_internal.working_days_between('2026-12-01', '2027-01-05')", "CG009",
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_of_the_notices),
        cmocka_unit_test(test_add_working_days),
        cmocka_unit_test(test_unknown_year_is_an_error),
        cmocka_unit_test(test_time_limit_due),
    };
    cg_test_server_init(&server, "calendar", 0);
    return CG_TEST_RUN(&server, NULL, tests);
}
