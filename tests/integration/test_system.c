/*
 * The first exchange, identity and liveness through the real library:
 * every dev account gets its role and unit from the database, pings echo,
 * 1,000 pipelined pings get 1,000 correct replies, and SIGTERM exits 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;

static void test_every_dev_account_maps_to_its_role_and_unit(void **state)
{
    static const struct {
        const char *account, *role, *unit;
    } accounts[] = {
        {"hq", "hq", "hq"},
        {"supervision", "supervision", "supervision"},
        {"xinglongtai", "unit", "xinglongtai"},
        {"shuangtaizi", "unit", "shuangtaizi"},
        {"dawa", "unit", "dawa"},
        {"liaodongwan", "unit", "liaodongwan"},
        {"panshan", "unit", "panshan"},
        {"detachment", "unit", "detachment"},
        {"property-demo", "property", ""},
        {"hotline", "integration", ""},
    };
    for (size_t i = 0; i < sizeof accounts / sizeof accounts[0]; i++) {
        cg_client *c = cg_test_connect(&server, accounts[i].account);
        const cg_welcome *w = cg_client_welcome(c);
        assert_non_null(w);
        assert_string_equal(w->account, accounts[i].account);
        assert_string_equal(w->role, accounts[i].role);
        assert_string_equal(w->unit, accounts[i].unit);
        assert_int_equal(w->protocol_version, 1);
        assert_int_equal(w->max_frame_bytes, 4 * 1024 * 1024);

        cg_whoami_reply me;
        assert_int_equal(cg_whoami(c, &me), 0);
        assert_string_equal(me.account, accounts[i].account);
        assert_string_equal(me.role, accounts[i].role);
        assert_string_equal(me.unit, accounts[i].unit);
        char subject[128];
        snprintf(subject, sizeof subject, "CN=%s,O=chengguan dev", accounts[i].account);
        assert_string_equal(me.cert_subject, subject);
        assert_int_equal(strlen(me.cert_fingerprint), 64);
        cg_client_free(c);
    }
}

static void test_unit_names_are_chinese_and_round_trip(void **state)
{
    cg_client *c = cg_test_connect(&server, "xinglongtai");
    cg_whoami_reply me;
    assert_int_equal(cg_whoami(c, &me), 0);
    assert_string_equal(me.unit_name, "兴隆台分局");
    cg_client_free(c);
    c = cg_test_connect(&server, "panshan");
    assert_int_equal(cg_whoami(c, &me), 0);
    assert_string_equal(me.unit_name, "盘山县综合执法大队");
    cg_client_free(c);
}

static void test_ping_echoes_and_reports_server_time(void **state)
{
    cg_client *c = cg_test_connect(&server, "hotline");
    int64_t server_us = 0;
    const char payload[] = "城管执法进小区";
    assert_int_equal(cg_ping(c, payload, sizeof payload, &server_us), 0);
    int64_t now_us = (int64_t)time(NULL) * 1000000;
    assert_true(server_us > now_us - 60000000LL && server_us < now_us + 60000000LL);
    assert_int_equal(cg_ping(c, NULL, 0, NULL), 0);

    static char big[65536 + 1];
    assert_int_equal(cg_ping(c, big, 65536, NULL), 0);
    assert_int_equal(cg_ping(c, big, sizeof big, NULL), CG_EINVALID_ARGUMENT);
    assert_int_equal(cg_ping(c, "still usable", 12, NULL), 0);
    cg_client_free(c);
}

static void test_thousand_pipelined_pings(void **state)
{
    cg_client *c = cg_test_connect(&server, "hq");
    int ok = 0;
    assert_int_equal(cg_ping_pipelined(c, 1000, 32, &ok), 0);
    assert_int_equal(ok, 1000);
    cg_client_free(c);
}

static void test_requests_are_logged_one_line_each(void **state)
{
    cg_client *c = cg_test_connect(&server, "dawa");
    cg_whoami_reply me;
    assert_int_equal(cg_whoami(c, &me), 0);
    cg_client_free(c);
    assert_true(cg_test_log_wait(&server, "event=connect", "peer=127.0.0.1:", NULL));
    assert_true(cg_test_log_wait(&server, "event=request", "account=dawa", "method=whoami",
                                 "status=OK", NULL));
    assert_true(cg_test_log_wait(&server, "event=handshake", "CN=dawa,O=chengguan dev", NULL));
}

int main(void)
{
    cg_test_server_init(&server, "system", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_dev_account_maps_to_its_role_and_unit),
        cmocka_unit_test(test_unit_names_are_chinese_and_round_trip),
        cmocka_unit_test(test_ping_echoes_and_reports_server_time),
        cmocka_unit_test(test_thousand_pipelined_pings),
        cmocka_unit_test(test_requests_are_logged_one_line_each),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
