#include "mechanism_service.h"

#include "sql_call.h"

static const cg_route routes[] = {
    CG_SQL_ROUTE(CO_MEETING_RECORD, "co_meeting.record", "co_meeting_record"),
    CG_SQL_ROUTE(CO_MEETING_LIST, "co_meeting.list", "co_meeting_list"),
    CG_SQL_ROUTE(CO_MEETING_MISSING, "co_meeting.missing", "co_meeting_missing"),
    CG_SQL_ROUTE(SUGGESTION_ANSWER, "suggestion.answer", "suggestion_answer"),
    CG_SQL_ROUTE(SUGGESTION_LIST, "suggestion.list", "suggestion_list"),
    CG_SQL_ROUTE(GROUP_MEMBER_SET, "group.member_set", "group_member_set"),
    CG_SQL_ROUTE(GROUP_SHOW, "group.show", "group_show"),
    CG_SQL_ROUTE(MECH_MEETING_RECORD, "mech_meeting.record", "mech_meeting_record"),
    CG_SQL_ROUTE(MECH_MEETING_LIST, "mech_meeting.list", "mech_meeting_list"),
    CG_SQL_ROUTE(DECISION_FOLLOW_UP, "decision.follow_up", "decision_follow_up"),
    CG_SQL_ROUTE(DECISION_LIST, "decision.list", "decision_list"),
    CG_SQL_ROUTE(TRAINING_RECORD, "training.record", "training_record"),
    CG_SQL_ROUTE(TRAINING_LIST, "training.list", "training_list"),
    CG_SQL_ROUTE(PRACTICE_ADD, "practice.add", "practice_add"),
    CG_SQL_ROUTE(PRACTICE_LIST, "practice.list", "practice_list"),
};

const cg_route_table cg_mechanism_routes = CG_ROUTE_TABLE(routes);
