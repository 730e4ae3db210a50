#include "session.h"

#include "dispatch.h"
#include "envelope.h"
#include "error.h"
#include "log.h"
#include "request.h"
#include "server.h"
#include "tls_context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK (64 * 1024)

/* cert_subject until the handshake gives one (never freed). */
static char no_subject[1];

typedef struct {
    uv_write_t req;
    size_t len;
    char data[];
} write_req;

static void on_handle_closed(uv_handle_t *h)
{
    cg_session *s = h->data;
    if (--s->open_handles > 0)
        return;
    cg_server_session_gone(s->server, s);
    cg_tls_session_free(&s->tls);
    cg_frame_decoder_free(&s->frames);
    if (s->cert_subject != no_subject)
        free(s->cert_subject);
    free(s);
}

cg_session *cg_session_new(cg_server *server)
{
    cg_session *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    if (cg_tls_session_init(&s->tls, server->tls, 1) != 0) {
        free(s);
        return NULL;
    }
    s->server = server;
    s->id = ++server->next_session_id;
    s->state = CG_SESSION_HANDSHAKE;
    s->cert_subject = no_subject;
    /* Before Welcome only Hello is served: a small frame limit until then. */
    const cg_config *cfg = server->cfg;
    cg_frame_decoder_init(&s->frames, (size_t)(cfg->max_hello_frame_bytes < cfg->max_frame_bytes
                                                   ? cfg->max_hello_frame_bytes
                                                   : cfg->max_frame_bytes));
    uv_tcp_init(server->loop, &s->tcp);
    uv_timer_init(server->loop, &s->timer);
    s->tcp.data = s->timer.data = s;
    s->open_handles = 2;
    return s;
}

static void log_event(cg_session *s, cg_log_level level, const char *event, const char *key,
                      const char *value)
{
    cg_log_line l;
    cg_log_begin(&l, level, event);
    cg_log_int(&l, "conn", (long long)s->id);
    cg_log_str(&l, "peer", s->peer);
    if (s->account[0])
        cg_log_str(&l, "account", s->account);
    if (key != NULL)
        cg_log_str(&l, key, value);
    cg_log_end(&l);
}

void cg_session_close(cg_session *s)
{
    if (uv_is_closing((uv_handle_t *)&s->tcp))
        return;
    s->state = CG_SESSION_CLOSING;
    cg_server_session_closing(s->server, s);
    while (s->requests != NULL)
        cg__request_detach(s->requests);
    log_event(s, CG_LOG_INFO, "disconnect", NULL, NULL);
    uv_close((uv_handle_t *)&s->tcp, on_handle_closed);
    uv_close((uv_handle_t *)&s->timer, on_handle_closed);
}

size_t cg_session_unsent(const cg_session *s)
{
    return uv_stream_get_write_queue_size((const uv_stream_t *)&s->tcp) +
           cg_tls_session_output_pending(&s->tls);
}

static void on_write(uv_write_t *req, int status)
{
    write_req *w = (write_req *)req;
    cg_session *s = req->data;
    free(w);
    if (uv_is_closing((uv_handle_t *)&s->tcp))
        return;
    if (status < 0 && status != UV_ECANCELED) {
        log_event(s, CG_LOG_INFO, "write_failed", "error", uv_strerror(status));
        cg_session_close(s);
    } else if (s->sub_draining && s->state != CG_SESSION_CLOSING) {
        cg_events_drained(&s->server->events, s); /* the catch-up goes on as the peer reads */
    }
}

/* Queues len bytes of data (copied) behind what the socket has not taken
 * yet. 0, or an error after closing the session. */
static int queue_write(cg_session *s, const char *data, size_t len)
{
    write_req *w = malloc(sizeof *w + len);
    if (w == NULL) {
        cg_session_close(s);
        return CG_ENOMEM;
    }
    memcpy(w->data, data, len);
    w->len = len;
    w->req.data = s;
    uv_buf_t buf = uv_buf_init(w->data, (unsigned)len);
    int rc = uv_write(&w->req, (uv_stream_t *)&s->tcp, &buf, 1, on_write);
    if (rc < 0) {
        free(w);
        log_event(s, CG_LOG_INFO, "write_failed", "error", uv_strerror(rc));
        cg_session_close(s);
        return CG_EIO;
    }
    return 0;
}

