/*
 * The asynchronous API of chengguan/async.h: an event-loop driver of the
 * sans-IO connection core (conn.c), with a queue of calls that outlives any
 * one connection, the event subscription, and reconnecting with back-off.
 *
 * Control flow: the adapter calls one of the three entry points
 * (cg_async_handle_read/write/timer). Each one does its I/O, hands what the
 * connection completed to the callbacks (the inbox, in arrival order), then
 * settles: a failed connection is torn down and a retry scheduled, a fresh
 * Welcome sends what waited, output is flushed, and the adapter is told what
 * to watch and when to wake us. Callbacks run only from entry points (and
 * from cg_async_free), so user code never runs inside the connection core;
 * cg_async_free from a callback only marks the client and the outermost
 * entry point frees it on the way out.
 */
#include "blocking.h"
#include "chengguan/async.h"
#include "conn.h"
#include "error.h"
#include "messages.h"
#include "reply_map.h"
#include "tls_context.h"
#include "util.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* recv calls per readable notice: one busy socket cannot starve the loop. */
#define READ_ROUNDS 16
#define READ_CHUNK  65536

#define KEEPALIVE_IDLE_S     30
#define KEEPALIVE_INTERVAL_S 10
#define KEEPALIVE_PROBES     3

typedef enum {
    A_IDLE,       /* not attached to a loop yet */
    A_WAITING,    /* nothing open; the next attempt at retry_at */
    A_CONNECTING, /* TCP connect in progress on fd */
    A_HANDSHAKE,  /* TLS and Hello on conn */
    A_READY,      /* Welcome received: calls go out as they come */
    A_STOPPED     /* for good: stop_reason */
} async_state;

/*
 * One call, from cg_async_call to its callback. While sent, req is in the
 * pending table of the current connection; a lost connection leaves it
 * unsent, to go out again on the next one with the same request (and so the
 * same idempotency key).
 */
typedef struct acall {
    struct acall *prev, *next; /* the client's calls in the order made, so by deadline */
    cg__req req;
    int sent;
    int attempts;          /* answered UNAVAILABLE so far */
    int64_t resend_at;     /* after UNAVAILABLE or the rate: not sent again before this */
    ProtobufCMessage *msg; /* the client's own copy of the request */
    Chengguan__V1__Envelope__BodyCase expect;
    int64_t deadline;
    cg_reply_cb cb;
    void *arg;
} acall;

/* What the connection handed over during a feed, in arrival order. */
typedef struct {
    cg__req *req;       /* an answered request (a call's or Subscribe's), or */
    cg_envelope *event; /* a pushed Event, owned */
} inbox_item;

struct cg_async {
    async_state state;
    /* options */
    char server[256], host[256], port[8];
    char client_name[128];
    int timeout_ms;
    SSL_CTX *ctx;
    cg_async_hooks hooks;
    int attached;
    /* the current attempt or connection */
    int fd;
    int watch_fd, watch_events; /* what the adapter was told last */
    struct addrinfo *addrs, *next_addr;
    int64_t attempt_deadline;
    cg__conn conn;
    int conn_live; /* conn needs cg__conn_free */
    /* reconnecting */
    int backoff_ms;
    int retry_ms;
    int64_t retry_at;
    int stop_reason;
    int stop_reported; /* the state callback has heard of the stop */
    /* calls */
    acall *head, *tail;
    size_t ncalls;
    /* the subscription */
    struct {
        int active;
        cg_event_cb cb;
        void *arg;
        uint64_t last_seq;
        cg__req req;
        int sent; /* Subscribe in flight on conn */
        int64_t deadline;
    } sub;
    inbox_item *inbox;
    size_t inbox_len, inbox_cap, inbox_pos;
    cg_state_cb state_cb;
    void *state_arg;
    int64_t timer_at;        /* when the adapter's timer fires, -1: not armed */
    int depth;               /* entry points and callbacks under way */
    int freeing;             /* cg_async_free was called */
    ProtobufCMessage *reply; /* being delivered: cg_async_take_reply */
    char error[512];
    char error_field[128];
    char loss[512]; /* why the last attempt or connection ended */
};

static void set_error(cg_async *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_error(cg_async *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->error, sizeof a->error, fmt, ap);
    va_end(ap);
    a->error_field[0] = '\0';
}

/* --- what the adapter watches ----------------------------------------------- */

/* Tells the adapter to watch fd for events, unless it already does. */
static int watch(cg_async *a, int fd, int events)
{
    if (!a->attached || (fd == a->watch_fd && events == a->watch_events))
        return 0;
    int rc = a->hooks.watch(a->hooks.data, fd, events);
    a->watch_fd = rc == 0 ? fd : -1;
    a->watch_events = rc == 0 ? events : 0;
    return rc;
}

