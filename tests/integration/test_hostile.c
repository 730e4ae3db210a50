/*
 * Small frames that ask for a lot: a CompoundImport at the frame limit made
 * of empty rows, one over max_import_rows, an import as large as allowed,
 * and a large frame before Welcome. The server's memory stays bounded and a
 * ping on another connection is answered within 100 ms throughout (the test
 * allows 500 ms: CI shares two cores with other tests)
 * (docs/reliability.md records the figures this prints).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "frame.h"
#include "harness.h"
#include "reply_map.h"

static cg_test_server server;

/* A kB figure of the server's /proc status ("VmRSS", "VmHWM"). */
static long status_kb(const char *key)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)server.pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == ':')
            kb = strtol(line + strlen(key) + 1, NULL, 10);
    if (f != NULL)
        fclose(f);
    return kb;
}

static void open_as(cg_test_raw *r, const char *account)
{
    cg_test_raw_open_as(r, &server, account);
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    do {
        p[n++] = (uint8_t)(v & 0x7f) | (v > 0x7f ? 0x80 : 0);
        v >>= 7;
    } while (v != 0);
    return n;
}

/* rows = 2 (length-delimited): an empty ImportRow; one whose compound
 * (field 2) is there but empty. */
static const uint8_t empty_row[] = {0x12, 0x00};
static const uint8_t empty_compound_row[] = {0x12, 0x02, 0x12, 0x00};

/* A frame of envelope id with a CompoundImport of `rows` copies of row,
 * packed by hand (an unpacked message of millions of rows would cost the
 * test what it is meant to cost the server). *len gets the frame's length. */
static uint8_t *rows_frame(uint64_t id, size_t rows, const uint8_t *row, size_t rowlen, size_t *len)
{
    unsigned field = cg_envelope_field(CHENGGUAN__V1__ENVELOPE__BODY_COMPOUND_IMPORT)->id;
    size_t body = rowlen * rows;
    uint8_t *f = malloc(body + 64);
    size_t n = CG_FRAME_HEADER_BYTES;
    f[n++] = 0x08;
    n += put_varint(f + n, id);
    n += put_varint(f + n, (uint64_t)field << 3 | 2);
    n += put_varint(f + n, body);
    for (size_t i = 0; i < rows; i++, n += rowlen)
        memcpy(f + n, row, rowlen);
    cg_frame_header_write(f, (uint32_t)(n - CG_FRAME_HEADER_BYTES));
    *len = n;
    return f;
}

static uint8_t *empty_rows_frame(uint64_t id, size_t rows, size_t *len)
{
    return rows_frame(id, rows, empty_row, sizeof empty_row, len);
}

/* Pings on a connection of its own until told to stop; keeps the worst
 * round trip. */
typedef struct {
    volatile int stop;
    long long worst_ms;
    int pings, failures;
} pinger;

static void *ping_loop(void *arg)
{
    pinger *p = arg;
    cg_client *c = cg_test_connect(&server, "supervision");
    while (!p->stop) {
        long long t0 = cg_test_now_ms();
        if (cg_ping(c, "x", 1, NULL) != 0)
            p->failures++;
        long long ms = cg_test_now_ms() - t0;
        if (ms > p->worst_ms)
            p->worst_ms = ms;
        p->pings++;
        struct timespec pause = {0, 5 * 1000000};
        nanosleep(&pause, NULL);
    }
    cg_client_free(c);
    return NULL;
}

/* Starts p pinging on a thread of its own, then opens r as hq past Hello. */
static void open_beside_pinger(cg_test_raw *r, pinger *p, pthread_t *th)
{
    assert_int_equal(pthread_create(th, NULL, ping_loop, p), 0);
    open_as(r, "hq");
    assert_true(cg_test_raw_hello(r));
}

static void expect_error(cg_test_raw *r, uint64_t id, int code, const char *field)
{
    cg_envelope *env = cg_test_raw_recv(r, 60000);
    assert_non_null(env);
    assert_int_equal(env->id, id);
    assert_int_equal(env->body_case, CHENGGUAN__V1__ENVELOPE__BODY_ERROR);
    assert_int_equal(env->error->code, -code);
    if (field != NULL)
        assert_string_equal(env->error->field, field);
    cg_envelope_free(env, NULL);
}

/* As many rows as the limit allows, each with text in every editable field:
 * the largest import the server takes in one request. */
