#include "dispatch.h"

#include "authz.h"
#include "envelope.h"
#include "proto_check.h"
#include "error.h"
#include "events.h"
#include "hello.h"
#include "log.h"
#include "reply_map.h"
#include "request.h"
#include "request_limits.h"
#include "route.h"
#include "server.h"
#include "services/audit_service.h"
#include "services/campaign_service.h"
#include "services/case_service.h"
#include "services/evidence_service.h"
#include "services/ledger_service.h"
#include "services/mechanism_service.h"
#include "services/order_service.h"
#include "services/bulletin_service.h"
#include "services/patrol_service.h"
#include "services/people_service.h"
#include "services/report_service.h"
#include "services/calendar_service.h"
#include "services/system_service.h"

#include <stdio.h>
#include <string.h>

/* The protocol's own requests (Hello, Subscribe), then the services'. */
static const cg_route_table *const tables[] = {
    &cg_hello_routes,    &cg_events_routes,   &cg_system_routes,   &cg_ledger_routes,
    &cg_patrol_routes,   &cg_report_routes,   &cg_calendar_routes, &cg_case_routes,
    &cg_people_routes,   &cg_evidence_routes, &cg_order_routes,    &cg_mechanism_routes,
    &cg_campaign_routes, &cg_bulletin_routes, &cg_audit_routes,
};

/* Stands in for the route of a frame that names none, for logs. */
static const cg_route unknown_route = {CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET, "?", NULL, NULL, 0};

static const cg_route *find_route(Chengguan__V1__Envelope__BodyCase body)
{
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (size_t i = 0; i < tables[t]->count; i++)
            if (tables[t]->routes[i].body == body)
                return &tables[t]->routes[i];
    return NULL;
}

/* Why a session may not use route r now, or NULL when it may. */
static const char *refusal(const cg_session *s, const cg_route *r, int *code)
{
    if (r->body == CHENGGUAN__V1__ENVELOPE__BODY_HELLO) {
        *code = CG_EFAILED_PRECONDITION;
        return s->state == CG_SESSION_AWAIT_HELLO ? NULL : "Hello was already sent";
    }
    if (s->state != CG_SESSION_READY) {
        *code = CG_EFAILED_PRECONDITION;
        return "send Hello first";
    }
    if (cg_authz_scope(r->name, s->role) == CG_SCOPE_NONE) {
        *code = CG_EPERMISSION_DENIED;
        return "this account's role may not use this request";
    }
    return NULL;
}

static int has_route(const char *name)
{
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (size_t i = 0; i < tables[t]->count; i++)
            if (strcmp(tables[t]->routes[i].name, name) == 0)
                return 1;
    return 0;
}

int cg_dispatch_check_authz(void)
{
    int bad = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (size_t i = 0; i < tables[t]->count; i++)
            if (cg_authz_find(tables[t]->routes[i].name) == NULL) {
                cg_log_kv(CG_LOG_ERROR, "authz_missing", "request", tables[t]->routes[i].name,
                          "error", "no line in sql/api/authz.sql: refused to everyone", CG_LOG_END);
                bad = 1;
            }
    for (size_t i = 0; i < cg_authz_count; i++)
        if (!has_route(cg_authz_rows[i].request)) {
            cg_log_kv(CG_LOG_ERROR, "authz_unknown", "request", cg_authz_rows[i].request, "error",
                      "sql/api/authz.sql names a request this server does not serve", CG_LOG_END);
            bad = 1;
        }
    return bad ? -1 : 0;
}

/* Refuses what the wire check finds (proto_check.h); 0 when it finds
 * nothing. The path is given from inside the body ("compound.name"). */
static int refuse_content(cg_request *r, const cg_envelope *env, const uint8_t *payload, size_t len)
{
    cg_proto_limits limits = cg_request_limits(r->server->cfg);
    char path[160], why[128];
    int code = cg_proto_check(&chengguan__v1__envelope__descriptor, payload, len, &limits, path,
                              sizeof path, why, sizeof why);
    if (code == 0)
        return 0;
    if (code == CG_EPROTOCOL) {
        cg_request_fail(r, CG_EINVALID_ARGUMENT,
                        "malformed frame: payload is not a chengguan.v1.Envelope", NULL);
        return 1;
    }
    const ProtobufCFieldDescriptor *body = cg_envelope_field(env->body_case);
    const char *field = path;
    size_t n = body ? strlen(body->name) : 0;
    if (n > 0 && strncmp(path, body->name, n) == 0 && path[n] == '.')
        field += n + 1;
    char msg[320];
    snprintf(msg, sizeof msg, "%s: %s", field, why);
    cg_request_fail(r, code, msg, field);
    return 1;
}

