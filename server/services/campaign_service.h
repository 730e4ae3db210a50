/*
 * The problem list, concentrated campaigns and the programme calendar
 * (step 6): SQL functions of sql/api/step6_campaign.sql.
 */
#ifndef CG_CAMPAIGN_SERVICE_H
#define CG_CAMPAIGN_SERVICE_H

#include "route.h"

extern const cg_route_table cg_campaign_routes;

#endif