/* The socket and events the state calls for. */
static int update_watch(cg_async *a)
{
    switch (a->state) {
    case A_CONNECTING:
        return watch(a, a->fd, CG_ASYNC_WRITE);
    case A_HANDSHAKE:
    case A_READY:
        return watch(a, a->fd,
                     CG_ASYNC_READ | (cg_buf_pending(&a->conn.out) > 0 ? CG_ASYNC_WRITE : 0));
    default:
        return watch(a, -1, 0);
    }
}

/* The adapter's timer at the earliest thing due: the next attempt or its
 * deadline, the oldest call's deadline, Subscribe's, or right away when a
 * failure waits to be handled. */
static void rearm(cg_async *a)
{
    if (!a->attached || a->freeing)
        return;
    int64_t now = cg__now_ms(), at = -1;
#define EARLIER(t)                                                                                 \
    do {                                                                                           \
        if (at < 0 || (t) < at)                                                                    \
            at = (t);                                                                              \
    } while (0)
    if (a->state == A_WAITING)
        EARLIER(a->retry_at);
    if (a->state == A_CONNECTING || a->state == A_HANDSHAKE)
        EARLIER(a->attempt_deadline);
    if (a->sub.sent)
        EARLIER(a->sub.deadline);
    if (a->head != NULL)
        EARLIER(a->head->deadline);
    if (a->state == A_READY)
        for (acall *c = a->head; c != NULL; c = c->next)
            if (!c->sent && c->resend_at > 0)
                EARLIER(c->resend_at);
    if ((a->state == A_STOPPED && !a->stop_reported) ||
        (a->conn_live && a->conn.state == CG__CONN_FAILED))
        EARLIER(now);
#undef EARLIER
    if (at == a->timer_at)
        return;
    a->timer_at = at;
    a->hooks.timer(a->hooks.data, at < 0 ? -1 : at > now ? at - now : 0);
}

/* --- the socket ------------------------------------------------------------ */

/* Stops the watch on fd before closing it: a new socket may get its number. */
static void close_fd(cg_async *a)
{
    if (a->fd < 0)
        return;
    if (a->watch_fd == a->fd)
        watch(a, -1, 0);
    close(a->fd);
    a->fd = -1;
}

/* Writes as much of the connection's output as the socket takes. A socket
 * error fails the connection; the next entry point handles that. */
