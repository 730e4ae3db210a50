#include "sql_call.h"

#include "db/db.h"
#include "error.h"
#include "log.h"
#include "proto_json.h"
#include "request_limits.h"
#include "reply_map.h"
#include "route.h"
#include "server.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 16

/* A refusal raised by cg_internal.fail: its DETAIL is the JSON
 * {"reason": "...", "params": {"name": value, ...}} (core.sql). */
static void fail_refused(cg_request *r, int status, const PGresult *res)
{
    const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    json_t *d = detail ? json_loads(detail, 0, NULL) : NULL;
    Chengguan__V1__ErrorParam storage[MAX_PARAMS], *params[MAX_PARAMS];
    char values[MAX_PARAMS][32];
    size_t n = 0;
    const char *name;
    json_t *v;
    json_object_foreach(json_object_get(d, "params"), name, v)
    {
        if (n == MAX_PARAMS)
            break;
        chengguan__v1__error_param__init(&storage[n]);
        storage[n].name = (char *)name;
        if (json_is_string(v)) {
            storage[n].value = (char *)json_string_value(v);
        } else if (json_is_integer(v)) {
            snprintf(values[n], sizeof values[n], "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            storage[n].value = values[n];
        } else {
            continue; /* fail() gives strings and whole numbers only */
        }
        params[n] = &storage[n];
        n++;
    }
    cg_request_fail_reason(r, status, PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY),
                           PQresultErrorField(res, PG_DIAG_COLUMN_NAME),
                           json_string_value(json_object_get(d, "reason")), n, params);
    json_decref(d);
}

/* Requests whose SQL function may share a transaction with others (group
 * commit, db.h): the busiest writes, which keep to their own rows and the
 * settings their statement sets, use no temporary tables and read now()
 * only for times a few milliseconds do not change. */
static int groupable(const cg_route *route)
{
    return strcmp(route->name, "report.submit") == 0 || strcmp(route->name, "patrol.submit") == 0;
}

static void on_result(void *arg, int status, const PGresult *res)
{
    cg_request *r = arg;
    /* The connection broke, maybe after the commit: ring anyway. */
    if (status == CG_EUNAVAILABLE && (r->route->flags & CG_ROUTE_RINGS))
        cg_events_ring(&r->server->events);
    if (status == CG_EUNAVAILABLE || status == CG_ERESOURCE_EXHAUSTED || status == CG_EINTERNAL ||
        res == NULL) {
        cg_request_fail_db(r, status ? status : CG_EINTERNAL, res);
        return;
    }
    if (status != 0) {
        fail_refused(r, status, res);
        return;
    }

    const ProtobufCFieldDescriptor *f = cg_envelope_field(cg_reply_case(r->route->body));
    json_error_t jerr;
    json_t *j = PQntuples(res) == 1 ? json_loads(PQgetvalue(res, 0, 0), 0, &jerr) : NULL;
    char why[256] = "not one JSON row";
    ProtobufCMessage *m = j ? cg_proto_from_json(f->descriptor, j, why, sizeof why) : NULL;
    json_decref(j);
    if (m == NULL) {
        cg_log_kv(CG_LOG_ERROR, "bad_sql_reply", "method", r->route->name, "error", why,
                  CG_LOG_END);
        cg_request_fail(r, CG_EINTERNAL, NULL, NULL);
        return;
    }
    cg_envelope reply = CHENGGUAN__V1__ENVELOPE__INIT;
    cg_envelope_set_body(&reply, m);
    if (r->route->flags & CG_ROUTE_RINGS)
        cg_events_ring(&r->server->events);
    cg_request_reply(r, &reply);
    protobuf_c_message_free_unpacked(m, NULL);
}

/* The request as the JSON text SQL gets; NULL when memory runs out. Runs on
 * the loop or on a worker thread (jansson objects are not shared). */
static char *request_json(const ProtobufCMessage *body)
{
    json_t *j = cg_proto_to_json(body);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return text;
}

/* The rows a role sees, as the tables' policies name it (cg.scope,
 * sql/0027_row_security.sql); "none" sees nothing. */
static const char *row_scope(cg_role role)
{
    switch (role) {
    case CG_ROLE_HQ:
    case CG_ROLE_SUPERVISION:
    case CG_ROLE_SECTION:
        return "city";
    case CG_ROLE_UNIT:
    case CG_ROLE_OFFICER:
    case CG_ROLE_UNIT_LEADER:
        return "unit";
    case CG_ROLE_PROPERTY:
        return "property";
    case CG_ROLE_INTEGRATION:
        return "integration";
    default:
        return "none";
    }
}

/* Sends the query with text (taken over), or fails r. */
static void send_query(cg_request *r, char *text)
{
    cg_request_drop_envelope(r);
    if (text == NULL) {
        cg_request_fail(r, CG_ERESOURCE_EXHAUSTED, "out of memory", NULL);
        return;
    }
    if (r->session == NULL) { /* gone while the JSON was made: nothing is sent */
        free(text);
        cg_request_fail(r, CG_ECANCELLED, NULL, NULL);
        return;
    }
    char id[24];
    snprintf(id, sizeof id, "%" PRIu64, r->id);
    const char *scope = row_scope(r->session->role);
    const char *params[] = {r->session->account,
                            text,
                            r->session->cert_fingerprint,
                            id,
                            r->route->name,
                            scope,
                            strcmp(scope, "unit") == 0 ? r->session->unit : ""};
    int (*query)(cg_db *, const char *, int, const char *const *, cg_db_cb, void *) =
        groupable(r->route) ? cg_db_query_grouped : cg_db_query;
    int rc = query(r->server->db, r->route->sql, 7, params, on_result, r);
    free(text);
    if (rc != 0)
        on_result(r, rc, NULL);
}

typedef struct {
    uv_work_t work;
    cg_request *r;
    char *text;
} conversion;

static void convert(uv_work_t *w)
{
    conversion *c = w->data;
    c->text = request_json(cg_envelope_body(c->r->env));
}

static void converted(uv_work_t *w, int status)
{
    conversion *c = w->data;
    cg_request *r = c->r;
    char *text = c->text;
    free(c);
    send_query(r, text);
}

void cg_sql_call(cg_request *r, const cg_envelope *env)
{
    /* A large request (an import) would hold the loop for a while: its JSON
     * is made on libuv's thread pool, so other clients keep their latency. */
    conversion *c = r->unpacked > CG_INLINE_JSON_UNPACKED_BYTES ? malloc(sizeof *c) : NULL;
    if (c == NULL) {
        send_query(r, request_json(cg_envelope_body(env)));
        return;
    }
    c->r = r;
    c->text = NULL;
    c->work.data = c;
    if (uv_queue_work(r->server->loop, &c->work, convert, converted) != 0) {
        free(c);
        send_query(r, request_json(cg_envelope_body(env)));
    }
}
