#include "bulletin_service.h"

#include "sql_call.h"

/* The bureau and the units read the bulletin; the SQL function gives a unit
 * and its people their own row only, and the ranking to hq and supervision. */
#define READ                                                                                       \
    (CG_ROLE_HQ | CG_ROLE_SUPERVISION | CG_ROLE_SECTION | CG_ROLE_UNIT | CG_ROLES_UNIT_PEOPLE)

static const cg_route routes[] = {
    CG_SQL_ROUTE(STATS_BULLETIN, "stats.bulletin", READ, "stats_bulletin"),
};

const cg_route_table cg_bulletin_routes = CG_ROUTE_TABLE(routes);
