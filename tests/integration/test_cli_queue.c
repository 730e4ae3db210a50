/*
 * The offline workstation (issue 15): with the server stopped, patrols
 * submitted through the CLI go to the offline queue (exit 4, said in
 * Chinese) and one through the library (CG_EQUEUED); with the server back,
 * `queue flush` stores each exactly once. An entry whose first attempt did
 * reach the server (its file restored after the flush, as a crash between
 * sending and removing leaves it) is not stored twice; a second flush sends
 * nothing; a refused entry stays, marked; an entry cut short by a crash is
 * reported as damaged and never sent or removed. The next command that
 * reaches the server sends what waits first.
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

#include "chengguan/journal.h"
#include "harness.h"

static cg_test_server server;
static char out[1 << 16];
static char queue[640];
static uint64_t compound, officer;

#define cli(...) cg_test_clif(&server, out, sizeof out, __VA_ARGS__)

static long long patrols(void)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM patrols WHERE compound_id = %llu",
             (unsigned long long)compound);
    return cg_test_sql_int(&server, sql);
}

/* The number of files in the queue whose name ends with suffix. */
static int files(const char *suffix)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -c -- '%s$' >'%s/count'", queue, suffix,
             server.dir);
    (void)!system(cmd);
    snprintf(cmd, sizeof cmd, "%s/count", server.dir);
    char *text = cg_test_read_text(cmd);
    int n = atoi(text);
    free(text);
    return n;
}

/* A patrol of the day, 09:00-10:00 Beijing time, as the CLI submits it. */
static int submit(int day, uint64_t of_compound, int zh)
{
    char args[512];
    snprintf(args, sizeof args,
             "--as xinglongtai patrol submit --compound %llu --officer %llu "
             "--start 2021-03-%02dT09:00 --end 2021-03-%02dT10:00",
             (unsigned long long)of_compound, (unsigned long long)officer, day, day);
    return cg_test_cli_lang(&server, zh ? "zh_CN.UTF-8" : "C", 1, args, out, sizeof out);
}

static void offline_patrols_are_stored_once(void **state)
{
    (void)state;
    compound = cg_test_make_compound(&server, "hq", "xinglongtai", "离线小区", NULL, "2021-02-01",
                                     &officer);
    cg_test_forget_clients();
    assert_int_equal(cg_test_server_stop(&server), 0);

    /* Three patrols through the CLI while the server is away: queued, and
     * said so in Chinese. */
    for (int day = 1; day <= 3; day++) {
        assert_int_equal(submit(day, compound, 1), 4);
        fprintf(stderr, "%s", out);
        assert_non_null(strstr(out, "离线队列"));
        assert_non_null(strstr(out, "chengguan queue flush"));
    }
    /* One through the library: a client whose connection failed, given a
     * journal, queues the mutation. */
    cg_client_options opt = cg_test_options(&server, "xinglongtai");
    cg_client *c;
    assert_int_equal(cg_client_connect(&c, &opt), CG_ECONNECT);
    assert_int_equal(cg_client_set_journal(c, queue), 0);
    Chengguan__V1__Patrol p = CHENGGUAN__V1__PATROL__INIT;
    p.compound_id = compound;
    p.n_officer_ids = 1;
    p.officer_ids = &officer;
    p.start = "2021-03-04T09:00";
    p.end = "2021-03-04T10:00";
    Chengguan__V1__PatrolSubmit sub = CHENGGUAN__V1__PATROL_SUBMIT__INIT;
    sub.patrol = &p;
    ProtobufCMessage *reply = NULL;
    assert_int_equal(cg_call(c, &sub.base, &reply), CG_EQUEUED);
    assert_null(reply);
    assert_true(strlen(cg_client_queued(c)) > 0);
    assert_null(sub.idempotency_key.data); /* the caller's message is left as it was */
    cg_client_free(c);
    /* A patrol of a compound that does not exist: the server will refuse it. */
    assert_int_equal(submit(5, 999999, 0), 4);
    /* And one whose file a crash cut short. */
    assert_int_equal(submit(6, compound, 0), 4);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "f=$(ls '%s'/*.pending | tail -n 1) && truncate -s -7 \"$f\" && "
             "echo \"$(basename \"$f\")\" >'%s/cut'",
             queue, server.dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(files(".pending"), 6);

    /* queue list needs no server: six entries, one damaged and said so. */
    assert_int_equal(
        cg_test_cli_lang(&server, "zh_CN.UTF-8", 1, "--as xinglongtai queue list", out, sizeof out),
        0);
    fprintf(stderr, "%s", out);
    assert_non_null(strstr(out, "已损坏"));
    assert_non_null(strstr(out, "待发送"));
    assert_int_equal(cli("--as xinglongtai --json queue list"), 0);
    int lines = 0;
    for (const char *s = out; (s = strstr(s, "\"entry\"")) != NULL; s++)
        lines++;
    assert_int_equal(lines, 6);
    assert_non_null(strstr(out, "\"state\":\"damaged\""));
    assert_non_null(strstr(out, "cut short"));

    /* Keep a copy of the first entry: after the flush it comes back, as
     * when a crash hits between the server's answer and the removal. */
    snprintf(cmd, sizeof cmd, "cp -p \"$(ls '%s'/*.pending | head -n 1)\" '%s/first.copy'", queue,
             server.dir);
    assert_int_equal(system(cmd), 0);

    cg_test_server_restart(&server, NULL);
    assert_int_equal(patrols(), 0);
    /* The server refused one: exit 2; four stored, once each. */
    assert_int_equal(
        cg_test_cli_lang(&server, "C", 1, "--as xinglongtai queue flush", out, sizeof out), 2);
    fprintf(stderr, "%s", out);
    assert_non_null(
        strstr(out, "sent 4; left in the offline queue: 0 waiting, 1 refused, 1 damaged"));
    assert_non_null(strstr(out, "NOT_FOUND"));
    assert_int_equal(patrols(), 4);
    assert_int_equal(files(".refused"), 1);
    assert_int_equal(files(".pending"), 1); /* the damaged one, left alone */

    /* Flushing again sends nothing; the damaged entry keeps it at 4. */
    assert_int_equal(cli("--as xinglongtai queue flush"), 4);
    assert_non_null(strstr(out, "sent 0;"));
    assert_int_equal(patrols(), 4);

    /* The first entry once more: answered from its key, not stored again. */
    snprintf(cmd, sizeof cmd, "cp -p '%s/first.copy' '%s/00000000000000ff-00000000.pending'",
             server.dir, queue);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(cli("--as xinglongtai queue flush"), 4);
    assert_non_null(strstr(out, "sent 1;"));
    assert_int_equal(patrols(), 4);
    assert_int_equal(cg_test_sql_int(&server, "SELECT count(*) FROM (SELECT compound_id, start_at "
                                              "FROM patrols GROUP BY 1, 2 HAVING count(*) > 1) d"),
                     0);

    /* Queued while away, sent by the next command that reaches the server. */
    cg_test_server_stop(&server);
    assert_int_equal(submit(7, compound, 0), 4);
    cg_test_server_restart(&server, NULL);
    assert_int_equal(
        cg_test_cli_lang(&server, "C", 1, "--as xinglongtai patrol list", out, sizeof out), 0);
    assert_non_null(strstr(out, "sent from the offline queue"));
    assert_int_equal(patrols(), 5);
}

int main(void)
{
    cg_test_server_init(&server, "cli_queue", 0);
    snprintf(queue, sizeof queue, "%s/queue", server.dir);
    setenv("CHENGGUAN_JOURNAL", queue, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(offline_patrols_are_stored_once),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
