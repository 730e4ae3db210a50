/*
 * The supervision bulletin (step 6): StatsBulletin, answered by
 * cg_api.stats_bulletin (sql/api/step6_bulletin.sql).
 */
#ifndef CG_BULLETIN_SERVICE_H
#define CG_BULLETIN_SERVICE_H

#include "route.h"

extern const cg_route_table cg_bulletin_routes;

#endif
