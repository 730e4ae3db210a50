/*
 * Limits on what peers control: connections in all and per account, the
 * output buffer of a peer that stops reading (cut off alone), requests in
 * flight per connection, the server's database queue, and the request rate
 * of an account across its connections.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "chengguan/adapters/libuv.h"
#include "chengguan/async.h"
#include "harness.h"

static cg_test_server server;

/* Connects as account, retrying while the server still counts connections
 * that have just closed against the limits. timeout_ms 0: the default. */
static cg_client *connect_when_free(const char *account, int timeout_ms)
{
    cg_client_options o = cg_test_options(&server, account);
    if (timeout_ms > 0)
        o.timeout_ms = timeout_ms;
    long long deadline = cg_test_now_ms() + 10000;
    cg_client *c;
    int rc;
    do {
        c = NULL;
        rc = cg_client_connect(&c, &o);
        if (rc != 0) {
            cg_client_free(c);
            usleep(20000);
        }
    } while (rc != 0 && cg_test_now_ms() < deadline);
    assert_int_equal(rc, 0);
    return c;
}

static void test_connections_per_account(void **state)
{
    cg_client *a = cg_test_connect(&server, "dawa");
    cg_client *b = cg_test_connect(&server, "dawa");
    cg_client_options o = cg_test_options(&server, "dawa");
    cg_client *c = NULL;
    assert_int_equal(cg_client_connect(&c, &o), CG_ERESOURCE_EXHAUSTED);
    cg_client_free(c);
    /* Another account is not affected, and a freed slot is usable again. */
    cg_client *other = cg_test_connect(&server, "panshan");
    cg_client_free(other);
    cg_client_free(a);
    cg_client_free(connect_when_free("dawa", 0));
    cg_client_free(b);
}

static void test_connections_in_all(void **state)
{
    cg_test_raw raw[5];
    for (int i = 0; i < 4; i++)
        assert_int_equal(cg_test_raw_open_tcp(&raw[i], &server), 0);
    /* The fifth is accepted and closed at once. */
    assert_int_equal(cg_test_raw_open_tcp(&raw[4], &server), 0);
    assert_true(cg_test_raw_wait_closed(&raw[4], 5000));
    assert_true(cg_test_log_wait(&server, "event=connection_refused", "max_connections", NULL));
    for (int i = 0; i < 5; i++)
        cg_test_raw_close(&raw[i]);
}

/* A raw connection as account past Hello, retrying while the previous
 * test's connections are still closing on the server's side, holding slots
 * under max_connections. */
static void raw_when_free(cg_test_raw *r, const char *account)
{
    char cert[700], key[700], rel[128];
    snprintf(rel, sizeof rel, "clients/%s.crt", account);
    cg_test_pki(&server, rel, cert, sizeof cert);
    snprintf(rel, sizeof rel, "clients/%s.key", account);
    cg_test_pki(&server, rel, key, sizeof key);
    long long deadline = cg_test_now_ms() + 10000;
    int ok;
    while (!(ok = cg_test_raw_open(r, &server, cert, key) == 0 && cg_test_raw_hello(r)) &&
           cg_test_now_ms() < deadline) {
        cg_test_raw_close(r);
        usleep(50000);
    }
    assert_true(ok);
}

static void test_slow_reader_cut_off_alone(void **state)
{
    cg_test_raw r;
    raw_when_free(&r, "hq");

    /* Pings of 60 KiB each, never reading a reply: the server's unsent output
     * passes max_output_bytes (64kB) once the socket buffers are full. */
    static uint8_t payload[60 * 1024];
    Chengguan__V1__Ping ping = CHENGGUAN__V1__PING__INIT;
    ping.payload.data = payload;
    ping.payload.len = sizeof payload;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_PING;
    env.ping = &ping;
    int sent = 0;
    for (uint64_t id = 2; id < 2000; id++) {
        env.id = id;
        if (cg_test_raw_send_env(&r, &env) != 0)
            break; /* the server closed on us */
        sent++;
        if (cg_test_log_has(&server, "event=slow_reader_cut_off", NULL))
            break;
    }
    assert_true(sent > 1);
    assert_true(cg_test_log_wait(&server, "event=slow_reader_cut_off", "account=hq", NULL));

    /* Everyone else is served as before. */
    cg_client *c = cg_test_connect(&server, "supervision");
    assert_int_equal(cg_ping(c, "fine", 4, NULL), 0);
    cg_client_free(c);
    cg_test_raw_close(&r);
}

/* WhoAmI calls on c until one is refused; returns how many succeeded
 * (at most max). */
