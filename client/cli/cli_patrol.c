/* chengguan patrol ...: weekly patrols (定期巡查) of entered compounds. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"
#include "finding_text.h"
#include "local_time.h"

#include "chengguan/v1/patrol.pb-c.h"

/* --week: an ISO week, the number with one or two digits ("2021-W9"). */
static const char *week_from_text(const char *text, json_t **out)
{
    char week[16];
    *out = NULL;
    if (cg_week_parse(text, week, sizeof week) != 0)
        return _("not an ISO week YYYY-Www");
    *out = json_string(week);
    return *out != NULL ? NULL : _("out of memory");
}

/* --- submit and show: one patrol with its findings ------------------------ */

static const cg_opt submit_opts[] = {
    {.field = "compound_id",
     .option = "compound",
     .arg = "ID",
     .required = 1,
     .help = N_("the compound patrolled (entered, of your unit)")},
    {.field = "officer_ids",
     .option = "officer",
     .arg = "ID[,ID...]",
     .required = 1,
     .help = N_("the officers on patrol, of the compound's unit")},
    {.field = "start",
     .arg = "TS",
     .now = 1,
     .required = 1,
     .help = N_("when the patrol began, or now")},
    {.field = "end", .arg = "TS", .now = 1, .required = 1, .help = N_("when it ended, or now")},
    {.field = "findings",
     .option = "finding",
     .arg = "CATEGORY:TEXT[:ACTION][:illegal_construction]",
     .from_text = cg_finding_from_text,
     .help = N_("something seen: the violation (code 1-10 or name), what, and what was done")},
    {.field = "note", .help = N_("a remark, up to 2000 characters")},
    {0},
};

/* A patrol for people: its lines, instants in Beijing time, then a table of
 * its findings headed by their ids. */
static const cg_column patrol_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("compound"), .field = "compound_id"},
    {.header = N_("compound name"), .field = "compound_name"},
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("officers"), .field = "officer_names"},
    {.header = N_("officer ids"), .field = "officer_ids"},
    {.header = N_("start"), .field = "start", .fmt = CG_FMT_LOCAL},
    {.header = N_("end"), .field = "end", .fmt = CG_FMT_LOCAL},
    {.header = N_("week"), .field = "week"},
    {.header = N_("findings"), .field = "findings", .fmt = CG_FMT_COUNT},
    {.header = N_("note"), .field = "note"},
    {.header = N_("submitted by"), .field = "submitted_by"},
    {.header = N_("submitted at"), .field = "submitted_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("voided"), .field = "voided", .fmt = CG_FMT_YESNO},
    {.header = N_("void reason"), .field = "void_reason"},
    {.header = N_("voided by"), .field = "voided_by"},
    {.header = N_("voided at"), .field = "voided_at", .fmt = CG_FMT_LOCAL},
    {0},
};

static const cg_column finding_columns[] = {
    {.header = N_("finding"), .field = "id"},
    {.header = N_("category"), .field = "category_name"},
    {.header = N_("action"), .field = "action"},
    {.header = N_("illegal construction"), .field = "illegal_construction", .fmt = CG_FMT_YESNO},
    {.header = N_("text"), .field = "text"},
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

static const cg_opt id_operand[] = {{.field = "id", .arg = "ID", .help = N_("the patrol's id")},
                                    {0}};

static const cg_request_spec show_spec = {
    .in = {.request = &chengguan__v1__patrol_get__descriptor, .operands = id_operand},
    .columns = patrol_lines,
    .items = "findings",
    .item_columns = finding_columns,
};

/* --- list ------------------------------------------------------------------- */

static const cg_opt list_opts[] = {
    {.field = "compound_id", .option = "compound", .arg = "ID", .help = N_("only this compound")},
    {.field = "unit", .arg = "UNIT", .help = N_("only the compounds of this unit")},
    {.field = "officer_id",
     .option = "officer",
     .arg = "ID",
     .help = N_("only patrols of this officer")},
    {.field = "week",
     .arg = "YYYY-Www",
     .from_text = week_from_text,
     .help = N_("only this ISO week, e.g. 2021-W9")},
    {.field = "from", .arg = "DATE", .help = N_("only patrols starting on or after this day")},
    {.field = "to", .arg = "DATE", .help = N_("only patrols starting on or before this day")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("compound"), .field = "compound_id"},
    {.header = N_("compound name"), .field = "compound_name"},
    {.header = N_("start"), .field = "start", .fmt = CG_FMT_LOCAL},
    {.header = N_("officers"), .field = "officer_names"},
    {.header = N_("findings"), .field = "findings", .fmt = CG_FMT_COUNT},
    {.header = N_("voided"), .field = "voided", .fmt = CG_FMT_FLAG},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__patrol_list__descriptor,
           .opts = list_opts,
           .preset = "{\"limit\": 1000}"},
    .cursor = "after_id",
    .next = "next_after_id",
    .newest_first = 1,
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
    {.field = "week",
     .arg = "YYYY-Www",
     .from_text = week_from_text,
     .help = N_("the ISO week, e.g. 2021-W9; default this week")},
    {.field = "unit", .arg = "UNIT", .help = N_("only the compounds of this unit")},
    {0},
};

static const cg_column due_heading[] = {{.header = N_("week"), .field = "week"}, {0}};

