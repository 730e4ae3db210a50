#include "order_service.h"

#include "sql_call.h"

/* Supervision orders: supervision issues them, the unit and its officers
 * answer; the unit's people and the bureau read them (the SQL functions
 * check the rows). Issuing and answering write an event. */
#define ISSUE  CG_ROLE_SUPERVISION
#define ANSWER (CG_ROLE_UNIT | CG_ROLE_OFFICER)
#define READ                                                                                       \
    (CG_ROLE_HQ | CG_ROLE_SUPERVISION | CG_ROLE_SECTION | CG_ROLE_UNIT | CG_ROLES_UNIT_PEOPLE)

static const cg_route routes[] = {
    CG_SQL_ROUTE_FLAGS(ORDER_ISSUE, "order.issue", ISSUE, "order_issue", CG_ROUTE_RINGS),
    CG_SQL_ROUTE_FLAGS(ORDER_ANSWER, "order.answer", ANSWER, "order_answer", CG_ROUTE_RINGS),
    CG_SQL_ROUTE(ORDER_LIST, "order.list", READ, "order_list"),
};

const cg_route_table cg_order_routes = CG_ROUTE_TABLE(routes);
