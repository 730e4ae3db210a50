#include "system_service.h"

#include "request.h"

#include "db/db.h"
#include "error.h"
#include "log.h"
#include "server.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define PROTOCOL_VERSION 1
#define MAX_PING_PAYLOAD (64 * 1024)

/* Columns 0..5 of every account lookup. */
#define ACCOUNT_COLUMNS                                                                            \
    "SELECT a.name, a.role, coalesce(a.unit_code, ''), coalesce(u.name_zh, ''), "                  \
    "a.display_name, a.disabled_at IS NOT NULL "                                                   \
    "FROM accounts a LEFT JOIN units u ON u.code = a.unit_code "

enum { COL_NAME, COL_ROLE, COL_UNIT, COL_UNIT_NAME, COL_DISPLAY, COL_DISABLED };

/* A failed lookup: the pool's own refusals (database away, queue full) go to
 * the client as they are; anything else is INTERNAL, with the details only
 * in the server log. */
static void fail_lookup(cg_request *r, int status, const PGresult *res)
{
    if (status == CG_EUNAVAILABLE) {
        cg_request_fail(r, status, "database unavailable, try again shortly", NULL);
        return;
    }
    if (status == CG_ERESOURCE_EXHAUSTED) {
        cg_request_fail(r, status, "server busy: database queue full, try again shortly", NULL);
        return;
    }
    cg_log_kv(CG_LOG_ERROR, "db_error", "method", r->route->name, "error",
              res ? PQresultErrorMessage(res) : cg_strerror(status), CG_LOG_END);
    cg_request_fail(r, CG_EINTERNAL, NULL, NULL);
}

static void on_hello_account(void *arg, int status, const PGresult *res)
{
    cg_request *r = arg;
    cg_session *s = r->session;
    if (s == NULL) {
        cg_request_fail(r, CG_ECANCELLED, NULL, NULL);
        return;
    }
    s->state = CG_SESSION_AWAIT_HELLO;
    if (status != 0) {
        fail_lookup(r, status, res);
        return;
    }
    char msg[384];
    if (PQntuples(res) == 0) {
        snprintf(msg, sizeof msg, "no account for certificate subject '%s'", s->cert_subject);
        cg_log_kv(CG_LOG_WARN, "unknown_account", "subject", s->cert_subject, "peer", s->peer,
                  CG_LOG_END);
        cg_request_fail(r, CG_EUNAUTHENTICATED, msg, NULL);
        cg_session_close_gracefully(s);
        return;
    }
    const char *name = PQgetvalue(res, 0, COL_NAME);
    if (strcmp(PQgetvalue(res, 0, COL_DISABLED), "t") == 0) {
        snprintf(msg, sizeof msg, "account '%s' is disabled", name);
        cg_log_kv(CG_LOG_WARN, "disabled_account", "account", name, "peer", s->peer, CG_LOG_END);
        cg_request_fail(r, CG_EPERMISSION_DENIED, msg, NULL);
        cg_session_close_gracefully(s);
        return;
    }
    const cg_config *cfg = s->server->cfg;
    if (cg_server_sessions_of(s->server, name) >= cfg->max_connections_per_account) {
        snprintf(msg, sizeof msg, "account '%s' already has %lld connections", name,
                 (long long)cfg->max_connections_per_account);
        cg_request_fail(r, CG_ERESOURCE_EXHAUSTED, msg, NULL);
        cg_session_close_gracefully(s);
        return;
    }
    snprintf(s->account, sizeof s->account, "%s", name);
    cg_log_kv(CG_LOG_INFO, "hello", "account", name, "client", s->client_name, "peer", s->peer,
              CG_LOG_END);
    snprintf(s->unit, sizeof s->unit, "%s", PQgetvalue(res, 0, COL_UNIT));
    s->role = cg_role_parse(PQgetvalue(res, 0, COL_ROLE));
    cg_session_hello_done(s);

    Chengguan__V1__Welcome w = CHENGGUAN__V1__WELCOME__INIT;
    w.server_version = CG_VERSION;
    w.protocol_version = PROTOCOL_VERSION;
    w.account = s->account;
    w.role = PQgetvalue(res, 0, COL_ROLE);
    w.unit = s->unit;
    w.max_frame_bytes = (uint32_t)cfg->max_frame_bytes;
    cg_envelope reply = CHENGGUAN__V1__ENVELOPE__INIT;
    reply.body_case = CHENGGUAN__V1__ENVELOPE__BODY_WELCOME;
    reply.welcome = &w;
    cg_request_reply(r, &reply);
}

