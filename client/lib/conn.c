#include "conn.h"
#include "error.h"
#include "tls_context.h"

#include <limits.h>
#include <openssl/err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_SLOTS 16

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* --- pending table -------------------------------------------------------- */

static cg__req **slot_of(cg__conn *c, uint64_t id)
{
    return &c->slots[id & (c->nslots - 1)];
}

static int table_grow(cg__conn *c)
{
    size_t n = c->nslots * 2;
    cg__req **slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return CG_ENOMEM;
    for (size_t i = 0; i < c->nslots; i++) {
        cg__req *r = c->slots[i];
        while (r != NULL) {
            cg__req *next = r->next;
            r->next = slots[r->id & (n - 1)];
            slots[r->id & (n - 1)] = r;
            r = next;
        }
    }
    free(c->slots);
    c->slots = slots;
    c->nslots = n;
    return 0;
}

static int table_insert(cg__conn *c, cg__req *req)
{
    if (c->npending >= c->nslots && table_grow(c) != 0)
        return CG_ENOMEM;
    cg__req **slot = slot_of(c, req->id);
    req->next = *slot;
    *slot = req;
    c->npending++;
    return 0;
}

static cg__req *table_remove(cg__conn *c, uint64_t id)
{
    for (cg__req **p = slot_of(c, id); *p != NULL; p = &(*p)->next) {
        cg__req *r = *p;
        if (r->id == id) {
            *p = r->next;
            r->next = NULL;
            c->npending--;
            return r;
        }
    }
    return NULL;
}

/* Completes every request in flight with err and empties the table. */
static void table_fail_all(cg__conn *c, int err)
{
    for (size_t i = 0; c->npending > 0 && i < c->nslots; i++) {
        while (c->slots[i] != NULL) {
            cg__req *r = c->slots[i];
            c->slots[i] = r->next;
            r->next = NULL;
            r->status = err;
            r->done = 1;
            c->npending--;
        }
    }
}

/* --- failure -------------------------------------------------------------- */

static void vfail(cg__conn *c, int err, const char *field, const char *fmt, va_list ap)
{
    if (c->state == CG__CONN_FAILED)
        return;
    c->state = CG__CONN_FAILED;
    c->failure = err;
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    copy_str(c->error_field, sizeof c->error_field, field);
    table_fail_all(c, err);
}

void cg__conn_fail(cg__conn *c, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, err, NULL, fmt, ap);
    va_end(ap);
}

static void fail_field(cg__conn *c, int err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail_field(cg__conn *c, int err, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, err, field, fmt, ap);
    va_end(ap);
}

/* --- TLS ------------------------------------------------------------------ */

/* Moves everything OpenSSL wrote into the output buffer. */
static void drain(cg__conn *c)
{
    size_t n;
    while ((n = BIO_ctrl_pending(c->net_out)) > 0) {
        if (n > INT_MAX)
            n = INT_MAX;
        if (cg_buf_reserve(&c->out, n) != 0) {
            cg__conn_fail(c, CG_ENOMEM, "out of memory for TLS output");
            return;
        }
        int r = BIO_read(c->net_out, c->out.data + c->out.len, (int)n);
        if (r <= 0)
            return;
        c->out.len += (size_t)r;
    }
}

/*
 * Interprets r <= 0 from an SSL call. Returns 0 when OpenSSL just needs more
 * input (WANT_READ means wait), -1 after failing the connection.
 */
static int ssl_trouble(cg__conn *c, int r, const char *what)
{
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return 0;
    if (e == SSL_ERROR_ZERO_RETURN) {
        cg__conn_fail(c, CG_ECLOSED, "the server closed the connection");
        return -1;
    }
    c->tls_broken = 1;
    char why[256];
    cg_tls_error_string(why, sizeof why);
    long verify = SSL_get_verify_result(c->ssl);
    if (verify != X509_V_OK)
        cg__conn_fail(c, CG_ETLS, "%s failed: %s (server certificate: %s)", what,
                      why[0] ? why : "error", X509_verify_cert_error_string(verify));
    else
        cg__conn_fail(c, CG_ETLS, "%s failed: %s", what, why[0] ? why : "error");
    return -1;
}

/* --- frames in -------------------------------------------------------------- */

static const char *body_name(int body)
{
    switch (body) {
    case CHENGGUAN__V1__ENVELOPE__BODY_ERROR:
        return "Error";
    case CHENGGUAN__V1__ENVELOPE__BODY_WELCOME:
        return "Welcome";
    case CHENGGUAN__V1__ENVELOPE__BODY_PONG:
        return "Pong";
    case CHENGGUAN__V1__ENVELOPE__BODY_WHO_AM_I_REPLY:
        return "WhoAmIReply";
    }
    return "another message";
}

