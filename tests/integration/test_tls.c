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
#include <unistd.h>

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

/* A client certificate with subject subj (openssl's -subj form, UTF-8),
 * signed by the dev CA, as pki/test/NAME.crt and .key. */
static void issue_with_subject(const char *name, const char *subj)
{
    char pki[700], cmd[8192];
    cg_test_pki(&server, "", pki, sizeof pki);
    snprintf(cmd, sizeof cmd,
             "set -e; cd '%s'; "
             "printf '[x]\\nbasicConstraints = critical,CA:FALSE\\n"
             "keyUsage = critical,digitalSignature\\nextendedKeyUsage = clientAuth\\n' "
             "> test/%s.ext; "
             "openssl req -new -utf8 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
             "-keyout test/%s.key -subj '%s' -out test/%s.csr 2>/dev/null; "
             "openssl x509 -req -in test/%s.csr -CA ca.crt -CAkey ca.key -set_serial %ld "
             "-days 2 -sha256 -extfile test/%s.ext -extensions x -out test/%s.crt 2>/dev/null",
             pki, name, name, subj, name, name, (long)getpid() * 1000 + (long)strlen(subj), name,
             name);
    assert_int_equal(system(cmd), 0);
}

/* A subject longer than 255 bytes (100 Chinese characters, within the 255
 * characters an account's may have) is matched whole: cut at 255 bytes, as
 * it was, it matched no account. */
static void test_long_chinese_subject_is_matched_whole(void **state)
{
    char cn[256] = "", o[256] = "", ou[256] = "";
    for (int i = 0; i < 20; i++)
        strcat(cn, "城");
    for (int i = 0; i < 40; i++)
        strcat(o, "管");
    for (int i = 0; i < 40; i++)
        strcat(ou, "局");
    char subj[1024], sql[2048];
    snprintf(subj, sizeof subj, "/O=%s/OU=%s/CN=%s", o, ou, cn);
    issue_with_subject("long-subject", subj);
    snprintf(sql, sizeof sql,
             "INSERT INTO accounts (name, role, unit_code, cert_subject) "
             "VALUES ('long-subject', 'unit', 'dawa', 'CN=%s,OU=%s,O=%s')",
             cn, ou, o);
    assert_int_equal(cg_test_sql(&server, sql), 0);
    cg_client *c = cg_test_connect(&server, "test/long-subject");
    cg_whoami_reply me;
    assert_int_equal(cg_whoami(c, &me), 0);
    assert_string_equal(me.account, "long-subject");
    cg_client_free(c);
}

/* A subject too long for any account is refused at the handshake, with the
 * reason, never cut short (a prefix could be another's subject). */
static void test_overlong_subject_is_refused(void **state)
{
    char subj[4096] = "";
    for (int i = 0; i < 30; i++) {
        char rdn[80];
        snprintf(rdn, sizeof rdn, "/OU=%02d-%s", i,
                 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz01");
        strcat(subj, rdn);
    }
    strcat(subj, "/CN=overlong");
    issue_with_subject("overlong", subj);
    char pki[700], cert[800], key[800];
    cg_test_pki(&server, "", pki, sizeof pki);
    snprintf(cert, sizeof cert, "%s/test/overlong.crt", pki);
    snprintf(key, sizeof key, "%s/test/overlong.key", pki);
    expect_refused(cert, key);
    assert_true(cg_test_log_wait(&server, "event=handshake_failed",
                                 "certificate subject longer than 1536 bytes", NULL));
    expect_still_serving();
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
        cmocka_unit_test(test_long_chinese_subject_is_matched_whole),
        cmocka_unit_test(test_overlong_subject_is_refused),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
