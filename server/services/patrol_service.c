#include "patrol_service.h"

#include "sql_call.h"

static const cg_route routes[] = {
    CG_SQL_ROUTE(PATROL_SUBMIT, "patrol.submit", "patrol_submit"),
    CG_SQL_ROUTE(PATROL_VOID, "patrol.void", "patrol_void"),
    CG_SQL_ROUTE(PATROL_GET, "patrol.get", "patrol_get"),
    CG_SQL_ROUTE(PATROL_LIST, "patrol.list", "patrol_list"),
    CG_SQL_ROUTE(PATROL_DUE, "patrol.due", "patrol_due"),
    CG_SQL_ROUTE(PATROL_COMPLIANCE, "patrol.compliance", "patrol_compliance"),
    CG_SQL_ROUTE(REQUEST_ADD, "request.add", "request_add"),
    /* answering and closing write an event (the hotline's stream) */
    CG_SQL_ROUTE_FLAGS(REQUEST_ANSWER, "request.answer", "request_answer", CG_ROUTE_RINGS),
    CG_SQL_ROUTE_FLAGS(REQUEST_CLOSE, "request.close", "request_close", CG_ROUTE_RINGS),
    CG_SQL_ROUTE(REQUEST_VOID, "request.void", "request_void"),
    CG_SQL_ROUTE(REQUEST_GET, "request.get", "request_get"),
    CG_SQL_ROUTE(REQUEST_LIST, "request.list", "request_list"),
};

const cg_route_table cg_patrol_routes = CG_ROUTE_TABLE(routes);