static void on_welcome(cg__conn *c)
{
    cg__req *h = &c->hello;
    if (h->status != 0) {
        const Chengguan__V1__Error *e = h->reply ? h->reply->error : NULL;
        fail_field(c, h->status, e ? e->field : NULL, "%s",
                   e && e->message[0] ? e->message : cg_strerror(h->status));
        return;
    }
    const Chengguan__V1__Welcome *w = h->reply->welcome;
    if (w->protocol_version != CG_PROTOCOL_VERSION) {
        cg__conn_fail(c, CG_EPROTOCOL, "the server speaks protocol version %u, not %d",
                      w->protocol_version, CG_PROTOCOL_VERSION);
        return;
    }
    copy_str(c->welcome.server_version, sizeof c->welcome.server_version, w->server_version);
    c->welcome.protocol_version = w->protocol_version;
    copy_str(c->welcome.account, sizeof c->welcome.account, w->account);
    copy_str(c->welcome.role, sizeof c->welcome.role, w->role);
    copy_str(c->welcome.unit, sizeof c->welcome.unit, w->unit);
    c->welcome.max_frame_bytes = w->max_frame_bytes;
    c->welcomed = 1;
    c->state = CG__CONN_READY;
    cg__req_release(h);
}

/* Takes ownership of env. */
static void deliver(cg__conn *c, cg_envelope *env)
{
    int body = (int)env->body_case;
    if (env->id == 0) {
        /* A connection-level Error comes just before the server closes. Pushes
         * (other bodies with id 0) need a subscription, which this client
         * does not make yet, so none are expected. */
        if (body == CHENGGUAN__V1__ENVELOPE__BODY_ERROR) {
            const Chengguan__V1__Error *e = env->error;
            int err = cg_err_from_wire((int)e->code);
            fail_field(c, err, e->field, "%s", e->message[0] ? e->message : cg_strerror(err));
        } else {
            cg__conn_fail(c, CG_EPROTOCOL, "the server pushed %s without a subscription",
                          body_name(body));
        }
        cg_envelope_free(env, NULL);
        return;
    }
    cg__req *req = table_remove(c, env->id);
    if (req == NULL) {
        /* The reply to a request the caller gave up on. */
        cg_envelope_free(env, NULL);
        return;
    }
    if (body != req->expect && body != CHENGGUAN__V1__ENVELOPE__BODY_ERROR) {
        req->status = CG_EPROTOCOL;
        req->done = 1;
        cg__conn_fail(c, CG_EPROTOCOL, "the server answered request %llu with %s, expected %s",
                      (unsigned long long)env->id, body_name(body), body_name(req->expect));
        cg_envelope_free(env, NULL);
        return;
    }
    req->reply = env;
    req->status =
        body == CHENGGUAN__V1__ENVELOPE__BODY_ERROR ? cg_err_from_wire((int)env->error->code) : 0;
    req->done = 1;
    if (req == &c->hello)
        on_welcome(c);
}

static void read_frames(cg__conn *c)
{
    const uint8_t *payload;
    size_t len;
    int r;
    while ((r = cg_frame_decoder_next(&c->in, &payload, &len)) == 1) {
        cg_envelope *env = cg_envelope_read(payload, len, NULL);
        if (env == NULL) {
            cg__conn_fail(c, CG_EPROTOCOL,
                          "the server sent a frame of %zu bytes that is not an Envelope", len);
            return;
        }
        deliver(c, env);
        if (c->state == CG__CONN_FAILED)
            return;
    }
    if (r < 0)
        cg__conn_fail(c, CG_EPROTOCOL, "the server announced a frame of %zu bytes (limit %u)", len,
                      CG__MAX_INBOUND_FRAME);
}

/* --- the cycle ------------------------------------------------------------ */

/*
 * One pass, as node's TLSWrap does it: finish the handshake if needed, hand
 * pending frames to SSL_write, then SSL_read until OpenSSL wants more input.
 * The write BIO is drained after every SSL call.
 */
static void cycle(cg__conn *c)
{
    if (c->state == CG__CONN_FAILED || c->state == CG__CONN_CLOSING)
        return;
    ERR_clear_error();
    if (c->state == CG__CONN_TLS) {
        int r = SSL_do_handshake(c->ssl);
        drain(c);
        if (r != 1) {
            ssl_trouble(c, r, "TLS handshake");
            return;
        }
        c->state = CG__CONN_HELLO;
    }
    while (cg_buf_pending(&c->plain) > 0) {
        size_t n = cg_buf_pending(&c->plain);
        int r = SSL_write(c->ssl, cg_buf_head(&c->plain), n > INT_MAX ? INT_MAX : (int)n);
        drain(c);
        if (r <= 0) {
            if (ssl_trouble(c, r, "TLS write") < 0)
                return;
            break;
        }
        cg_buf_consume(&c->plain, (size_t)r);
    }
    for (;;) {
        uint8_t buf[16384];
        int r = SSL_read(c->ssl, buf, sizeof buf);
        drain(c);
        if (r <= 0) {
            ssl_trouble(c, r, "TLS");
            return;
        }
        if (cg_frame_decoder_feed(&c->in, buf, (size_t)r) != 0) {
            cg__conn_fail(c, CG_ENOMEM, "out of memory for incoming frames");
            return;
        }
        read_frames(c);
        if (c->state == CG__CONN_FAILED)
            return;
    }
}