/*
 * Moves whatever TLS produced to the socket: uv_try_write first, straight
 * from one buffer that every session shares (the loop is one thread), and
 * only what the kernel did not take is copied into a queued uv_write. So a
 * live event fanned out to a thousand subscribers is encrypted and written
 * once for each, with no allocation for any whose socket keeps up. A peer
 * whose queue passes max_output_bytes is cut off alone.
 */
static int flush(cg_session *s)
{
    static char chunk[64 * 1024];
    if (uv_is_closing((uv_handle_t *)&s->tcp))
        return CG_ECLOSED;
    size_t n;
    while ((n = cg_tls_session_output_pending(&s->tls)) > 0) {
        size_t len =
            cg_tls_session_take_output(&s->tls, chunk, n < sizeof chunk ? n : sizeof chunk);
        if (len == 0)
            break;
        int sent = 0;
        if (uv_stream_get_write_queue_size((uv_stream_t *)&s->tcp) == 0) {
            uv_buf_t buf = uv_buf_init(chunk, (unsigned)len);
            sent = uv_try_write((uv_stream_t *)&s->tcp, &buf, 1);
            if (sent < 0)
                sent = 0; /* EAGAIN, or an error that the queued write reports */
        }
        if ((size_t)sent < len) {
            int rc = queue_write(s, chunk + sent, len - (size_t)sent);
            if (rc != 0)
                return rc;
        }
    }
    cg_tls_session_release(&s->tls, CG_BUF_KEEP_BYTES); /* a large reply is not kept */
    size_t queued = uv_stream_get_write_queue_size((uv_stream_t *)&s->tcp);
    if (queued > (size_t)s->server->cfg->max_output_bytes) {
        cg_log_line l;
        cg_log_begin(&l, CG_LOG_WARN, "slow_reader_cut_off");
        cg_log_int(&l, "conn", (long long)s->id);
        cg_log_str(&l, "peer", s->peer);
        cg_log_str(&l, "account", s->account);
        cg_log_int(&l, "unsent_bytes", (long long)queued);
        cg_log_end(&l);
        cg_session_close(s);
        return CG_ERESOURCE_EXHAUSTED;
    }
    return 0;
}

int cg_session_send_frame(cg_session *s, const void *frame, size_t len)
{
    if (s->state == CG_SESSION_CLOSING || uv_is_closing((uv_handle_t *)&s->tcp))
        return CG_ECLOSED;
    int rc = cg_tls_session_write(&s->tls, frame, len);
    if (rc != 0) {
        log_event(s, CG_LOG_ERROR, "send_failed", "error", cg_strerror(rc));
        cg_session_close(s);
        return rc;
    }
    return flush(s);
}

int cg_session_send(cg_session *s, const void *env)
{
    if (s->state == CG_SESSION_CLOSING || uv_is_closing((uv_handle_t *)&s->tcp))
        return CG_ECLOSED;
    cg_buf frame = CG_BUF_INIT;
    int rc = cg_envelope_write(&frame, env, (size_t)s->server->cfg->max_frame_bytes);
    if (rc == 0)
        rc = cg_session_send_frame(s, cg_buf_head(&frame), cg_buf_pending(&frame));
    else if (rc == CG_ERESOURCE_EXHAUSTED) {
        log_event(s, CG_LOG_WARN, "reply_too_large", NULL, NULL); /* the caller answers */
    } else {
        log_event(s, CG_LOG_ERROR, "send_failed", "error", cg_strerror(rc));
        cg_session_close(s);
    }
    cg_buf_free(&frame);
    return rc;
}

