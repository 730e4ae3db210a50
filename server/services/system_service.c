#include "system_service.h"

#include "account.h"
#include "db/db.h"
#include "error.h"
#include "log.h"
#include "request.h"
#include "server.h"
#include "sql_call.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_PING_PAYLOAD (64 * 1024)

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
        cg_request_fail_db(r, status, res);
        return;
    }
    if (PQntuples(res) == 0 || strcmp(PQgetvalue(res, 0, CG_ACCOUNT_DISABLED), "t") == 0) {
        cg_request_fail(r, CG_EPERMISSION_DENIED, "this account has been disabled", NULL);
        return;
    }
    Chengguan__V1__WhoAmIReply w = CHENGGUAN__V1__WHO_AM_IREPLY__INIT;
    w.account = PQgetvalue(res, 0, CG_ACCOUNT_NAME);
    w.role = PQgetvalue(res, 0, CG_ACCOUNT_ROLE);
    w.unit = PQgetvalue(res, 0, CG_ACCOUNT_UNIT);
    w.unit_name = PQgetvalue(res, 0, CG_ACCOUNT_UNIT_NAME);
    w.display_name = PQgetvalue(res, 0, CG_ACCOUNT_DISPLAY);
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
    int rc = cg_db_query(r->server->db, CG_ACCOUNT_SELECT "WHERE a.name = $1", 1, params,
                         on_whoami_account, r);
    if (rc != 0)
        cg_request_fail_db(r, rc, NULL);
}

static const cg_route routes[] = {
    {CHENGGUAN__V1__ENVELOPE__BODY_PING, "ping", ping, NULL, CG_ROUTE_UNMETERED},
    {CHENGGUAN__V1__ENVELOPE__BODY_WHO_AM_I, "whoami", whoami, NULL, 0},
    CG_SQL_ROUTE(CATEGORY_LIST, "category.list", "category_list"),
};

const cg_route_table cg_system_routes = CG_ROUTE_TABLE(routes);
