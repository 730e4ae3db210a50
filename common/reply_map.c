#include "reply_map.h"

#include <string.h>

#define B(name) CHENGGUAN__V1__ENVELOPE__BODY_##name

static const struct {
    Chengguan__V1__Envelope__BodyCase request, reply;
} pairs[] = {
    {B(HELLO), B(WELCOME)},
    {B(PING), B(PONG)},
    {B(WHO_AM_I), B(WHO_AM_I_REPLY)},
    {B(CATEGORY_LIST), B(CATEGORY_LIST_REPLY)},
    {B(COMPOUND_ADD), B(COMPOUND)},
    {B(COMPOUND_CORRECT_ENTRY), B(COMPOUND)},
    {B(COMPOUND_UPDATE), B(COMPOUND)},
    {B(COMPOUND_GET), B(COMPOUND)},
    {B(COMPOUND_LIST), B(COMPOUND_LIST_REPLY)},
    {B(COMPOUND_HISTORY), B(COMPOUND_HISTORY_REPLY)},
    {B(COMPOUND_IMPORT), B(COMPOUND_IMPORT_REPLY)},
    {B(COMPOUND_ENTER), B(COMPOUND)},
    {B(COMPOUND_CLOSE), B(COMPOUND)},
    {B(COMPOUND_DEMO), B(COMPOUND)},
    {B(BOARD_SET), B(COMPOUND)},
    {B(OFFICER_ADD), B(OFFICER)},
    {B(OFFICER_LIST), B(OFFICER_LIST_REPLY)},
    {B(GRID_ASSIGN), B(COMPOUND)},
    {B(GRID_SHOW), B(GRID_SHOW_REPLY)},
    {B(PUBLICITY_RECORD), B(PUBLICITY)},
    {B(PUBLICITY_LIST), B(PUBLICITY_LIST_REPLY)},
    {B(LEDGER_SUMMARY), B(LEDGER_SUMMARY_REPLY)},
    {B(PATROL_SUBMIT), B(PATROL)},
    {B(PATROL_GET), B(PATROL)},
    {B(PATROL_VOID), B(PATROL)},
    {B(PATROL_LIST), B(PATROL_LIST_REPLY)},
    {B(PATROL_DUE), B(PATROL_DUE_REPLY)},
    {B(PATROL_COMPLIANCE), B(PATROL_COMPLIANCE_REPLY)},
    {B(REQUEST_ADD), B(RESIDENT_REQUEST)},
    {B(REQUEST_ANSWER), B(RESIDENT_REQUEST)},
    {B(REQUEST_CLOSE), B(RESIDENT_REQUEST)},
    {B(REQUEST_VOID), B(RESIDENT_REQUEST)},
    {B(REQUEST_GET), B(RESIDENT_REQUEST)},
    {B(REQUEST_LIST), B(REQUEST_LIST_REPLY)},
    {B(REPORT_SUBMIT), B(REPORT)},
    {B(REPORT_GET), B(REPORT)},
    {B(REPORT_LIST), B(REPORT_LIST_REPLY)},
    {B(REPORT_ACK), B(REPORT)},
    {B(REPORT_RESOLVE), B(REPORT)},
    {B(SUBSCRIBE), B(SUBSCRIBED)},
    {B(CALENDAR_HOLIDAY_ADD), B(CALENDAR_DAY)},
    {B(CALENDAR_WORKDAY_ADD), B(CALENDAR_DAY)},
    {B(CALENDAR_YEAR_ADD), B(CALENDAR_YEAR)},
    {B(CALENDAR_SHOW), B(CALENDAR_SHOW_REPLY)},
    {B(CALENDAR_WORKING_DAYS), B(CALENDAR_WORKING_DAYS_REPLY)},
    {B(LIMIT_LIST), B(LIMIT_LIST_REPLY)},
    {B(LIMIT_SET), B(TIME_LIMIT)},
    /* enforcement cases */
    {B(CASE_OPEN), B(CASE_FILE)},
    {B(CASE_MOVE), B(CASE_FILE)},
    {B(CASE_VERIFY), B(CASE_FILE)},
    {B(CASE_REOPEN), B(CASE_FILE)},
    {B(CASE_GET), B(CASE_FILE)},
    {B(CASE_LIST), B(CASE_LIST_REPLY)},
    {B(CASE_STATS), B(CASE_STATS_REPLY)},
    /* evidence (440-459) */
    {B(CASE_ATTACH_BEGIN), B(CASE_UPLOAD)},
    {B(CASE_ATTACH_CHUNK), B(CASE_UPLOAD)},
    {B(CASE_ATTACH_COMMIT), B(CASE_ATTACHMENT)},
    {B(CASE_ATTACHMENT_LIST), B(CASE_ATTACHMENT_LIST_REPLY)},
    {B(CASE_ATTACHMENT_READ), B(CASE_ATTACHMENT_DATA)},
    /* people (400-429) */
    {B(ACCOUNT_ADD), B(ACCOUNT)},
    {B(ACCOUNT_DISABLE), B(ACCOUNT)},
    {B(ACCOUNT_LIST), B(ACCOUNT_LIST_REPLY)},
    {B(ORDER_ISSUE), B(ORDER)},
    {B(ORDER_ANSWER), B(ORDER)},
    {B(ORDER_LIST), B(ORDER_LIST_REPLY)},
    /* the long-term mechanism (500-529) */
    {B(CO_MEETING_RECORD), B(CO_MEETING)},
    {B(CO_MEETING_LIST), B(CO_MEETING_LIST_REPLY)},
    {B(CO_MEETING_MISSING), B(CO_MEETING_MISSING_REPLY)},
    {B(SUGGESTION_ANSWER), B(SUGGESTION)},
    {B(SUGGESTION_LIST), B(SUGGESTION_LIST_REPLY)},
    {B(GROUP_MEMBER_SET), B(GROUP_MEMBER)},
    {B(GROUP_SHOW), B(GROUP_SHOW_REPLY)},
    {B(MECH_MEETING_RECORD), B(MECH_MEETING)},
    {B(MECH_MEETING_LIST), B(MECH_MEETING_LIST_REPLY)},
    {B(DECISION_FOLLOW_UP), B(DECISION)},
    {B(DECISION_LIST), B(DECISION_LIST_REPLY)},
    {B(TRAINING_RECORD), B(TRAINING)},
    {B(TRAINING_LIST), B(TRAINING_LIST_REPLY)},
    {B(PRACTICE_ADD), B(PRACTICE)},
    {B(PRACTICE_LIST), B(PRACTICE_LIST_REPLY)},
    /* the supervision bulletin (step 6) */
    {B(STATS_BULLETIN), B(STATS_BULLETIN_REPLY)},
    /* the problem list, campaigns and the programme (530-559) */
    {B(PROBLEM_ADD), B(PROBLEM)},
    {B(PROBLEM_PLAN), B(PROBLEM)},
    {B(PROBLEM_UPDATE), B(PROBLEM)},
    {B(PROBLEM_GET), B(PROBLEM)},
    {B(PROBLEM_LIST), B(PROBLEM_LIST_REPLY)},
    {B(PROBLEM_SUMMARY), B(PROBLEM_SUMMARY_REPLY)},
    {B(CAMPAIGN_ACTION_ADD), B(CAMPAIGN_ACTION)},
    {B(CAMPAIGN_ACTION_LINK), B(CAMPAIGN_ACTION)},
    {B(CAMPAIGN_ACTION_GET), B(CAMPAIGN_ACTION)},
    {B(CAMPAIGN_ACTION_LIST), B(CAMPAIGN_ACTION_LIST_REPLY)},
    {B(CAMPAIGN_STATUS), B(CAMPAIGN_STATUS_REPLY)},
    {B(CAMPAIGN_ENTRIES), B(CAMPAIGN_ENTRIES_REPLY)},
    {B(AUDIT_LIST), B(AUDIT_LIST_REPLY)},
};

