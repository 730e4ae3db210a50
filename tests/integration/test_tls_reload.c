/*
 * The server's certificates and CRL over time (server/tls_reload.h): SIGHUP
 * reloads them without dropping a connection; a certificate revoked while
 * its connection is open is cut off once the new CRL is seen (here by the
 * timer, tls_reload_interval = 1s), and so is one that expires while
 * connected; a CRL past its nextUpdate refuses new handshakes but keeps live
 * ones, and a fresh one is picked up without a restart; a renewed server
 * certificate is served without a restart; a file that does not load keeps
 * what was loaded before.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "harness.h"

static cg_test_server server;

static void ping_ok(cg_client *c)
{
    assert_int_equal(cg_ping(c, "ok", 2, NULL), 0);
}

static void expect_refused(const cg_test_server *t, const char *account)
{
    cg_client_options o = cg_test_options(t, account);
    cg_client *c = NULL;
    assert_int_not_equal(cg_client_connect(&c, &o), 0);
    cg_client_free(c);
}

static void test_sighup_keeps_connections(void **state)
{
    cg_client *before = cg_test_connect(&server, "hq");
    ping_ok(before);
    assert_int_equal(kill(server.pid, SIGHUP), 0);
    assert_true(cg_test_log_wait(&server, "event=tls_reloaded", "trigger=SIGHUP", NULL));
    ping_ok(before);
    cg_client *after = cg_test_connect(&server, "hq");
    ping_ok(after);
    cg_client_free(after);
    cg_client_free(before);
    assert_false(cg_test_log_has(&server, "event=tls_reload_failed", NULL));
}

static void test_revoked_while_connected(void **state)
{
    cg_test_issue_cert(&server, "reload-revoked");
    assert_int_equal(cg_test_sql(&server, "INSERT INTO accounts (name, role, unit_code, "
                                          "cert_subject) VALUES ('reload-revoked', 'unit', "
                                          "'dawa', 'CN=reload-revoked,O=chengguan dev')"),
                     0);
    cg_client *victim = cg_test_connect(&server, "reload-revoked");
    cg_client *other = cg_test_connect(&server, "hq");
    ping_ok(victim);

    char pki[700], cmd[2048];
    snprintf(cmd, sizeof cmd, "%s/scripts/dev-pki.sh '%s' --revoke reload-revoked >/dev/null",
             CG_SOURCE_DIR, cg_test_pki(&server, "", pki, sizeof pki));
    assert_int_equal(system(cmd), 0);
    /* No signal: the timer sees the new CRL. */
    assert_true(cg_test_log_wait(&server, "event=certificate_no_longer_valid", "CN=reload-revoked",
                                 "reason=\"certificate revoked\"", NULL));
    assert_int_not_equal(cg_ping(victim, "ok", 2, NULL), 0);
    cg_client_free(victim);
    expect_refused(&server, "reload-revoked");
    ping_ok(other); /* everyone else keeps their connection */
    cg_client_free(other);
}

/* Between reloads only the dates are looked at: a certificate that expires
 * while connected is cut off by the timer. */
static void test_expired_while_connected(void **state)
{
    char cert[800], key[800];
    snprintf(cert, sizeof cert, "%s/short.crt", server.dir);
    snprintf(key, sizeof key, "%s/short.key", server.dir);
    time_t expires = cg_test_short_lived_cert(&server, cert, key, 3);
    cg_client_options o = cg_test_options(&server, "hq");
    o.cert_file = cert;
    o.key_file = key;
    cg_client *c = NULL;
    assert_int_equal(cg_client_connect(&c, &o), 0);
    ping_ok(c);
    while (time(NULL) <= expires)
        sleep(1);
    assert_true(cg_test_log_wait(&server, "event=certificate_no_longer_valid",
                                 "reason=\"certificate has expired\"", NULL));
    assert_int_not_equal(cg_ping(c, "ok", 2, NULL), 0);
    cg_client_free(c);
}

/* Writes a CRL of the dev CA revoking nothing, due in `seconds`, to path
 * (through a rename: the server never reads half of it). */
static void write_crl(const char *path, int seconds)
{
    char tmp[800];
    X509 *ca;
    EVP_PKEY *key;
    cg_test_dev_ca(&server, &ca, &key);

    X509_CRL *crl = X509_CRL_new();
    assert_non_null(crl);
    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
    ASN1_TIME *last = X509_gmtime_adj(NULL, -60), *next = X509_gmtime_adj(NULL, seconds);
    X509_CRL_set1_lastUpdate(crl, last);
    X509_CRL_set1_nextUpdate(crl, next);
    assert_true(X509_CRL_sign(crl, key, EVP_sha256()) > 0);
    snprintf(tmp, sizeof tmp, "%s.new", path);
    FILE *f = fopen(tmp, "w");
    assert_non_null(f);
    PEM_write_X509_CRL(f, crl);
    fclose(f);
    assert_int_equal(rename(tmp, path), 0);
    ASN1_TIME_free(last);
    ASN1_TIME_free(next);
    X509_CRL_free(crl);
    X509_free(ca);
    EVP_PKEY_free(key);
}

