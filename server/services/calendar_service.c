#include "calendar_service.h"

#include "sql_call.h"

/* The calendar is public: anyone may read it; hq and supervision keep it.
 * Time limits are read by those who handle or follow cases and set by
 * supervision. */
#define KEEP_CALENDAR (CG_ROLE_HQ | CG_ROLE_SUPERVISION)
#define READ_LIMITS                                                                                \
    (CG_ROLE_HQ | CG_ROLE_SUPERVISION | CG_ROLE_SECTION | CG_ROLE_UNIT | CG_ROLES_UNIT_PEOPLE)

static const cg_route routes[] = {
    CG_SQL_ROUTE(CALENDAR_HOLIDAY_ADD, "calendar.add_holiday", KEEP_CALENDAR,
                 "calendar_holiday_add"),
    CG_SQL_ROUTE(CALENDAR_WORKDAY_ADD, "calendar.add_workday", KEEP_CALENDAR,
                 "calendar_workday_add"),
    CG_SQL_ROUTE(CALENDAR_YEAR_ADD, "calendar.add_year", KEEP_CALENDAR, "calendar_year_add"),
    CG_SQL_ROUTE(CALENDAR_SHOW, "calendar.show", CG_ROLES_ALL, "calendar_show"),
    CG_SQL_ROUTE(CALENDAR_WORKING_DAYS, "calendar.working_days", CG_ROLES_ALL,
                 "calendar_working_days"),
    CG_SQL_ROUTE(LIMIT_LIST, "limit.list", READ_LIMITS, "limit_list"),
    CG_SQL_ROUTE(LIMIT_SET, "limit.set", CG_ROLE_SUPERVISION, "limit_set"),
};

const cg_route_table cg_calendar_routes = CG_ROUTE_TABLE(routes);
