/*
 * TLS session resumption against the real server, with `openssl s_client`
 * as the client that caches sessions (as Java, Go and Python clients do):
 * a saved session resumes (TLS 1.3 and 1.2), the resumed connection is
 * still the certificate's account, a certificate reload (SIGHUP) keeps
 * sessions resumable, and a session whose certificate has
 * expired or been revoked since is not resumed: the full handshake that
 * follows fails. The server's TLS 1.3 tickets: one per admitted login.
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

#include "harness.h"

static cg_test_server server;

#define HQ_SUBJECT "CN=hq,O=chengguan dev"

/* Hello and WhoAmI as frames in the file path. */
static void write_requests(const char *path)
{
    Chengguan__V1__Hello hello = CHENGGUAN__V1__HELLO__INIT;
    hello.protocol_version = CG_PROTOCOL_VERSION;
    hello.client_name = "s_client";
    Chengguan__V1__WhoAmI who = CHENGGUAN__V1__WHO_AM_I__INIT;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    cg_buf out = CG_BUF_INIT;
    env.id = 1;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_HELLO;
    env.hello = &hello;
    assert_int_equal(cg_envelope_write(&out, &env, 4096), 0);
    env.id = 2;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_WHO_AM_I;
    env.who_am_i = &who;
    assert_int_equal(cg_envelope_write(&out, &env, 4096), 0);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(cg_buf_head(&out), 1, cg_buf_pending(&out), f), cg_buf_pending(&out));
    fclose(f);
    cg_buf_free(&out);
}

/*
 * Runs s_client with cert/key and extra options (-sess_out / -sess_in, a
 * protocol version), sends Hello and WhoAmI, and keeps its input open until
 * the WhoAmI reply (which carries the certificate subject in RFC 2253 form)
 * or an error shows in its output, at most 20 s. Returns the output.
 */
static char *s_client_as(const char *cert, const char *key, const char *opts, const char *subject)
{
    char requests[800], out[800], ca[700], cmd[4096];
    snprintf(requests, sizeof requests, "%s/requests.bin", server.dir);
    snprintf(out, sizeof out, "%s/s_client.out", server.dir);
    write_requests(requests);
    /* The loop below reads out while s_client writes it: it must not see the
     * previous run's output, or it closes s_client's input at once. */
    unlink(out);
    snprintf(cmd, sizeof cmd,
             "{ cat '%s'; i=0; while [ $i -lt 200 ] && ! grep -qaE '%s|error:' '%s'; do "
             "sleep 0.1; i=$((i+1)); done; } | openssl s_client -connect 127.0.0.1:%d "
             "-cert '%s' -key '%s' -CAfile '%s' %s >'%s' 2>&1",
             requests, subject, out, server.port, cert, key,
             cg_test_pki(&server, "ca.crt", ca, sizeof ca), opts, out);
    assert_int_not_equal(system(cmd), -1);
    return cg_test_read_text(out);
}

static char *s_client(const char *cert, const char *key, const char *opts)
{
    return s_client_as(cert, key, opts, HQ_SUBJECT);
}

/* s_client as hq saving its session, then resuming it (after a SIGHUP
 * reload of the certificates when reload): "Reused", and the resumed
 * connection answers WhoAmI for hq. */
static void resume_as_hq(const char *version, int reload)
{
    char cert[700], key[700], opts[900], sess[800];
    cg_test_pki(&server, "clients/hq.crt", cert, sizeof cert);
    cg_test_pki(&server, "clients/hq.key", key, sizeof key);
    snprintf(sess, sizeof sess, "%s/hq%s.sess", server.dir, version);

    snprintf(opts, sizeof opts, "%s -sess_out '%s'", version, sess);
    char *first = s_client(cert, key, opts);
    int fresh = strstr(first, "New, TLSv1") != NULL, answered = strstr(first, HQ_SUBJECT) != NULL;
    if (!fresh || !answered)
        print_message("s_client %s:\n%s\n", opts, first);
    free(first);
    assert_true(fresh);
    assert_true(answered);
    if (reload) { /* the ticket keys carry over */
        assert_int_equal(kill(server.pid, SIGHUP), 0);
        assert_true(cg_test_log_wait(&server, "event=tls_reloaded", NULL));
    }

    snprintf(opts, sizeof opts, "%s -sess_in '%s'", version, sess);
    char *again = s_client(cert, key, opts);
    int reused = strstr(again, "Reused, TLSv1") != NULL;
    answered = strstr(again, HQ_SUBJECT) != NULL;
    if (!reused || !answered) /* what s_client saw, for the log of a failed run */
        print_message("s_client %s:\n%s\n", opts, again);
    free(again);
    assert_true(reused);
    assert_true(answered);
    assert_false(cg_test_log_has(&server, "event=handshake_failed", NULL));
    assert_true(cg_test_log_wait(&server, "event=hello", "account=hq", NULL));
}

static void test_resumption_tls13(void **state)
{
    resume_as_hq("-tls1_3", 0);
}

static void test_resumption_across_reload(void **state)
{
    resume_as_hq("-tls1_3", 1);
}

static void test_resumption_tls12(void **state)
{
    resume_as_hq("-tls1_2", 0);
}

/* A ticket does not outlive its certificate: once the certificate has
 * expired the session is not resumed, and the full handshake fails — also
 * when the server remembers having verified it for a resumption before
 * (tls_verified.h: the memo ends at the certificate's notAfter). */
