/*
 * bench_hold — the reference of scripts/bench's memory figure: the least a
 * libuv + OpenSSL server can hold per idle subscribed workstation. It
 * accepts mutual-TLS connections with the same certificates as chengguand
 * (cg_tls_server_ctx), two memory BIOs per connection as chengguand has,
 * answers Hello with Welcome and Subscribe with Subscribed (head 0), and
 * ignores everything else. No database, no accounts, no limits.
 *
 *   bench_hold HOST:PORT CERT KEY CA
 *
 * Not a test, and not a server to use: scripts/bench runs it.
 */
#include "buf.h"
#include "envelope.h"
#include "frame.h"
#include "tls_context.h"

#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

typedef struct {
    uv_tcp_t tcp;
    SSL *ssl;
    BIO *in, *out; /* network -> SSL, SSL -> network */
    cg_frame_decoder frames;
} holding;

static SSL_CTX *ctx;

static void on_closed(uv_handle_t *h)
{
    holding *c = h->data;
    SSL_free(c->ssl); /* frees both BIOs */
    cg_frame_decoder_free(&c->frames);
    free(c);
}

static void drop(holding *c)
{
    if (!uv_is_closing((uv_handle_t *)&c->tcp))
        uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void on_written(uv_write_t *w, int status)
{
    (void)status;
    free(w->data);
    free(w);
}

/* Sends what OpenSSL wrote into the out BIO. */
static void flush(holding *c)
{
    size_t n = (size_t)BIO_ctrl_pending(c->out);
    if (n == 0)
        return;
    uv_write_t *w = malloc(sizeof *w);
    char *data = malloc(n);
    if (w == NULL || data == NULL || BIO_read(c->out, data, (int)n) != (int)n) {
        free(w), free(data);
        drop(c);
        return;
    }
    w->data = data;
    uv_buf_t b = uv_buf_init(data, (unsigned)n);
    if (uv_write(w, (uv_stream_t *)&c->tcp, &b, 1, on_written) != 0) {
        free(w), free(data);
        drop(c);
    }
}

static void reply(holding *c, cg_envelope *env)
{
    cg_buf out = CG_BUF_INIT;
    if (cg_envelope_write(&out, env, 1 << 20) == 0)
        SSL_write(c->ssl, cg_buf_head(&out), (int)cg_buf_pending(&out));
    cg_buf_free(&out);
}

static void answer(holding *c, const uint8_t *p, size_t len)
{
    cg_envelope *in = cg_envelope_read(p, len, NULL);
    if (in == NULL)
        return;
    cg_envelope out = CHENGGUAN__V1__ENVELOPE__INIT;
    out.id = in->id;
    Chengguan__V1__Welcome welcome = CHENGGUAN__V1__WELCOME__INIT;
    Chengguan__V1__Subscribed subscribed = CHENGGUAN__V1__SUBSCRIBED__INIT;
    if (in->body_case == CHENGGUAN__V1__ENVELOPE__BODY_HELLO) {
        welcome.server_version = "bench_hold";
        welcome.protocol_version = 1;
        welcome.account = "hq";
        welcome.role = "hq";
        welcome.max_frame_bytes = 1 << 20;
        out.body_case = CHENGGUAN__V1__ENVELOPE__BODY_WELCOME;
        out.welcome = &welcome;
        /* As chengguand (server/hello.c): a TLS 1.3 ticket with the Welcome. */
        if (SSL_version(c->ssl) == TLS1_3_VERSION)
            SSL_new_session_ticket(c->ssl);
        reply(c, &out);
    } else if (in->body_case == CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBE) {
        out.body_case = CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBED;
        out.subscribed = &subscribed;
        reply(c, &out);
    }
    cg_envelope_free(in, NULL);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
    (void)h, (void)hint;
    static char buf[65536]; /* one loop thread: one read buffer for all */
    *b = uv_buf_init(buf, sizeof buf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    holding *c = s->data;
    if (n < 0) {
        drop(c);
        return;
    }
    BIO_write(c->in, b->base, (int)n);
    if (!SSL_is_init_finished(c->ssl)) {
        int rc = SSL_do_handshake(c->ssl);
        if (rc != 1 && SSL_get_error(c->ssl, rc) != SSL_ERROR_WANT_READ) {
            ERR_clear_error();
            flush(c);
            drop(c);
            return;
        }
    }
    char plain[16384];
    int got;
    while ((got = SSL_read(c->ssl, plain, sizeof plain)) > 0) {
        cg_frame_decoder_feed(&c->frames, plain, (size_t)got);
        const uint8_t *p;
        size_t len;
        while (cg_frame_decoder_next(&c->frames, &p, &len) == 1)
            answer(c, p, len);
    }
    ERR_clear_error();
    flush(c);
}

static void on_connection(uv_stream_t *server, int status)
{
    if (status != 0)
        return;
    holding *c = calloc(1, sizeof *c);
    if (c == NULL)
        return;
    uv_tcp_init(server->loop, &c->tcp);
    c->tcp.data = c;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 || (c->ssl = SSL_new(ctx)) == NULL) {
        uv_close((uv_handle_t *)&c->tcp, (uv_close_cb)free);
        return;
    }
    c->in = BIO_new(BIO_s_mem());
    c->out = BIO_new(BIO_s_mem());
    SSL_set_bio(c->ssl, c->in, c->out);
    SSL_set_accept_state(c->ssl);
    cg_frame_decoder_init(&c->frames, 1 << 20);
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bench_hold HOST:PORT CERT KEY CA\n");
        return 1;
    }
    char err[512], host[64];
    const char *colon = strrchr(argv[1], ':');
    if (colon == NULL || colon - argv[1] >= (long)sizeof host) {
        fprintf(stderr, "bench_hold: HOST:PORT\n");
        return 1;
    }
    snprintf(host, sizeof host, "%.*s", (int)(colon - argv[1]), argv[1]);
    if ((ctx = cg_tls_server_ctx(argv[2], argv[3], argv[4], NULL, err, sizeof err)) == NULL) {
        fprintf(stderr, "bench_hold: %s\n", err);
        return 1;
    }
    uv_loop_t *loop = uv_default_loop();
    uv_tcp_t server;
    struct sockaddr_in addr;
    uv_tcp_init(loop, &server);
    if (uv_ip4_addr(host, atoi(colon + 1), &addr) != 0 ||
        uv_tcp_bind(&server, (struct sockaddr *)&addr, 0) != 0 ||
        uv_listen((uv_stream_t *)&server, 1024, on_connection) != 0) {
        fprintf(stderr, "bench_hold: cannot listen on %s\n", argv[1]);
        return 1;
    }
    return uv_run(loop, UV_RUN_DEFAULT);
}