static void send_largest_import(cg_test_raw *r, uint64_t id, size_t rows)
{
    Chengguan__V1__Compound *c = calloc(rows, sizeof *c);
    Chengguan__V1__ImportRow *row = calloc(rows, sizeof *row);
    Chengguan__V1__ImportRow **rowp = calloc(rows, sizeof *rowp);
    for (size_t i = 0; i < rows; i++) {
        chengguan__v1__compound__init(&c[i]);
        c[i].name = "锦绣华城二期东区";
        c[i].district = "xinglongtai";
        c[i].street = c[i].community = c[i].address = "兴隆台街道振兴社区光明路一段";
        c[i].property_company = c[i].property_manager = "盘锦市锦绣物业服务有限公司";
        c[i].management_status = "property_company";
        chengguan__v1__import_row__init(&row[i]);
        row[i].line = (uint32_t)i + 2;
        row[i].compound = &c[i];
        rowp[i] = &row[i];
    }
    uint8_t key[16] = {1, 2, 3};
    Chengguan__V1__CompoundImport imp = CHENGGUAN__V1__COMPOUND_IMPORT__INIT;
    imp.idempotency_key.data = key;
    imp.idempotency_key.len = sizeof key;
    imp.rows = rowp;
    imp.n_rows = rows;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = id;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_COMPOUND_IMPORT;
    env.compound_import = &imp;
    print_message("largest import: %zu rows, %zu bytes\n", rows,
                  protobuf_c_message_get_packed_size(&env.base));
    assert_int_equal(cg_test_raw_send_env(r, &env), 0);
    free(rowp);
    free(row);
    free(c);
}

static void test_hostile_imports_are_bounded(void **state)
{
    pinger p = {0};
    pthread_t th;
    cg_test_raw r;
    open_beside_pinger(&r, &p, &th);
    long rss0 = status_kb("VmRSS");

    /* At the frame limit (4 MB): two million empty rows. */
    size_t len;
    uint8_t *frame = empty_rows_frame(2, (4u * 1024 * 1024 - 16) / 2, &len);
    assert_true(len - CG_FRAME_HEADER_BYTES <= 4u * 1024 * 1024);
    long long t0 = cg_test_now_ms();
    assert_int_equal(cg_test_raw_send(&r, frame, len), 0);
    free(frame);
    expect_error(&r, 2, CG_ERESOURCE_EXHAUSTED, NULL);
    long long at_limit_ms = cg_test_now_ms() - t0;

    /* 40 kB of 20,000 empty rows: past max_import_rows (5000). */
    frame = empty_rows_frame(3, 20000, &len);
    assert_int_equal(cg_test_raw_send(&r, frame, len), 0);
    free(frame);
    expect_error(&r, 3, CG_ERESOURCE_EXHAUSTED, "rows");

    long hostile_hwm = status_kb("VmHWM");

    /* The largest import allowed goes to SQL (which refuses it: the names
     * repeat). */
    t0 = cg_test_now_ms();
    send_largest_import(&r, 4, 5000);
    cg_envelope *reply = cg_test_raw_recv(&r, 120000);
    assert_non_null(reply);
    assert_int_equal(reply->id, 4);
    cg_envelope_free(reply, NULL);
    long long largest_ms = cg_test_now_ms() - t0;

    long hwm = status_kb("VmHWM");
    p.stop = 1;
    pthread_join(th, NULL);
    cg_test_raw_close(&r);
    print_message("RSS before %ld kB; peak growth %ld kB after the hostile frames, %ld kB after "
                  "the largest import; frame at limit answered in %lld ms, largest import in "
                  "%lld ms; %d pings, worst %lld ms, %d failed\n",
                  rss0, hostile_hwm - rss0, hwm - rss0, at_limit_ms, largest_ms, p.pings,
                  p.worst_ms, p.failures);
    assert_int_equal(p.failures, 0);
    assert_true(p.pings > 0);
    /* Typically under 100 ms; 106 ms was seen beside a sanitizer build on
     * two cores. What this guards against is a loop held for seconds. */
    assert_true(p.worst_ms < 500);
    /* The stated bounds (docs/reliability.md): hostile frames 32 MB, the
     * largest import allowed 96 MB. */
#ifndef __SANITIZE_ADDRESS__ /* ASan's redzones and quarantine are not the server's */
    assert_true(hostile_hwm - rss0 < 32 * 1024);
    assert_true(hwm - rss0 < 96 * 1024);
#endif
}

/*
 * Found by fuzz_request's check of what a request's JSON costs: 5,000 rows
 * with empty compounds are 20 kB of wire, unpack to 2.1 MB and make 40 MB
 * of JSON (every field of every compound). The server chose where to make
 * the JSON by the wire size, so this was made on the loop, about 100 ms
 * each; 16 of them pipelined held every other client for seconds. Now the
 * unpacked size decides (request_limits.h), and the pings stay fast.
 */
static void test_small_frames_with_large_json(void **state)
{
    pinger p = {0};
    pthread_t th;
    cg_test_raw r;
    open_beside_pinger(&r, &p, &th);
    long long t0 = cg_test_now_ms();
    enum { N = 16 };
    for (uint64_t id = 2; id < 2 + N; id++) {
        size_t len;
        uint8_t *frame = rows_frame(id, 5000, empty_compound_row, sizeof empty_compound_row, &len);
        assert_true(len < 20100);
        assert_int_equal(cg_test_raw_send(&r, frame, len), 0);
        free(frame);
    }
    for (int i = 0; i < N; i++) { /* refused by SQL: no names */
        cg_envelope *reply = cg_test_raw_recv(&r, 120000);
        assert_non_null(reply);
        cg_envelope_free(reply, NULL);
    }
    long long ms = cg_test_now_ms() - t0;
    p.stop = 1;
    pthread_join(th, NULL);
    cg_test_raw_close(&r);
    print_message("%d imports of 5,000 empty compounds (20 kB each) answered in %lld ms; %d pings, "
                  "worst %lld ms, %d failed\n",
                  N, ms, p.pings, p.worst_ms, p.failures);
    assert_int_equal(p.failures, 0);
    assert_true(p.pings > 0);
    /* Generous (ASan on a loaded machine: 361 ms, and 1,055 ms once beside
     * a sanitizer build; the thread pool takes CPU from the loop); before
     * the fix, 2.2 s in a RelWithDebInfo build on an idle machine. */
    assert_true(p.worst_ms < 1500);
}

