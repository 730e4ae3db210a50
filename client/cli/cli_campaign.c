/* chengguan campaign ...: concentrated campaigns (集中整治行动) and their
 * results, and the programme calendar: where each target of the plan stood
 * on a day, and the compounds entered over time against the targets. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"

#include "chengguan/v1/campaign.pb-c.h"

/* --- concentrated campaigns ----------------------------------------------- */

static const cg_column action_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("title"), .field = "title"},
    {.header = N_("from"), .field = "from"},
    {.header = N_("to"), .field = "to"},
    {.header = N_("units"), .field = "units", .fmt = CG_FMT_UNIT},
    {.header = N_("compounds covered"), .field = "compound_ids"},
    {.header = N_("categories"), .field = "categories"},
    {.header = N_("note"), .field = "note"},
    {.header = N_("problems found"), .field = "problems_found"},
    {.header = N_("problems fixed"), .field = "problems_fixed"},
    {.header = N_("cases opened"), .field = "cases_opened"},
    {.header = N_("problem ids"), .field = "problem_ids"},
    {.header = N_("case ids"), .field = "case_ids"},
    {.header = N_("created by"), .field = "created_by"},
    {.header = N_("created at"), .field = "created_at"},
    {0},
};

static const cg_opt add_fields[] = {
    {.field = "title", .required = 1, .help = N_("the campaign's title, up to 200 characters")},
    {.field = "from", .arg = "DATE", .required = 1, .help = N_("its first day")},
    {.field = "to", .arg = "DATE", .required = 1, .help = N_("its last day")},
    {.field = "units",
     .arg = "UNIT,...",
     .required = 1,
     .help = N_("the units taking part (codes or Chinese names)")},
    {.field = "compound_ids",
     .option = "compounds",
     .arg = "ID,...",
     .help = N_("the compounds it covers (default: every compound of the units)")},
    {.field = "categories",
     .arg = "N,...",
     .required = 1,
     .help = N_("the violation categories it targets")},
    {.field = "note", .help = N_("a remark")},
    {0},
};

static const cg_request_spec add_spec = {
    .in = {.request = &chengguan__v1__campaign_action_add__descriptor,
           .values = "action",
           .value_opts = add_fields},
    .columns = action_lines,
};

static const cg_opt id_operand[] = {{.field = "id", .arg = "ID", .help = N_("the campaign")}, {0}};

static const cg_opt link_opts[] = {
    {.field = "case_ids",
     .option = "case",
     .arg = "ID,...",
     .required = 1,
     .help = N_("cases opened in the campaign")},
    {0},
};

static const cg_request_spec link_spec = {
    .in = {.request = &chengguan__v1__campaign_action_link__descriptor,
           .operands = id_operand,
           .opts = link_opts},
    .columns = action_lines,
};

static const cg_request_spec show_spec = {
    .in = {.request = &chengguan__v1__campaign_action_get__descriptor, .operands = id_operand},
    .columns = action_lines,
};

static const cg_opt list_opts[] = {
    {.field = "unit", .arg = "UNIT", .help = N_("only the campaigns of this unit")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("title"), .field = "title"},
    {.header = N_("from"), .field = "from"},
    {.header = N_("to"), .field = "to"},
    {.header = N_("units"), .field = "units", .fmt = CG_FMT_UNIT},
    {.header = N_("categories"), .field = "categories"},
    {.header = N_("problems found"), .field = "problems_found"},
    {.header = N_("problems fixed"), .field = "problems_fixed"},
    {.header = N_("cases opened"), .field = "cases_opened"},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__campaign_action_list__descriptor,
           .opts = list_opts,
           .preset = "{\"limit\": 1000}"},
    .cursor = "after_id",
    .next = "next_after_id",
    .newest_first = 1,
    .rows = "actions",
    .columns = list_columns,
};

static const cg_cli_command action_add = {
    .name = "campaign action add",
    .args = "--title TEXT --from DATE --to DATE --units UNIT,... [--compounds ID,...] "
            "--categories N,... [--note TEXT]",
    .summary = N_("record a concentrated campaign"),
    .help = N_("Records a concentrated campaign: its period, the units\n"
               "taking part (a unit only its own), the compounds and the violation\n"
               "categories. Problems found in it are added with 'problem add --action',\n"
               "cases opened in it linked with 'campaign action link'.\n\n"),
    .run = cg_request_run,
    .spec = &add_spec,
};

static const cg_cli_command action_link = {
    .name = "campaign action link",
    .args = "ID --case ID,...",
    .summary = N_("link cases opened in a campaign"),
    .help = N_("Links cases to a campaign as its results: cases of its units and\n"
               "compounds, registered within its period. A case linked before stays\n"
               "linked once.\n\n"),
    .run = cg_request_run,
    .spec = &link_spec,
};

