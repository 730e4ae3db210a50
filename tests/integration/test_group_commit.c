/*
 * Group commit (issue 14): report submits that queue while the pool's one
 * connection is busy run as one transaction, each in a savepoint. A request
 * that fails in the group fails alone and the others commit; nothing of the
 * group is answered, nor visible to others, before its COMMIT.
 *
 * Two psql sessions hold the row locks of two compounds: the first submit
 * waits on one (alone on the connection) while four more queue behind it;
 * ending that lock lets the four run as a group, whose third member waits
 * on the other lock after the first two ran (one ok, one refused).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;

/* Holds compound id's row lock from a psql session named app until it is
 * terminated; returns once the lock is held. */
static void hold_lock(uint64_t id, const char *app)
{
    char cmd[1600];
    snprintf(cmd, sizeof cmd,
             "psql -q -X '%s application_name=%s' -c 'BEGIN' "
             "-c 'SELECT 1 FROM compounds WHERE id = %llu FOR UPDATE' -c 'SELECT pg_sleep(60)' "
             ">/dev/null 2>&1 &",
             server.conninfo, app, (unsigned long long)id);
    assert_int_equal(system(cmd), 0);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s' "
             "AND query LIKE 'SELECT pg_sleep%%'",
             app);
    long long deadline = cg_test_now_ms() + 10000;
    while (cg_test_sql_int(&server, sql) != 1)
        assert_true(cg_test_now_ms() < deadline);
}

static void release_lock(const char *app)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '%s'",
             app);
    assert_int_equal(cg_test_sql(&server, sql), 0);
}

/* Each test's keys are its own. */
static uint8_t key_round;

/* Sends ReportSubmit with envelope id on compound (categories over 10 are
 * refused). */
static void submit(cg_test_raw *r, int64_t id, uint64_t compound, uint32_t category)
{
    char text[64];
    snprintf(text, sizeof text, "group commit %lld", (long long)id);
    uint8_t key[16] = {0x6c, (uint8_t)id, key_round};
    Chengguan__V1__Report rep = CHENGGUAN__V1__REPORT__INIT;
    rep.compound_id = compound;
    rep.category = category;
    rep.text = text;
    Chengguan__V1__ReportSubmit req = CHENGGUAN__V1__REPORT_SUBMIT__INIT;
    req.report = &rep;
    req.idempotency_key.data = key;
    req.idempotency_key.len = sizeof key;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = id;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_REPORT_SUBMIT;
    env.report_submit = &req;
    assert_int_equal(cg_test_raw_send_env(r, &env), 0);
}

static long long reports_of(int64_t id)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM reports WHERE text = 'group commit %lld'",
             (long long)id);
    return cg_test_sql_int(&server, sql);
}

/* The body case of the reply to each envelope id 1..5 (index = id). */
static void replies(cg_test_raw *r, int want, int *got)
{
    for (int i = 0; i < want; i++) {
        cg_envelope *env = cg_test_raw_recv(r, 30000);
        assert_non_null(env);
        assert_true(env->id >= 1 && env->id <= 5);
        got[env->id] = env->body_case;
        cg_envelope_free(env, NULL);
    }
}