static const cg_column due_columns[] = {
    {.header = N_("compound"), .field = "compound_id"},
    {.header = N_("name"), .field = "compound_name"},
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("grid officer"), .field = "grid_officer_name"},
    {.header = N_("entered"), .field = "entered_on"},
    {.header = N_("last patrol"), .field = "last_patrol_at", .fmt = CG_FMT_LOCAL},
    {0},
};

static const cg_request_spec due_spec = {
    .in = {.request = &chengguan__v1__patrol_due__descriptor, .opts = due_opts},
    .heading = due_heading,
    .rows = "compounds",
    .columns = due_columns,
};

static const cg_opt compliance_opts[] = {
    {.field = "from", .arg = "DATE", .required = 1, .help = N_("count from the week of this day")},
    {.field = "to", .arg = "DATE", .required = 1, .help = N_("to the week of this day")},
    {.field = "unit", .arg = "UNIT", .help = N_("only this unit")},
    {0},
};

static const cg_column compliance_heading[] = {{.header = N_("from week"), .field = "from_week"},
                                               {.header = N_("to week"), .field = "to_week"},
                                               {0}};

static const cg_column compliance_columns[] = {
    /* the unit's name, 合计 on the total row */
    {.header = N_("unit"), .field = "unit_name"},
    {.header = N_("due"), .field = "due"},
    {.header = N_("patrolled"), .field = "patrolled"},
    {.header = N_("share"), .field = "share", .fmt = CG_FMT_PERCENT},
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
            "[--finding CATEGORY:TEXT[:ACTION][:illegal_construction]]... [--note TEXT]",
    .summary = N_("record a patrol of a compound, with what was found"),
    .help = N_("Records a patrol of an entered compound by officers of its unit.\n"
               "TS is YYYY-MM-DDTHH:MM[:SS] (a space for T is fine) with an optional UTC\n"
               "offset (Z, +08:00); without one it is Beijing time. 'now' is the current\n"
               "instant. The end may not be before the start, more than 5 minutes ahead,\n"
               "or more than 24 h after the start.\n"
               "--finding, once per thing seen: CATEGORY a violation code 1-10, TEXT what\n"
               "it was, ACTION one of stopped_on_site, case_needed, referred, none\n"
               "(default none); a last ':illegal_construction' marks an illegal\n"
               "construction, category 2 only. TEXT may hold ':'; the part after\n"
               "the last ':' is the ACTION or the mark only when it is one of these words.\n"
               "Prints the patrol as stored with its findings and their ids, which a\n"
               "case cites (--json: one object).\n\n"),
    .run = cg_request_run,
    .spec = &submit_spec,
};

static const cg_cli_command show = {
    .name = "patrol show",
    .args = "ID",
    .summary = N_("show a patrol with its findings"),
    .help = N_("Shows a patrol, then its findings with their ids (--json: one object).\n\n"),
    .run = cg_request_run,
    .spec = &show_spec,
};

static const cg_cli_command list = {
    .name = "patrol list",
    .args = "[--compound ID] [--unit UNIT] [--officer ID] [--week YYYY-Www] [--from DATE] "
            "[--to DATE]",
    .summary = N_("list patrols, newest first, with filters"),
    .help = N_("Lists the patrols of the compounds this account may see, newest first\n"
               "(start in Beijing time; --json: one object per patrol). Filters combine;\n"
               "days and weeks are those of Asia/Shanghai.\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command due = {
    .name = "patrol due",
    .args = "[--week YYYY-Www] [--unit UNIT]",
    .summary = N_("entered compounds with no patrol yet in a week"),
    .help = N_("Lists the entered, open compounds with no patrol in the ISO week (Monday\n"
               "to Sunday, Asia/Shanghai; this week by default), after a line naming the\n"
               "week answered (--json: {\"week\": ...} first, then one object per compound).\n\n"),
    .run = cg_request_run,
    .spec = &due_spec,
};

static const cg_cli_command compliance = {
    .name = "patrol compliance",
    .args = "--from DATE --to DATE [--unit UNIT]",
    .summary = N_("per unit: compound-weeks due, patrolled, and the share"),
    .help = N_("Counts, per unit and in total, the compound-weeks due from the week of\n"
               "--from to the week of --to (a compound is due every week after the week\n"
               "it was entered, while open) and those with at least one patrol.\n"
               "--json: {\"from_week\", \"to_week\"} first, one object per unit, then the\n"
               "total (unit \"\").\n\n"),
    .run = cg_request_run,
    .spec = &compliance_spec,
};

static const cg_cli_command void_cmd = {
    .name = "patrol void",
    .args = "ID --reason TEXT",
    .summary = N_("void a patrol recorded by mistake (kept, counted nowhere)"),
    .help = N_("Voids a patrol recorded by mistake: it is never deleted; it stays\n"
               "in lists and show, marked voided with who, when and why, and counts in\n"
               "no figure (patrol due, compliance). Once.\n\n"),
    .run = cg_request_run,
    .spec = &void_spec,
};

static const cg_cli_command *const subcommands[] = {&submit,     &show,     &list, &due,
                                                    &compliance, &void_cmd, NULL};

const cg_cli_command cg_cli_cmd_patrol = {
    .name = "patrol",
    .summary = N_("weekly patrols"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