/* A server whose CRL file is its own. */
static void start_with_own_crl(cg_test_server *t, const char *name, char *crl, size_t len)
{
    cg_test_server_share(t, &server, name);
    snprintf(crl, len, "%s/crl.pem", t->dir);
    char ini[1200];
    snprintf(ini, sizeof ini, "tls_crl = %s\ntls_reload_interval = 1s\n", crl);
    write_crl(crl, 4);
    cg_test_server_start(t, ini);
}

static void test_stale_crl_then_fresh(void **state)
{
    cg_test_server t;
    char crl[800];
    start_with_own_crl(&t, "tls_reload_stale", crl, sizeof crl);
    cg_client *live = cg_test_connect(&t, "hq");
    ping_ok(live);

    /* Past its nextUpdate: new handshakes fail, the live session stays. */
    assert_true(cg_test_log_wait(&t, "event=crl_expired", NULL));
    expect_refused(&t, "supervision");
    assert_true(cg_test_log_wait(&t, "event=handshake_failed", "CRL has expired", NULL));
    ping_ok(live);

    /* The CA publishes a fresh one: taken without a restart. */
    write_crl(crl, 3600 * 24 * 7);
    assert_true(cg_test_log_wait(&t, "event=tls_reloaded", "trigger=\"files changed\"", NULL));
    assert_true(cg_test_log_wait(&t, "event=crl_fresh", NULL));
    cg_client *fresh = cg_test_connect(&t, "supervision");
    ping_ok(fresh);
    ping_ok(live);
    cg_client_free(fresh);
    cg_client_free(live);
    assert_int_equal(cg_test_server_stop(&t), 0);
}

static void test_unloadable_file_keeps_old_context(void **state)
{
    cg_test_server t;
    char crl[800];
    start_with_own_crl(&t, "tls_reload_bad", crl, sizeof crl);
    write_crl(crl, 3600 * 24 * 7);
    assert_true(cg_test_log_wait(&t, "event=tls_reloaded", NULL));
    FILE *f = fopen(crl, "w");
    assert_non_null(f);
    fputs("not a CRL\n", f);
    fclose(f);
    assert_int_equal(kill(t.pid, SIGHUP), 0);
    assert_true(cg_test_log_wait(&t, "event=tls_reload_failed", "action=\"keeping", NULL));
    cg_client *c = cg_test_connect(&t, "hq");
    ping_ok(c);
    cg_client_free(c);
    assert_int_equal(cg_test_server_stop(&t), 0);
}

/* The certificate the server presents now equals the one in path. */
static int serves(const cg_test_server *t, const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    X509 *want = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(want);
    cg_test_raw r;
    cg_test_raw_open_as(&r, t, "hq");
    X509 *got = SSL_get0_peer_certificate(r.ssl);
    int same = got != NULL && X509_cmp(got, want) == 0;
    cg_test_raw_close(&r);
    X509_free(want);
    return same;
}

/* The operator renews the server certificate (same key, new certificate,
 * renamed over the old file): new connections get it, the open one goes on. */
static void test_server_certificate_renewed(void **state)
{
    cg_test_server t;
    cg_test_server_share(&t, &server, "tls_reload_cert");
    char pki[700], crt[800], ini[2048], cmd[8192];
    cg_test_pki(&server, "", pki, sizeof pki);
    snprintf(crt, sizeof crt, "%s/server.crt", t.dir);
    snprintf(cmd, sizeof cmd, "cp '%s/server.crt' '%s/server.key' '%s/'", pki, pki, t.dir);
    assert_int_equal(system(cmd), 0);
    snprintf(ini, sizeof ini, "tls_cert = %s\ntls_key = %s/server.key\ntls_reload_interval = 1s\n",
             crt, t.dir);
    cg_test_server_start(&t, ini);
    assert_true(serves(&t, crt));
    cg_client *live = cg_test_connect(&t, "hq");

    snprintf(
        cmd, sizeof cmd,
        "cd '%s' && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n"
        "extendedKeyUsage=serverAuth\\n' >renew.ext"
        " && openssl req -new -key server.key -subj '/O=chengguan dev/CN=localhost' 2>/dev/null"
        " | openssl x509 -req -sha256 -days 30 -CA '%s/ca.crt' -CAkey '%s/ca.key'"
        " -set_serial 0x%llx -extfile renew.ext -out renewed.crt 2>/dev/null"
        " && mv renewed.crt server.crt",
        t.dir, pki, pki, (unsigned long long)time(NULL));
    assert_int_equal(system(cmd), 0);
    assert_true(cg_test_log_wait(&t, "event=tls_reloaded", "trigger=\"files changed\"", NULL));
    assert_true(serves(&t, crt));
    ping_ok(live);
    cg_client_free(live);
    assert_int_equal(cg_test_server_stop(&t), 0);
}

int main(void)
{
    cg_test_server_init(&server, "tls_reload", 0);
    char ini[1024], crl[700];
    snprintf(ini, sizeof ini, "tls_crl = %s\ntls_reload_interval = 1s\n",
             cg_test_pki(&server, "crl.pem", crl, sizeof crl));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sighup_keeps_connections),
        cmocka_unit_test(test_revoked_while_connected),
        cmocka_unit_test(test_expired_while_connected),
        cmocka_unit_test(test_stale_crl_then_fresh),
        cmocka_unit_test(test_server_certificate_renewed),
        cmocka_unit_test(test_unloadable_file_keeps_old_context),
    };
    return CG_TEST_RUN(&server, ini, tests);
}
