/*
 * Weekly patrols and residents' requests (step 3). Every request is one SQL
 * function of sql/api/patrols.sql (services/sql_call.c); this file says who
 * may call which.
 */
#ifndef CG_PATROL_SERVICE_H
#define CG_PATROL_SERVICE_H

#include "route.h"

extern const cg_route_table cg_patrol_routes;

#endif