int cg_session_send_error(cg_session *s, uint64_t id, int code, const char *message,
                          const char *field)
{
    cg_envelope env;
    Chengguan__V1__Error err;
    cg_envelope_set_error(&env, &err, id, code, message, field);
    return cg_session_send(s, &env);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    cg_session *s = req->data;
    free(req);
    cg_session_close(s);
}

void cg_session_close_gracefully(cg_session *s)
{
    if (uv_is_closing((uv_handle_t *)&s->tcp) || s->state == CG_SESSION_CLOSING)
        return;
    s->state = CG_SESSION_CLOSING;
    uv_read_stop((uv_stream_t *)&s->tcp);
    s->reading = 0;
    cg_tls_session_shutdown(&s->tls);
    if (flush(s) != 0)
        return;
    uv_shutdown_t *req = malloc(sizeof *req);
    if (req == NULL || uv_shutdown(req, (uv_stream_t *)&s->tcp, on_shutdown) != 0) {
        free(req);
        cg_session_close(s);
        return;
    }
    req->data = s;
}

static void on_timeout(uv_timer_t *t);

/* Starts the timer for the nearer of the two deadlines, or stops it. */
static void rearm(cg_session *s)
{
    uint64_t at = s->deadline;
    if (s->frame_deadline != 0 && (at == 0 || s->frame_deadline < at))
        at = s->frame_deadline;
    uint64_t now = uv_now(s->server->loop);
    if (at == 0)
        uv_timer_stop(&s->timer);
    else
        uv_timer_start(&s->timer, on_timeout, at > now ? at - now : 0, 0);
}

/* Sets the handshake or idle deadline ms from now; 0 clears it. */
static void arm_timer(cg_session *s, uint64_t ms)
{
    s->deadline = ms == 0 ? 0 : uv_now(s->server->loop) + ms;
    rearm(s);
}

static void on_timeout(uv_timer_t *t)
{
    cg_session *s = t->data;
    uint64_t now = uv_now(s->server->loop);
    if (s->frame_deadline != 0 && now >= s->frame_deadline) {
        log_event(s, CG_LOG_WARN, "frame_timeout", NULL, NULL);
        cg_session_close(s);
        return;
    }
    if (s->deadline == 0 || now < s->deadline) {
        rearm(s); /* the frame that set it came in whole */
        return;
    }
    s->deadline = 0;
    if (s->state == CG_SESSION_READY) {
        /* Busy, or waiting for events: not idle. Dead peers are found by
         * TCP keepalive instead. Look again later. */
        if (s->inflight > 0 || s->sub_state != CG_SUB_OFF) {
            arm_timer(s, (uint64_t)s->server->cfg->idle_timeout);
            return;
        }
        log_event(s, CG_LOG_INFO, "idle_timeout", NULL, NULL);
        cg_session_close_gracefully(s);
    } else {
        log_event(s, CG_LOG_INFO, "handshake_timeout", NULL, NULL);
        s->server->metrics.handshakes[CG_HANDSHAKE_TIMEOUT]++;
        cg_session_close(s);
    }
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    static char chunk[READ_CHUNK]; /* one loop thread: decrypted at once, never kept */
    buf->base = chunk;
    buf->len = sizeof chunk;
}

/*
 * Dispatches complete frames while the session may take more requests. A
 * frame over the limit gets one RESOURCE_EXHAUSTED error with id 0 and the
 * connection closes; nothing is allocated for the announced length.
 */
static void process_frames(cg_session *s)
{
    if (s->processing)
        return;
    s->processing = 1;
    const int64_t max_inflight = s->server->cfg->max_inflight;
    /* While Hello looks up the account, later frames wait in the decoder:
     * a client may pipeline its first requests right behind Hello. */
    while (s->state != CG_SESSION_CLOSING && s->state != CG_SESSION_HELLO_PENDING &&
           s->inflight < max_inflight) {
        const uint8_t *payload;
        size_t len;
        int rc = cg_frame_decoder_next(&s->frames, &payload, &len);
        if (rc == 0)
            break;
        if (rc < 0) {
            char msg[128];
            snprintf(msg, sizeof msg, "frame of %zu bytes is over the limit of %zu bytes%s", len,
                     s->frames.max_payload, s->state == CG_SESSION_READY ? "" : " before Welcome");
            log_event(s, CG_LOG_WARN, "frame_too_large", "error", msg);
            cg_session_send_error(s, 0, CG_ERESOURCE_EXHAUSTED, msg, NULL);
            cg_session_close_gracefully(s);
            break;
        }
        s->frame_deadline = 0; /* a frame came in whole (watch_partial_frame rearms) */
        cg_dispatch(s, payload, len);
    }
    s->processing = 0;
}

