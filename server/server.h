/*
 * The server: one libuv loop owning the listener, every session, the
 * database pool and the signal handlers.
 */
#ifndef CG_SERVER_H
#define CG_SERVER_H

#include "config.h"
#include "db/db.h"
#include "escalation.h"
#include "events.h"
#include "metrics.h"
#include "metrics_http.h"
#include "pending.h"
#include "tls_reload.h"
#include "rate.h"

#include <openssl/ssl.h>
#include <uv.h>

typedef struct cg_session cg_session;

typedef struct cg_server {
    uv_loop_t *loop;
    const cg_config *cfg;
    SSL_CTX *tls;             /* for new sessions; replaced by reload */
    cg_tls_reload tls_reload; /* SIGHUP, the timer, live sessions re-checked */
    cg_db *db;
    cg_events events;         /* the event stream's listener and fan-out */
    cg_escalation escalation; /* the deadline timer of the reports */
    uv_tcp_t listener;
    uv_signal_t sigterm;
    uv_signal_t sigint;
    uv_timer_t shutdown_timer;
    uv_timer_t account_timer;     /* re-reads the accounts of live sessions */
    int account_checking;         /* a check is in flight */
    cg_session *sessions;         /* doubly linked through cg_session.prev/next */
    int nsessions;                /* until freed */
    int nopen;                    /* not closing: what max_connections counts */
    cg_pending pending;           /* sessions before Welcome */
    cg_rate rate;                 /* max_request_rate per account */
    cg_metrics metrics;           /* what a scrape reports */
    cg_metrics_http metrics_http; /* metrics_listen */
    uint64_t next_session_id;
    int stopping;
    int db_closing;
    int exit_code;
} cg_server;

/*
 * Sets up TLS, the database pool, the listener and the signals on loop.
 * Returns 0, or -1 after logging why (the caller exits 1).
 */
int cg_server_start(cg_server *s, uv_loop_t *loop, const cg_config *cfg);

/*
 * Graceful stop: stop accepting, let requests in flight finish, close every
 * session with close_notify, close the pool; the loop then runs out. Called
 * on SIGTERM/SIGINT, or with exit_code 1 on a fatal condition.
 */
void cg_server_stop(cg_server *s, int exit_code);

/* Binds tcp to address ("HOST:PORT", a numeric IP) and listens with cb;
 * tcp->data = data. 0, or -1 after logging why (tcp is then closed). */
int cg_server_listen(cg_server *s, uv_tcp_t *tcp, const char *address, uv_connection_cb cb,
                     void *data);

/* Sessions of account that finished Hello, for per-account limits. */
int cg_server_sessions_of(const cg_server *s, const char *account);

/* Called by a session when it starts closing: it no longer counts against
 * max_connections nor the pending budget (its socket is closed already). */
void cg_server_session_closing(cg_server *s, cg_session *session);

/* Called by a session when it is fully closed, before it is freed. */
void cg_server_session_gone(cg_server *s, cg_session *session);

#endif
