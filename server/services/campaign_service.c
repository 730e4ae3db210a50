#include "campaign_service.h"

#include "sql_call.h"

static const cg_route routes[] = {
    CG_SQL_ROUTE(PROBLEM_ADD, "problem.add", "problem_add"),
    CG_SQL_ROUTE(PROBLEM_PLAN, "problem.plan", "problem_plan"),
    CG_SQL_ROUTE(PROBLEM_UPDATE, "problem.update", "problem_update"),
    CG_SQL_ROUTE(PROBLEM_GET, "problem.get", "problem_get"),
    CG_SQL_ROUTE(PROBLEM_LIST, "problem.list", "problem_list"),
    CG_SQL_ROUTE(PROBLEM_SUMMARY, "problem.summary", "problem_summary"),
    CG_SQL_ROUTE(CAMPAIGN_ACTION_ADD, "campaign.action_add", "campaign_action_add"),
    CG_SQL_ROUTE(CAMPAIGN_ACTION_LINK, "campaign.action_link", "campaign_action_link"),
    CG_SQL_ROUTE(CAMPAIGN_ACTION_GET, "campaign.action_get", "campaign_action_get"),
    CG_SQL_ROUTE(CAMPAIGN_ACTION_LIST, "campaign.action_list", "campaign_action_list"),
    CG_SQL_ROUTE(CAMPAIGN_STATUS, "campaign.status", "campaign_status"),
    CG_SQL_ROUTE(CAMPAIGN_ENTRIES, "campaign.entries", "campaign_entries"),
};

const cg_route_table cg_campaign_routes = CG_ROUTE_TABLE(routes);
