/*
 * What an idle connection keeps of its TLS session (issue 14): both ends
 * run with SSL_MODE_RELEASE_BUFFERS, and once a connection has nothing in
 * flight, the memory BIOs give back the storage the handshake and the
 * largest message left in them (the frame decoder's: unit/test_frame.c). A client and a server
 * session of common/tls_session.h talk in this process with the dev
 * certificates of the test environment ($CG_TEST_ENV/pki). And the file of
 * tls_ticket_keys, which instances behind one load balancer share, and the
 * session a client keeps to resume after its connection was cut.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "tls_context.h"
#include "tls_session.h"

static SSL_CTX *server_ctx, *client_ctx;

static const char *pki(const char *rel)
{
    static char path[4][700];
    static int next;
    const char *env = getenv("CG_TEST_ENV");
    assert_non_null(env);
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/pki/%s", env, rel);
    return p;
}

static int setup(void **state)
{
    char err[512];
    server_ctx = cg_tls_server_ctx(pki("server.crt"), pki("server.key"), pki("ca.crt"), NULL, err,
                                   sizeof err);
    client_ctx = cg_tls_client_ctx(pki("clients/hq.crt"), pki("clients/hq.key"), pki("ca.crt"), err,
                                   sizeof err);
    if (server_ctx == NULL || client_ctx == NULL)
        fprintf(stderr, "%s\n", err);
    return server_ctx == NULL || client_ctx == NULL;
}

static int teardown(void **state)
{
    SSL_CTX_free(server_ctx);
    SSL_CTX_free(client_ctx);
    return 0;
}

/* Moves what from produced to to. */
static void carry(cg_tls_session *from, cg_tls_session *to)
{
    char buf[4096];
    size_t n;
    while ((n = cg_tls_session_take_output(from, buf, sizeof buf)) > 0)
        assert_int_equal(cg_tls_session_feed(to, buf, n), 0);
}

/* Storage a memory BIO holds (its BUF_MEM's allocation). */
static size_t storage(BIO *bio)
{
    BUF_MEM *bm = NULL;
    assert_int_equal(BIO_get_mem_ptr(bio, &bm), 1);
    return bm->max;
}

/* Reads everything the session can decrypt now; returns how many bytes. */
static size_t drain(cg_tls_session *t)
{
    char buf[16384], err[256];
    size_t total = 0;
    int n;
    while ((n = cg_tls_session_read(t, buf, sizeof buf, err, sizeof err)) > 0)
        total += (size_t)n;
    assert_true(n == 0);
    return total;
}

/* Both ends' handshake messages until both are established; the client
 * has not read the session ticket yet (TLS 1.3 sends it after). */
static void handshake_only(cg_tls_session *c, cg_tls_session *s)
{
    char err[256];
    for (int i = 0; i < 10 && !(c->established && s->established); i++) {
        assert_true(cg_tls_session_handshake(c, err, sizeof err) >= 0);
        carry(c, s);
        assert_true(cg_tls_session_handshake(s, err, sizeof err) >= 0);
        carry(s, c);
    }
    assert_true(c->established && s->established);
}

/* The handshake, then what chengguand sends a client it lets in: a session
 * ticket (TLS 1.3) with the Welcome; the client reads both. */
static void handshake(cg_tls_session *c, cg_tls_session *s)
{
    handshake_only(c, s);
    assert_int_equal(cg_tls_session_issue_ticket(s), 0);
    assert_int_equal(cg_tls_session_write(s, "welcome", 7), 0);
    carry(s, c);
    assert_int_equal(drain(c), 7);
    carry(c, s);
}

static void test_both_ends_release_openssl_buffers(void **state)
{
    assert_true(SSL_CTX_get_mode(server_ctx) & SSL_MODE_RELEASE_BUFFERS);
    assert_true(SSL_CTX_get_mode(client_ctx) & SSL_MODE_RELEASE_BUFFERS);
}

