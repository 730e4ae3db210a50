/*
 * Limits on what peers control: connections in all and per account, and
 * the output buffer of a peer that stops reading (cut off alone).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;

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
    long long deadline = cg_test_now_ms() + 10000;
    int rc;
    do {
        c = NULL;
        rc = cg_client_connect(&c, &o);
        if (rc != 0)
            cg_client_free(c);
    } while (rc != 0 && cg_test_now_ms() < deadline);
    assert_int_equal(rc, 0);
    cg_client_free(c);
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

static void test_slow_reader_cut_off_alone(void **state)
{
    char cert[700], key[700];
    cg_test_raw r;
    /* The previous test's connections may still be closing on the server's
     * side, holding slots under max_connections: retry for a while. */
    long long deadline = cg_test_now_ms() + 10000;
    int opened;
    while ((opened = cg_test_raw_open(
                &r, &server, cg_test_pki(&server, "clients/hq.crt", cert, sizeof cert),
                cg_test_pki(&server, "clients/hq.key", key, sizeof key))) != 0 &&
           cg_test_now_ms() < deadline) {
        cg_test_raw_close(&r);
        usleep(50000);
    }
    assert_int_equal(opened, 0);
    assert_true(cg_test_raw_hello(&r));

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

int main(void)
{
    cg_test_server_init(&server, "limits", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connections_per_account),
        cmocka_unit_test(test_connections_in_all),
        cmocka_unit_test(test_slow_reader_cut_off_alone),
    };
    return CG_TEST_RUN(&server,
                       "max_connections = 4\n"
                       "max_connections_per_account = 2\n"
                       "max_output_bytes = 64kB\n",
                       tests);
}
