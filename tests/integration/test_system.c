/*
 * The first exchange, identity and liveness through the real library:
 * every dev account gets its role and unit from the database, pings echo,
 * 1,000 pipelined pings get 1,000 correct replies, and SIGTERM exits 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* An account name and a unit code of the longest lengths the schema allows
 * (64 and 32 characters), with a certificate made here by the dev CA. */
static void test_longest_account_and_unit_names(void **state)
{
    const char *account = "a123456789012345678901234567890123456789012345678901234567890123";
    const char *unit = "u1234567890123456789012345678901";
    assert_int_equal(strlen(account), CG_ACCOUNT_NAME_MAX);
    assert_int_equal(strlen(unit), CG_UNIT_CODE_MAX);
    char sql[1024], cmd[8192], ca[700], cakey[700], crt[800], key[800];
    snprintf(sql, sizeof sql,
             "INSERT INTO units (code, name_zh, kind) VALUES ('%s', '最长的单位', 'section');"
             "INSERT INTO accounts (name, role, unit_code, cert_subject) VALUES "
             "('%s', 'section', '%s', 'CN=%s,O=chengguan dev')",
             unit, account, unit, account);
    assert_int_equal(cg_test_sql(&server, sql), 0);
    snprintf(crt, sizeof crt, "%s/longest.crt", server.dir);
    snprintf(key, sizeof key, "%s/longest.key", server.dir);
    /* A login certificate names clientAuth (the server requires it). */
    snprintf(cmd, sizeof cmd,
             "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out %s 2>/dev/null"
             " && echo extendedKeyUsage=clientAuth >%s.ext"
             " && openssl req -new -key %s -subj '/O=chengguan dev/CN=%s' 2>/dev/null"
             " | openssl x509 -req -sha256 -days 2 -CA %s -CAkey %s -set_serial 0x%llx"
             " -extfile %s.ext -out %s 2>/dev/null",
             key, crt, key, account, cg_test_pki(&server, "ca.crt", ca, sizeof ca),
             cg_test_pki(&server, "ca.key", cakey, sizeof cakey), (unsigned long long)getpid(), crt,
             crt);
    assert_int_equal(system(cmd), 0);

    cg_client_options o = cg_test_options(&server, "hq");
    o.cert_file = crt;
    o.key_file = key;
    cg_client *c = NULL;
    assert_int_equal(cg_client_connect(&c, &o), 0);
    assert_string_equal(cg_client_welcome(c)->account, account);
    assert_string_equal(cg_client_welcome(c)->unit, unit);
    /* The server found the account by its whole name: a call succeeds. */
    cg_whoami_reply me;
    assert_int_equal(cg_whoami(c, &me), 0);
    assert_string_equal(me.account, account);
    assert_string_equal(me.unit, unit);
    cg_client_free(c);
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
        cmocka_unit_test(test_longest_account_and_unit_names),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
