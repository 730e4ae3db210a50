#include "conn.h"
#include "error.h"
#include "messages.h"
#include "reply_map.h"
#include "tls_context.h"

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

/* Moves everything the TLS session produced into the output buffer. */
static void drain(cg__conn *c)
{
    size_t n;
    while ((n = cg_tls_session_output_pending(&c->tls)) > 0) {
        if (cg_buf_reserve(&c->out, n) != 0) {
            cg__conn_fail(c, CG_ENOMEM, "out of memory for TLS output");
            return;
        }
        size_t got = cg_tls_session_take_output(&c->tls, c->out.data + c->out.len, n);
        if (got == 0)
            return;
        c->out.len += got;
    }
}

/*
 * Fails the connection after the TLS call what returned rc < 0 with the
 * session's reason why: CG_ECLOSED for the server's close_notify, else
 * CG_ETLS naming what failed and, when the server certificate did not
 * verify, why not.
 */
static void tls_fail(cg__conn *c, int rc, int handshake, const char *why)
{
    const char *verify = cg_tls_session_verify_error(&c->tls);
    if (rc == CG_ECLOSED)
        cg__conn_fail(c, CG_ECLOSED, _("the server closed the connection"));
    else if (verify != NULL)
        cg__conn_fail(
            c, CG_ETLS,
            handshake
                ? _("TLS handshake failed: certificate verify failed (server certificate: %s)")
                : _("TLS failed: certificate verify failed (server certificate: %s)"),
            verify);
    else
        cg__conn_fail(c, CG_ETLS, handshake ? _("TLS handshake failed: %s") : _("TLS failed: %s"),
                      why);
}

/* --- frames in -------------------------------------------------------------- */

/* The message type of an Envelope body ("Pong"), for messages about it. */
static const char *body_name(int body)
{
    const ProtobufCFieldDescriptor *f = cg_envelope_field((Chengguan__V1__Envelope__BodyCase)body);
    if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE)
        return "an unknown message";
    return ((const ProtobufCMessageDescriptor *)f->descriptor)->short_name;
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
        /* A connection-level Error comes just before the server closes.
         * Pushes (Events) go to the driver that subscribed; a driver without
         * on_push never subscribes, so none are expected there. */
        if (body != CHENGGUAN__V1__ENVELOPE__BODY_ERROR && c->on_push != NULL &&
            cg_is_push(env->body_case)) {
            if (c->on_push(c->hook_ctx, env) != 0)
                cg__conn_fail(c, CG_ENOMEM, "out of memory for a pushed event");
            return;
        }
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
    else if (c->on_reply != NULL && c->on_reply(c->hook_ctx, req) != 0)
        cg__conn_fail(c, CG_ENOMEM, "out of memory for a reply");
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
 * One pass, as node's TLSWrap does it: finish the handshake if needed, encrypt
 * pending frames, then read until the session wants more input. The TLS
 * output is drained after every call.
 */
static void cycle(cg__conn *c)
{
    if (c->state == CG__CONN_FAILED || c->state == CG__CONN_CLOSING)
        return;
    char why[256];
    if (c->state == CG__CONN_TLS) {
        int rc = cg_tls_session_handshake(&c->tls, why, sizeof why);
        drain(c);
        if (rc < 0)
            tls_fail(c, rc, 1, why);
        if (rc <= 0)
            return;
        c->state = CG__CONN_HELLO;
    }
    if (cg_buf_pending(&c->plain) > 0) {
        int rc = cg_tls_session_write(&c->tls, cg_buf_head(&c->plain), cg_buf_pending(&c->plain));
        drain(c);
        if (rc != 0) {
            cg_tls_error_string(why, sizeof why);
            cg__conn_fail(c, CG_ETLS, "TLS write failed: %s", why[0] ? why : "error");
            return;
        }
        cg_buf_consume(&c->plain, cg_buf_pending(&c->plain));
    }
    for (;;) {
        uint8_t buf[16384];
        int n = cg_tls_session_read(&c->tls, buf, sizeof buf, why, sizeof why);
        drain(c);
        if (n < 0)
            tls_fail(c, n, 0, why);
        if (n <= 0)
            return;
        if (cg_frame_decoder_feed(&c->in, buf, (size_t)n) != 0) {
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
    if (c->slots == NULL || cg_tls_session_init(&c->tls, ctx, 0) != 0) {
        cg__conn_fail(c, CG_ENOMEM, "out of memory setting up the connection");
        return c->failure;
    }
    c->nslots = INITIAL_SLOTS;
    if (cg_tls_expect_host(c->tls.ssl, host) != 0) {
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
    cg_tls_session_free(&c->tls);
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
    if (cg_tls_session_feed(&c->tls, data, n) != 0) {
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
        cg__conn_fail(c, CG_ECLOSED, _("the server closed the connection"));
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
    if (!cg_tls_session_shutdown(&c->tls))
        return;
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