int cg_is_push(Chengguan__V1__Envelope__BodyCase body)
{
    return body == B(EVENT);
}

Chengguan__V1__Envelope__BodyCase cg_reply_case(Chengguan__V1__Envelope__BodyCase request)
{
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (pairs[i].request == request)
            return pairs[i].reply;
    return CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET;
}

const ProtobufCFieldDescriptor *cg_envelope_field(Chengguan__V1__Envelope__BodyCase body)
{
    if (body == CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET)
        return NULL;
    return protobuf_c_message_descriptor_get_field(&chengguan__v1__envelope__descriptor,
                                                   (unsigned)body);
}

/* A program may hold a copy of the descriptors besides the library's own:
 * the type is the same when the full names are. */
static int same_type(const ProtobufCMessageDescriptor *a, const ProtobufCMessageDescriptor *b)
{
    return a == b || strcmp(a->name, b->name) == 0;
}

Chengguan__V1__Envelope__BodyCase cg_envelope_case_of(const ProtobufCMessageDescriptor *desc)
{
    const ProtobufCMessageDescriptor *env = &chengguan__v1__envelope__descriptor;
    for (unsigned i = 0; i < env->n_fields; i++)
        if (env->fields[i].type == PROTOBUF_C_TYPE_MESSAGE &&
            same_type(env->fields[i].descriptor, desc))
            return (Chengguan__V1__Envelope__BodyCase)env->fields[i].id;
    return CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET;
}

ProtobufCMessage *cg_envelope_body(const Chengguan__V1__Envelope *env)
{
    const ProtobufCFieldDescriptor *f = cg_envelope_field(env->body_case);
    return f ? *(ProtobufCMessage **)((char *)env + f->offset) : NULL;
}

int cg_envelope_set_body(Chengguan__V1__Envelope *env, ProtobufCMessage *m)
{
    Chengguan__V1__Envelope__BodyCase body = cg_envelope_case_of(m->descriptor);
    const ProtobufCFieldDescriptor *f = cg_envelope_field(body);
    if (f == NULL)
        return -1;
    env->body_case = body;
    *(ProtobufCMessage **)((char *)env + f->offset) = m;
    return 0;
}
