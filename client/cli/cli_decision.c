/* chengguan decision ...: the decisions of leadership-group and three-party
 * meetings (`coordination record`), followed up until done; one not done
 * past its deadline is overdue. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"

#include "chengguan/v1/mechanism.pb-c.h"

static const cg_column decision_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("meeting"), .field = "meeting_id", .fmt = CG_FMT_ID},
    {.header = N_("kind"), .field = "kind"},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("decision"), .field = "text"},
    {.header = N_("owner"), .field = "owner"},
    {.header = N_("due by"), .field = "deadline"},
    {.header = N_("follow-up"), .field = "follow_up"},
    {.header = N_("followed up at"), .field = "followed_up_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("followed up by"), .field = "followed_up_by"},
    {.header = N_("follow-ups"), .field = "follow_ups"},
    {.header = N_("done"), .field = "done", .fmt = CG_FMT_YESNO},
    {.header = N_("overdue"), .field = "overdue", .fmt = CG_FMT_YESNO},
    {0},
};

static const cg_opt id_operand[] = {{.field = "id", .arg = "ID", .help = N_("the decision")}, {0}};

static const cg_opt follow_opts[] = {
    {.field = "text",
     .arg = "TEXT",
     .required = 1,
     .help = N_("how it is being carried out, up to 2000 characters")},
    {.field = "done", .help = N_("it is carried out: the last follow-up")},
    {0},
};

static const cg_request_spec follow_spec = {
    .in = {.request = &chengguan__v1__decision_follow_up__descriptor,
           .operands = id_operand,
           .opts = follow_opts},
    .columns = decision_lines,
};

static const cg_opt list_opts[] = {
    {.field = "open", .help = N_("only the decisions not done")},
    {.field = "overdue", .help = N_("only the decisions not done past their deadline")},
    {.field = "kind", .arg = "leadership|three_party", .help = N_("only of meetings of this kind")},
    {.field = "unit", .arg = "UNIT", .help = N_("only of this unit's meetings")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("kind"), .field = "kind"},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("decision"), .field = "text"},
    {.header = N_("owner"), .field = "owner"},
    {.header = N_("due by"), .field = "deadline"},
    {.header = N_("done"), .field = "done", .fmt = CG_FMT_FLAG},
    {.header = N_("overdue"), .field = "overdue", .fmt = CG_FMT_FLAG},
    {.header = N_("follow-up"), .field = "follow_up"},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__decision_list__descriptor, .opts = list_opts},
    .cursor = "after_id",
    .next = "next_after_id",
    .newest_first = 1,
    .rows = "decisions",
    .columns = list_columns,
};

static const cg_cli_command follow = {
    .name = "decision follow-up",
    .args = "ID --text TEXT [--done]",
    .summary = N_("follow up a decision of a meeting"),
    .help = N_("Records how a decision is being carried out; --done closes it. A unit\n"
               "follows up its three-party meetings' decisions, hq all of them.\n\n"),
    .run = cg_request_run,
    .spec = &follow_spec,
};

static const cg_cli_command list = {
    .name = "decision list",
    .args = "[--open] [--overdue] [--kind leadership|three_party] [--unit UNIT]",
    .summary = N_("list decisions of meetings, newest first"),
    .help = N_("Lists the decisions this account may see, newest first, with their latest\n"
               "follow-up; one not done past its deadline is overdue.\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command *const subcommands[] = {&follow, &list, NULL};

const cg_cli_command cg_cli_cmd_decision = {
    .name = "decision",
    .summary = N_("decisions of meetings, followed up until done"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
