/*
 * Plans kept for the session (issue 14): a SQL-language function that reads
 * a table is planned afresh in every transaction, so the functions every
 * write and read calls (the document builders and the category lookups) are
 * plpgsql, whose plans a connection keeps. And a report is rendered once per
 * submit: the reply is the document the event carries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;

/* The statement chengguand sends for a ReportSubmit as hq (without its
 * settings), with idempotency key 0123...cdeN. */
static void report_submit_sql(char *buf, size_t size, char key_digit, uint64_t compound,
                              int category, const char *text)
{
    snprintf(buf, size,
             "SELECT cg_api.report_submit('hq', '{\"idempotency_key\": "
             "\"0123456789abcdef0123456789abcde%c\", \"report\": {\"compound_id\": %llu, "
             "\"category\": %d, \"text\": \"%s\"}}'::jsonb)",
             key_digit, (unsigned long long)compound, category, text);
}

/* Runs statement in a transaction of its own (with track_functions on) and
 * returns what the query figure, run after it in the same transaction,
 * gives: the transaction's own statistics. */
static long long measure_during(const char *statement, const char *figure)
{
    char sql[4096];
    snprintf(sql, sizeof sql,
             "CREATE TABLE IF NOT EXISTS probe (value bigint); TRUNCATE probe; "
             "SET track_functions = 'all'; BEGIN; %s; INSERT INTO probe %s; COMMIT",
             statement, figure);
    assert_int_equal(cg_test_sql(&server, sql), 0);
    return cg_test_sql_int(&server, "SELECT value FROM probe");
}

/* How often statement called function (a regprocedure): 0 for a SQL
 * function inlined into its callers. */
static long long calls_during(const char *statement, const char *function)
{
    char figure[512];
    snprintf(figure, sizeof figure,
             "SELECT coalesce(pg_stat_get_xact_function_calls('%s'::regprocedure), 0)", function);
    return measure_during(statement, figure);
}

/* The rows of tables (an SQL list of names) that statement fetched. */
static long long rows_fetched(const char *statement, const char *tables)
{
    char figure[512];
    snprintf(figure, sizeof figure,
             "SELECT sum(coalesce(idx_tup_fetch, 0) + seq_tup_read) "
             "FROM pg_stat_xact_user_tables WHERE relname IN (%s)",
             tables);
    return measure_during(statement, figure);
}

static void test_hot_functions_keep_their_plans(void **state)
{
    static const char *const hot[] = {"report_doc", "report_timeline_doc", "compound_doc",
                                      "category_zh", "category_problem"};
    for (size_t i = 0; i < sizeof hot / sizeof hot[0]; i++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
                 "WHERE p.pronamespace = 'cg_internal'::regnamespace AND p.proname = '%s' "
                 "AND l.lanname = 'plpgsql'",
                 hot[i]);
        if (cg_test_sql_int(&server, sql) != 1)
            fail_msg("cg_internal.%s is not one plpgsql function", hot[i]);
    }
}

static void test_submit_renders_its_report_once(void **state)
{
    uint64_t officer;
    uint64_t compound =
        cg_test_make_compound(&server, "hq", "dawa", "计划测试", "property-demo", NULL, &officer);
    /* The same function the server calls, in a transaction of its own,
     * counting the renderings with the function statistics of this backend;
     * and the calls of the illegal-construction check, a SQL function that
     * is inlined into its callers (no calls of its own) unless its declared
     * volatility keeps it out. */
    char submit[512];
    report_submit_sql(submit, sizeof submit, 'f', compound, 1, "一次");
    assert_int_equal(calls_during(submit, "cg_internal.report_doc(bigint)"), 1);
    report_submit_sql(submit, sizeof submit, 'e', compound, 2, "两次");
    assert_int_equal(
        calls_during(submit, "cg_internal.illegal_construction_problem(boolean, numeric)"), 0);
}

