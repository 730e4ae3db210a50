#include "enum_text.h"

#include "i18n.h"

#include <string.h>

static const char *const fields[] = {
    "status",   "channel",
    "kind",     "outcome",
    "action",   "management_status",
    "role",     "nobody_to_call_reason",
    "day_kind", "quick",
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
    /* TRANSLATORS: a problem of the problem list (问题清单), its status and steps */
    N_("in_progress"),
    N_("fixed"),
    N_("verified"),
    N_("added"),
    N_("plan"),
    N_("yes"),
    N_("no"),
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
