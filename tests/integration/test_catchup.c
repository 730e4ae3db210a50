/*
 * A subscriber with more to catch up than max_output_bytes (64 kB here)
 * that does not read for longer than the catch-up takes: the catch-up waits
 * for it, so when it reads again every event comes, in order and without a
 * gap, it is not cut off, and it goes on live. And a second server whose
 * LISTEN connection is terminated: its subscriber still gets every event
 * filed through the first, in order, once it has reconnected.
 * docs/reliability.md records the figures this prints.
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

/* 1,000 events of 6 kB: more than the kernel's socket buffers take on
 * loopback (up to 4 MB sent, tcp_wmem) and max_output_bytes together. */
#define REPORTS 1000
#define PAUSE_S 3
#define TEXT    "报" /* 3 bytes; a report text holds 2,000 characters, each event carries it */

static cg_test_server server;

/* The next report.filed event (others are skipped), checking that seqs
 * strictly increase; its report id, 0 when none came within 10 s. *bytes
 * adds what came. */
static uint64_t next_filed(cg_test_raw *r, uint64_t *last_seq, size_t *bytes)
{
    for (;;) {
        cg_envelope *env = cg_test_raw_recv(r, 10000);
        if (env == NULL)
            return 0;
        assert_int_equal(env->id, 0);
        assert_int_equal(env->body_case, CHENGGUAN__V1__ENVELOPE__BODY_EVENT);
        assert_true(env->event->seq > *last_seq);
        *last_seq = env->event->seq;
        *bytes += protobuf_c_message_get_packed_size(&env->base);
        uint64_t id = strcmp(env->event->kind, "report.filed") == 0 ? env->event->report_id : 0;
        cg_envelope_free(env, NULL);
        if (id != 0)
            return id;
    }
}

static void test_paused_reader_gets_its_whole_catch_up(void **state)
{
    uint64_t officer;
    uint64_t compound =
        cg_test_make_compound(&server, "hq", "dawa", "补发测试", "property-demo", NULL, &officer);
    static char text[2000 * (sizeof TEXT - 1) + 1];
    for (int i = 0; i < 2000; i++)
        memcpy(text + i * (sizeof TEXT - 1), TEXT, sizeof TEXT);
    static uint64_t filed[REPORTS];
    cg_client *c = cg_test_connect(&server, "property-demo");
    for (int i = 0; i < REPORTS; i++)
        filed[i] = cg_test_file_report(c, compound, (uint32_t)(1 + i % 10), text, NULL);

    /* A small receive buffer: the kernel holds little, the server the rest. */
    cg_test_raw r;
    cg_test_raw_rcvbuf = 4096;
    cg_test_raw_open_as(&r, &server, "dawa");
    cg_test_raw_rcvbuf = 0;
    assert_true(cg_test_raw_hello(&r));
    assert_true(cg_test_raw_subscribe(&r, 0, 0));
    sleep(PAUSE_S);

    long long t0 = cg_test_now_ms();
    uint64_t last_seq = 0;
    size_t bytes = 0;
    int got = 0;
    while (got < REPORTS) {
        uint64_t id = next_filed(&r, &last_seq, &bytes);
        if (id == 0)
            break;
        assert_int_equal(id, filed[got]); /* in order, none missing */
        got++;
    }
    long long ms = cg_test_now_ms() - t0;
    print_message("paused %d s; then %d of %d events (%zu bytes, max_output_bytes 64 kB) read in "
                  "%lld ms\n",
                  PAUSE_S, got, REPORTS, bytes, ms);
    assert_int_equal(got, REPORTS);
    assert_true(bytes > 5 * 1024 * 1024);
    assert_false(cg_test_log_has(&server, "event=slow_reader_cut_off", NULL));

    /* Caught up, it is live. */
    uint64_t later = cg_test_file_report(c, compound, 1, "之后的报告", NULL);
    assert_int_equal(next_filed(&r, &last_seq, &bytes), later);
    cg_client_free(c);
    cg_test_raw_close(&r);
}

/* The second server of test_listen_connection_killed, stopped even when
 * the test fails. */
static cg_test_server second;

static int stop_second(void **state)
{
    if (second.pid > 0)
        cg_test_server_kill(&second);
    return 0;
}

#define SETTINGS "max_output_bytes = 64kB\ndedup_window = 0\n"
#define LIVE     30 /* reports filed while the LISTEN connection is killed */

static void test_listen_connection_killed(void **state)
{
    /* The second server's connections carry a name of their own, so that
     * its LISTEN connection can be told from the first server's. */
    cg_test_server_share(&second, &server, "catchup_b");
    size_t n = strlen(second.conninfo);
    snprintf(second.conninfo + n, sizeof second.conninfo - n, " application_name=catchup_b");
    cg_test_server_start(&second, SETTINGS);

    uint64_t officer;
    uint64_t compound =
        cg_test_make_compound(&server, "hq", "dawa", "断听测试", NULL, NULL, &officer);
    cg_test_raw r;
    cg_test_raw_open_as(&r, &second, "dawa");
    assert_true(cg_test_raw_hello(&r));
    assert_true(cg_test_raw_subscribe(&r, 0, 1));

    /* Each report is filed through the first server; the second hears of it
     * only through its LISTEN connection (or its safety poll). */
    cg_client *c = cg_test_connect(&server, "hq");
    uint64_t last_seq = 0;
    size_t bytes = 0;
    long long worst_before = 0, worst_after = 0;
    int killed = 0;
    for (int i = 0; i < LIVE; i++) {
        if (i == LIVE / 3) {
            /* Between reads the LISTEN connection's last statement is
             * LISTEN or events_pending(), which no other connection runs;
             * during a read it is another: try again. */
            long long gone = 0;
            for (int tries = 0; gone == 0 && tries < 100; tries++) {
                gone = cg_test_sql_int(
                    &server, "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM "
                             "pg_stat_activity WHERE application_name = 'catchup_b' AND "
                             "(query LIKE 'LISTEN%' OR query LIKE '%events_pending()%')");
                if (gone == 0)
                    usleep(20000);
            }
            assert_int_equal(gone, 1);
            killed = 1;
        }
        long long t0 = cg_test_now_ms();
        uint64_t id = cg_test_file_report(c, compound, (uint32_t)(1 + i % 10), "断听", NULL);
        assert_int_equal(next_filed(&r, &last_seq, &bytes), id); /* none missing */
        long long ms = cg_test_now_ms() - t0;
        if (killed && ms > worst_after)
            worst_after = ms;
        else if (!killed && ms > worst_before)
            worst_before = ms;
    }
    assert_true(cg_test_log_wait(&second, "event=db_disconnected", NULL));
    print_message("LISTEN connection killed after %d of %d reports: every event came, in order; "
                  "worst submit-to-event %lld ms before, %lld ms after\n",
                  LIVE / 3, LIVE, worst_before, worst_after);
    cg_client_free(c);
    cg_test_raw_close(&r);
    assert_int_equal(cg_test_server_stop(&second), 0);
}

int main(void)
{
    cg_test_server_init(&server, "catchup", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paused_reader_gets_its_whole_catch_up),
        cmocka_unit_test_teardown(test_listen_connection_killed, stop_second),
    };
    /* No dedup window: every report is a report of its own. */
    return CG_TEST_RUN(&server, SETTINGS, tests);
}
