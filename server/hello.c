#include "hello.h"

#include "account.h"
#include "db/db.h"
#include "error.h"
#include "log.h"
#include "request.h"
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        cg_request_fail_db(r, status, res);
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
    const char *name = PQgetvalue(res, 0, CG_ACCOUNT_NAME);
    if (strcmp(PQgetvalue(res, 0, CG_ACCOUNT_DISABLED), "t") == 0) {
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
    snprintf(s->unit, sizeof s->unit, "%s", PQgetvalue(res, 0, CG_ACCOUNT_UNIT));
    s->role = cg_role_parse(PQgetvalue(res, 0, CG_ACCOUNT_ROLE));
    snprintf(s->event_key, sizeof s->event_key, "%s", PQgetvalue(res, 0, CG_ACCOUNT_EVENT_KEY));
    cg_session_hello_done(s);

    Chengguan__V1__Welcome w = CHENGGUAN__V1__WELCOME__INIT;
    w.server_version = CG_VERSION;
    w.protocol_version = CG_PROTOCOL_VERSION_SERVED;
    w.account = s->account;
    w.role = PQgetvalue(res, 0, CG_ACCOUNT_ROLE);
    w.unit = s->unit;
    w.max_frame_bytes = (uint32_t)cfg->max_frame_bytes;
    cg_envelope reply = CHENGGUAN__V1__ENVELOPE__INIT;
    reply.body_case = CHENGGUAN__V1__ENVELOPE__BODY_WELCOME;
    reply.welcome = &w;
    /* Resumption only for clients let in; the ticket precedes the Welcome.
     * Should OpenSSL refuse, the client makes a full handshake next time. */
    (void)cg_tls_session_issue_ticket(&s->tls);
    cg_request_reply(r, &reply);
}

/* Checks the version, then looks the certificate's account up; the session
 * takes no further frame until the answer (HELLO_PENDING). */
static void hello(cg_request *r, const cg_envelope *env)
{
    const Chengguan__V1__Hello *h = env->hello;
    cg_session *s = r->session;
    if (h->protocol_version != CG_PROTOCOL_VERSION_SERVED) {
        char msg[96];
        snprintf(msg, sizeof msg, "protocol version %u is not supported; this server speaks %d",
                 h->protocol_version, CG_PROTOCOL_VERSION_SERVED);
        cg_request_fail(r, CG_EFAILED_PRECONDITION, msg, "protocol_version");
        return;
    }
    snprintf(s->client_name, sizeof s->client_name, "%s", h->client_name);
    const char *params[] = {s->cert_subject, s->cert_fingerprint};
    s->state = CG_SESSION_HELLO_PENDING;
    int rc =
        cg_db_query(s->server->db,
                    CG_ACCOUNT_SELECT "WHERE a.cert_subject = $1 "
                                      "AND (a.cert_fingerprint IS NULL OR a.cert_fingerprint = $2)",
                    2, params, on_hello_account, r);
    if (rc != 0) {
        s->state = CG_SESSION_AWAIT_HELLO;
        cg_request_fail_db(r, rc, NULL);
    }
}

static const cg_route routes[] = {
    {CHENGGUAN__V1__ENVELOPE__BODY_HELLO, "hello", hello, NULL, 0},
};

const cg_route_table cg_hello_routes = CG_ROUTE_TABLE(routes);