/* Refuses a request past its account's max_request_rate (rate.h) with
 * RESOURCE_EXHAUSTED, reason account.rate_limited and retry_after_ms; 0 when it
 * may run. Hello is not counted: it has no account yet (connections have
 * limits of their own). */
static int rate_limited(cg_request *r)
{
    cg_server *server = r->server;
    if ((r->route->flags & CG_ROUTE_UNMETERED) || r->session->state != CG_SESSION_READY)
        return 0;
    int64_t wait = cg_rate_take(&server->rate, r->session->account, uv_now(server->loop));
    if (wait == 0)
        return 0;
    char msg[160], ms[24];
    snprintf(msg, sizeof msg,
             "too many requests from this account (max_request_rate = %lld a second): retry "
             "after %lld ms",
             (long long)server->cfg->max_request_rate, (long long)wait);
    snprintf(ms, sizeof ms, "%lld", (long long)wait);
    Chengguan__V1__ErrorParam account = CHENGGUAN__V1__ERROR_PARAM__INIT;
    Chengguan__V1__ErrorParam after = CHENGGUAN__V1__ERROR_PARAM__INIT;
    Chengguan__V1__ErrorParam *params[] = {&account, &after};
    account.name = "account";
    account.value = r->session->account;
    after.name = "retry_after_ms";
    after.value = ms;
    cg_request_fail_reason(r, CG_ERESOURCE_EXHAUSTED, msg, NULL, "account.rate_limited", 2, params);
    return 1;
}

void cg_dispatch(cg_session *s, const uint8_t *payload, size_t len)
{
    cg_alloc_budget budget;
    cg_alloc_budget_init(&budget, (size_t)s->server->cfg->max_unpacked_bytes);
    cg_envelope *env = cg_envelope_read(payload, len, &budget.base);
    if (env == NULL) {
        cg_request *r = cg_request_new(s, cg_envelope_peek_id(payload, len), &unknown_route);
        if (r == NULL)
            return;
        if (budget.exceeded) {
            char msg[160];
            snprintf(msg, sizeof msg,
                     "request too large once unpacked (over max_unpacked_bytes = %lld)",
                     (long long)s->server->cfg->max_unpacked_bytes);
            cg_request_fail(r, CG_ERESOURCE_EXHAUSTED, msg, NULL);
        } else {
            cg_request_fail(r, CG_EINVALID_ARGUMENT,
                            "malformed frame: payload is not a chengguan.v1.Envelope", NULL);
        }
        return;
    }
    const cg_route *rt = find_route(env->body_case);
    cg_request *r = cg_request_new(s, env->id, rt ? rt : &unknown_route);
    if (r == NULL) {
        cg_session_send_error(s, env->id, CG_ERESOURCE_EXHAUSTED, "out of memory", NULL);
        cg_envelope_free(env, NULL);
        return;
    }
    r->env = env; /* freed when r ends, maybe inside the handler */
    r->unpacked = budget.used;
    int code;
    const char *why;
    if (env->id == 0) {
        cg_request_fail(r, CG_EINVALID_ARGUMENT, "request id 0 is reserved for pushes", "id");
    } else if (env->body_case == CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET) {
        cg_request_fail(r, CG_EINVALID_ARGUMENT,
                        "empty or unknown message (not in this server's protocol)", NULL);
    } else if (rt == NULL &&
               cg_reply_case(env->body_case) != CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET) {
        cg_request_fail(r, CG_EUNIMPLEMENTED, "this server does not serve this request yet", NULL);
    } else if (rt == NULL) {
        cg_request_fail(r, CG_EINVALID_ARGUMENT,
                        "not a request: a reply type was sent to the server", NULL);
    } else if (refuse_content(r, env, payload, len)) {
        /* answered */
    } else if ((why = refusal(s, rt, &code)) != NULL) {
        cg_request_fail(r, code, why, NULL);
    } else if (rate_limited(r)) {
        /* answered */
    } else {
        rt->handler(r, env);
    }
}
