#include "people_service.h"

#include "sql_call.h"

static const cg_route routes[] = {
    CG_SQL_ROUTE(ACCOUNT_ADD, "account.add", "account_add"),
    CG_SQL_ROUTE(ACCOUNT_DISABLE, "account.disable", "account_disable"),
    CG_SQL_ROUTE(ACCOUNT_LIST, "account.list", "account_list"),
};

const cg_route_table cg_people_routes = CG_ROUTE_TABLE(routes);
