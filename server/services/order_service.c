#include "order_service.h"

#include "sql_call.h"

static const cg_route routes[] = {
    CG_SQL_ROUTE_FLAGS(ORDER_ISSUE, "order.issue", "order_issue", CG_ROUTE_RINGS),
    CG_SQL_ROUTE_FLAGS(ORDER_ANSWER, "order.answer", "order_answer", CG_ROUTE_RINGS),
    CG_SQL_ROUTE(ORDER_LIST, "order.list", "order_list"),
};

const cg_route_table cg_order_routes = CG_ROUTE_TABLE(routes);
