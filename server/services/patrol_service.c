#include "patrol_service.h"

#include "sql_call.h"

/* Who may do what; the rows each account may touch are decided in SQL. */
#define INSPECT (CG_ROLE_HQ | CG_ROLE_SUPERVISION | CG_ROLE_SECTION | CG_ROLE_UNIT)
#define PATROL  (CG_ROLE_HQ | CG_ROLE_UNIT) /* officers of the unit, or hq on their behalf */
/* The 12345 hotline files residents' complaints and follows their status. */
#define REQUESTS_FILE (PATROL | CG_ROLE_INTEGRATION)
#define REQUESTS_READ (INSPECT | CG_ROLE_INTEGRATION)

static const cg_route routes[] = {
    CG_SQL_ROUTE(PATROL_SUBMIT, "patrol.submit", PATROL, "patrol_submit"),
    CG_SQL_ROUTE(PATROL_VOID, "patrol.void", PATROL, "patrol_void"),
    CG_SQL_ROUTE(PATROL_GET, "patrol.get", INSPECT, "patrol_get"),
    CG_SQL_ROUTE(PATROL_LIST, "patrol.list", INSPECT, "patrol_list"),
    CG_SQL_ROUTE(PATROL_DUE, "patrol.due", INSPECT, "patrol_due"),
    CG_SQL_ROUTE(PATROL_COMPLIANCE, "patrol.compliance", INSPECT, "patrol_compliance"),
    CG_SQL_ROUTE(REQUEST_ADD, "request.add", REQUESTS_FILE, "request_add"),
    /* answering and closing write an event (the hotline's stream) */
    CG_SQL_ROUTE_FLAGS(REQUEST_ANSWER, "request.answer", PATROL, "request_answer", CG_ROUTE_RINGS),
    CG_SQL_ROUTE_FLAGS(REQUEST_CLOSE, "request.close", PATROL, "request_close", CG_ROUTE_RINGS),
    CG_SQL_ROUTE(REQUEST_VOID, "request.void", PATROL, "request_void"),
    CG_SQL_ROUTE(REQUEST_GET, "request.get", REQUESTS_READ, "request_get"),
    CG_SQL_ROUTE(REQUEST_LIST, "request.list", REQUESTS_READ, "request_list"),
};

const cg_route_table cg_patrol_routes = CG_ROUTE_TABLE(routes);
