#include "server.h"

#include "db/migrations.h"
#include "buf.h"
#include "dispatch.h"
#include "error.h"
#include "log.h"
#include "session.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void on_schema_mismatch(void *arg, int found)
{
    cg_server *s = arg;
    char have[16], want[16];
    snprintf(have, sizeof have, "%d", found);
    snprintf(want, sizeof want, "%d", cg_migrations_latest());
    if (found > cg_migrations_latest()) {
        cg_log_kv(CG_LOG_ERROR, "schema_too_new", "found", have, "known", want, "action",
                  "stopping: upgrade chengguand", CG_LOG_END);
        cg_server_stop(s, 1);
    } else {
        cg_log_kv(CG_LOG_ERROR, "schema_too_old", "found", have, "known", want, "action",
                  "run chengguand --migrate", CG_LOG_END);
    }
}

static void close_when_drained(cg_server *s);

static void on_connection(uv_stream_t *listener, int status)
{
    cg_server *s = listener->data;
    if (status < 0) {
        cg_log_kv(CG_LOG_WARN, "accept_failed", "error", uv_strerror(status), CG_LOG_END);
        return;
    }
    cg_session *session = cg_session_new(s);
    if (session == NULL) {
        cg_log_kv(CG_LOG_ERROR, "accept_failed", "error", "out of memory", CG_LOG_END);
        return;
    }
    session->next = s->sessions;
    if (s->sessions != NULL)
        s->sessions->prev = session;
    s->sessions = session;
    s->nsessions++;
    s->nopen++;
    s->metrics.accepted++;
    if (cg_session_accept(session, listener) != 0) {
        cg_session_close(session);
        return;
    }
    const cg_config *cfg = s->cfg;
    const char *refused = NULL;
    if (s->stopping)
        refused = "shutting down";
    else if (s->nopen > cfg->max_connections)
        refused = "max_connections reached";
    else if (cg_pending_admit(&s->pending, session, cfg->max_pending_handshakes,
                              cfg->max_pending_handshakes_per_ip) != 0)
        refused = "max_pending_handshakes_per_ip reached";
    if (refused != NULL) {
        cg_log_kv(CG_LOG_WARN, "connection_refused", "peer", session->peer, "reason", refused,
                  CG_LOG_END);
        cg_session_close(session);
        return;
    }
    cg_session_start(session);
}

void cg_server_session_closing(cg_server *s, cg_session *session)
{
    s->nopen--;
    cg_pending_leave(&s->pending, session);
}

void cg_server_session_gone(cg_server *s, cg_session *session)
{
    if (session->prev != NULL)
        session->prev->next = session->next;
    else
        s->sessions = session->next;
    if (session->next != NULL)
        session->next->prev = session->prev;
    s->nsessions--;
    close_when_drained(s);
}

int cg_server_sessions_of(const cg_server *s, const char *account)
{
    int n = 0;
    for (const cg_session *x = s->sessions; x != NULL; x = x->next)
        if (x->state == CG_SESSION_READY && strcmp(x->account, account) == 0)
            n++;
    return n;
}

/* --- accounts disabled while connected --------------------------------- */

static void on_disabled_accounts(void *arg, int status, const PGresult *res)
{
    cg_server *s = arg;
    s->account_checking = 0;
    if (status != 0)
        return; /* looked at again on the next tick */
    for (int i = 0; i < PQntuples(res); i++) {
        const char *name = PQgetvalue(res, i, 0);
        for (cg_session *x = s->sessions; x != NULL; x = x->next) {
            if (x->state != CG_SESSION_READY || strcmp(x->account, name) != 0)
                continue;
            cg_log_kv(CG_LOG_WARN, "account_disabled", "account", name, "peer", x->peer, "action",
                      "closing", CG_LOG_END);
            cg_session_send_error(x, 0, CG_EPERMISSION_DENIED, "this account has been disabled",
                                  NULL);
            cg_session_close_gracefully(x);
        }
    }
}

/* Every account_check_interval, asks which accounts of the sessions past
 * Hello have been disabled since, and closes their sessions: disabling an
 * account ends its live connections (event streams included) within
 * seconds. One query for all sessions, through the pool. */
