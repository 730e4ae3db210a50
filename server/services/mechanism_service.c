#include "mechanism_service.h"

#include "sql_call.h"

/* A unit records its own co-construction days, coordination meetings,
 * training and good practice and answers what was raised there; hq records
 * for any unit, keeps the leadership group and its meetings. The bureau and
 * the unit's people read (the SQL functions check the rows). */
#define WRITE (CG_ROLE_HQ | CG_ROLE_UNIT)
#define READ                                                                                       \
    (CG_ROLE_HQ | CG_ROLE_SUPERVISION | CG_ROLE_SECTION | CG_ROLE_UNIT | CG_ROLES_UNIT_PEOPLE)

static const cg_route routes[] = {
    CG_SQL_ROUTE(CO_MEETING_RECORD, "co_meeting.record", WRITE, "co_meeting_record"),
    CG_SQL_ROUTE(CO_MEETING_LIST, "co_meeting.list", READ, "co_meeting_list"),
    CG_SQL_ROUTE(CO_MEETING_MISSING, "co_meeting.missing", READ, "co_meeting_missing"),
    CG_SQL_ROUTE(SUGGESTION_ANSWER, "suggestion.answer", WRITE, "suggestion_answer"),
    CG_SQL_ROUTE(SUGGESTION_LIST, "suggestion.list", READ, "suggestion_list"),
    CG_SQL_ROUTE(GROUP_MEMBER_SET, "group.member_set", CG_ROLE_HQ, "group_member_set"),
    CG_SQL_ROUTE(GROUP_SHOW, "group.show", READ, "group_show"),
    CG_SQL_ROUTE(MECH_MEETING_RECORD, "mech_meeting.record", WRITE, "mech_meeting_record"),
    CG_SQL_ROUTE(MECH_MEETING_LIST, "mech_meeting.list", READ, "mech_meeting_list"),
    CG_SQL_ROUTE(DECISION_FOLLOW_UP, "decision.follow_up", WRITE, "decision_follow_up"),
    CG_SQL_ROUTE(DECISION_LIST, "decision.list", READ, "decision_list"),
    CG_SQL_ROUTE(TRAINING_RECORD, "training.record", WRITE, "training_record"),
    CG_SQL_ROUTE(TRAINING_LIST, "training.list", READ, "training_list"),
    CG_SQL_ROUTE(PRACTICE_ADD, "practice.add", WRITE, "practice_add"),
    CG_SQL_ROUTE(PRACTICE_LIST, "practice.list", READ, "practice_list"),
};

const cg_route_table cg_mechanism_routes = CG_ROUTE_TABLE(routes);
