#include "case_service.h"

#include "sql_call.h"

static const cg_route routes[] = {
    /* every step is an event (case.opened, case.moved; opening from a
     * report resolves it: report.resolved) */
    CG_SQL_ROUTE_FLAGS(CASE_OPEN, "case.open", "case_open", CG_ROUTE_RINGS),
    CG_SQL_ROUTE_FLAGS(CASE_MOVE, "case.move", "case_move", CG_ROUTE_RINGS),
    CG_SQL_ROUTE_FLAGS(CASE_VERIFY, "case.verify", "case_verify", CG_ROUTE_RINGS),
    CG_SQL_ROUTE_FLAGS(CASE_REOPEN, "case.reopen", "case_reopen", CG_ROUTE_RINGS),
    CG_SQL_ROUTE(CASE_GET, "case.get", "case_get"),
    CG_SQL_ROUTE(CASE_LIST, "case.list", "case_list"),
    CG_SQL_ROUTE(CASE_STATS, "case.stats", "case_stats"),
};

const cg_route_table cg_case_routes = CG_ROUTE_TABLE(routes);