static void flush(cg_async *a)
{
    cg_buf *out = &a->conn.out;
    while (a->fd >= 0 && cg_buf_pending(out) > 0) {
        ssize_t n = send(a->fd, cg_buf_head(out), cg_buf_pending(out), MSG_NOSIGNAL);
        if (n > 0) {
            cg_buf_consume(out, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            cg__conn_fail(&a->conn, CG_ECLOSED, "send: %s", strerror(errno));
            cg_buf_consume(out, cg_buf_pending(out));
        }
    }
}

/* Ends the current attempt or connection: every call in flight becomes
 * unsent again, Subscribe too. */
static void close_socket(cg_async *a)
{
    close_fd(a);
    if (a->addrs != NULL)
        freeaddrinfo(a->addrs);
    a->addrs = a->next_addr = NULL;
    if (a->conn_live) {
        cg__conn_free(&a->conn);
        a->conn_live = 0;
    }
    for (acall *c = a->head; c != NULL; c = c->next) {
        c->sent = 0;
        cg__req_release(&c->req); /* a reply that never reached the inbox */
    }
    a->sub.sent = 0;
    cg__req_release(&a->sub.req);
}

/* --- completing calls ------------------------------------------------------- */

static void unlink_call(cg_async *a, acall *c)
{
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        a->head = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    else
        a->tail = c->prev;
    a->ncalls--;
}

/*
 * Takes c out of the client and calls its callback with status and, from
 * env (owned, may be NULL), the reply or the server's words of refusal.
 * Without env a failure keeps a->error as the caller set it.
 */
static void complete(cg_async *a, acall *c, int status, cg_envelope *env)
{
    unlink_call(a, c);
    if (c->sent && a->conn_live)
        cg__conn_cancel(&a->conn, &c->req);
    cg__req_release(&c->req);
    ProtobufCMessage *reply = NULL;
    if (env != NULL && status == 0) {
        /* Detach the body so that it outlives the envelope. */
        reply = cg_envelope_body(env);
        env->body_case = CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET;
    } else if (env != NULL && env->body_case == CHENGGUAN__V1__ENVELOPE__BODY_ERROR) {
        const Chengguan__V1__Error *e = env->error;
        set_error(a, "%s", e->message[0] ? e->message : cg_strerror(status));
        snprintf(a->error_field, sizeof a->error_field, "%s", e->field);
    }
    cg_envelope_free(env, NULL);
    a->reply = reply;
    if (c->cb != NULL)
        c->cb(a, status, reply, c->arg);
    cg_message_free(a->reply);
    a->reply = NULL;
    protobuf_c_message_free_unpacked(c->msg, NULL);
    free(c);
}

/* Completes every call with err (a->error says why), unless a is freed on
 * the way (then cg_async_free's pass cancels the rest). */
static void complete_all(cg_async *a, int err)
{
    char why[sizeof a->error];
    snprintf(why, sizeof why, "%s", a->error);
    while (a->head != NULL && (err == CG_ECANCELLED || !a->freeing)) {
        snprintf(a->error, sizeof a->error, "%s", why);
        a->error_field[0] = '\0';
        complete(a, a->head, err, NULL);
    }
}

/* Calls whose time is up, oldest first (the list is in deadline order). */
static void expire_calls(cg_async *a, int64_t now)
{
    while (a->head != NULL && a->head->deadline <= now && !a->freeing) {
        if (a->state == A_READY || a->loss[0] == '\0')
            set_error(a, "no reply within %d ms", a->timeout_ms);
        else
            set_error(a, "no reply within %d ms: not connected (%.400s)", a->timeout_ms, a->loss);
        complete(a, a->head, CG_ETIMEOUT, NULL);
    }
}

/* --- the subscription ------------------------------------------------------ */

static void end_subscription(cg_async *a, int status)
{
    a->sub.active = 0;
    if (a->sub.cb != NULL)
        a->sub.cb(a, status, NULL, a->sub.arg);
}

static void send_subscribe(cg_async *a)
{
    Chengguan__V1__Subscribe s = CHENGGUAN__V1__SUBSCRIBE__INIT;
    if (a->sub.last_seq == CG_FROM_HEAD)
        s.from_head = 1;
    else
        s.after_seq = a->sub.last_seq;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBE;
    env.subscribe = &s;
    int rc = cg__conn_send(&a->conn, &a->sub.req, &env, CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBED);
    if (rc == 0) {
        a->sub.sent = 1;
        a->sub.deadline = cg__now_ms() + a->timeout_ms;
    } else if (a->conn.state != CG__CONN_FAILED) {
        cg__conn_fail(&a->conn, rc, "cannot send Subscribe: %s", cg_strerror(rc));
    }
}

/* Refusals the server may not repeat on another try. */
static int transient(int err)
{
    return err == CG_EUNAVAILABLE || err == CG_ERESOURCE_EXHAUSTED || err == CG_EABORTED ||
           err == CG_EINTERNAL || err == CG_EDEADLINE_EXCEEDED || err == CG_EUNKNOWN ||
           err == CG_ECANCELLED;
}

static void subscribe_answered(cg_async *a)
{
    cg__req *req = &a->sub.req;
    a->sub.sent = 0;
    int status = req->status;
    /* Subscribed from the head: resume from there after a reconnect. */
    if (status == 0 && a->sub.last_seq == CG_FROM_HEAD && req->reply != NULL &&
        req->reply->body_case == CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBED)
        a->sub.last_seq = req->reply->subscribed->head_seq;
    if (status == 0 || !a->sub.active) {
        cg__req_release(req);
        return;
    }
    const Chengguan__V1__Error *e = req->reply ? req->reply->error : NULL;
    const char *why = e && e->message[0] ? e->message : cg_strerror(status);
    if (transient(status)) {
        /* Try again on a fresh connection, after the back-off. */
        cg__conn_fail(&a->conn, status, "Subscribe refused: %s", why);
        cg__req_release(req);
        return;
    }
    set_error(a, "Subscribe refused: %s", why);
    if (e != NULL)
        snprintf(a->error_field, sizeof a->error_field, "%s", e->field);
    cg__req_release(req);
    end_subscription(a, status);
}

static void deliver_event(cg_async *a, cg_envelope *env)
{
    const Chengguan__V1__Event *ev = env->event;
    /* Anything at or below the last seq was delivered already. */
    if (a->sub.active && ev != NULL && ev->seq > a->sub.last_seq) {
        a->sub.last_seq = ev->seq;
        a->sub.cb(a, 0, ev, a->sub.arg);
    }
    cg_envelope_free(env, NULL);
}

/* --- the inbox: what a feed completed --------------------------------------- */

static int inbox_add(cg_async *a, cg__req *req, cg_envelope *event)
{
    if (a->inbox_len == a->inbox_cap) {
        size_t cap = a->inbox_cap ? a->inbox_cap * 2 : 16;
        inbox_item *items = realloc(a->inbox, cap * sizeof *items);
        if (items == NULL)
            return -1;
        a->inbox = items;
        a->inbox_cap = cap;
    }
    a->inbox[a->inbox_len++] = (inbox_item){req, event};
    return 0;
}

static int on_reply(void *ctx, cg__req *req)
{
    return inbox_add(ctx, req, NULL);
}

static int on_push(void *ctx, cg_envelope *env)
{
    int rc = inbox_add(ctx, NULL, env);
    if (rc != 0)
        cg_envelope_free(env, NULL);
    return rc;
}

static void deliver_reply(cg_async *a, cg__req *req)
{
    if (req == &a->sub.req) {
        subscribe_answered(a);
        return;
    }
    acall *c = (acall *)((char *)req - offsetof(acall, req));
    c->sent = 0; /* out of the pending table */
    cg_envelope *env = req->reply;
    req->reply = NULL;
    int rate_wait = req->status == CG_ERESOURCE_EXHAUSTED && env != NULL &&
                            env->body_case == CHENGGUAN__V1__ENVELOPE__BODY_ERROR
                        ? cg__rate_limited_wait_ms(env->error)
                        : -1;
    if (rate_wait > 0 ||
        (req->status == CG_EUNAVAILABLE && ++c->attempts < CG_UNAVAILABLE_ATTEMPTS)) {
        int64_t at =
            cg__now_ms() + (rate_wait > 0 ? rate_wait : cg__unavailable_delay_ms(c->attempts));
        if (at < c->deadline) {
            /* The same copy, so the same key, goes out again at resend_at. */
            c->resend_at = at;
            cg_envelope_free(env, NULL);
            return;
        }
    }
    complete(a, c, req->status, env);
}

/* Hands the inbox to the callbacks, in order. What is left when a callback
 * frees the client is dropped by cg_async_free. */
static void dispatch(cg_async *a)
{
    while (a->inbox_pos < a->inbox_len && !a->freeing) {
        inbox_item it = a->inbox[a->inbox_pos++];
        if (it.event != NULL)
            deliver_event(a, it.event);
        else
            deliver_reply(a, it.req);
    }
    if (!a->freeing)
        a->inbox_pos = a->inbox_len = 0;
}

static void drop_inbox(cg_async *a)
{
    for (size_t i = a->inbox_pos; i < a->inbox_len; i++)
        cg_envelope_free(a->inbox[i].event, NULL);
    a->inbox_pos = a->inbox_len = 0;
}

/* --- sending ----------------------------------------------------------------- */

static int send_call(cg_async *a, acall *c)
{
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    cg_envelope_set_body(&env, c->msg);
    int rc = cg__conn_send(&a->conn, &c->req, &env, c->expect);
    if (rc == 0)
        c->sent = 1;
    return rc;
}

/* The largest request frame the server takes. */
static size_t frame_limit(const cg_async *a)
{
    return a->conn_live && a->conn.welcomed && a->conn.welcome.max_frame_bytes > 0
               ? a->conn.welcome.max_frame_bytes
               : CG_FRAME_DEFAULT_MAX;
}

/* Sends every call that waits and is due, in order. One that cannot go
 * (over the frame limit of this server, out of memory) is completed with the
 * reason. */
static void send_waiting(cg_async *a)
{
    acall *next;
    int64_t now = cg__now_ms();
    for (acall *c = a->head; c != NULL && !a->freeing; c = next) {
        next = c->next;
        if (c->sent || c->resend_at > now)
            continue;
        int rc = send_call(a, c);
        if (a->conn.state == CG__CONN_FAILED)
            return;
        if (rc == CG_ERESOURCE_EXHAUSTED)
            set_error(a, "request is larger than the server accepts (%zu bytes)", frame_limit(a));
        else if (rc != 0)
            set_error(a, "cannot send the request: %s", cg_strerror(rc));
        if (rc != 0)
            complete(a, c, rc, NULL);
    }
}

/* --- connecting --------------------------------------------------------------- */

static void fire_state(cg_async *a, cg_async_state state, int reason)
{
    if (a->state_cb != NULL)
        a->state_cb(a, state, reason, a->state_arg);
}

/* Welcome came: resubscribe, send what waited, tell the caller. */
static void connected(cg_async *a)
{
    a->state = A_READY;
    a->backoff_ms = CG_ASYNC_BACKOFF_MIN_MS;
    a->error[0] = a->error_field[0] = '\0';
    if (a->sub.active)
        send_subscribe(a);
    send_waiting(a);
    if (!a->freeing && a->conn.state != CG__CONN_FAILED)
        fire_state(a, CG_ASYNC_CONNECTED, 0);
}

/*
 * 1 when reconnecting cannot help: the options are wrong, a certificate was
 * refused by either side, the server turned down Hello for good (who we
 * are, the protocol version), or it says the account may not connect.
 */
static int permanent(const cg_async *a, int err, const char *why)
{
    if (err == CG_EUSAGE || err == CG_EUNAUTHENTICATED || err == CG_EPERMISSION_DENIED)
        return 1;
    if (err == CG_ETLS)
        /* Our check of the server certificate, or the server's alert about
         * ours (bad certificate, certificate expired/revoked/required,
         * unknown ca, access denied); not a handshake cut short. */
        return strstr(why, "certificate") != NULL || strstr(why, "unknown ca") != NULL ||
               strstr(why, "access denied") != NULL;
    int hello_answered = a->conn_live && a->conn.hello.done && !a->conn.welcomed;
    return hello_answered && err != CG_ECLOSED && err != CG_ENOMEM && !transient(err);
}

/* Stops for good with err (a->error says why): completes everything. */
static void stop(cg_async *a, int err)
{
    a->state = A_STOPPED;
    a->stop_reason = err;
    a->stop_reported = 1;
    complete_all(a, err);
    if (a->sub.active && !a->freeing)
        end_subscription(a, err);
    if (!a->freeing)
        fire_state(a, CG_ASYNC_STOPPED, err);
}

/* The attempt or connection ended with err (why in words): close it, then
 * either stop or schedule the next attempt. */
static void lost(cg_async *a, int err, const char *why)
{
    int forever = permanent(a, err, why);
    snprintf(a->error, sizeof a->error, "%s: %s", a->server, why);
    snprintf(a->loss, sizeof a->loss, "%s", a->error);
    a->error_field[0] = '\0';
    if (a->conn_live && a->conn.error_field[0] != '\0')
        snprintf(a->error_field, sizeof a->error_field, "%s", a->conn.error_field);
    close_socket(a);
    if (forever) {
        stop(a, err);
        return;
    }
    a->retry_ms = cg__jitter_ms(a->backoff_ms);
    a->retry_at = cg__now_ms() + a->retry_ms;
    a->backoff_ms =
        a->backoff_ms * 2 > CG_ASYNC_BACKOFF_MAX_MS ? CG_ASYNC_BACKOFF_MAX_MS : a->backoff_ms * 2;
    a->state = A_WAITING;
    fire_state(a, CG_ASYNC_DISCONNECTED, err);
}

/* TCP is up: start TLS; Hello follows the handshake. Keepalive probes find
 * a server that vanished without a word (a cut cable, a rebooted NAT) within
 * about a minute, so that the stream moves to a new connection instead of
 * waiting forever on a dead one. */
static void tcp_up(cg_async *a)
{
    int one = 1, idle = KEEPALIVE_IDLE_S, interval = KEEPALIVE_INTERVAL_S, count = KEEPALIVE_PROBES;
    setsockopt(a->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(a->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    setsockopt(a->fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    setsockopt(a->fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    setsockopt(a->fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
    freeaddrinfo(a->addrs);
    a->addrs = a->next_addr = NULL;
    a->state = A_HANDSHAKE;
    a->conn_live = 1;
    if (cg__conn_init(&a->conn, a->ctx, a->host, a->client_name) != 0)
        return; /* failed: settle() takes it from here */
    a->conn.on_reply = on_reply;
    a->conn.on_push = on_push;
    a->conn.hook_ctx = a;
}

/* Connects to the next address that takes a non-blocking connect; the
 * attempt fails when none is left. why: the last address's failure. */
static void try_addresses(cg_async *a, char *why, size_t len)
{
    while (a->next_addr != NULL) {
        struct addrinfo *ai = a->next_addr;
        a->next_addr = ai->ai_next;
        a->fd =
            socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (a->fd < 0) {
            snprintf(why, len, _("socket: %s"), strerror(errno));
            continue;
        }
        if (connect(a->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            tcp_up(a);
            return;
        }
        if (errno == EINPROGRESS) {
            a->state = A_CONNECTING;
            return;
        }
        snprintf(why, len, _("connect to %s port %s: %s"), a->host, a->port, strerror(errno));
        close_fd(a);
    }
    lost(a, CG_ECONNECT, why);
}

static void start_attempt(cg_async *a)
{
    a->state = A_CONNECTING;
    a->attempt_deadline = cg__now_ms() + a->timeout_ms;
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    char why[512];
    int gai = getaddrinfo(a->host, a->port, &hints, &a->addrs);
    if (gai != 0) {
        a->addrs = NULL;
        snprintf(why, sizeof why, _("cannot resolve %s: %s"), a->host, gai_strerror(gai));
        lost(a, CG_ECONNECT, why);
        return;
    }
    a->next_addr = a->addrs;
    snprintf(why, sizeof why, _("no address for %s"), a->host);
    try_addresses(a, why, sizeof why);
}

/* The socket of a connect in progress became writable. */
static void connect_done(cg_async *a)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (err == EINPROGRESS)
        return;
    if (err == 0) {
        tcp_up(a);
        return;
    }
    char why[512];
    snprintf(why, sizeof why, _("connect to %s port %s: %s"), a->host, a->port, strerror(err));
    close_fd(a);
    try_addresses(a, why, sizeof why);
}

/* The attempt's time is up. */
static void attempt_timed_out(cg_async *a)
{
    const char *fmt = a->state == A_CONNECTING ? _("timed out after %d ms connecting")
                      : a->conn.state == CG__CONN_TLS
                          ? _("timed out after %d ms waiting for the TLS handshake")
                          : _("timed out after %d ms waiting for Welcome");
    char why[256];
    snprintf(why, sizeof why, fmt, a->timeout_ms);
    if (a->conn_live)
        cg__conn_fail(&a->conn, CG_ETIMEOUT, "%s", why);
    else
        lost(a, CG_ETIMEOUT, why);
}

/* --- entry points --------------------------------------------------------------- */

/* After any work: handle a failed connection, a fresh Welcome, pending
 * output; then tell the adapter what to watch and when to wake us. */
static void settle(cg_async *a)
{
    while (!a->freeing) {
        if (a->conn_live && a->conn.state == CG__CONN_FAILED) {
            dispatch(a); /* replies that came before the failure */
            if (!a->freeing)
                lost(a, a->conn.failure, a->conn.error);
            continue;
        }
        if (a->state == A_HANDSHAKE && a->conn.state == CG__CONN_READY) {
            connected(a);
            continue;
        }
        if (a->conn_live)
            flush(a);
        if (a->conn_live && a->conn.state == CG__CONN_FAILED)
            continue;
        int rc = update_watch(a);
        if (rc != 0) {
            if (a->conn_live)
                cg__conn_fail(&a->conn, rc, "the event loop cannot watch the socket");
            else
                lost(a, rc, "the event loop cannot watch the socket");
            continue;
        }
        rearm(a);
        return;
    }
}

static void destroy(cg_async *a);

static void enter(cg_async *a)
{
    a->depth++;
}

static void leave(cg_async *a)
{
    if (a->depth == 1 && !a->freeing)
        settle(a);
    if (--a->depth == 0 && a->freeing)
        destroy(a);
}

/* Reads what the socket has, feeding the connection and dispatching what it
 * completed after every chunk. */
static void read_socket(cg_async *a)
{
    uint8_t *buf = malloc(READ_CHUNK);
    if (buf == NULL) {
        cg__conn_fail(&a->conn, CG_ENOMEM, "out of memory for reading");
        return;
    }
    for (int round = 0; round < READ_ROUNDS; round++) {
        ssize_t n = recv(a->fd, buf, READ_CHUNK, 0);
        if (n > 0) {
            cg__conn_feed(&a->conn, buf, (size_t)n);
        } else if (n == 0) {
            cg__conn_feed_eof(&a->conn);
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            break;
        } else {
            cg__conn_fail(&a->conn, CG_ECLOSED, "recv: %s", strerror(errno));
        }
        if (a->conn.state == CG__CONN_FAILED || n == 0)
            break; /* settle() dispatches what came before the failure */
        dispatch(a);
        if (!a->freeing && a->state == A_HANDSHAKE && a->conn.state == CG__CONN_READY)
            connected(a);
        if (a->freeing || !a->conn_live || a->conn.state == CG__CONN_FAILED)
            break;
    }
    free(buf);
}

void cg_async_handle_read(cg_async *a)
{
    enter(a);
    if ((a->state == A_HANDSHAKE || a->state == A_READY) && a->conn.state != CG__CONN_FAILED)
        read_socket(a);
    leave(a);
}

void cg_async_handle_write(cg_async *a)
{
    enter(a);
    if (a->state == A_CONNECTING)
        connect_done(a);
    /* Otherwise settle() flushes. */
    leave(a);
}

void cg_async_handle_timer(cg_async *a)
{
    enter(a);
    a->timer_at = -1;
    int64_t now = cg__now_ms();
    if (a->state == A_STOPPED && !a->stop_reported)
        stop(a, a->stop_reason);
    expire_calls(a, now);
    if (!a->freeing && a->state == A_READY && a->conn.state == CG__CONN_READY)
        send_waiting(a); /* calls whose wait after UNAVAILABLE is over */
    if (!a->freeing && a->state == A_WAITING && now >= a->retry_at)
        start_attempt(a);
    else if (!a->freeing && (a->state == A_CONNECTING || a->state == A_HANDSHAKE) &&
             now >= a->attempt_deadline)
        attempt_timed_out(a);
    if (!a->freeing && a->sub.sent && now >= a->sub.deadline && a->conn_live)
        cg__conn_fail(&a->conn, CG_ETIMEOUT, "no reply to Subscribe within %d ms", a->timeout_ms);
    leave(a);
}

/* --- the public API --------------------------------------------------------------- */

/* Fills a from opt; 0 or CG_EUSAGE with a->error set. */
static int configure(cg_async *a, const cg_client_options *opt)
{
    if (opt == NULL || opt->cert_file == NULL || opt->key_file == NULL || opt->ca_file == NULL) {
        set_error(a, _("cert_file, key_file and ca_file are required"));
        return CG_EUSAGE;
    }
    a->timeout_ms = opt->timeout_ms > 0 ? opt->timeout_ms : CG__DEFAULT_TIMEOUT_MS;
    snprintf(a->server, sizeof a->server, "%s", opt->server ? opt->server : CG__DEFAULT_SERVER);
    snprintf(a->client_name, sizeof a->client_name, "%s",
             opt->client_name ? opt->client_name : "libchengguan/" CG_VERSION);
    if (cg__split_server(a->server, a->host, sizeof a->host, a->port, sizeof a->port) != 0) {
        set_error(a, _("bad server address '%s' (expected HOST:PORT)"), a->server);
        return CG_EUSAGE;
    }
    char why[512];
    a->ctx = cg_tls_client_ctx(opt->cert_file, opt->key_file, opt->ca_file, why, sizeof why);
    if (a->ctx == NULL) {
        set_error(a, "%s", why);
        return CG_EUSAGE;
    }
    return 0;
}

cg_async *cg_async_new(const cg_client_options *opt)
{
    cg_async *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    a->fd = a->watch_fd = -1;
    a->timer_at = -1;
    a->backoff_ms = CG_ASYNC_BACKOFF_MIN_MS;
    a->timeout_ms = CG__DEFAULT_TIMEOUT_MS;
    int rc = configure(a, opt);
    if (rc != 0) {
        /* Reported through the state callback once attached. */
        a->state = A_STOPPED;
        a->stop_reason = rc;
    }
    return a;
}

int cg_async_attach(cg_async *a, const cg_async_hooks *hooks)
{
    if (a->attached || hooks == NULL || hooks->watch == NULL || hooks->timer == NULL)
        return CG_EUSAGE;
    a->hooks = *hooks;
    a->attached = 1;
    if (a->state == A_IDLE) {
        a->state = A_WAITING;
        a->retry_at = cg__now_ms(); /* the first attempt, from the loop */
    }
    rearm(a);
    return 0;
}

/* Frees a for real: nobody is inside it any more. */
static void destroy(cg_async *a)
{
    a->depth++; /* callbacks below may call cg_async_free again */
    if (a->conn_live && a->conn.state == CG__CONN_READY) {
        cg__conn_shutdown(&a->conn);
        flush(a); /* close_notify, if the socket takes it now */
    }
    drop_inbox(a);
    close_socket(a);
    set_error(a, "the client was freed");
    complete_all(a, CG_ECANCELLED);
    if (a->sub.active)
        end_subscription(a, CG_ECANCELLED);
    if (a->attached && a->hooks.cleanup != NULL)
        a->hooks.cleanup(a->hooks.data);
    SSL_CTX_free(a->ctx);
    free(a->inbox);
    free(a);
}

void cg_async_free(cg_async *a)
{
    if (a == NULL || a->freeing)
        return;
    a->freeing = 1;
    if (a->depth == 0)
        destroy(a);
}

const char *cg_async_error(const cg_async *a)
{
    return a != NULL ? a->error : "";
}

const char *cg_async_error_field(const cg_async *a)
{
    return a != NULL ? a->error_field : "";
}

const cg_welcome *cg_async_welcome(const cg_async *a)
{
    return a != NULL && a->state == A_READY ? &a->conn.welcome : NULL;
}

int cg_async_tls_resumed(const cg_async *a)
{
    return a != NULL && a->state == A_READY && cg_tls_session_resumed(&a->conn.tls);
}

void cg_async_on_state(cg_async *a, cg_state_cb cb, void *arg)
{
    a->state_cb = cb;
    a->state_arg = arg;
}

int cg_async_retry_ms(const cg_async *a)
{
    return a->state == A_WAITING ? a->retry_ms : 0;
}

uint64_t cg_async_last_seq(const cg_async *a)
{
    return a->sub.last_seq;
}

ProtobufCMessage *cg_async_take_reply(cg_async *a)
{
    ProtobufCMessage *m = a->reply;
    a->reply = NULL;
    return m;
}

/*
 * After new work outside the entry points: writes what the socket takes now
 * and has the adapter wake us for the rest. A failure on the way waits for
 * the next entry point (rearm wakes us at once). Inside an entry point (a
 * callback), leave() does all this on the way out.
 */
static void nudge(cg_async *a)
{
    if (a->depth > 0)
        return;
    if (a->conn_live)
        flush(a);
    if (update_watch(a) != 0 && a->conn_live)
        cg__conn_fail(&a->conn, CG_EIO, "the event loop cannot watch the socket");
    rearm(a);
}

/* 0 when a may take new work, else why not. */
static int check_open(cg_async *a)
{
    if (a->freeing)
        return CG_ECLOSED;
    if (a->state == A_STOPPED)
        return a->stop_reason;
    return 0;
}

/*
 * The client's own copy of request, as the library's message type, with a
 * fresh idempotency key when it has an empty one. 0, CG_ENOMEM, CG_EIO or
 * CG_ERESOURCE_EXHAUSTED (over limit once in an Envelope).
 */
static int copy_request(const ProtobufCMessage *request, Chengguan__V1__Envelope__BodyCase body,
                        size_t limit, ProtobufCMessage **out)
{
    *out = NULL;
    size_t len = protobuf_c_message_get_packed_size(request);
    if (len + 32 > limit) /* the Envelope adds an id and a tag: under 32 bytes */
        return CG_ERESOURCE_EXHAUSTED;
    uint8_t *buf = malloc(len ? len : 1);
    if (buf == NULL)
        return CG_ENOMEM;
    protobuf_c_message_pack(request, buf);
    const ProtobufCFieldDescriptor *f = cg_envelope_field(body);
    ProtobufCMessage *copy = protobuf_c_message_unpack(f->descriptor, NULL, len, buf);
    free(buf);
    if (copy == NULL)
        return CG_ENOMEM;
    ProtobufCBinaryData *key = cg__empty_key(copy);
    if (key != NULL) {
        key->data = malloc(16);
        if (key->data == NULL || cg_idempotency_key(key->data) != 0) {
            int rc = key->data == NULL ? CG_ENOMEM : CG_EIO;
            protobuf_c_message_free_unpacked(copy, NULL);
            return rc;
        }
        key->len = 16;
    }
    *out = copy;
    return 0;
}

int cg_async_call(cg_async *a, ProtobufCMessage *request, cg_reply_cb cb, void *arg)
{
    int rc = check_open(a);
    if (rc != 0)
        return rc;
    Chengguan__V1__Envelope__BodyCase body =
        request ? cg_envelope_case_of(request->descriptor) : CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET;
    Chengguan__V1__Envelope__BodyCase expect = cg_reply_case(body);
    if (expect == CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET ||
        body == CHENGGUAN__V1__ENVELOPE__BODY_HELLO ||
        body == CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBE) {
        set_error(a, "%s is not a request cg_async_call sends",
                  request ? request->descriptor->name : "NULL");
        return CG_EUSAGE;
    }
    if (a->ncalls >= CG_ASYNC_MAX_QUEUE) {
        set_error(a, "%d calls are waiting already", CG_ASYNC_MAX_QUEUE);
        return CG_ERESOURCE_EXHAUSTED;
    }
    acall *c = calloc(1, sizeof *c);
    if (c == NULL)
        return CG_ENOMEM;
    rc = copy_request(request, body, frame_limit(a), &c->msg);
    if (rc != 0) {
        free(c);
        if (rc == CG_ERESOURCE_EXHAUSTED)
            set_error(a, "request is larger than the server accepts (%zu bytes)", frame_limit(a));
        return rc;
    }
    c->expect = expect;
    c->deadline = cg__now_ms() + a->timeout_ms;
    c->cb = cb;
    c->arg = arg;
    c->prev = a->tail;
    if (a->tail != NULL)
        a->tail->next = c;
    else
        a->head = c;
    a->tail = c;
    a->ncalls++;
    if (a->state == A_READY && a->conn.state == CG__CONN_READY) {
        rc = send_call(a, c);
        if (rc != 0 && a->conn.state != CG__CONN_FAILED) {
            unlink_call(a, c);
            protobuf_c_message_free_unpacked(c->msg, NULL);
            free(c);
            return rc;
        }
    }
    nudge(a);
    return 0;
}

int cg_async_subscribe(cg_async *a, uint64_t after_seq, cg_event_cb cb, void *arg)
{
    int rc = check_open(a);
    if (rc != 0)
        return rc;
    if (a->sub.active || cb == NULL) {
        set_error(a, cb == NULL ? "an event callback is required" : "already subscribed");
        return CG_EUSAGE;
    }
    a->sub.active = 1;
    a->sub.cb = cb;
    a->sub.arg = arg;
    a->sub.last_seq = after_seq;
    if (a->state == A_READY && a->conn.state == CG__CONN_READY)
        send_subscribe(a);
    nudge(a);
    return 0;
}