static int whoami_until_refused(cg_client *c, int max)
{
    cg_whoami_reply me;
    int ok = 0;
    while (ok < max && cg_whoami(c, &me) == 0)
        ok++;
    return ok;
}

/* Calls of IMPATIENT_MS give up rather than wait out the rate: the library
 * sends a call again after the wait the server names only within the
 * call's timeout, and at 1 a second an empty bucket names up to 1 s. */
#define IMPATIENT_MS 500

static void test_request_rate_per_account(void **state)
{
    /* max_request_burst = 10, max_request_rate = 1: the burst is spent over
     * two connections of one account, then both are refused. */
    cg_client *a = connect_when_free("xinglongtai", IMPATIENT_MS);
    cg_client *b = connect_when_free("xinglongtai", IMPATIENT_MS);
    int on_a = whoami_until_refused(a, 6), on_b = whoami_until_refused(b, 20);
    print_message("account rate: %d + %d requests on two connections before the first refusal\n",
                  on_a, on_b);
    assert_int_equal(on_a, 6);
    assert_in_range(on_b, 4, 9); /* the rest of the burst (10 if each had its own) */
    assert_string_equal(cg_client_error_reason(b), "account.rate_limited");
    assert_string_equal(cg_client_error_param(b, "account"), "xinglongtai");
    const char *after = cg_client_error_param(b, "retry_after_ms");
    assert_non_null(after);
    assert_in_range(strtol(after, NULL, 10), 1, 1000);

    /* A new connection does not refill the bucket; a ping is not counted;
     * another account is served as usual (max_connections = 4). */
    cg_client_free(a);
    cg_client *c = connect_when_free("xinglongtai", IMPATIENT_MS);
    assert_in_range(whoami_until_refused(c, 20), 0, 5);
    assert_int_equal(cg_ping(c, "ping", 4, NULL), 0);
    cg_client *other = connect_when_free("panshan", 0);
    cg_whoami_reply me;
    assert_int_equal(cg_whoami(other, &me), 0);
    assert_string_equal(me.account, "panshan");
    cg_client_free(other);
    cg_client_free(c);

    /* A caller with time to wait is served: the library waits as told and
     * sends the call again. */
    cg_client *patient = connect_when_free("xinglongtai", 0);
    int served = 0;
    for (int i = 0; i < 3; i++)
        served += cg_whoami(patient, &me) == 0;
    assert_int_equal(served, 3);
    assert_true(cg_test_log_has(&server, "method=whoami", "account=xinglongtai",
                                "status=RESOURCE_EXHAUSTED", NULL));
    cg_client_free(patient);
    cg_client_free(b);
}

static void on_whoami(cg_async *a, int status, ProtobufCMessage *reply, void *arg)
{
    int *left = arg;
    if (status == 0)
        (*left)--;
    cg_message_free(cg_async_take_reply(a));
}

static void test_request_rate_async(void **state)
{
    /* The bucket is empty after the test above: three calls at once, and
     * the asynchronous library waits out the rate for each as well. */
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    cg_client_options o = cg_test_options(&server, "xinglongtai");
    cg_async *a = cg_async_new(&o);
    assert_non_null(a);
    assert_int_equal(cg_libuv_attach(a, &loop), 0);
    Chengguan__V1__WhoAmI who = CHENGGUAN__V1__WHO_AM_I__INIT;
    int left = 3;
    for (int i = 0; i < 3; i++)
        assert_int_equal(cg_async_call(a, &who.base, on_whoami, &left), 0);
    long long deadline = cg_test_now_ms() + 15000;
    while (left > 0 && cg_test_now_ms() < deadline)
        uv_run(&loop, UV_RUN_ONCE);
    assert_int_equal(left, 0);
    cg_async_free(a);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* WhoAmI queries of the server that wait for a lock in the database. */
#define WAITING_WHOAMI                                                                             \
    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "                        \
    "AND query LIKE '%WHERE a.name = $1%'"

/* Locks the accounts table for 3 s from a psql of its own: WhoAmI waits in
 * the database meanwhile. Returns once the lock is held. */
static void lock_accounts(void)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "psql -q -X '%s' -c 'BEGIN; LOCK TABLE accounts; SELECT pg_sleep(3); COMMIT' "
             ">/dev/null 2>&1 &",
             server.conninfo);
    assert_int_equal(system(cmd), 0);
    long long deadline = cg_test_now_ms() + 10000;
    while (cg_test_sql_int(&server, "SELECT count(*) FROM pg_locks l JOIN pg_class c ON "
                                    "c.oid = l.relation WHERE c.relname = 'accounts' AND "
                                    "l.mode = 'AccessExclusiveLock' AND l.granted") != 1 &&
           cg_test_now_ms() < deadline)
        usleep(20000);
}