static void test_idle_session_keeps_no_bio_storage(void **state)
{
    cg_tls_session c, s;
    assert_int_equal(cg_tls_session_init(&c, client_ctx, 0), 0);
    assert_int_equal(cg_tls_session_init(&s, server_ctx, 1), 0);
    handshake(&c, &s);

    /* A large reply: 200 kB through the server's output BIO at once. */
    static char big[200 * 1024];
    memset(big, 'x', sizeof big);
    assert_int_equal(cg_tls_session_write(&s, big, sizeof big), 0);
    carry(&s, &c);
    assert_int_equal(drain(&c), sizeof big);
    /* A small one, then the client's request: both BIOs held something. */
    assert_int_equal(cg_tls_session_write(&c, "ping", 4), 0);
    carry(&c, &s);
    assert_int_equal(drain(&s), 4);
    assert_true(storage(s.in) > 0);
    assert_true(storage(s.out) >= sizeof big);

    /* On the busy path only what passes keep goes back... */
    cg_tls_session_release(&s, CG_BUF_KEEP_BYTES);
    assert_int_equal(storage(s.out), 0);
    assert_true(storage(s.in) > 0);
    /* ...and when the connection falls quiet, everything. */
    cg_tls_session_release(&s, 0);
    assert_int_equal(storage(s.in), 0);
    assert_int_equal(storage(s.out), 0);

    /* Nothing waiting is dropped: output produced but not taken stays. */
    assert_int_equal(cg_tls_session_write(&s, "pong", 4), 0);
    size_t pending = cg_tls_session_output_pending(&s);
    cg_tls_session_release(&s, 0);
    assert_int_equal(cg_tls_session_output_pending(&s), pending);
    /* The session goes on over the new BIOs, both ways. */
    carry(&s, &c);
    assert_int_equal(drain(&c), 4);
    assert_int_equal(cg_tls_session_write(&c, "again", 5), 0);
    carry(&c, &s);
    assert_int_equal(drain(&s), 5);

    cg_tls_session_free(&c);
    cg_tls_session_free(&s);
}

/* A client connection of client_ctx to a fresh server session, at most
 * TLS version; whether it resumed. Cut (freed without close_notify, as a
 * killed server leaves it) right after the handshake, before the client
 * read the new ticket when cut_early, else after. */
static int connect_once(SSL_CTX *ctx, int version, int cut_early)
{
    cg_tls_session c, s;
    assert_int_equal(cg_tls_session_init(&c, ctx, 0), 0);
    assert_int_equal(SSL_set_max_proto_version(c.ssl, version), 1);
    assert_int_equal(cg_tls_session_init(&s, server_ctx, 1), 0);
    if (cut_early)
        handshake_only(&c, &s);
    else
        handshake(&c, &s);
    int resumed = cg_tls_session_resumed(&c);
    cg_tls_session_free(&c);
    cg_tls_session_free(&s);
    return resumed;
}

/* The client's saved session survives a resumed connection that is cut
 * (TLS 1.3: before the server's next ticket came; TLS 1.2: at any time,
 * no new ticket comes): the reconnect after it resumes again. OpenSSL marks
 * the session a cut connection used as not resumable; the saved one must
 * not be that object. */
static void test_cut_resumed_connection_keeps_saved_session(void **state)
{
    const int versions[] = {TLS1_3_VERSION, TLS1_2_VERSION};
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        char err[512];
        SSL_CTX *ctx = cg_tls_client_ctx(pki("clients/hq.crt"), pki("clients/hq.key"),
                                         pki("ca.crt"), err, sizeof err);
        assert_non_null(ctx);
        assert_false(connect_once(ctx, versions[i], 0)); /* full: saves a session */
        assert_true(connect_once(ctx, versions[i], 1));  /* resumes, then cut */
        assert_true(connect_once(ctx, versions[i], 1));  /* resumes again */
        assert_true(connect_once(ctx, versions[i], 0));
        SSL_CTX_free(ctx);
    }
}

/* tls_ticket_keys: exactly CG_TLS_TICKET_KEYS_BYTES bytes, else refused
 * with the reason (the server then does not start). */
static void test_ticket_key_file(void **state)
{
    char path[800], err[512];
    snprintf(path, sizeof path, "%s/ticket_keys_test", getenv("CG_TEST_ENV"));
    unsigned char keys[CG_TLS_TICKET_KEYS_BYTES + 1] = {1, 2, 3};
    for (size_t n = CG_TLS_TICKET_KEYS_BYTES - 1; n <= CG_TLS_TICKET_KEYS_BYTES + 1; n++) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(keys, 1, n, f), n);
        fclose(f);
        err[0] = '\0';
        int rc = cg_tls_load_ticket_keys(server_ctx, path, err, sizeof err);
        if (n == CG_TLS_TICKET_KEYS_BYTES) {
            assert_int_equal(rc, 0);
        } else {
            assert_int_equal(rc, -1);
            assert_non_null(strstr(err, "want exactly 80 bytes"));
        }
    }
    remove(path);
    assert_int_equal(cg_tls_load_ticket_keys(server_ctx, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot read"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_both_ends_release_openssl_buffers),
        cmocka_unit_test(test_idle_session_keeps_no_bio_storage),
        cmocka_unit_test(test_ticket_key_file),
        cmocka_unit_test(test_cut_resumed_connection_keeps_saved_session),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
