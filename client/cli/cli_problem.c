/* chengguan problem ...: the problem list (问题清单) of the rectification
 * phase. A unit lists the problems found in its compounds, quick ones fixed
 * at once, the others with a rectification plan (measures, person in charge,
 * deadline); supervision verifies; the summary counts them by unit,
 * category and status. */
#include "category_text.h"
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"

#include "chengguan/v1/campaign.pb-c.h"

static const cg_column problem_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("compound"), .field = "compound_id"},
    {.header = N_("compound name"), .field = "compound_name"},
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("category"), .field = "category_name"},
    {.header = N_("problem"), .field = "text"},
    {.header = N_("quick fix"), .field = "quick"},
    {.header = N_("found on"), .field = "found_on"},
    {.header = N_("campaign"), .field = "action_id", .fmt = CG_FMT_ID},
    {.header = N_("status"), .field = "status"},
    {.header = N_("status since"), .field = "status_at"},
    {.header = N_("measures"), .field = "measures"},
    {.header = N_("person in charge"), .field = "owner"},
    {.header = N_("deadline"), .field = "deadline"},
    {.header = N_("overdue"), .field = "overdue", .fmt = CG_FMT_YESNO},
    {.header = N_("added at"), .field = "added_at"},
    {.header = N_("added by"), .field = "added_by"},
    {0},
};

static const cg_opt add_opts[] = {
    {.field = "compound_id",
     .option = "compound",
     .arg = "ID",
     .required = 1,
     .help = N_("the compound it was found in")},
    {.field = "category",
     .arg = "N|NAME",
     .required = 1,
     .from_text = cg_category_from_text,
     .help = N_("its violation category")},
    {.field = "text", .required = 1, .help = N_("what the problem is, up to 2000 characters")},
    {.field = "quick",
     .arg = "yes|no",
     .required = 1,
     .help = N_("yes: it can be fixed at once; no: it needs a rectification plan")},
    {.field = "found_on",
     .option = "found",
     .arg = "DATE",
     .help = N_("the day it was found (default: today)")},
    {.field = "action_id",
     .option = "action",
     .arg = "ID",
     .help = N_("the concentrated campaign it was found in")},
    {0},
};

static const cg_request_spec add_spec = {
    .in = {.request = &chengguan__v1__problem_add__descriptor, .opts = add_opts},
    .columns = problem_lines,
};

static const cg_opt id_operand[] = {{.field = "id", .arg = "ID", .help = N_("the problem")}, {0}};

static const cg_opt plan_opts[] = {
    {.field = "measures", .required = 1, .help = N_("the rectification measures")},
    {.field = "owner", .arg = "NAME", .required = 1, .help = N_("the person in charge")},
    {.field = "deadline", .arg = "DATE", .required = 1, .help = N_("the day it is to be fixed by")},
    {0},
};

static const cg_request_spec plan_spec = {
    .in = {.request = &chengguan__v1__problem_plan__descriptor,
           .operands = id_operand,
           .opts = plan_opts},
    .columns = problem_lines,
};

static const cg_opt update_opts[] = {
    {.field = "status",
     .arg = "in_progress|fixed|verified",
     .required = 1,
     .help = N_("where the problem stands now")},
    {.field = "note", .help = N_("what was done")},
    {0},
};

static const cg_request_spec update_spec = {
    .in = {.request = &chengguan__v1__problem_update__descriptor,
           .operands = id_operand,
           .opts = update_opts},
    .columns = problem_lines,
};

static const cg_column history_columns[] = {
    {.header = N_("at"), .field = "at"},         {.header = N_("step"), .field = "kind"},
    {.header = N_("status"), .field = "status"}, {.header = N_("account"), .field = "account"},
    {.header = N_("note"), .field = "note"},     {0},
};

static const cg_request_spec show_spec = {
    .in = {.request = &chengguan__v1__problem_get__descriptor, .operands = id_operand},
    .columns = problem_lines,
    .items = "history",
    .item_columns = history_columns,
};

