#include "report_service.h"

#include "sql_call.h"

/* a unit on the company's behalf; the hotline (integration) its own, with
 * its work-order number */
#define FILE_REPORT (CG_ROLE_PROPERTY | CG_ROLE_UNIT | CG_ROLE_HQ | CG_ROLE_INTEGRATION)
#define READ                                                                                       \
    (CG_ROLE_HQ | CG_ROLE_SUPERVISION | CG_ROLE_SECTION | CG_ROLE_UNIT | CG_ROLE_PROPERTY |        \
     CG_ROLES_UNIT_PEOPLE | CG_ROLE_INTEGRATION)
#define HANDLE (CG_ROLE_UNIT | CG_ROLE_HQ)

static const cg_route routes[] = {
    CG_SQL_ROUTE_FLAGS(REPORT_SUBMIT, "report.submit", FILE_REPORT, "report_submit",
                       CG_ROUTE_RINGS),
    CG_SQL_ROUTE(REPORT_GET, "report.get", READ, "report_get"),
    CG_SQL_ROUTE(REPORT_LIST, "report.list", READ, "report_list"),
    CG_SQL_ROUTE_FLAGS(REPORT_ACK, "report.ack", HANDLE, "report_ack", CG_ROUTE_RINGS),
    CG_SQL_ROUTE_FLAGS(REPORT_RESOLVE, "report.resolve", HANDLE, "report_resolve", CG_ROUTE_RINGS),
};

const cg_route_table cg_report_routes = CG_ROUTE_TABLE(routes);
