/*
 * Supervision orders (step 5): issue, answer, list (SQL functions of
 * sql/api/step5_orders.sql).
 */
#ifndef CG_ORDER_SERVICE_H
#define CG_ORDER_SERVICE_H

#include "route.h"

extern const cg_route_table cg_order_routes;

#endif