/* A frame that has started must be complete within frame_timeout, counted
 * from the last whole frame: a peer that trickles bytes is cut off. */
static void watch_partial_frame(cg_session *s)
{
    if (uv_is_closing((uv_handle_t *)&s->timer))
        return;
    uint64_t was = s->frame_deadline;
    if (!cg_frame_decoder_partial(&s->frames))
        s->frame_deadline = 0;
    else if (s->frame_deadline == 0)
        s->frame_deadline = uv_now(s->server->loop) + (uint64_t)s->server->cfg->frame_timeout;
    if (s->frame_deadline != was)
        rearm(s);
}

/* Keeps reading only while the session can take more requests: a client that
 * pipelines past max_inflight is slowed down by TCP, not by our memory. */
static void update_reading(cg_session *s);

void cg_session_request_done(cg_session *s)
{
    if (s->state == CG_SESSION_CLOSING)
        return;
    if (s->server->stopping && s->inflight == 0) {
        cg_session_close_gracefully(s);
        return;
    }
    process_frames(s);
    watch_partial_frame(s);
    update_reading(s);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf);

static void update_reading(cg_session *s)
{
    if (s->state == CG_SESSION_CLOSING || uv_is_closing((uv_handle_t *)&s->tcp))
        return;
    /* While Hello looks up the account no frame is taken out of the decoder,
     * so nothing more is read into it either. */
    int want = s->inflight < s->server->cfg->max_inflight && !s->server->stopping &&
               s->state != CG_SESSION_HELLO_PENDING;
    if (want && !s->reading) {
        if (uv_read_start((uv_stream_t *)&s->tcp, on_alloc, on_read) == 0)
            s->reading = 1;
    } else if (!want && s->reading) {
        uv_read_stop((uv_stream_t *)&s->tcp);
        s->reading = 0;
    }
}

/* An account's subject is at most 255 characters (sql/api/people.sql), of
 * up to 4 bytes each in UTF-8; RFC 2253 escapes add a few. */
#define SUBJECT_MAX_BYTES 1536

