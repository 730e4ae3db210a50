#include "report_service.h"

#include "error.h"
#include "events.h"
#include "request.h"
#include "server.h"
#include "sql_call.h"

#define FILE_REPORT                                                                                \
    (CG_ROLE_PROPERTY | CG_ROLE_UNIT | CG_ROLE_HQ) /* a unit on the company's behalf */
#define READ   (CG_ROLE_HQ | CG_ROLE_SUPERVISION | CG_ROLE_SECTION | CG_ROLE_UNIT | CG_ROLE_PROPERTY)
#define HANDLE (CG_ROLE_UNIT | CG_ROLE_HQ)

static void subscribe(cg_request *r, const cg_envelope *env)
{
    cg_session *s = r->session;
    if (s->sub_state != CG_SUB_OFF) {
        cg_request_fail(r, CG_EFAILED_PRECONDITION, "this connection is already subscribed", NULL);
        return;
    }
    cg_events *events = &s->server->events;
    int from_head = env->subscribe->from_head;
    if (!events->started) { /* no head seq to tell yet */
        cg_request_fail(r, CG_EUNAVAILABLE, "the event stream is starting, subscribe again shortly",
                        NULL);
        return;
    }
    Chengguan__V1__Subscribed sub = CHENGGUAN__V1__SUBSCRIBED__INIT;
    sub.head_seq = events->frontier;
    cg_envelope reply = CHENGGUAN__V1__ENVELOPE__INIT;
    reply.body_case = CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBED;
    reply.subscribed = &sub;
    uint64_t after = from_head ? events->frontier : env->subscribe->after_seq;
    cg_request_reply(r, &reply); /* the reply comes before any event */
    if (s->state != CG_SESSION_CLOSING)
        cg_events_subscribe(events, s, after);
}

static const cg_route routes[] = {
    CG_SQL_ROUTE_FLAGS(REPORT_SUBMIT, "report.submit", FILE_REPORT, "report_submit",
                       CG_ROUTE_RINGS),
    CG_SQL_ROUTE(REPORT_GET, "report.get", READ, "report_get"),
    CG_SQL_ROUTE(REPORT_LIST, "report.list", READ, "report_list"),
    CG_SQL_ROUTE_FLAGS(REPORT_ACK, "report.ack", HANDLE, "report_ack", CG_ROUTE_RINGS),
    CG_SQL_ROUTE_FLAGS(REPORT_RESOLVE, "report.resolve", HANDLE, "report_resolve", CG_ROUTE_RINGS),
    {CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBE, "subscribe", READ, subscribe, NULL, 0},
};

const cg_route_table cg_report_routes = CG_ROUTE_TABLE(routes);
