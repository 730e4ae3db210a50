#include "bulletin_service.h"

#include "sql_call.h"

static const cg_route routes[] = {
    CG_SQL_ROUTE(STATS_BULLETIN, "stats.bulletin", "stats_bulletin"),
};

const cg_route_table cg_bulletin_routes = CG_ROUTE_TABLE(routes);