/* --- public to the library ------------------------------------------------ */

int cg__conn_init(cg__conn *c, SSL_CTX *ctx, const char *host, const char *client_name)
{
    memset(c, 0, sizeof *c);
    c->state = CG__CONN_TLS;
    cg_frame_decoder_init(&c->in, CG__MAX_INBOUND_FRAME);
    c->slots = calloc(INITIAL_SLOTS, sizeof *c->slots);
    c->ssl = SSL_new(ctx);
    c->net_in = BIO_new(BIO_s_mem());
    c->net_out = BIO_new(BIO_s_mem());
    if (c->slots == NULL || c->ssl == NULL || c->net_in == NULL || c->net_out == NULL) {
        BIO_free(c->net_in);
        BIO_free(c->net_out);
        c->net_in = c->net_out = NULL;
        cg__conn_fail(c, CG_ENOMEM, "out of memory setting up the connection");
        return c->failure;
    }
    c->nslots = INITIAL_SLOTS;
    /* An empty read BIO means "no input yet", not end of file. */
    BIO_set_mem_eof_return(c->net_in, -1);
    SSL_set_bio(c->ssl, c->net_in, c->net_out);
    SSL_set_connect_state(c->ssl);
    if (cg_tls_expect_host(c->ssl, host) != 0) {
        char why[256];
        cg__conn_fail(c, CG_ETLS, "cannot check the server certificate for '%s': %s", host,
                      cg_tls_error_string(why, sizeof why));
        return c->failure;
    }

    cg_envelope env;
    Chengguan__V1__Hello hello;
    chengguan__v1__envelope__init(&env);
    chengguan__v1__hello__init(&hello);
    hello.protocol_version = CG_PROTOCOL_VERSION;
    hello.client_name = (char *)client_name;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_HELLO;
    env.hello = &hello;
    return cg__conn_send(c, &c->hello, &env, CHENGGUAN__V1__ENVELOPE__BODY_WELCOME);
}

void cg__conn_free(cg__conn *c)
{
    if (c->slots != NULL)
        table_fail_all(c, CG_ECLOSED);
    cg__req_release(&c->hello);
    free(c->slots);
    c->slots = NULL;
    SSL_free(c->ssl); /* and both BIOs, attached by cg__conn_init */
    c->ssl = NULL;
    c->net_in = c->net_out = NULL;
    cg_buf_free(&c->out);
    cg_buf_free(&c->plain);
    cg_frame_decoder_free(&c->in);
}

int cg__conn_feed(cg__conn *c, const void *data, size_t n)
{
    if (c->state == CG__CONN_FAILED)
        return c->failure;
    if (c->state == CG__CONN_CLOSING || n == 0)
        return 0;
    if (n > INT_MAX || BIO_write(c->net_in, data, (int)n) != (int)n) {
        cg__conn_fail(c, CG_ENOMEM, "out of memory for TLS input");
        return c->failure;
    }
    cycle(c);
    return c->state == CG__CONN_FAILED ? c->failure : 0;
}

void cg__conn_feed_eof(cg__conn *c)
{
    if (c->state == CG__CONN_TLS)
        cg__conn_fail(c, CG_ETLS, "the server closed the connection during the TLS handshake");
    else if (c->state != CG__CONN_CLOSING)
        cg__conn_fail(c, CG_ECLOSED, "the server closed the connection");
}

int cg__conn_send(cg__conn *c, cg__req *req, cg_envelope *env, int expect)
{
    if (c->state == CG__CONN_FAILED)
        return c->failure;
    if (c->state == CG__CONN_CLOSING)
        return CG_ECLOSED;
    req->id = ++c->last_id;
    req->expect = expect;
    req->done = 0;
    req->status = 0;
    req->reply = NULL;
    env->id = req->id;
    size_t limit = c->welcomed && c->welcome.max_frame_bytes > 0 ? c->welcome.max_frame_bytes
                                                                 : CG_FRAME_DEFAULT_MAX;
    if (table_insert(c, req) != 0)
        return CG_ENOMEM;
    int rc = cg_envelope_write(&c->plain, env, limit);
    if (rc != 0) {
        table_remove(c, req->id);
        return rc;
    }
    cycle(c);
    return 0;
}

void cg__conn_cancel(cg__conn *c, cg__req *req)
{
    if (!req->done)
        table_remove(c, req->id);
}

void cg__conn_shutdown(cg__conn *c)
{
    if (c->ssl == NULL || c->tls_broken || !SSL_is_init_finished(c->ssl) ||
        (SSL_get_shutdown(c->ssl) & SSL_SENT_SHUTDOWN))
        return;
    ERR_clear_error();
    SSL_shutdown(c->ssl);
    drain(c);
    if (c->state != CG__CONN_FAILED) {
        c->state = CG__CONN_CLOSING;
        table_fail_all(c, CG_ECLOSED);
    }
}

void cg__req_release(cg__req *req)
{
    cg_envelope_free(req->reply, NULL);
    req->reply = NULL;
}