static void on_account_timer(uv_timer_t *t)
{
    cg_server *s = t->data;
    if (s->account_checking || s->stopping || s->db == NULL)
        return;
    cg_buf names = CG_BUF_INIT;
    int n = 0;
    for (cg_session *x = s->sessions; x != NULL; x = x->next) {
        if (x->state != CG_SESSION_READY)
            continue;
        /* Account names are [a-z0-9_-] (the schema checks): no quoting. */
        if (cg_buf_append(&names, n++ ? ",\"" : "{\"", 2) != 0 ||
            cg_buf_append(&names, x->account, strlen(x->account)) != 0 ||
            cg_buf_append(&names, "\"", 1) != 0) {
            cg_buf_free(&names);
            return;
        }
    }
    if (n > 0 && cg_buf_append(&names, "}", 2) == 0) { /* with its NUL */
        const char *params[] = {(const char *)cg_buf_head(&names)};
        if (cg_db_query(s->db,
                        "SELECT name FROM accounts WHERE name = ANY($1::text[]) "
                        "AND disabled_at IS NOT NULL",
                        1, params, on_disabled_accounts, s) == 0)
            s->account_checking = 1;
    }
    cg_buf_free(&names);
}

static void on_signal(uv_signal_t *h, int signum)
{
    cg_server *s = h->data;
    cg_log_kv(CG_LOG_INFO, "signal", "signal", signum == SIGTERM ? "SIGTERM" : "SIGINT",
              CG_LOG_END);
    cg_server_stop(s, 0);
}

static void forget_db(void *arg)
{
    cg_server *s = arg;
    s->db = NULL;
}

int cg_server_listen(cg_server *s, uv_tcp_t *tcp, const char *address, uv_connection_cb cb,
                     void *data)
{
    char host[256];
    int port;
    struct sockaddr_storage addr;
    if (cg_config_split_listen(address, host, sizeof host, &port) != 0 ||
        (uv_ip4_addr(host, port, (struct sockaddr_in *)&addr) != 0 &&
         uv_ip6_addr(host, port, (struct sockaddr_in6 *)&addr) != 0)) {
        cg_log_kv(CG_LOG_ERROR, "listen_failed", "listen", address, "error",
                  "expected a numeric IP address and a port", CG_LOG_END);
        return -1;
    }
    uv_tcp_init(s->loop, tcp);
    tcp->data = data;
    int rc = uv_tcp_bind(tcp, (struct sockaddr *)&addr, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)tcp, 511, cb);
    if (rc != 0) {
        cg_log_kv(CG_LOG_ERROR, "listen_failed", "listen", address, "error", uv_strerror(rc),
                  CG_LOG_END);
        uv_close((uv_handle_t *)tcp, NULL);
        return -1;
    }
    cg_log_kv(CG_LOG_INFO, "listening", "listen", address, CG_LOG_END);
    return 0;
}

/* The client listener and, when metrics_listen is set, the metrics one. */
static int listen_on(cg_server *s)
{
    if (cg_server_listen(s, &s->listener, s->cfg->listen, on_connection, s) != 0)
        return -1;
    if (s->cfg->metrics_listen[0] != '\0' &&
        cg_metrics_http_start(&s->metrics_http, s, s->cfg->metrics_listen) != 0) {
        uv_close((uv_handle_t *)&s->listener, NULL);
        return -1;
    }
    return 0;
}

static void stop_listening(cg_server *s)
{
    uv_close((uv_handle_t *)&s->listener, NULL);
    cg_metrics_http_stop(&s->metrics_http);
}

