/*
 * A subscriber with more to catch up than max_output_bytes (64 kB here)
 * that does not read for longer than the catch-up takes: the catch-up waits
 * for it, so when it reads again every event comes, in order and without a
 * gap, it is not cut off, and it goes on live. docs/reliability.md records
 * the figures this prints.
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

int main(void)
{
    cg_test_server_init(&server, "catchup", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paused_reader_gets_its_whole_catch_up),
    };
    /* No dedup window: every report is a report of its own. */
    return CG_TEST_RUN(&server, "max_output_bytes = 64kB\ndedup_window = 0\n", tests);
}
