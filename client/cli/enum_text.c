#include "enum_text.h"

#include "i18n.h"

#include <string.h>

static const char *const fields[] = {
    "status",   "channel",
    "kind",     "outcome",
    "action",   "management_status",
    "role",     "nobody_to_call_reason",
    "day_kind", "adopted",
    "criteria", "source",
    "penalty",  "quick",
    "phase",    NULL,
};

/* Every value of those fields (proto comments, SQL CHECK constraints), each
 * translated as itself: under C the protocol's word is shown. */
static const char *const values[] = {
    /* TRANSLATORS: a report's or a resident's request's status */
    N_("open"),
    N_("acknowledged"),
    N_("resolved"),
    N_("answered"),
    N_("closed"),
    N_("voided"),
    /* TRANSLATORS: how a resident's request came in */
    N_("notice_board_phone"),
    N_("in_person"),
    N_("hotline"),
    N_("patrol"),
    N_("co_construction_day"),
    /* TRANSLATORS: what a resident raised */
    N_("problem"),
    N_("opinion"),
    N_("suggestion"),
    /* TRANSLATORS: how a report or a patrol finding ended */
    N_("stopped"),
    N_("case_needed"),
    N_("unfounded"),
    N_("referred"),
    N_("stopped_on_site"),
    N_("none"),
    /* TRANSLATORS: a report's timeline entries */
    N_("filed"),
    N_("duplicate"),
    N_("escalated"),
    N_("reminder"),
    /* TRANSLATORS: events of `watch` */
    N_("report.filed"),
    N_("report.duplicate"),
    N_("report.escalated"),
    N_("report.reminder"),
    N_("report.acknowledged"),
    N_("report.resolved"),
    N_("order.issued"),
    N_("order.answered"),
    N_("request.answered"),
    N_("request.closed"),
    N_("case.opened"),
    N_("case.moved"),
    N_("case.overdue"),
    N_("case.reminder"),
    /* TRANSLATORS: supervision orders (督办) in a report's or a case's timeline */
    N_("order"),
    N_("order_answered"),
    /* TRANSLATORS: why a report has nobody to call */
    N_("no_grid_officer"),
    N_("not_entered"),
    /* TRANSLATORS: a compound's management (管理状态) */
    N_("property_company"),
    N_("self_managed"),
    /* TRANSLATORS: an account's role */
    N_("hq"),
    N_("supervision"),
    N_("section"),
    N_("unit"),
    N_("property"),
    N_("integration"),
    /* TRANSLATORS: an entry of the holiday calendar */
    N_("holiday"),
    N_("workday"),
    /* TRANSLATORS: a time limit of cases, and what it counts */
    N_("registration"),
    N_("closing"),
    N_("working"),
    N_("calendar"),
    N_("officer"),
    N_("unit_leader"),
    /* TRANSLATORS: where a case came from */
    N_("report"),
    N_("request"),
    /* TRANSLATORS: a case's timeline entries */
    N_("opened"),
    N_("moved"),
    N_("verified"),
    N_("reopened"),
    N_("attached"),
    /* TRANSLATORS: a penalty decision (处罚决定) */
    N_("warning"),
    N_("fine"),
    N_("rectify"),
    N_("demolish"),
    /* TRANSLATORS: a place in the leadership group (领导小组) */
    N_("leader"),
    N_("deputy"),
    N_("member"),
    /* TRANSLATORS: a meeting's kind: of the leadership group, or three-party
       coordination (街道社区·物业·城管) */
    N_("leadership"),
    N_("three_party"),
    /* TRANSLATORS: whether a suggestion was adopted */
    N_("yes"),
    N_("no"),
    N_("partly"),
    /* TRANSLATORS: the criteria a demonstration compound (示范小区) meets */
    N_("orderly_management"),
    N_("complete_service"),
    N_("clean_environment"),
    N_("civil_harmony"),
    N_("notice_board_set"),
    N_("ledger_complete"),
    N_("zero_illegal_construction"),
    N_("monthly_co_construction"),
    /* TRANSLATORS: a problem of the problem list (问题清单), its status and steps
       (its status verified is the case timeline's, above: 已核查) */
    N_("in_progress"),
    N_("fixed"),
    N_("added"),
    N_("plan"),
    /* TRANSLATORS: a target of the programme on a day */
    N_("met"),
    N_("not_met"),
    /* TRANSLATORS: the phases of the programme (实施步骤) */
    N_("publicity"),
    N_("implementation"),
    N_("rectification"),
    N_("normalisation"),
    NULL,
};

#define CASE_STATE "case state"

/* A case's states (cases.proto), translated in their own context. */
static const char *const case_states[] = {
    NC_("case state", "registered"),
    NC_("case state", "investigating"),
    NC_("case state", "decided"),
    NC_("case state", "rectifying"),
    NC_("case state", "verified"),
    NC_("case state", "closed"),
    NC_("case state", "rejected"),
    NC_("case state", "transferred"),
    NULL,
};

static const char *const case_state_fields[] = {"state", "from_state", "to_state", "next_states",
                                                NULL};

int cg_enum_field(const char *field)
{
    for (size_t i = 0; fields[i] != NULL; i++)
        if (strcmp(fields[i], field) == 0)
            return 1;
    return 0;
}

const char *cg_enum_text(const char *value)
{
    for (size_t i = 0; values[i] != NULL; i++)
        if (strcmp(values[i], value) == 0)
            return _(values[i]);
    return value;
}

int cg_case_state_field(const char *field)
{
    for (size_t i = 0; case_state_fields[i] != NULL; i++)
        if (strcmp(case_state_fields[i], field) == 0)
            return 1;
    return 0;
}

static const char *case_state_text(const char *value, size_t n)
{
    for (size_t i = 0; case_states[i] != NULL; i++)
        if (strlen(case_states[i]) == n && strncmp(case_states[i], value, n) == 0)
            return cg_pgettext(CASE_STATE, case_states[i]);
    return NULL;
}

const char *cg_case_states_text(const char *value, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const char *p = value; *p != '\0' && used + 1 < len;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, ",");
        const char *text = case_state_text(p, n);
        int w = text != NULL
                    ? snprintf(buf + used, len - used, "%s%s", used ? _(", ") : "", text)
                    : snprintf(buf + used, len - used, "%s%.*s", used ? _(", ") : "", (int)n, p);
        used = w < 0 || (size_t)w >= len - used ? len - 1 : used + (size_t)w;
        p += n;
        if (*p == ',')
            p++;
    }
    return buf;
}
