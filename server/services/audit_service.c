#include "audit_service.h"

#include "sql_call.h"

/* The bureau's own oversight reads the audit log; nobody else does. */
#define READ (CG_ROLE_HQ | CG_ROLE_SUPERVISION)

static const cg_route routes[] = {
    CG_SQL_ROUTE(AUDIT_LIST, "audit.list", READ, "audit_list"),
};

const cg_route_table cg_audit_routes = CG_ROUTE_TABLE(routes);
