#include "report_service.h"

#include "sql_call.h"

static const cg_route routes[] = {
    CG_SQL_ROUTE_FLAGS(REPORT_SUBMIT, "report.submit", "report_submit", CG_ROUTE_RINGS),
    CG_SQL_ROUTE(REPORT_GET, "report.get", "report_get"),
    CG_SQL_ROUTE(REPORT_LIST, "report.list", "report_list"),
    CG_SQL_ROUTE_FLAGS(REPORT_ACK, "report.ack", "report_ack", CG_ROUTE_RINGS),
    CG_SQL_ROUTE_FLAGS(REPORT_RESOLVE, "report.resolve", "report_resolve", CG_ROUTE_RINGS),
};

const cg_route_table cg_report_routes = CG_ROUTE_TABLE(routes);
