#include "audit_service.h"

#include "sql_call.h"

static const cg_route routes[] = {
    CG_SQL_ROUTE(AUDIT_LIST, "audit.list", "audit_list"),
};

const cg_route_table cg_audit_routes = CG_ROUTE_TABLE(routes);
