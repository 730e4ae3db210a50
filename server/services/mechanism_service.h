/*
 * The long-term mechanism (step 6): co-construction days and suggestions,
 * the leadership group, its meetings and three-party coordination meetings
 * with their decisions, training, good practice (SQL functions of
 * sql/api/step6_mechanism.sql).
 */
#ifndef CG_MECHANISM_SERVICE_H
#define CG_MECHANISM_SERVICE_H

#include "route.h"

extern const cg_route_table cg_mechanism_routes;

#endif
