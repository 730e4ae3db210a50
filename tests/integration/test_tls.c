/*
 * Who may connect: no client certificate, a certificate from another CA, an
 * expired certificate — handshake refused and logged with the reason while
 * the server keeps serving others. A valid certificate without an account
 * is refused at Hello (UNAUTHENTICATED), a disabled account too
 * (PERMISSION_DENIED).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;

/* The server must refuse: either the handshake fails outright (TLS 1.2
 * style) or, with TLS 1.3, the client's handshake completes and the server's
 * alert arrives on the first read. Either way no Welcome comes. */
static void expect_refused(const char *cert, const char *key)
{
    cg_test_raw r;
    if (cg_test_raw_open(&r, &server, cert, key) == 0)
        assert_false(cg_test_raw_hello(&r));
    cg_test_raw_close(&r);
}

static void expect_still_serving(void)
{
    cg_client *c = cg_test_connect(&server, "hq");
    assert_int_equal(cg_ping(c, "ok", 2, NULL), 0);
    cg_client_free(c);
}

static void test_no_client_certificate(void **state)
{
    expect_refused(NULL, NULL);
    assert_true(cg_test_log_wait(&server, "event=handshake_failed", "certificate", NULL));
    expect_still_serving();
}

static void test_certificate_from_another_ca(void **state)
{
    char cert[700], key[700];
    expect_refused(cg_test_pki(&server, "test/foreign.crt", cert, sizeof cert),
                   cg_test_pki(&server, "test/foreign.key", key, sizeof key));
    assert_true(cg_test_log_wait(&server, "event=handshake_failed",
                                 "unable to get local issuer certificate", NULL));
    expect_still_serving();
}

static void test_expired_certificate(void **state)
{
    char cert[700], key[700];
    expect_refused(cg_test_pki(&server, "test/expired.crt", cert, sizeof cert),
                   cg_test_pki(&server, "test/expired.key", key, sizeof key));
    assert_true(
        cg_test_log_wait(&server, "event=handshake_failed", "certificate has expired", NULL));
    expect_still_serving();
}

static void test_library_reports_tls_failure(void **state)
{
    cg_client_options o = cg_test_options(&server, "test/expired");
    cg_client *c = NULL;
    assert_int_equal(cg_client_connect(&c, &o), CG_ETLS);
    assert_non_null(c);
    assert_true(strlen(cg_client_error(c)) > 0);
    cg_client_free(c);
}

static void test_certificate_without_account(void **state)
{
    cg_client_options o = cg_test_options(&server, "test/stranger");
    cg_client *c = NULL;
    assert_int_equal(cg_client_connect(&c, &o), CG_EUNAUTHENTICATED);
    assert_non_null(strstr(cg_client_error(c), "CN=stranger"));
    cg_client_free(c);
    assert_true(cg_test_log_wait(&server, "event=unknown_account", "CN=stranger", NULL));
    expect_still_serving();
}

static void test_disabled_account(void **state)
{
    assert_int_equal(cg_test_sql(&server,
                                 "INSERT INTO accounts (name, role, unit_code, cert_subject, "
                                 "disabled_at) VALUES ('disabled-account', 'unit', 'dawa', "
                                 "'CN=disabled-account,O=chengguan dev', now())"),
                     0);
    cg_client_options o = cg_test_options(&server, "test/disabled");
    cg_client *c = NULL;
    assert_int_equal(cg_client_connect(&c, &o), CG_EPERMISSION_DENIED);
    assert_non_null(strstr(cg_client_error(c), "disabled"));
    cg_client_free(c);
    expect_still_serving();
}

static void test_disabling_takes_effect_for_open_connections(void **state)
{
    cg_client *c = cg_test_connect(&server, "liaodongwan");
    cg_whoami_reply me;
    assert_int_equal(cg_whoami(c, &me), 0);
    assert_int_equal(
        cg_test_sql(&server, "UPDATE accounts SET disabled_at = now() WHERE name = 'liaodongwan'"),
        0);
    assert_int_equal(cg_whoami(c, &me), CG_EPERMISSION_DENIED);
    assert_int_equal(
        cg_test_sql(&server, "UPDATE accounts SET disabled_at = NULL WHERE name = 'liaodongwan'"),
        0);
    cg_client_free(c);
}

int main(void)
{
    cg_test_server_init(&server, "tls", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_client_certificate),
        cmocka_unit_test(test_certificate_from_another_ca),
        cmocka_unit_test(test_expired_certificate),
        cmocka_unit_test(test_library_reports_tls_failure),
        cmocka_unit_test(test_certificate_without_account),
        cmocka_unit_test(test_disabled_account),
        cmocka_unit_test(test_disabling_takes_effect_for_open_connections),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