int cg_server_start(cg_server *s, uv_loop_t *loop, const cg_config *cfg)
{
    memset(s, 0, sizeof *s);
    s->loop = loop;
    s->cfg = cfg;
    s->metrics.started = (double)time(NULL);
    if (cg_dispatch_check_authz() != 0)
        return -1;
    cg_rate_init(&s->rate, cfg->max_request_rate, cfg->max_request_burst);
    json_object_seed(0); /* before any worker thread makes JSON (sql_call.c) */
    char err[512];
    if (cg_tls_reload_init(&s->tls_reload, s) != 0)
        return -1;
    if (listen_on(s) != 0) {
        SSL_CTX_free(s->tls);
        return -1;
    }
    char *conninfo = cg_config_conninfo(cfg, err, sizeof err);
    if (conninfo == NULL) {
        cg_log_kv(CG_LOG_ERROR, "db_setup_failed", "error", err, CG_LOG_END);
        stop_listening(s);
        SSL_CTX_free(s->tls);
        return -1;
    }
    cg_db_options dbo = {
        .conninfo = conninfo,
        .pool_size = (int)cfg->db_pool_size,
        .queue_size = (int)cfg->db_queue_size,
        .on_schema_mismatch = on_schema_mismatch,
        .arg = s,
    };
    s->db = cg_db_new(loop, &dbo);
    int events_rc = s->db ? cg_events_start(&s->events, s, conninfo) : -1;
    free(conninfo);
    if (events_rc != 0) {
        cg_log_kv(CG_LOG_ERROR, "db_setup_failed", "error", "out of memory", CG_LOG_END);
        if (s->db != NULL)
            cg_db_close(s->db, forget_db, s);
        stop_listening(s);
        SSL_CTX_free(s->tls);
        return -1;
    }
    uv_signal_init(loop, &s->sigterm);
    uv_signal_init(loop, &s->sigint);
    s->sigterm.data = s->sigint.data = s;
    uv_signal_start(&s->sigterm, on_signal, SIGTERM);
    uv_signal_start(&s->sigint, on_signal, SIGINT);
    uv_timer_init(loop, &s->shutdown_timer);
    s->shutdown_timer.data = s;
    uv_timer_init(loop, &s->account_timer);
    s->account_timer.data = s;
    uv_timer_start(&s->account_timer, on_account_timer, (uint64_t)cfg->account_check_interval,
                   (uint64_t)cfg->account_check_interval);
    cg_tls_reload_start(&s->tls_reload);
    cg_escalation_start(&s->escalation, s);
    return 0;
}

static void on_db_closed(void *arg)
{
    cg_server *s = arg;
    s->db = NULL;
    uv_close((uv_handle_t *)&s->shutdown_timer, NULL);
    SSL_CTX_free(s->tls);
    s->tls = NULL;
    cg_rate_free(&s->rate);
    cg_log_kv(CG_LOG_INFO, "stopped", CG_LOG_END);
}

/* Sessions that outlive shutdown_timeout are closed without waiting. */
static void on_shutdown_timeout(uv_timer_t *t)
{
    cg_server *s = t->data;
    cg_log_kv(CG_LOG_WARN, "shutdown_timeout", "action", "closing remaining connections",
              CG_LOG_END);
    for (cg_session *x = s->sessions; x != NULL; x = x->next)
        cg_session_close(x);
}

static void on_events_closed(void *arg)
{
    cg_server *s = arg;
    cg_db_close(s->db, on_db_closed, s);
}

/* Once the last session is gone, the escalation timer stops and the event
 * stream's connection closes, then the pool: requests in flight had their
 * answers by then. */
static void close_when_drained(cg_server *s)
{
    if (!s->stopping || s->nsessions > 0 || s->db == NULL || s->db_closing)
        return;
    s->db_closing = 1;
    uv_timer_stop(&s->shutdown_timer);
    cg_escalation_stop(&s->escalation);
    cg_events_close(&s->events, on_events_closed, s);
}

void cg_server_stop(cg_server *s, int exit_code)
{
    if (exit_code > s->exit_code)
        s->exit_code = exit_code;
    if (s->stopping)
        return;
    s->stopping = 1;
    cg_log_kv(CG_LOG_INFO, "stopping", CG_LOG_END);
    stop_listening(s);
    uv_close((uv_handle_t *)&s->sigterm, NULL);
    uv_close((uv_handle_t *)&s->sigint, NULL);
    uv_close((uv_handle_t *)&s->account_timer, NULL);
    cg_tls_reload_stop(&s->tls_reload);
    for (cg_session *x = s->sessions; x != NULL; x = x->next) {
        if (x->state != CG_SESSION_READY)
            cg_session_close(x);
        else if (x->inflight == 0)
            cg_session_close_gracefully(x);
        /* others close when their last request finishes (session.c) */
    }
    if (s->cfg->shutdown_timeout > 0)
        uv_timer_start(&s->shutdown_timer, on_shutdown_timeout, (uint64_t)s->cfg->shutdown_timeout,
                       0);
    close_when_drained(s);
}
