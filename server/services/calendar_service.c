#include "calendar_service.h"

#include "sql_call.h"

static const cg_route routes[] = {
    CG_SQL_ROUTE(CALENDAR_HOLIDAY_ADD, "calendar.add_holiday", "calendar_holiday_add"),
    CG_SQL_ROUTE(CALENDAR_WORKDAY_ADD, "calendar.add_workday", "calendar_workday_add"),
    CG_SQL_ROUTE(CALENDAR_YEAR_ADD, "calendar.add_year", "calendar_year_add"),
    CG_SQL_ROUTE(CALENDAR_SHOW, "calendar.show", "calendar_show"),
    CG_SQL_ROUTE(CALENDAR_WORKING_DAYS, "calendar.working_days", "calendar_working_days"),
    CG_SQL_ROUTE(LIMIT_LIST, "limit.list", "limit_list"),
    CG_SQL_ROUTE(LIMIT_SET, "limit.set", "limit_set"),
};

const cg_route_table cg_calendar_routes = CG_ROUTE_TABLE(routes);
