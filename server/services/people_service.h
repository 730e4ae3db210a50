/*
 * The people in the loop (step 5): accounts managed by hq (SQL functions of
 * sql/api/people.sql) and the supervision orders.
 */
#ifndef CG_PEOPLE_SERVICE_H
#define CG_PEOPLE_SERVICE_H

#include "route.h"

extern const cg_route_table cg_people_routes;

#endif