/*
 * The dedup lookup of a submit reads the reports of its compound and
 * category that are still in their window, not every open report: 3,000
 * open reports of the same compound and category, all past their window,
 * and a submit fetches a handful of report rows (its own, the compound's
 * checks). The lookup it had walked every open report (6 ms a submit at
 * 27,000; docs/performance.md).
 */
static void test_dedup_reads_only_reports_in_their_window(void **state)
{
    uint64_t officer;
    uint64_t compound =
        cg_test_make_compound(&server, "hq", "dawa", "查重测试", "property-demo", NULL, &officer);
    char sql[2048], submit[512];
    report_submit_sql(submit, sizeof submit, '1', compound, 2, "第一份");
    snprintf(sql, sizeof sql, "SET cg.dedup_window_ms = 0; %s", submit);
    assert_int_equal(cg_test_sql(&server, sql), 0);
    snprintf(
        sql, sizeof sql,
        "INSERT INTO reports (compound_id, unit_code, grid_officer_id, category, text, location, "
        "dissuasion_failed, illegal_construction, reporter, property_account, ack_timeout_ms, "
        "supervision_timeout_ms, resolve_timeout_ms, remind_every_ms, dedup_window_ms, ack_due, "
        "supervision_due, dedup_until, nobody_to_call, work_order) "
        "SELECT compound_id, unit_code, grid_officer_id, category, text, location, "
        "dissuasion_failed, illegal_construction, reporter, property_account, ack_timeout_ms, "
        "supervision_timeout_ms, resolve_timeout_ms, remind_every_ms, dedup_window_ms, ack_due, "
        "supervision_due, now() - interval '1 hour', nobody_to_call, work_order "
        "FROM reports r, generate_series(1, 3000) "
        "WHERE r.id = (SELECT max(id) FROM reports WHERE compound_id = %llu); "
        "ANALYZE reports",
        (unsigned long long)compound);
    assert_int_equal(cg_test_sql(&server, sql), 0);
    report_submit_sql(submit, sizeof submit, '2', compound, 2, "第二份");
    long long rows = rows_fetched(submit, "'reports'");
    if (rows > 20)
        fail_msg("one submit fetched %lld report rows (3,000 open ones out of their window)", rows);
    /* and it did not join any of them */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM reports WHERE compound_id = %llu AND duplicates > 0",
             (unsigned long long)compound);
    assert_int_equal(cg_test_sql_int(&server, sql), 0);
}

/*
 * The overlap checks of a patrol submit read the patrols near its time, not
 * every patrol of its compound and officer: 3,000 earlier patrols of the
 * same compound and officer (the last ends weeks before the new one), and a
 * submit fetches a handful of patrol rows.
 * The checks it had read all of them (2 ms a submit at 12,000).
 */
static void test_patrol_checks_read_only_near_patrols(void **state)
{
    uint64_t officer;
    uint64_t compound = cg_test_make_compound(&server, "hq", "dawa", "巡查测试", "property-demo",
                                              "2024-01-01", &officer);
    char sql[2048];
    snprintf(sql, sizeof sql,
             "WITH p AS (INSERT INTO patrols (compound_id, start_at, end_at, note, submitted_by) "
             "SELECT %llu, t, t + interval '1 hour', '', 'hq' "
             "FROM generate_series(timestamptz '2024-01-02', timestamptz '2024-01-02' + interval "
             "'2999 hours', interval '1 hour') t RETURNING id) "
             "INSERT INTO patrol_officers (patrol_id, ord, officer_id) SELECT id, 1, %llu FROM p; "
             "ANALYZE patrols; ANALYZE patrol_officers",
             (unsigned long long)compound, (unsigned long long)officer);
    assert_int_equal(cg_test_sql(&server, sql), 0);
    snprintf(sql, sizeof sql,
             "SELECT cg_api.patrol_submit('hq', jsonb_build_object('idempotency_key', "
             "'0123456789abcdef0123456789abcde3', 'patrol', jsonb_build_object('compound_id', "
             "%llu, 'officer_ids', jsonb_build_array(%llu), 'start', '2024-06-01T01:00:00Z', "
             "'end', '2024-06-01T02:00:00Z')))",
             (unsigned long long)compound, (unsigned long long)officer);
    long long rows = rows_fetched(sql, "'patrols', 'patrol_officers'");
    if (rows > 20)
        fail_msg("one patrol submit fetched %lld patrol rows (3,000 earlier patrols)", rows);
    /* and the week's text is inlined, not a call of its own */
    snprintf(sql, sizeof sql,
             "SELECT cg_api.patrol_submit('hq', jsonb_build_object('idempotency_key', "
             "'0123456789abcdef0123456789abcde4', 'patrol', jsonb_build_object('compound_id', "
             "%llu, 'officer_ids', jsonb_build_array(%llu), 'start', '2024-06-02T01:00:00Z', "
             "'end', '2024-06-02T02:00:00Z')))",
             (unsigned long long)compound, (unsigned long long)officer);
    assert_int_equal(calls_during(sql, "cg_internal.week_text(date)"), 0);
}