static const cg_cli_command action_show = {
    .name = "campaign action show",
    .args = "ID",
    .summary = N_("show a campaign and its results"),
    .help = N_("Shows a campaign with its results: the problems found and fixed, the\n"
               "cases opened, and their ids.\n\n"),
    .run = cg_request_run,
    .spec = &show_spec,
};

static const cg_cli_command action_list = {
    .name = "campaign action list",
    .args = "[--unit UNIT]",
    .summary = N_("list concentrated campaigns, newest first"),
    .help = N_("Lists the campaigns of the units this account sees, newest first, with\n"
               "their results (--json: one object per campaign).\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command *const action_subcommands[] = {&action_add, &action_link, &action_show,
                                                           &action_list, NULL};

static const cg_cli_command action = {
    .name = "campaign action",
    .summary = N_("concentrated campaigns and their results"),
    .run = cg_cli_group_run,
    .subcommands = action_subcommands,
};

/* --- the programme --------------------------------------------------------- */

static const cg_opt status_opts[] = {
    {.field = "as_of", .arg = "DATE", .help = N_("the day to look at (default: today)")},
    {0},
};

static const cg_column status_heading[] = {
    {.header = N_("as of"), .field = "as_of"},
    {.header = N_("phase"), .field = "phase"},
    {.header = N_("publicity records"), .field = "publicity_records"},
    {.header = N_("outside the publicity phase"), .field = "publicity_outside_phase"},
    {.header = N_("problems found"), .field = "problems_found"},
    {.header = N_("problems fixed"), .field = "problems_fixed"},
    {.header = N_("problems not fixed"), .field = "problems_open"},
    {.header = N_("concentrated campaigns"), .field = "campaigns"},
    {0},
};

static const cg_column status_columns[] = {
    {.header = N_("target"), .field = "name"},
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("due on"), .field = "due"},
    {.header = N_("goal"), .field = "goal"},
    {.header = N_("figure"), .field = "figure_text"},
    {.header = N_("status"), .field = "status"},
    {.header = N_("today's record"), .field = "current_record", .fmt = CG_FMT_FLAG},
    {0},
};

static const cg_request_spec status_spec = {
    .in = {.request = &chengguan__v1__campaign_status__descriptor, .opts = status_opts},
    .heading = status_heading,
    .rows = "targets",
    .columns = status_columns,
};

static const cg_opt entries_opts[] = {
    {.field = "unit", .arg = "UNIT", .help = N_("only this unit")},
    {.field = "by", .arg = "month|week", .help = N_("one row per month (default) or week")},
    {.field = "from", .arg = "DATE", .help = N_("the first day (default: the programme's start)")},
    {.field = "to", .arg = "DATE", .help = N_("the last day (default: today)")},
    {0},
};

static const cg_column entries_columns[] = {
    {.header = N_("period"), .field = "period"},
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("entered in period"), .field = "entered"},
    {.header = N_("entered in all"), .field = "entered_total"},
    {.header = N_("open compounds"), .field = "compounds"},
    {.header = N_("coverage"), .field = "share", .fmt = CG_FMT_PERCENT},
    {.header = N_("target"), .field = "target", .fmt = CG_FMT_ID},
    {.header = N_("due on"), .field = "target_due"},
    {.header = N_("status"), .field = "status"},
    {0},
};

static const cg_request_spec entries_spec = {
    .in = {.request = &chengguan__v1__campaign_entries__descriptor, .opts = entries_opts},
    .rows = "rows",
    .columns = entries_columns,
};

static const cg_cli_command status = {
    .name = "campaign status",
    .args = "[--as-of DATE]",
    .summary = N_("the programme's targets and where they stood on a day"),
    .help = N_("Shows the phase of the day, the publicity, problems and campaigns\n"
               "recorded by then, and each target of the plan (the city's and\n"
               "this account's unit's) with its figure on that day: met, not met or in\n"
               "progress. A target past its due day is judged, and shown, on that day.\n"
               "Ledger completeness and demonstration compounds count today's record.\n"
               "A unit of '-' is the whole city.\n\n"),
    .run = cg_request_run,
    .spec = &status_spec,
};

static const cg_cli_command entries = {
    .name = "campaign entries",
    .args = "[--unit UNIT] [--by month|week] [--from DATE] [--to DATE]",
    .summary = N_("compounds entered over time per unit, against the targets"),
    .help = N_("For each month (or week) and unit: the compounds entered in it and by\n"
               "its end, the compounds then open, the coverage, and a target due in it\n"
               "(met or not met on its due day). A unit of '-' is the whole city.\n\n"),
    .run = cg_request_run,
    .spec = &entries_spec,
};

static const cg_cli_command *const subcommands[] = {&action, &status, &entries, NULL};

const cg_cli_command cg_cli_cmd_campaign = {
    .name = "campaign",
    .summary = N_("concentrated campaigns and the programme's targets"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
