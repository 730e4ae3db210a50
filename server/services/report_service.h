/*
 * Rapid handling (step 4): property-company reports, acknowledgement and
 * resolution (SQL functions of sql/0005_reports.sql; each rings the event
 * doorbell). Subscribe, which starts a session's event stream, is protocol
 * and lives in server/events.c.
 */
#ifndef CG_REPORT_SERVICE_H
#define CG_REPORT_SERVICE_H

#include "route.h"

extern const cg_route_table cg_report_routes;

#endif
