#include "case_service.h"

#include "sql_call.h"

/* A unit on the cases of its own compounds, hq on all; the SQL functions
 * check the row scope. Property companies and the hotline read only the
 * state of the cases that came from their own reports or requests. */
#define HANDLE (CG_ROLE_UNIT | CG_ROLE_OFFICER | CG_ROLE_HQ)
#define READ   (CG_ROLES_ALL)
#define COUNT                                                                                      \
    (CG_ROLE_HQ | CG_ROLE_SUPERVISION | CG_ROLE_SECTION | CG_ROLE_UNIT | CG_ROLES_UNIT_PEOPLE)

static const cg_route routes[] = {
    /* every step is an event (case.opened, case.moved; opening from a
     * report resolves it: report.resolved) */
    CG_SQL_ROUTE_FLAGS(CASE_OPEN, "case.open", HANDLE, "case_open", CG_ROUTE_RINGS),
    CG_SQL_ROUTE_FLAGS(CASE_MOVE, "case.move", HANDLE, "case_move", CG_ROUTE_RINGS),
    CG_SQL_ROUTE_FLAGS(CASE_VERIFY, "case.verify", HANDLE, "case_verify", CG_ROUTE_RINGS),
    CG_SQL_ROUTE_FLAGS(CASE_REOPEN, "case.reopen", HANDLE, "case_reopen", CG_ROUTE_RINGS),
    CG_SQL_ROUTE(CASE_GET, "case.get", READ, "case_get"),
    CG_SQL_ROUTE(CASE_LIST, "case.list", READ, "case_list"),
    CG_SQL_ROUTE(CASE_STATS, "case.stats", COUNT, "case_stats"),
};

const cg_route_table cg_case_routes = CG_ROUTE_TABLE(routes);