static void test_expired_certificate_not_resumed(void **state)
{
    char cert[800], key[800], sess[800], opts[900];
    snprintf(cert, sizeof cert, "%s/short.crt", server.dir);
    snprintf(key, sizeof key, "%s/short.key", server.dir);
    snprintf(sess, sizeof sess, "%s/short.sess", server.dir);
    time_t expires = cg_test_short_lived_cert(&server, cert, key, 6);

    snprintf(opts, sizeof opts, "-sess_out '%s'", sess);
    char *first = s_client(cert, key, opts);
    assert_non_null(strstr(first, HQ_SUBJECT)); /* it worked while valid */
    free(first);
    snprintf(opts, sizeof opts, "-sess_in '%s'", sess);
    char *resumed = s_client(cert, key, opts);
    int reused = strstr(resumed, "Reused, TLSv1") != NULL;
    free(resumed);
    assert_true(time(NULL) < expires); /* else the machine was too slow to test this */
    assert_true(reused);

    while (time(NULL) <= expires + 1)
        sleep(1);
    snprintf(opts, sizeof opts, "-sess_in '%s'", sess);
    char *again = s_client(cert, key, opts);
    assert_null(strstr(again, "Reused"));
    assert_null(strstr(again, HQ_SUBJECT));
    free(again);
    assert_true(
        cg_test_log_wait(&server, "event=handshake_failed", "certificate has expired", NULL));
}

/* How many TLS 1.3 session tickets s_client's output shows. */
static int tickets_in(const char *out)
{
    int n = 0;
    for (const char *p = out; (p = strstr(p, "New Session Ticket arrived")) != NULL; p++)
        n++;
    return n;
}

/* The server gives one ticket to a client it lets in, with the Welcome,
 * also on a resumed connection (a fresh ticket each time), and none to a
 * certificate without an account: its Hello is refused. */
static void test_one_ticket_per_login(void **state)
{
    char cert[700], key[700], sess[800], opts[900];
    cg_test_pki(&server, "clients/hq.crt", cert, sizeof cert);
    cg_test_pki(&server, "clients/hq.key", key, sizeof key);
    snprintf(sess, sizeof sess, "%s/tickets.sess", server.dir);
    snprintf(opts, sizeof opts, "-tls1_3 -sess_out '%s'", sess);
    char *out = s_client(cert, key, opts);
    int fresh = tickets_in(out);
    free(out);
    snprintf(opts, sizeof opts, "-tls1_3 -sess_in '%s'", sess);
    out = s_client(cert, key, opts);
    int reused = strstr(out, "Reused, TLSv1.3") != NULL, renewed = tickets_in(out);
    free(out);
    assert_int_equal(fresh, 1);
    assert_true(reused);
    assert_int_equal(renewed, 1);

    cg_test_pki(&server, "test/stranger.crt", cert, sizeof cert);
    cg_test_pki(&server, "test/stranger.key", key, sizeof key);
    out = s_client_as(cert, key, "-tls1_3", "no account for certificate subject");
    int refused = strstr(out, "no account for certificate subject") != NULL;
    int stranger = tickets_in(out);
    free(out);
    assert_true(refused);
    assert_int_equal(stranger, 0);
}

/* A revocation ends resumption, also of a certificate the server remembers
 * having verified (tls_verified.h): the reload that loads the new CRL
 * starts with an empty memo. */
static void test_revoked_certificate_not_resumed(void **state)
{
    const char *subject = "CN=resume-revoked,O=chengguan dev";
    char cert[700], key[700], sess[800], opts[900], pki[700], cmd[2048];
    cg_test_issue_cert(&server, "resume-revoked");
    assert_int_equal(cg_test_sql(&server,
                                 "INSERT INTO accounts (name, role, unit_code, cert_subject) "
                                 "SELECT 'resume-revoked', role, unit_code, "
                                 "'CN=resume-revoked,O=chengguan dev' "
                                 "FROM accounts WHERE name = 'hq'"),
                     0);
    cg_test_pki(&server, "clients/resume-revoked.crt", cert, sizeof cert);
    cg_test_pki(&server, "clients/resume-revoked.key", key, sizeof key);
    snprintf(sess, sizeof sess, "%s/revoked.sess", server.dir);

    snprintf(opts, sizeof opts, "-tls1_3 -sess_out '%s'", sess);
    char *out = s_client_as(cert, key, opts, subject);
    int fresh = strstr(out, "New, TLSv1.3") != NULL;
    free(out);
    assert_true(fresh);
    snprintf(opts, sizeof opts, "-tls1_3 -sess_in '%s'", sess);
    out = s_client_as(cert, key, opts, subject);
    int reused = strstr(out, "Reused, TLSv1.3") != NULL;
    free(out);
    assert_true(reused);

    snprintf(cmd, sizeof cmd, "%s/scripts/dev-pki.sh '%s' --revoke resume-revoked >/dev/null",
             CG_SOURCE_DIR, cg_test_pki(&server, "", pki, sizeof pki));
    assert_int_equal(system(cmd), 0);
    assert_int_equal(kill(server.pid, SIGHUP), 0);
    assert_true(cg_test_log_wait(&server, "event=tls_reloaded", "trigger=SIGHUP", NULL));
    out = s_client_as(cert, key, opts, subject);
    reused = strstr(out, "Reused") != NULL;
    free(out);
    assert_false(reused);
    assert_true(cg_test_log_wait(&server, "event=handshake_failed", "certificate revoked", NULL));
}

int main(void)
{
    cg_test_server_init(&server, "tls_resume", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resumption_tls13),
        cmocka_unit_test(test_resumption_tls12),
        cmocka_unit_test(test_resumption_across_reload),
        cmocka_unit_test(test_expired_certificate_not_resumed),
        cmocka_unit_test(test_revoked_certificate_not_resumed),
        cmocka_unit_test(test_one_ticket_per_login),
    };
    char ini[1024], crl[700];
    snprintf(ini, sizeof ini, "tls_crl = %s\n", cg_test_pki(&server, "crl.pem", crl, sizeof crl));
    return CG_TEST_RUN(&server, ini, tests);
}