/* Sends n WhoAmI on r, ids from first on. */
static void send_whoami(cg_test_raw *r, uint64_t first, int n)
{
    Chengguan__V1__WhoAmI who = CHENGGUAN__V1__WHO_AM_I__INIT;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_WHO_AM_I;
    env.who_am_i = &who;
    for (int i = 0; i < n; i++) {
        env.id = first + (uint64_t)i;
        assert_int_equal(cg_test_raw_send_env(r, &env), 0);
    }
}

static void test_requests_in_flight_per_connection(void **state)
{
    cg_test_raw r;
    cg_test_raw_open_as(&r, &server, "hq");
    assert_true(cg_test_raw_hello(&r));
    lock_accounts();

    /* Six pipelined on one connection past Hello: max_inflight = 2 reach
     * the database (its pool has 4 connections here), the rest wait unread. */
    send_whoami(&r, 2, 6);
    long long most = 0;
    for (int i = 0; i < 20; i++) {
        long long n = cg_test_sql_int(&server, WAITING_WHOAMI);
        most = n > most ? n : most;
        usleep(50000);
    }
    print_message("in flight: %lld of 6 pipelined requests reached the database\n", most);
    assert_int_equal(most, 2);
    /* Once the lock goes, all six are answered. */
    for (int i = 0; i < 6; i++) {
        cg_envelope *got = cg_test_raw_recv(&r, 15000);
        assert_non_null(got);
        assert_int_equal(got->body_case, CHENGGUAN__V1__ENVELOPE__BODY_WHO_AM_I_REPLY);
        cg_envelope_free(got, NULL);
    }
    cg_test_raw_close(&r);
}

static void test_database_queue(void **state)
{
    /* Four connections, two requests each, while the database waits: 4 run
     * on the pool, db_queue_size = 2 wait their turn, the rest (2, or more
     * if the server's own timers queued something meanwhile) are refused at
     * once, and the connections stay usable. */
    static const char *const accounts[] = {"hq", "panshan", "dawa", "supervision"};
    enum { N = sizeof accounts / sizeof accounts[0] };
    cg_test_raw r[N];
    for (int i = 0; i < N; i++)
        raw_when_free(&r[i], accounts[i]);
    lock_accounts();
    for (int i = 0; i < N; i++)
        send_whoami(&r[i], 2, 2);
    int answered = 0, refused = 0;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < 2; k++) {
            cg_envelope *got = cg_test_raw_recv(&r[i], 15000);
            assert_non_null(got);
            if (got->body_case == CHENGGUAN__V1__ENVELOPE__BODY_ERROR) {
                assert_int_equal(got->error->code, CHENGGUAN__V1__CODE__CODE_RESOURCE_EXHAUSTED);
                assert_non_null(strstr(got->error->message, "database queue full"));
                refused++;
            } else {
                assert_int_equal(got->body_case, CHENGGUAN__V1__ENVELOPE__BODY_WHO_AM_I_REPLY);
                answered++;
            }
            cg_envelope_free(got, NULL);
        }
    print_message("database queue: %d of %d requests answered, %d refused at once\n", answered,
                  2 * N, refused);
    assert_true(refused >= 2);
    assert_true(answered >= 2);
    /* The refused were told at once and their connections stay usable. */
    for (int i = 0; i < N; i++) {
        send_whoami(&r[i], 10, 1);
        cg_envelope *got = cg_test_raw_recv(&r[i], 15000);
        assert_non_null(got);
        assert_int_equal(got->body_case, CHENGGUAN__V1__ENVELOPE__BODY_WHO_AM_I_REPLY);
        cg_envelope_free(got, NULL);
        cg_test_raw_close(&r[i]);
    }
}

int main(void)
{
    cg_test_server_init(&server, "limits", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connections_per_account),
        cmocka_unit_test(test_connections_in_all),
        cmocka_unit_test(test_slow_reader_cut_off_alone),
        cmocka_unit_test(test_request_rate_per_account),
        cmocka_unit_test(test_request_rate_async),
        cmocka_unit_test(test_requests_in_flight_per_connection),
        cmocka_unit_test(test_database_queue),
    };
    return CG_TEST_RUN(&server,
                       "max_connections = 4\n"
                       "max_connections_per_account = 2\n"
                       "max_output_bytes = 64kB\n"
                       "max_inflight = 2\n"
                       "db_pool_size = 4\n"
                       "db_queue_size = 2\n"
                       "max_request_rate = 1\n"
                       "max_request_burst = 10\n",
                       tests);
}
