/* chengguan patrol ...: weekly patrols (定期巡查) of entered compounds. */
#include "cli.h"
#include "cli_request.h"
#include "finding_text.h"
#include "i18n.h"

#include "chengguan/v1/patrol.pb-c.h"

/* --- submit and show: one patrol with its findings ------------------------ */

static const cg_opt submit_opts[] = {
    {.field = "compound_id",
     .option = "compound",
     .arg = "ID",
     .required = 1,
     .help = "the compound patrolled (entered, of your unit)"},
    {.field = "officer_ids",
     .option = "officer",
     .arg = "ID[,ID...]",
     .required = 1,
     .help = "the officers on patrol, of the compound's unit"},
    {.field = "start",
     .arg = "TS",
     .now = 1,
     .required = 1,
     .help = "when the patrol began, or now"},
    {.field = "end", .arg = "TS", .now = 1, .required = 1, .help = "when it ended, or now"},
    {.field = "findings",
     .option = "finding",
     .arg = "CATEGORY:TEXT[:ACTION]",
     .from_text = cg_finding_from_text,
     .help = "something seen: a violation code 1-10, what, and what was done"},
    {.field = "note", .help = "a remark, up to 2000 characters"},
    {0},
};

/* A patrol for people: its lines, instants in Beijing time, then a table of
 * its findings headed by their ids. */
static const cg_column patrol_lines[] = {
    {.field = "id"},
    {.header = "compound", .field = "compound_id"},
    {.header = "compound name", .field = "compound_name"},
    {.field = "unit"},
    {.header = "officers", .field = "officer_names"},
    {.header = "officer ids", .field = "officer_ids"},
    {.field = "start", .fmt = CG_FMT_LOCAL},
    {.field = "end", .fmt = CG_FMT_LOCAL},
    {.field = "week"},
    {.field = "findings", .fmt = CG_FMT_COUNT},
    {.field = "note"},
    {.field = "submitted_by"},
    {.field = "submitted_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("voided"), .field = "voided", .fmt = CG_FMT_YESNO},
    {.header = N_("void reason"), .field = "void_reason"},
    {.header = N_("voided by"), .field = "voided_by"},
    {.header = N_("voided at"), .field = "voided_at", .fmt = CG_FMT_LOCAL},
    {0},
};

static const cg_column finding_columns[] = {
    {.header = "finding", .field = "id"},
    {.header = "category", .field = "category_name"},
    {.field = "action"},
    {.field = "text"},
    {0},
};

static const cg_request_spec submit_spec = {
    .in = {.request = &chengguan__v1__patrol_submit__descriptor,
           .values = "patrol",
           .value_opts = submit_opts},
    .columns = patrol_lines,
    .items = "findings",
    .item_columns = finding_columns,
};

static const cg_opt id_operand[] = {{.field = "id", .arg = "ID", .help = "the patrol's id"}, {0}};

static const cg_request_spec show_spec = {
    .in = {.request = &chengguan__v1__patrol_get__descriptor, .operands = id_operand},
    .columns = patrol_lines,
    .items = "findings",
    .item_columns = finding_columns,
};

/* --- list ------------------------------------------------------------------- */

static const cg_opt list_opts[] = {
    {.field = "compound_id", .option = "compound", .arg = "ID", .help = "only this compound"},
    {.field = "unit", .arg = "UNIT", .help = "only the compounds of this unit"},
    {.field = "officer_id",
     .option = "officer",
     .arg = "ID",
     .help = "only patrols of this officer"},
    {.field = "week", .arg = "YYYY-Www", .help = "only this ISO week, e.g. 2021-W09"},
    {.field = "from", .arg = "DATE", .help = "only patrols starting on or after this day"},
    {.field = "to", .arg = "DATE", .help = "only patrols starting on or before this day"},
    {0},
};

static const cg_column list_columns[] = {
    {.field = "id"},
    {.header = "compound", .field = "compound_id"},
    {.header = "compound name", .field = "compound_name"},
    {.field = "start", .fmt = CG_FMT_LOCAL},
    {.header = "officers", .field = "officer_names"},
    {.field = "findings", .fmt = CG_FMT_COUNT},
    {.header = N_("voided"), .field = "voided", .fmt = CG_FMT_FLAG},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__patrol_list__descriptor,
           .opts = list_opts,
           .preset = "{\"limit\": 1000}"},
    .cursor = "after_id",
    .next = "next_after_id",
    .rows = "patrols",
    .columns = list_columns,
};

/* --- void ------------------------------------------------------------------- */

static const cg_opt void_opts[] = {
    {.field = "reason", .required = 1, .help = N_("why it is voided, kept with the patrol")},
    {0},
};

static const cg_request_spec void_spec = {
    .in = {.request = &chengguan__v1__patrol_void__descriptor,
           .operands = id_operand,
           .opts = void_opts},
    .columns = patrol_lines,
    .items = "findings",
    .item_columns = finding_columns,
};

/* --- due and compliance ------------------------------------------------------ */

static const cg_opt due_opts[] = {
    {.field = "week", .arg = "YYYY-Www", .help = "the ISO week, e.g. 2021-W09; default this week"},
    {.field = "unit", .arg = "UNIT", .help = "only the compounds of this unit"},
    {0},
};

static const cg_column due_heading[] = {{.field = "week"}, {0}};

