#include "campaign_service.h"

#include "sql_call.h"

/* The problem list and the campaigns: the units record and handle their
 * own, hq any unit's; supervision verifies problems; the bureau and the
 * unit's people read (the SQL functions check the rows). The programme's
 * targets are read by all of the bureau and the units. */
#define CHANGE (CG_ROLE_HQ | CG_ROLE_UNIT)
#define UPDATE (CG_ROLE_HQ | CG_ROLE_UNIT | CG_ROLE_SUPERVISION)
#define READ                                                                                       \
    (CG_ROLE_HQ | CG_ROLE_SUPERVISION | CG_ROLE_SECTION | CG_ROLE_UNIT | CG_ROLES_UNIT_PEOPLE)

static const cg_route routes[] = {
    CG_SQL_ROUTE(PROBLEM_ADD, "problem.add", CHANGE, "problem_add"),
    CG_SQL_ROUTE(PROBLEM_PLAN, "problem.plan", CHANGE, "problem_plan"),
    CG_SQL_ROUTE(PROBLEM_UPDATE, "problem.update", UPDATE, "problem_update"),
    CG_SQL_ROUTE(PROBLEM_GET, "problem.get", READ, "problem_get"),
    CG_SQL_ROUTE(PROBLEM_LIST, "problem.list", READ, "problem_list"),
    CG_SQL_ROUTE(PROBLEM_SUMMARY, "problem.summary", READ, "problem_summary"),
    CG_SQL_ROUTE(CAMPAIGN_ACTION_ADD, "campaign.action_add", CHANGE, "campaign_action_add"),
    CG_SQL_ROUTE(CAMPAIGN_ACTION_LINK, "campaign.action_link", CHANGE, "campaign_action_link"),
    CG_SQL_ROUTE(CAMPAIGN_ACTION_GET, "campaign.action_get", READ, "campaign_action_get"),
    CG_SQL_ROUTE(CAMPAIGN_ACTION_LIST, "campaign.action_list", READ, "campaign_action_list"),
    CG_SQL_ROUTE(CAMPAIGN_STATUS, "campaign.status", READ, "campaign_status"),
    CG_SQL_ROUTE(CAMPAIGN_ENTRIES, "campaign.entries", READ, "campaign_entries"),
};

const cg_route_table cg_campaign_routes = CG_ROUTE_TABLE(routes);