static const cg_opt list_opts[] = {
    {.field = "unit", .arg = "UNIT", .help = N_("only the problems of this unit")},
    {.field = "status",
     .arg = "STATUS",
     .help = N_("only problems in this status: open, in_progress, fixed, verified")},
    {.field = "overdue", .help = N_("only problems not fixed past their plan's deadline")},
    {.field = "category",
     .arg = "N|NAME",
     .from_text = cg_category_from_text,
     .help = N_("only problems of this category")},
    {.field = "compound_id",
     .option = "compound",
     .arg = "ID",
     .help = N_("only the problems of this compound")},
    {.field = "action_id",
     .option = "action",
     .arg = "ID",
     .help = N_("only the problems found in this campaign")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("compound name"), .field = "compound_name"},
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("category"), .field = "category_name"},
    {.header = N_("quick fix"), .field = "quick"},
    {.header = N_("status"), .field = "status"},
    {.header = N_("deadline"), .field = "deadline"},
    {.header = N_("overdue"), .field = "overdue", .fmt = CG_FMT_FLAG},
    {.header = N_("problem"), .field = "text"},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__problem_list__descriptor,
           .opts = list_opts,
           .preset = "{\"limit\": 1000}"},
    .cursor = "after_id",
    .next = "next_after_id",
    .newest_first = 1,
    .rows = "problems",
    .columns = list_columns,
};

static const cg_opt summary_opts[] = {
    {.field = "unit", .arg = "UNIT", .help = N_("only this unit")},
    {.field = "action_id",
     .option = "action",
     .arg = "ID",
     .help = N_("only the problems found in this campaign")},
    {0},
};

static const cg_column summary_columns[] = {
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("category"), .field = "category_name"},
    {.header = N_("total"), .field = "total"},
    {.header = N_("open"), .field = "open"},
    {.header = N_("in progress"), .field = "in_progress"},
    {.header = N_("fixed"), .field = "fixed"},
    {.header = N_("verified"), .field = "verified"},
    {.header = N_("quick fix"), .field = "quick"},
    {.header = N_("no plan"), .field = "unplanned"},
    {.header = N_("overdue"), .field = "overdue"},
    {0},
};

static const cg_request_spec summary_spec = {
    .in = {.request = &chengguan__v1__problem_summary__descriptor, .opts = summary_opts},
    .rows = "rows",
    .columns = summary_columns,
    .total = "total",
};

static const cg_cli_command add = {
    .name = "problem add",
    .args =
        "--compound ID --category N|NAME --text TEXT --quick yes|no [--found DATE] [--action ID]",
    .summary = N_("add a problem to the problem list"),
    .help = N_("Adds a problem found in a compound of this account's unit. A problem that\n"
               "cannot be fixed at once (--quick no) needs a rectification plan\n"
               "('problem plan') before it can be marked fixed.\n\n"),
    .run = cg_request_run,
    .spec = &add_spec,
};

static const cg_cli_command plan = {
    .name = "problem plan",
    .args = "ID --measures TEXT --owner NAME --deadline DATE",
    .summary = N_("set a problem's rectification plan"),
    .help = N_("Sets the rectification plan of a problem: the measures, the person in\n"
               "charge and the deadline. A new plan takes the place of the one in\n"
               "effect; both stay in the problem's history.\n\n"),
    .run = cg_request_run,
    .spec = &plan_spec,
};

static const cg_cli_command update = {
    .name = "problem update",
    .args = "ID --status in_progress|fixed|verified [--note TEXT]",
    .summary = N_("record where a problem stands"),
    .help = N_("Moves a problem on: open -> in_progress -> fixed -> verified, or from\n"
               "fixed back to in_progress when the fix did not hold. Supervision only\n"
               "verifies.\n\n"),
    .run = cg_request_run,
    .spec = &update_spec,
};

static const cg_cli_command show = {
    .name = "problem show",
    .args = "ID",
    .summary = N_("show a problem with its history"),
    .help = N_("Shows a problem, then its plans and statuses in time order.\n\n"),
    .run = cg_request_run,
    .spec = &show_spec,
};

static const cg_cli_command list = {
    .name = "problem list",
    .args = "[--unit UNIT] [--status STATUS] [--overdue] [--category N|NAME] [--compound ID] "
            "[--action ID]",
    .summary = N_("list problems, newest first"),
    .help = N_("Lists the problems this account may see, newest first (--json: one\n"
               "object per problem).\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command summary = {
    .name = "problem summary",
    .args = "[--unit UNIT] [--action ID]",
    .summary = N_("count problems by unit, category and status"),
    .help = N_("Counts the problems per unit and category, each unit's total, then the\n"
               "total of all: the problem list of the rectification phase.\n\n"),
    .run = cg_request_run,
    .spec = &summary_spec,
};

static const cg_cli_command *const subcommands[] = {&add,  &plan,    &update, &show,
                                                    &list, &summary, NULL};

const cg_cli_command cg_cli_cmd_problem = {
    .name = "problem",
    .summary = N_("the problem list of the rectification phase"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
