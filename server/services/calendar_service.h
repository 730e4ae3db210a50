/*
 * Working days (step 5): the holiday calendar, its day arithmetic and the
 * default time limits of cases (SQL functions of sql/api/calendar.sql).
 */
#ifndef CG_CALENDAR_SERVICE_H
#define CG_CALENDAR_SERVICE_H

#include "route.h"

extern const cg_route_table cg_calendar_routes;

#endif
