/* The blocking public API of chengguan/client.h over conn.c and blocking.c. */
#include "blocking.h"
#include "conn.h"
#include "error.h"
#include "journal.h"
#include "messages.h"
#include "reply_map.h"
#include "tls_context.h"
#include "util.h"

#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CLOSE_TIMEOUT_MS 1000
#define MAX_PING_PAYLOAD 65536

struct cg_client {
    cg__conn conn;
    int conn_init; /* conn needs cg__conn_free */
    SSL_CTX *ctx;
    int fd;
    int timeout_ms;
    char server[256];
    char error[512];
    char error_field[128];
    char error_reason[64];
    /* The refusal's parameters as "name\0value\0" pairs; the ones that do
     * not fit whole are left out. */
    char error_params[1024];
    size_t error_params_len;
    int rate_wait_ms;     /* the last refusal's wait for the account's rate, or -1 */
    cg__journal *journal; /* NULL, or where mutations go that cannot reach the server */
};

static int set_error(cg_client *c, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int set_error(cg_client *c, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
    c->error_field[0] = c->error_reason[0] = '\0';
    c->error_params_len = 0;
    return err;
}

/* Copies the connection's failure into the client's error. */
static int conn_error(cg_client *c)
{
    snprintf(c->error, sizeof c->error, "%s", c->conn.error);
    snprintf(c->error_field, sizeof c->error_field, "%s", c->conn.error_field);
    c->error_reason[0] = '\0';
    c->error_params_len = 0;
    return c->conn.failure;
}

static int do_connect(cg_client *c, const cg_client_options *opt)
{
    if (opt == NULL || opt->cert_file == NULL || opt->key_file == NULL || opt->ca_file == NULL)
        return set_error(c, CG_EUSAGE, _("cert_file, key_file and ca_file are required"));
    c->timeout_ms = opt->timeout_ms > 0 ? opt->timeout_ms : CG__DEFAULT_TIMEOUT_MS;
    snprintf(c->server, sizeof c->server, "%s", opt->server ? opt->server : CG__DEFAULT_SERVER);
    char host[256], port[8];
    if (cg__split_server(c->server, host, sizeof host, port, sizeof port) != 0)
        return set_error(c, CG_EUSAGE, _("bad server address '%s' (expected HOST:PORT)"),
                         c->server);

    char why[512];
    c->ctx = cg_tls_client_ctx(opt->cert_file, opt->key_file, opt->ca_file, why, sizeof why);
    if (c->ctx == NULL)
        return set_error(c, CG_EUSAGE, "%s", why);

    int64_t deadline = cg__now_ms() + c->timeout_ms;
    int fd = cg__tcp_connect(host, port, deadline, why, sizeof why);
    if (fd < 0)
        return set_error(c, fd, "%s", why);
    c->fd = fd;

    c->conn_init = 1;
    const char *name = opt->client_name ? opt->client_name : "libchengguan/" CG_VERSION;
    if (cg__conn_init(&c->conn, c->ctx, host, name) != 0)
        return conn_error(c);
    int rc = cg__io_wait(c->fd, &c->conn, &c->conn.hello.done, deadline);
    if (rc == CG_ETIMEOUT) {
        cg__conn_fail(&c->conn, CG_ETIMEOUT,
                      c->conn.state == CG__CONN_TLS
                          ? _("%s: timed out after %d ms waiting for the TLS handshake")
                          : _("%s: timed out after %d ms waiting for the Welcome"),
                      c->server, c->timeout_ms);
        return conn_error(c);
    }
    if (c->conn.state != CG__CONN_READY) {
        rc = conn_error(c);
        if (rc == CG_ETLS || rc == CG_ECLOSED)
            set_error(c, rc, "%s: %s", c->server, c->conn.error);
        return rc;
    }
    return 0;
}

int cg_client_connect(cg_client **out, const cg_client_options *opt)
{
    cg_client *c = calloc(1, sizeof *c);
    *out = c;
    if (c == NULL)
        return CG_ENOMEM;
    c->fd = -1;
    return do_connect(c, opt);
}

const cg_welcome *cg_client_welcome(const cg_client *c)
{
    return c != NULL && c->conn.welcomed ? &c->conn.welcome : NULL;
}

const char *cg_client_error(const cg_client *c)
{
    return c != NULL ? c->error : "";
}

const char *cg_client_error_field(const cg_client *c)
{
    return c != NULL ? c->error_field : "";
}

const char *cg_client_error_reason(const cg_client *c)
{
    return c != NULL ? c->error_reason : "";
}

const char *cg_client_error_param(const cg_client *c, const char *name)
{
    if (c == NULL || name == NULL)
        return NULL;
    for (size_t at = 0; at < c->error_params_len;) {
        const char *n = c->error_params + at;
        const char *v = n + strlen(n) + 1;
        if (strcmp(n, name) == 0)
            return v;
        at = (size_t)(v - c->error_params) + strlen(v) + 1;
    }
    return NULL;
}

/* Keeps the reason and parameters of the server's Error e. */
static void keep_reason(cg_client *c, const Chengguan__V1__Error *e)
{
    snprintf(c->error_reason, sizeof c->error_reason, "%s", e->reason);
    c->error_params_len = 0;
    for (size_t i = 0; i < e->n_params; i++) {
        size_t n = strlen(e->params[i]->name) + 1, v = strlen(e->params[i]->value) + 1;
        if (n + v > sizeof c->error_params - c->error_params_len)
            continue;
        memcpy(c->error_params + c->error_params_len, e->params[i]->name, n);
        memcpy(c->error_params + c->error_params_len + n, e->params[i]->value, v);
        c->error_params_len += n + v;
    }
}

void cg_client_free(cg_client *c)
{
    if (c == NULL)
        return;
    if (c->conn_init) {
        if (c->fd >= 0) {
            int timeout = c->timeout_ms < CLOSE_TIMEOUT_MS ? c->timeout_ms : CLOSE_TIMEOUT_MS;
            cg__conn_shutdown(&c->conn);
            cg__io_wait(c->fd, &c->conn, NULL, cg__now_ms() + timeout);
        }
        cg__conn_free(&c->conn);
    }
    if (c->fd >= 0)
        close(c->fd);
    SSL_CTX_free(c->ctx);
    free(c->journal);
    free(c);
}

/* 0 when requests can be sent, else the reason with the error set. */
static int check_ready(cg_client *c)
{
    c->error[0] = c->error_field[0] = c->error_reason[0] = '\0';
    c->error_params_len = 0;
    if (c->conn.state == CG__CONN_READY)
        return 0;
    if (c->conn.state == CG__CONN_FAILED)
        return conn_error(c);
    return set_error(c, CG_ECLOSED, _("not connected"));
}

/*
 * Sets the client's error from a completed request that failed: the server's
 * words for a refusal, the connection's otherwise. Returns req->status.
 */
static int request_error(cg_client *c, const cg__req *req)
{
    if (req->reply != NULL && req->reply->body_case == CHENGGUAN__V1__ENVELOPE__BODY_ERROR) {
        const Chengguan__V1__Error *e = req->reply->error;
        set_error(c, req->status, "%s", e->message[0] ? e->message : cg_strerror(req->status));
        snprintf(c->error_field, sizeof c->error_field, "%s", e->field);
        keep_reason(c, e);
        c->rate_wait_ms = cg__rate_limited_wait_ms(e);
        return req->status;
    }
    return conn_error(c);
}

/* Sends env and waits until req completes or the deadline passes. */
static int send_request(cg_client *c, cg__req *req, cg_envelope *env, int expect)
{
    int rc = cg__conn_send(&c->conn, req, env, expect);
    if (rc == CG_ERESOURCE_EXHAUSTED)
        return set_error(c, rc, "request is larger than the server accepts (%u bytes)",
                         c->conn.welcome.max_frame_bytes);
    if (rc != 0)
        return c->conn.state == CG__CONN_FAILED ? conn_error(c)
                                                : set_error(c, rc, "%s", cg_strerror(rc));
    return 0;
}

/* One round trip of call() with its deadline. */
static int round_trip(cg_client *c, cg__req *req, cg_envelope *env, int expect, int64_t deadline)
{
    int rc = check_ready(c);
    if (rc == 0)
        rc = send_request(c, req, env, expect);
    if (rc != 0)
        return rc;
    rc = cg__io_wait(c->fd, &c->conn, &req->done, deadline);
    if (rc == CG_ETIMEOUT) {
        cg__conn_cancel(&c->conn, req);
        return set_error(c, rc, _("timed out after %d ms waiting for the reply"), c->timeout_ms);
    }
    if (req->status != 0) {
        rc = request_error(c, req);
        cg__req_release(req);
    }
    return rc;
}

/*
 * Sends env and waits for the reply, again with the same env (and so the
 * same idempotency key) while the server answers UNAVAILABLE or asks the
 * account to slow down, as client.h says. On 0 req->reply holds the
 * successful reply (release it); on failure the error is set and nothing is
 * left to release.
 */
static int call(cg_client *c, cg__req *req, cg_envelope *env, int expect)
{
    int64_t deadline = cg__now_ms() + c->timeout_ms;
    for (int unavailable = 0;;) {
        c->rate_wait_ms = -1;
        int rc = round_trip(c, req, env, expect, deadline);
        int64_t wait;
        if (c->conn.state != CG__CONN_READY)
            return rc;
        if (rc == CG_ERESOURCE_EXHAUSTED && c->rate_wait_ms > 0)
            wait = c->rate_wait_ms;
        else if (rc == CG_EUNAVAILABLE && ++unavailable < CG_UNAVAILABLE_ATTEMPTS)
            wait = cg__unavailable_delay_ms(unavailable);
        else
            return rc;
        if (cg__now_ms() + wait >= deadline)
            return rc;
        struct timespec ts = {(time_t)(wait / 1000), (long)(wait % 1000) * 1000000};
        while (nanosleep(&ts, &ts) != 0)
            ;
    }
}

static void init_ping(cg_envelope *env, Chengguan__V1__Ping *ping, const void *payload, size_t len)
{
    chengguan__v1__envelope__init(env);
    chengguan__v1__ping__init(ping);
    ping->payload.data = (uint8_t *)payload;
    ping->payload.len = len;
    env->body_case = CHENGGUAN__V1__ENVELOPE__BODY_PING;
    env->ping = ping;
}

static int same_payload(const cg_envelope *reply, const void *payload, size_t len)
{
    const ProtobufCBinaryData *got = &reply->pong->payload;
    return got->len == len && (len == 0 || memcmp(got->data, payload, len) == 0);
}

int cg_ping(cg_client *c, const void *payload, size_t len, int64_t *server_time_us)
{
    if (len > MAX_PING_PAYLOAD)
        return set_error(c, CG_EINVALID_ARGUMENT, "ping payload of %zu bytes is over %d", len,
                         MAX_PING_PAYLOAD);
    cg_envelope env;
    Chengguan__V1__Ping ping;
    init_ping(&env, &ping, payload, len);
    cg__req req;
    int rc = call(c, &req, &env, CHENGGUAN__V1__ENVELOPE__BODY_PONG);
    if (rc != 0)
        return rc;
    if (!same_payload(req.reply, payload, len))
        rc = set_error(c, CG_EPROTOCOL, "the server echoed a different payload");
    else if (server_time_us != NULL)
        *server_time_us = req.reply->pong->server_time_us;
    cg__req_release(&req);
    return rc;
}

/* Payload i of a pipelined batch: distinct for every i that fits in len. */
static void fill_payload(uint8_t *p, size_t len, uint64_t i)
{
    uint64_t x = i * 0x9E3779B97F4A7C15ull + 1;
    for (size_t k = 0; k < len; k++) {
        if (k % 8 == 0 && k > 0)
            x = x * 6364136223846793005ull + 1442695040888963407ull;
        p[k] = (uint8_t)(x >> (8 * (k % 8)));
    }
}

int cg_ping_pipelined(cg_client *c, int count, size_t payload_len, int *ok)
{
    *ok = 0;
    if (count <= 0 || payload_len > MAX_PING_PAYLOAD)
        return set_error(c, CG_EINVALID_ARGUMENT, "count must be positive and payload at most %d",
                         MAX_PING_PAYLOAD);
    int rc = check_ready(c);
    if (rc != 0)
        return rc;
    cg__req *reqs = calloc((size_t)count, sizeof *reqs);
    uint8_t *payload = malloc(payload_len ? payload_len : 1);
    if (reqs == NULL || payload == NULL) {
        free(reqs);
        free(payload);
        return set_error(c, CG_ENOMEM, "out of memory");
    }
    int sent = 0;
    for (; sent < count; sent++) {
        cg_envelope env;
        Chengguan__V1__Ping ping;
        fill_payload(payload, payload_len, (uint64_t)sent);
        init_ping(&env, &ping, payload, payload_len);
        rc = send_request(c, &reqs[sent], &env, CHENGGUAN__V1__ENVELOPE__BODY_PONG);
        if (rc != 0)
            break;
    }
    int64_t deadline = cg__now_ms() + c->timeout_ms;
    int first_error = rc;
    for (int i = 0; i < sent; i++) {
        cg__req *req = &reqs[i];
        if (!req->done && cg__io_wait(c->fd, &c->conn, &req->done, deadline) == CG_ETIMEOUT) {
            for (int k = i; k < sent; k++)
                cg__conn_cancel(&c->conn, &reqs[k]);
            if (first_error == 0)
                first_error = set_error(c, CG_ETIMEOUT, "%d of %d replies missing after %d ms",
                                        sent - i, count, c->timeout_ms);
            break;
        }
        if (req->status != 0) {
            if (first_error == 0)
                first_error = request_error(c, req);
        } else {
            fill_payload(payload, payload_len, (uint64_t)i);
            if (same_payload(req->reply, payload, payload_len))
                (*ok)++;
            else if (first_error == 0)
                first_error = set_error(c, CG_EPROTOCOL, "reply %d echoed a different payload", i);
        }
        cg__req_release(req);
    }
    free(reqs);
    free(payload);
    return first_error;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

int cg_whoami(cg_client *c, cg_whoami_reply *out)
{
    cg_envelope env;
    Chengguan__V1__WhoAmI who;
    chengguan__v1__envelope__init(&env);
    chengguan__v1__who_am_i__init(&who);
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_WHO_AM_I;
    env.who_am_i = &who;
    cg__req req;
    int rc = call(c, &req, &env, CHENGGUAN__V1__ENVELOPE__BODY_WHO_AM_I_REPLY);
    if (rc != 0)
        return rc;
    const Chengguan__V1__WhoAmIReply *r = req.reply->who_am_i_reply;
    copy_str(out->account, sizeof out->account, r->account);
    copy_str(out->role, sizeof out->role, r->role);
    copy_str(out->unit, sizeof out->unit, r->unit);
    copy_str(out->unit_name, sizeof out->unit_name, r->unit_name);
    copy_str(out->display_name, sizeof out->display_name, r->display_name);
    copy_str(out->cert_subject, sizeof out->cert_subject, r->cert_subject);
    copy_str(out->cert_fingerprint, sizeof out->cert_fingerprint, r->cert_fingerprint);
    cg__req_release(&req);
    return 0;
}

int cg_idempotency_key(uint8_t key[16])
{
    return RAND_bytes(key, 16) == 1 ? 0 : CG_EIO;
}

int cg_call(cg_client *c, ProtobufCMessage *request, ProtobufCMessage **reply)
{
    *reply = NULL;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    Chengguan__V1__Envelope__BodyCase expect =
        cg_reply_case(cg_envelope_case_of(request->descriptor));
    if (expect == CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET ||
        cg_envelope_set_body(&env, request) != 0)
        return set_error(c, CG_EUSAGE, "%s is not a request of the protocol",
                         request->descriptor->name);
    uint8_t fresh[16];
    ProtobufCBinaryData *key = cg__empty_key(request);
    if (key != NULL) {
        if (cg_idempotency_key(fresh) != 0)
            return set_error(c, CG_EIO, "no random bytes for an idempotency key");
        key->data = fresh;
        key->len = sizeof fresh;
    }
    cg__req req;
    int rc = call(c, &req, &env, expect);
    if (rc != 0 && c->journal != NULL && cg__key_field(request) != NULL && cg__journal_wants(rc))
        rc = cg__journal_queue(c, c->journal, &env);
    if (key != NULL)
        *key = (ProtobufCBinaryData){0, NULL};
    if (rc != 0)
        return rc;
    /* Detach the body from the envelope so it outlives it. */
    *reply = cg_envelope_body(req.reply);
    req.reply->body_case = CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET;
    cg__req_release(&req);
    return 0;
}

void cg_message_free(ProtobufCMessage *m)
{
    if (m != NULL)
        protobuf_c_message_free_unpacked(m, NULL);
}

cg__journal **cg__client_journal(cg_client *c)
{
    return &c->journal;
}

SSL_CTX *cg__client_ssl_ctx(const cg_client *c)
{
    return c->ctx;
}

int cg__client_set_error(cg_client *c, int err, const char *msg)
{
    return set_error(c, err, "%s", msg);
}
