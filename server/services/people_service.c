#include "people_service.h"

#include "sql_call.h"

#define ACCOUNTS CG_ROLE_HQ /* only hq adds, disables and lists accounts */

static const cg_route routes[] = {
    CG_SQL_ROUTE(ACCOUNT_ADD, "account.add", ACCOUNTS, "account_add"),
    CG_SQL_ROUTE(ACCOUNT_DISABLE, "account.disable", ACCOUNTS, "account_disable"),
    CG_SQL_ROUTE(ACCOUNT_LIST, "account.list", ACCOUNTS, "account_list"),
};

const cg_route_table cg_people_routes = CG_ROUTE_TABLE(routes);