static const cg_column due_columns[] = {
    {.header = "compound", .field = "compound_id"},
    {.header = "name", .field = "compound_name"},
    {.field = "unit"},
    {.header = "grid officer", .field = "grid_officer_name"},
    {.header = "entered", .field = "entered_on"},
    {.header = "last patrol", .field = "last_patrol_at", .fmt = CG_FMT_LOCAL},
    {0},
};

static const cg_request_spec due_spec = {
    .in = {.request = &chengguan__v1__patrol_due__descriptor, .opts = due_opts},
    .heading = due_heading,
    .rows = "compounds",
    .columns = due_columns,
};

static const cg_opt compliance_opts[] = {
    {.field = "from", .arg = "DATE", .required = 1, .help = "count from the week of this day"},
    {.field = "to", .arg = "DATE", .required = 1, .help = "to the week of this day"},
    {.field = "unit", .arg = "UNIT", .help = "only this unit"},
    {0},
};

static const cg_column compliance_heading[] = {{.field = "from_week"}, {.field = "to_week"}, {0}};

static const cg_column compliance_columns[] = {
    {.field = "unit"},
    {.field = "unit_name"},
    {.field = "due"},
    {.field = "patrolled"},
    {.header = "share", .field = "share", .fmt = CG_FMT_PERCENT},
    {0},
};

static const cg_request_spec compliance_spec = {
    .in = {.request = &chengguan__v1__patrol_compliance__descriptor, .opts = compliance_opts},
    .heading = compliance_heading,
    .rows = "units",
    .columns = compliance_columns,
    .total = "total",
};

/* --- the group ---------------------------------------------------------------- */

static const cg_cli_command submit = {
    .name = "patrol submit",
    .args = "--compound ID --officer ID[,ID...] --start TS --end TS "
            "[--finding CATEGORY:TEXT[:ACTION]]... [--note TEXT]",
    .summary = "record a patrol of a compound, with what was found",
    .help = "Records a patrol (巡查) of an entered compound by officers of its unit.\n"
            "TS is YYYY-MM-DDTHH:MM[:SS] (a space for T is fine) with an optional UTC\n"
            "offset (Z, +08:00); without one it is Beijing time. 'now' is the current\n"
            "instant. The end may not be before the start, more than 5 minutes ahead,\n"
            "or more than 24 h after the start.\n"
            "--finding, once per thing seen: CATEGORY a violation code 1-10, TEXT what\n"
            "it was, ACTION one of stopped_on_site, case_needed, referred, none\n"
            "(default none). TEXT may hold ':'; the part after the last ':' is the\n"
            "ACTION only when it is one of these words.\n"
            "Prints the patrol as stored with its findings and their ids, which a\n"
            "case cites (--json: one object).\n\n",
    .run = cg_request_run,
    .spec = &submit_spec,
};

static const cg_cli_command show = {
    .name = "patrol show",
    .args = "ID",
    .summary = "show a patrol with its findings",
    .help = "Shows a patrol, then its findings with their ids (--json: one object).\n\n",
    .run = cg_request_run,
    .spec = &show_spec,
};

static const cg_cli_command list = {
    .name = "patrol list",
    .args = "[--compound ID] [--unit UNIT] [--officer ID] [--week YYYY-Www] [--from DATE] "
            "[--to DATE]",
    .summary = "list patrols, newest first, with filters",
    .help = "Lists the patrols of the compounds this account may see, newest first\n"
            "(start in Beijing time; --json: one object per patrol). Filters combine;\n"
            "days and weeks are those of Asia/Shanghai.\n\n",
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command due = {
    .name = "patrol due",
    .args = "[--week YYYY-Www] [--unit UNIT]",
    .summary = "entered compounds with no patrol yet in a week",
    .help = "Lists the entered, open compounds with no patrol in the ISO week (Monday\n"
            "to Sunday, Asia/Shanghai; this week by default), after a line naming the\n"
            "week answered (--json: {\"week\": ...} first, then one object per compound).\n\n",
    .run = cg_request_run,
    .spec = &due_spec,
};

static const cg_cli_command compliance = {
    .name = "patrol compliance",
    .args = "--from DATE --to DATE [--unit UNIT]",
    .summary = "per unit: compound-weeks due, patrolled, and the share",
    .help = "Counts, per unit and in total, the compound-weeks due from the week of\n"
            "--from to the week of --to (a compound is due every week after the week\n"
            "it was entered, while open) and those with at least one patrol.\n"
            "--json: {\"from_week\", \"to_week\"} first, one object per unit, then the\n"
            "total (unit \"\").\n\n",
    .run = cg_request_run,
    .spec = &compliance_spec,
};

static const cg_cli_command void_cmd = {
    .name = "patrol void",
    .args = "ID --reason TEXT",
    .summary = N_("void a patrol recorded by mistake (kept, counted nowhere)"),
    .help = N_("Voids (作废) a patrol recorded by mistake: it is never deleted; it stays\n"
               "in lists and show, marked voided with who, when and why, and counts in\n"
               "no figure (patrol due, compliance). Once.\n"
               "Example: chengguan patrol void 57 --reason 重复录入\n\n"),
    .run = cg_request_run,
    .spec = &void_spec,
};

static const cg_cli_command *const subcommands[] = {&submit,     &show,     &list, &due,
                                                    &compliance, &void_cmd, NULL};

const cg_cli_command cg_cli_cmd_patrol = {
    .name = "patrol",
    .summary = "weekly patrols (定期巡查)",
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