static void test_failing_request_fails_alone(void **state)
{
    uint64_t officer, x, y, z;
    x = cg_test_make_compound(&server, "hq", "dawa", "组提交甲", NULL, NULL, &officer);
    y = cg_test_make_compound(&server, "hq", "dawa", "组提交乙", NULL, NULL, &officer);
    z = cg_test_make_compound(&server, "hq", "dawa", "组提交丙", NULL, NULL, &officer);
    hold_lock(x, "cg_group_x");
    hold_lock(z, "cg_group_z");

    cg_test_raw r;
    cg_test_raw_open_as(&r, &server, "hq");
    assert_true(cg_test_raw_hello(&r));
    submit(&r, 1, x, 1); /* alone on the connection: waits for x */
    /* Only once it is in flight do the others queue behind it. */
    long long deadline = cg_test_now_ms() + 10000;
    while (cg_test_sql_int(&server, "SELECT count(*) FROM pg_stat_activity "
                                    "WHERE application_name = 'chengguand' "
                                    "AND wait_event_type = 'Lock'") != 1)
        assert_true(cg_test_now_ms() < deadline);
    submit(&r, 2, y, 2);
    submit(&r, 3, y, 99); /* refused: no such category */
    submit(&r, 4, z, 4);  /* waits for z inside the group */
    submit(&r, 5, y, 5);

    release_lock("cg_group_x");
    int got[6] = {0};
    replies(&r, 1, got);
    assert_int_equal(got[1], CHENGGUAN__V1__ENVELOPE__BODY_REPORT);
    /* The group waits for z after 2 and 3 ran: 2 is written but neither
     * committed nor answered. */
    deadline = cg_test_now_ms() + 10000;
    while (cg_test_sql_int(&server, "SELECT count(*) FROM pg_stat_activity "
                                    "WHERE application_name = 'chengguand' "
                                    "AND wait_event_type = 'Lock'") != 1)
        assert_true(cg_test_now_ms() < deadline);
    assert_null(cg_test_raw_recv(&r, 500));
    assert_int_equal(reports_of(2), 0);

    release_lock("cg_group_z");
    replies(&r, 4, got);
    assert_int_equal(got[2], CHENGGUAN__V1__ENVELOPE__BODY_REPORT);
    assert_int_equal(got[3], CHENGGUAN__V1__ENVELOPE__BODY_ERROR);
    assert_int_equal(got[4], CHENGGUAN__V1__ENVELOPE__BODY_REPORT);
    assert_int_equal(got[5], CHENGGUAN__V1__ENVELOPE__BODY_REPORT);
    assert_int_equal(reports_of(1), 1);
    assert_int_equal(reports_of(2), 1);
    assert_int_equal(reports_of(3), 0);
    assert_int_equal(reports_of(4), 1);
    assert_int_equal(reports_of(5), 1);
    /* They were one transaction: one xid for their events. */
    assert_int_equal(cg_test_sql_int(&server, "SELECT count(DISTINCT e.xid) FROM events e "
                                              "JOIN reports r ON r.id = e.report_id "
                                              "WHERE r.text IN ('group commit 2', "
                                              "'group commit 4', 'group commit 5')"),
                     1);
    cg_test_raw_close(&r);
}

/* The flight after a failure may hold no call at all (the last member
 * failed), and the first member may fail before any other ran. */
static void test_first_and_last_fail_alone(void **state)
{
    uint64_t officer, x, y;
    key_round = 1;
    x = cg_test_make_compound(&server, "hq", "dawa", "组提交丁", NULL, NULL, &officer);
    y = cg_test_make_compound(&server, "hq", "dawa", "组提交戊", NULL, NULL, &officer);
    hold_lock(x, "cg_group_x2");

    cg_test_raw r;
    cg_test_raw_open_as(&r, &server, "hq");
    assert_true(cg_test_raw_hello(&r));
    submit(&r, 1, x, 1);
    long long deadline = cg_test_now_ms() + 10000;
    while (cg_test_sql_int(&server, "SELECT count(*) FROM pg_stat_activity "
                                    "WHERE application_name = 'chengguand' "
                                    "AND wait_event_type = 'Lock'") != 1)
        assert_true(cg_test_now_ms() < deadline);
    submit(&r, 2, y, 98); /* refused */
    submit(&r, 3, y, 3);
    submit(&r, 4, y, 97); /* refused */
    release_lock("cg_group_x2");
    int got[6] = {0};
    replies(&r, 4, got);
    assert_int_equal(got[1], CHENGGUAN__V1__ENVELOPE__BODY_REPORT);
    assert_int_equal(got[2], CHENGGUAN__V1__ENVELOPE__BODY_ERROR);
    assert_int_equal(got[3], CHENGGUAN__V1__ENVELOPE__BODY_REPORT);
    assert_int_equal(got[4], CHENGGUAN__V1__ENVELOPE__BODY_ERROR);
    assert_int_equal(cg_test_sql_int(&server, "SELECT count(*) FROM reports "
                                              "WHERE text = 'group commit 3'"),
                     1); /* (the test before's 3 was refused) */
    /* the connection is still good */
    submit(&r, 5, y, 5);
    replies(&r, 1, got);
    assert_int_equal(got[5], CHENGGUAN__V1__ENVELOPE__BODY_REPORT);
    cg_test_raw_close(&r);
}

int main(void)
{
    cg_test_server_init(&server, "group_commit", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failing_request_fails_alone),
        cmocka_unit_test(test_first_and_last_fail_alone),
    };
    return CG_TEST_RUN(&server, "db_pool_size = 1\n", tests);
}
