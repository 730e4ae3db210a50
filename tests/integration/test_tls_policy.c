/*
 * The server's TLS policy as `openssl s_client` sees it: TLS 1.2 at least,
 * AEAD suites only and in the server's order, no compression, no
 * client-initiated renegotiation; client certificates must verify, not be
 * revoked (tls_crl) and name clientAuth. Each refusal is logged with its
 * reason while the server keeps serving.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;

/*
 * Runs s_client as the certificate at pki/rel (.crt and .key; NULL for no
 * certificate) with opts, typing `input` after the handshake, and returns
 * its output (stdout and stderr, "rc=N" appended).
 */
static char *s_client(const char *rel, const char *opts, const char *input)
{
    char ca[700], cert[700], key[700], creds[1600] = "", out[800], cmd[4096];
    if (rel != NULL) {
        char crt_rel[128], key_rel[128];
        snprintf(crt_rel, sizeof crt_rel, "%s.crt", rel);
        snprintf(key_rel, sizeof key_rel, "%s.key", rel);
        snprintf(creds, sizeof creds, "-cert '%s' -key '%s'",
                 cg_test_pki(&server, crt_rel, cert, sizeof cert),
                 cg_test_pki(&server, key_rel, key, sizeof key));
    }
    snprintf(out, sizeof out, "%s/s_client.out", server.dir);
    snprintf(cmd, sizeof cmd,
             "{ printf '%s'; sleep 1; } | timeout 20 openssl s_client -connect "
             "127.0.0.1:%d -CAfile '%s' %s %s >'%s' 2>&1; echo \"rc=$?\" >>'%s'",
             input, server.port, cg_test_pki(&server, "ca.crt", ca, sizeof ca), creds, opts, out,
             out);
    assert_int_not_equal(system(cmd), -1);
    return cg_test_read_text(out);
}

static void expect(const char *text, const char *what, int present)
{
    if ((strstr(text, what) != NULL) != present)
        print_message("expected %s\"%s\" in:\n%s\n", present ? "" : "no ", what, text);
    assert_int_equal(strstr(text, what) != NULL, present);
}

static void expect_still_serving(void)
{
    cg_client *c = cg_test_connect(&server, "hq");
    assert_int_equal(cg_ping(c, "ok", 2, NULL), 0);
    cg_client_free(c);
}

static void test_tls13_and_no_compression(void **state)
{
    char *out = s_client("clients/hq", "", "");
    expect(out, "New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256", 1);
    expect(out, "Compression: NONE", 1);
    expect(out, "Verify return code: 0 (ok)", 1);
    free(out);
}

static void test_old_protocols_refused(void **state)
{
    /* SECLEVEL=0: this s_client would otherwise not even offer them. */
    const char *versions[] = {"-tls1_1", "-tls1"};
    for (size_t k = 0; k < 2; k++) {
        char opts[128];
        snprintf(opts, sizeof opts, "%s -cipher 'DEFAULT:@SECLEVEL=0'", versions[k]);
        char *out = s_client("clients/hq", opts, "");
        expect(out, "Cipher is (NONE)", 1);
        expect(out, "rc=0", 0);
        free(out);
    }
    expect_still_serving();
}

static void test_cbc_and_rsa_key_exchange_refused(void **state)
{
    const char *suites[] = {"ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA-AES256-SHA",
                            "AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-CCM"};
    for (size_t k = 0; k < sizeof suites / sizeof suites[0]; k++) {
        char opts[128];
        snprintf(opts, sizeof opts, "-tls1_2 -cipher %s", suites[k]);
        char *out = s_client("clients/hq", opts, "");
        expect(out, "Cipher is (NONE)", 1);
        free(out);
    }
}

/* The client prefers ChaCha20, the server AES-GCM: the server's order wins,
 * in TLS 1.2 and 1.3. */
static void test_server_order(void **state)
{
    char *out =
        s_client("clients/hq",
                 "-tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256", "");
    expect(out, "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256", 1);
    free(out);
    out = s_client("clients/hq",
                   "-ciphersuites TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384:"
                   "TLS_AES_128_GCM_SHA256",
                   "");
    expect(out, "New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256", 1);
    free(out);
}

/* "R" asks s_client to renegotiate (TLS 1.2): the server refuses and the
 * connection does not go on renegotiated. */
static void test_no_renegotiation(void **state)
{
    char *out = s_client("clients/hq", "-tls1_2", "R\n");
    expect(out, "RENEGOTIATING", 1);
    expect(out, "no renegotiation", 1);
    free(out);
    expect_still_serving();
}

/* In TLS 1.2 the client learns of the refusal in the handshake. */
static void expect_refused(const char *rel, const char *reason)
{
    char *out = s_client(rel, "-tls1_2", "");
    expect(out, "rc=0", 0);
    free(out);
    assert_true(cg_test_log_wait(&server, "event=handshake_failed", reason, NULL));
    expect_still_serving();
}

static void test_certificate_without_client_auth_refused(void **state)
{
    expect_refused("test/no-eku", "unsuitable certificate purpose");
    expect_refused("server", "unsuitable certificate purpose"); /* serverAuth only */
}

static void test_revoked_certificate_refused(void **state)
{
    cg_test_issue_cert(&server, "policy-revoked");
    char *out = s_client("clients/policy-revoked", "-tls1_2", "");
    expect(out, "New, TLSv1.2", 1); /* fine before */
    free(out);
    char pki[700], cmd[2048];
    snprintf(cmd, sizeof cmd, "%s/scripts/dev-pki.sh '%s' --revoke policy-revoked >/dev/null",
             CG_SOURCE_DIR, cg_test_pki(&server, "", pki, sizeof pki));
    assert_int_equal(system(cmd), 0);
    assert_int_equal(kill(server.pid, SIGHUP), 0);
    assert_true(cg_test_log_wait(&server, "event=tls_reloaded", "trigger=SIGHUP", NULL));
    expect_refused("clients/policy-revoked", "certificate revoked");
}

static void test_no_certificate_refused(void **state)
{
    expect_refused(NULL, "certificate");
}

int main(void)
{
    cg_test_server_init(&server, "tls_policy", 0);
    char ini[1024], crl[700];
    snprintf(ini, sizeof ini, "tls_crl = %s\n", cg_test_pki(&server, "crl.pem", crl, sizeof crl));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls13_and_no_compression),
        cmocka_unit_test(test_old_protocols_refused),
        cmocka_unit_test(test_cbc_and_rsa_key_exchange_refused),
        cmocka_unit_test(test_server_order),
        cmocka_unit_test(test_no_renegotiation),
        cmocka_unit_test(test_certificate_without_client_auth_refused),
        cmocka_unit_test(test_revoked_certificate_refused),
        cmocka_unit_test(test_no_certificate_refused),
    };
    return CG_TEST_RUN(&server, ini, tests);
}