/*
 * The event sequencer finds the events without a seq by index, skipping the
 * row versions earlier calls left dead (every event's first version has no
 * seq): the functions that look run without bitmap or sequential scans, and
 * under those settings, with 2,000 events written and numbered and the
 * statistics taken while none had a seq (the planner's worst case), the
 * look reads a few index pages once the first has marked the dead versions.
 * A bitmap or sequential scan read every dead version's page on every call
 * (3-12 ms a call at 20,000 events).
 */
static void test_sequencer_skips_dead_versions(void **state)
{
    assert_int_equal(
        cg_test_sql_int(&server, "SELECT count(*) FROM pg_proc WHERE pronamespace = "
                                 "'cg_internal'::regnamespace AND proname IN ('sequence_events', "
                                 "'events_pending') AND proconfig @> "
                                 "ARRAY['enable_bitmapscan=off', 'enable_seqscan=off']"),
        2);
    /* The blocks the look itself reads (EXPLAIN counts planning apart). */
    assert_int_equal(cg_test_sql(&server,
                                 "CREATE FUNCTION look_blocks() RETURNS bigint LANGUAGE plpgsql "
                                 "SET enable_bitmapscan = off SET enable_seqscan = off AS $$ "
                                 "DECLARE j json; BEGIN "
                                 "EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "
                                 "SELECT count(*) FROM events WHERE seq IS NULL' INTO j; "
                                 "RETURN (j->0->'Plan'->>'Shared Hit Blocks')::bigint "
                                 "+ (j->0->'Plan'->>'Shared Read Blocks')::bigint; END $$"),
                     0);
    assert_int_equal(cg_test_sql(&server, "INSERT INTO events (xid, kind, body) "
                                          "SELECT pg_current_xact_id(), 'probe', "
                                          "jsonb_build_object('pad', repeat('事', 200)) "
                                          "FROM generate_series(1, 2000); ANALYZE events"),
                     0);
    assert_int_equal(cg_test_sql(&server, "SELECT cg_internal.sequence_events()"), 0);
    /* A dead version is marked only once no transaction can still see it,
     * and the server's own connections work on this database meanwhile:
     * look again for a while; a bitmap or sequential scan never gets
     * cheaper. */
    long long blocks;
    long long deadline = cg_test_now_ms() + 10000;
    while ((blocks = cg_test_sql_int(&server, "SELECT look_blocks()")) > 10 &&
           cg_test_now_ms() < deadline)
        usleep(200000);
    long long pages =
        cg_test_sql_int(&server, "SELECT relpages FROM pg_class WHERE relname = 'events'");
    if (blocks > 10)
        fail_msg("looking for unnumbered events read %lld blocks (the table has %lld pages)",
                 blocks, pages);
}

int main(void)
{
    cg_test_server_init(&server, "sql_plans", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hot_functions_keep_their_plans),
        cmocka_unit_test(test_submit_renders_its_report_once),
        cmocka_unit_test(test_dedup_reads_only_reports_in_their_window),
        cmocka_unit_test(test_sequencer_skips_dead_versions),
        cmocka_unit_test(test_patrol_checks_read_only_near_patrols),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