static void hello(cg_request *r, const cg_envelope *env)
{
    const Chengguan__V1__Hello *h = env->hello;
    cg_session *s = r->session;
    if (h->protocol_version != PROTOCOL_VERSION) {
        char msg[96];
        snprintf(msg, sizeof msg, "protocol version %u is not supported; this server speaks %d",
                 h->protocol_version, PROTOCOL_VERSION);
        cg_request_fail(r, CG_EFAILED_PRECONDITION, msg, "protocol_version");
        return;
    }
    snprintf(s->client_name, sizeof s->client_name, "%s", h->client_name);
    const char *params[] = {s->cert_subject, s->cert_fingerprint};
    s->state = CG_SESSION_HELLO_PENDING;
    int rc =
        cg_db_query(s->server->db,
                    ACCOUNT_COLUMNS "WHERE a.cert_subject = $1 "
                                    "AND (a.cert_fingerprint IS NULL OR a.cert_fingerprint = $2)",
                    2, params, on_hello_account, r);
    if (rc != 0) {
        s->state = CG_SESSION_AWAIT_HELLO;
        fail_lookup(r, rc, NULL);
    }
}

static void ping(cg_request *r, const cg_envelope *env)
{
    const Chengguan__V1__Ping *p = env->ping;
    if (p->payload.len > MAX_PING_PAYLOAD) {
        cg_request_fail(r, CG_EINVALID_ARGUMENT, "ping payload is over 65536 bytes", "payload");
        return;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    Chengguan__V1__Pong pong = CHENGGUAN__V1__PONG__INIT;
    pong.payload = p->payload;
    pong.server_time_us = (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
    cg_envelope reply = CHENGGUAN__V1__ENVELOPE__INIT;
    reply.body_case = CHENGGUAN__V1__ENVELOPE__BODY_PONG;
    reply.pong = &pong;
    cg_request_reply(r, &reply);
}

static void on_whoami_account(void *arg, int status, const PGresult *res)
{
    cg_request *r = arg;
    cg_session *s = r->session;
    if (s == NULL) {
        cg_request_fail(r, CG_ECANCELLED, NULL, NULL);
        return;
    }
    if (status != 0) {
        fail_lookup(r, status, res);
        return;
    }
    if (PQntuples(res) == 0 || strcmp(PQgetvalue(res, 0, COL_DISABLED), "t") == 0) {
        cg_request_fail(r, CG_EPERMISSION_DENIED, "this account has been disabled", NULL);
        return;
    }
    Chengguan__V1__WhoAmIReply w = CHENGGUAN__V1__WHO_AM_IREPLY__INIT;
    w.account = PQgetvalue(res, 0, COL_NAME);
    w.role = PQgetvalue(res, 0, COL_ROLE);
    w.unit = PQgetvalue(res, 0, COL_UNIT);
    w.unit_name = PQgetvalue(res, 0, COL_UNIT_NAME);
    w.display_name = PQgetvalue(res, 0, COL_DISPLAY);
    w.cert_subject = s->cert_subject;
    w.cert_fingerprint = s->cert_fingerprint;
    cg_envelope reply = CHENGGUAN__V1__ENVELOPE__INIT;
    reply.body_case = CHENGGUAN__V1__ENVELOPE__BODY_WHO_AM_I_REPLY;
    reply.who_am_i_reply = &w;
    cg_request_reply(r, &reply);
}

static void whoami(cg_request *r, const cg_envelope *env)
{
    const char *params[] = {r->session->account};
    int rc = cg_db_query(r->server->db, ACCOUNT_COLUMNS "WHERE a.name = $1", 1, params,
                         on_whoami_account, r);
    if (rc != 0)
        fail_lookup(r, rc, NULL);
}

static const cg_route routes[] = {
    {CHENGGUAN__V1__ENVELOPE__BODY_HELLO, "hello", 0, hello, NULL, 0},
    {CHENGGUAN__V1__ENVELOPE__BODY_PING, "ping", CG_ROLES_ALL, ping, NULL, 0},
    {CHENGGUAN__V1__ENVELOPE__BODY_WHO_AM_I, "whoami", CG_ROLES_ALL, whoami, NULL, 0},
};

const cg_route_table cg_system_routes = CG_ROUTE_TABLE(routes);
