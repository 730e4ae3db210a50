/*
 * Enforcement cases (step 5): open, move through the workflow, verify,
 * reopen, read, list and count (SQL functions of sql/api/cases.sql).
 */
#ifndef CG_CASE_SERVICE_H
#define CG_CASE_SERVICE_H

#include "route.h"

extern const cg_route_table cg_case_routes;

#endif