static void handshake_done(cg_session *s)
{
    char subject[SUBJECT_MAX_BYTES + 1];
    int peer = cg_tls_session_peer(&s->tls, subject, sizeof subject, s->cert_fingerprint);
    if (peer != 0) {
        s->server->metrics.handshakes[CG_HANDSHAKE_FAILED]++;
        log_event(s, CG_LOG_WARN, "handshake_failed", "reason",
                  peer == -2 ? "certificate subject longer than 1536 bytes"
                             : "no peer certificate");
        cg_session_close(s);
        return;
    }
    if ((s->cert_subject = strdup(subject)) == NULL) {
        s->cert_subject = no_subject;
        s->server->metrics.handshakes[CG_HANDSHAKE_FAILED]++;
        log_event(s, CG_LOG_ERROR, "handshake_failed", "reason", "out of memory");
        cg_session_close(s);
        return;
    }
    /* Begun before a reload, verified against the files loaded before it:
     * verified again against the current ones (a CRL revoking it). */
    const char *why;
    if (SSL_get_SSL_CTX(s->tls.ssl) != s->server->tls &&
        cg_tls_recheck_peer(s->server->tls, s->tls.ssl, &why) != 0) {
        s->server->metrics.handshakes[CG_HANDSHAKE_FAILED]++;
        log_event(s, CG_LOG_WARN, "handshake_failed", "reason", why);
        cg_session_close(s);
        return;
    }
    s->state = CG_SESSION_AWAIT_HELLO;
    s->server->metrics.handshakes[CG_HANDSHAKE_OK]++;
    log_event(s, CG_LOG_INFO, "handshake", "subject", s->cert_subject);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    cg_session *s = stream->data;
    if (nread == 0)
        return;
    if (nread < 0) {
        if (nread != UV_EOF)
            log_event(s, CG_LOG_INFO, "read_failed", "error", uv_strerror((int)nread));
        cg_session_close(s);
        return;
    }
    if (s->state == CG_SESSION_READY)
        arm_timer(s, (uint64_t)s->server->cfg->idle_timeout);
    if (cg_tls_session_feed(&s->tls, buf->base, (size_t)nread) != 0) {
        cg_session_close(s);
        return;
    }
    char why[256];
    if (s->state == CG_SESSION_HANDSHAKE) {
        int rc = cg_tls_session_handshake(&s->tls, why, sizeof why);
        flush(s);
        if (rc < 0) {
            s->server->metrics.handshakes[CG_HANDSHAKE_FAILED]++;
            log_event(s, CG_LOG_WARN, "handshake_failed", "reason", why);
            cg_session_close(s);
            return;
        }
        if (rc == 0)
            return;
        handshake_done(s);
        if (s->state == CG_SESSION_CLOSING)
            return;
    }
    for (;;) {
        char plain[16 * 1024];
        int n = cg_tls_session_read(&s->tls, plain, sizeof plain, why, sizeof why);
        flush(s);
        if (n == 0)
            break;
        if (n == CG_ECLOSED) {
            cg_session_close_gracefully(s);
            return;
        }
        if (n < 0) {
            log_event(s, CG_LOG_WARN, "tls_failed", "reason", why);
            cg_session_close(s);
            return;
        }
        if (cg_frame_decoder_feed(&s->frames, plain, (size_t)n) != 0)
            break; /* the decoder's sticky error is reported by process_frames */
    }
    process_frames(s);
    watch_partial_frame(s);
    update_reading(s);
    /* Once per read, not per write (the fan-out writes often): what the
     * handshake and the requests so far left in the buffers goes back. */
    cg_frame_decoder_release(&s->frames);
    cg_tls_session_release(&s->tls, 0);
}

int cg_session_accept(cg_session *s, uv_stream_t *listener)
{
    int rc = uv_accept(listener, (uv_stream_t *)&s->tcp);
    struct sockaddr_storage addr;
    int len = sizeof addr;
    int port = 0;
    snprintf(s->host, sizeof s->host, "?");
    if (rc == 0 && uv_tcp_getpeername(&s->tcp, (struct sockaddr *)&addr, &len) == 0) {
        if (addr.ss_family == AF_INET6) {
            struct sockaddr_in6 *a = (struct sockaddr_in6 *)&addr;
            uv_ip6_name(a, s->host, sizeof s->host);
            port = ntohs(a->sin6_port);
        } else {
            struct sockaddr_in *a = (struct sockaddr_in *)&addr;
            uv_ip4_name(a, s->host, sizeof s->host);
            port = ntohs(a->sin_port);
        }
    }
    snprintf(s->peer, sizeof s->peer, "%s:%d", s->host, port);
    return rc;
}

void cg_session_start(cg_session *s)
{
    uv_tcp_nodelay(&s->tcp, 1);
    uv_tcp_keepalive(&s->tcp, 1, 60);
    log_event(s, CG_LOG_INFO, "connect", NULL, NULL);
    arm_timer(s, (uint64_t)s->server->cfg->handshake_timeout);
    update_reading(s);
}

void cg_session_hello_done(cg_session *s)
{
    cg_pending_leave(&s->server->pending, s);
    s->state = CG_SESSION_READY;
    s->frames.max_payload = (size_t)s->server->cfg->max_frame_bytes;
    arm_timer(s, (uint64_t)s->server->cfg->idle_timeout);
}