static void test_large_frame_before_welcome(void **state)
{
    cg_test_raw r;
    open_as(&r, "hq");
    size_t len;
    uint8_t *frame = empty_rows_frame(1, 3000, &len); /* 6 kB: over the 4 kB before Welcome */
    assert_int_equal(cg_test_raw_send(&r, frame, len), 0);
    free(frame);
    expect_error(&r, 0, CG_ERESOURCE_EXHAUSTED, NULL);
    assert_true(cg_test_raw_wait_closed(&r, 10000));
    cg_test_raw_close(&r);
    assert_true(cg_test_log_wait(&server, "event=frame_too_large", "before Welcome", NULL));

    /* After Welcome the same frame is unpacked and answered. */
    open_as(&r, "hq");
    assert_true(cg_test_raw_hello(&r));
    frame = empty_rows_frame(2, 3000, &len);
    assert_int_equal(cg_test_raw_send(&r, frame, len), 0);
    free(frame);
    cg_envelope *reply = cg_test_raw_recv(&r, 30000);
    assert_non_null(reply);
    assert_int_equal(reply->id, 2);
    cg_envelope_free(reply, NULL);
    cg_test_raw_close(&r);
}

/* One byte a second after a frame header: cut off after frame_timeout (2 s
 * here), while whole frames at any pace are fine. */
static void test_slow_bytes_are_cut_off(void **state)
{
    cg_test_raw r;
    open_as(&r, "hq");
    assert_true(cg_test_raw_hello(&r));
    uint8_t hdr[CG_FRAME_HEADER_BYTES];
    cg_frame_header_write(hdr, 100);
    assert_int_equal(cg_test_raw_send(&r, hdr, sizeof hdr), 0);
    long long t0 = cg_test_now_ms();
    int closed = 0;
    for (int i = 0; i < 15 && !closed; i++) {
        uint8_t byte = 0;
        if (cg_test_raw_send(&r, &byte, 1) != 0)
            break;
        closed = cg_test_raw_wait_closed(&r, 1000);
    }
    long long ms = cg_test_now_ms() - t0;
    cg_test_raw_close(&r);
    print_message("slow-byte client closed after %lld ms\n", ms);
    assert_true(closed);
    assert_true(ms < 10000);
    assert_true(cg_test_log_wait(&server, "event=frame_timeout", "account=hq", NULL));
}

/* Disabling an account closes its live connections, event stream included,
 * within seconds (account_check_interval = 1s here). */
static void test_disabled_account_is_disconnected(void **state)
{
    cg_test_raw r;
    open_as(&r, "panshan");
    assert_true(cg_test_raw_hello(&r));
    assert_true(cg_test_raw_subscribe(&r, 0, 1));

    assert_int_equal(
        cg_test_sql(&server, "UPDATE accounts SET disabled_at = now() WHERE name = 'panshan'"), 0);
    long long t0 = cg_test_now_ms();
    cg_envelope *reply = cg_test_raw_recv(&r, 10000); /* says why, then closes */
    assert_non_null(reply);
    assert_int_equal(reply->body_case, CHENGGUAN__V1__ENVELOPE__BODY_ERROR);
    assert_int_equal(reply->error->code, -CG_EPERMISSION_DENIED);
    cg_envelope_free(reply, NULL);
    assert_true(cg_test_raw_wait_closed(&r, 5000));
    long long ms = cg_test_now_ms() - t0;
    cg_test_raw_close(&r);
    print_message("disabled account's connection closed after %lld ms\n", ms);
    assert_true(ms < 5000);
    assert_true(cg_test_log_wait(&server, "event=account_disabled", "account=panshan", NULL));
    assert_int_equal(
        cg_test_sql(&server, "UPDATE accounts SET disabled_at = NULL WHERE name = 'panshan'"), 0);
}

int main(void)
{
    cg_test_server_init(&server, "hostile", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_imports_are_bounded),
        cmocka_unit_test(test_small_frames_with_large_json),
        cmocka_unit_test(test_large_frame_before_welcome),
        cmocka_unit_test(test_slow_bytes_are_cut_off),
        cmocka_unit_test(test_disabled_account_is_disconnected),
    };
    return CG_TEST_RUN(&server, "frame_timeout = 2s\naccount_check_interval = 1s\n", tests);
}
