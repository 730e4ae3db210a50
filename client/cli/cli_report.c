/* chengguan report ...: rapid handling (快速处置): what a property company
 * reports, the grid officer stepping in, and how it ended. The escalation
 * ladder runs on the server; its steps show in a report's timeline. (The
 * generic runner of one protocol request is cli_request.c.) */
#include "i18n.h"
#include "cli.h"
#include "category_text.h"
#include "cli_request.h"

#include "chengguan/v1/reports.pb-c.h"

#include <stdio.h>
#include <string.h>

/* --- values written in a form of their own ----------------------------- */

static const char *const outcomes[] = {"stopped", "case_needed", "unfounded", "referred", NULL};

/* --outcome: one of outcomes, as the protocol spells them. */
static const char *outcome_from_text(const char *text, json_t **out)
{
    *out = NULL;
    for (size_t i = 0; outcomes[i] != NULL; i++) {
        if (strcmp(text, outcomes[i]) == 0) {
            *out = json_string(text);
            return *out != NULL ? NULL : _("out of memory");
        }
    }
    return _("not stopped, case_needed, unfounded or referred");
}

/* --- one report with its timeline ---------------------------------------- */

/* A report for people, instants in Beijing time. */
static const cg_column report_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("compound"), .field = "compound_id"},
    {.header = N_("compound name"), .field = "compound_name"},
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("grid officer"), .field = "grid_officer_name"},
    {.header = N_("grid officer id"), .field = "grid_officer_id", .fmt = CG_FMT_ID},
    {.header = N_("category"), .field = "category_name"},
    {.header = N_("text"), .field = "text"},
    {.header = N_("location"), .field = "location"},
    {.header = N_("dissuasion failed"), .field = "dissuasion_failed", .fmt = CG_FMT_YESNO},
    {.header = N_("illegal construction"), .field = "illegal_construction", .fmt = CG_FMT_YESNO},
    {.header = N_("reporter"), .field = "reporter"},
    {.header = N_("filed at"), .field = "filed_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("status"), .field = "status"},
    {.header = N_("level"), .field = "level"},
    {.header = N_("ack due"), .field = "ack_due", .fmt = CG_FMT_LOCAL},
    {.header = N_("supervision due"), .field = "supervision_due", .fmt = CG_FMT_LOCAL},
    {.header = N_("resolve due"), .field = "resolve_due", .fmt = CG_FMT_LOCAL},
    {.header = N_("acknowledged at"), .field = "acknowledged_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("acknowledged by"), .field = "acknowledged_by"},
    {.header = N_("officer"), .field = "officer_name"},
    {.header = N_("officer id"), .field = "officer_id", .fmt = CG_FMT_ID},
    {.header = N_("resolved at"), .field = "resolved_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("outcome"), .field = "outcome"},
    {.header = N_("resolve note"), .field = "resolve_note"},
    {.header = N_("duplicates"), .field = "duplicates"},
    {.header = N_("work order"), .field = "work_order"},
    {.header = N_("nobody to call"), .field = "nobody_to_call", .fmt = CG_FMT_YESNO},
    {0},
};

static const cg_column timeline_columns[] = {
    {.header = N_("at"), .field = "at", .fmt = CG_FMT_LOCAL},
    {.header = N_("kind"), .field = "kind"},
    {.header = N_("account"), .field = "account"},
    {.header = N_("level"), .field = "level"},
    {.header = N_("note"), .field = "note"},
    {0},
};

/* A submission the server attached to an open report (dedup) says so. */
static int attached_remark(const json_t *reply, char *buf, size_t len)
{
    if (!json_is_true(json_object_get(reply, "attached")))
        return 0;
    snprintf(buf, len, "attached to open report %lld",
             (long long)json_integer_value(json_object_get(reply, "id")));
    return 1;
}

static const cg_opt submit_opts[] = {
    {.field = "compound_id",
     .option = "compound",
     .arg = "ID",
     .required = 1,
     .help = N_("the compound it happens in")},
    {.field = "category",
     .arg = "N|NAME",
     .required = 1,
     .from_text = cg_category_from_text,
     .help = N_("the violation: its code 1-10 or its name (chengguan categories)")},
    {.field = "text", .required = 1, .help = N_("what is happening, up to 2000 characters")},
    {.field = "dissuasion_failed",
     .help = N_("the property company tried to stop it and could not")},
    {.field = "illegal_construction", .help = N_("illegal construction (only with category 2)")},
    {.field = "location", .help = N_("where in the compound, up to 200 characters")},
    {.field = "work_order",
     .arg = "NUMBER",
     .help = N_("the hotline's own work-order number (hotline only)")},
    {0},
};

static const cg_request_spec submit_spec = {
    .in = {.request = &chengguan__v1__report_submit__descriptor,
           .values = "report",
           .value_opts = submit_opts},
    .columns = report_lines,
    .remark = attached_remark,
};

static const cg_opt id_operand[] = {{.field = "id", .arg = "ID", .help = N_("the report's id")},
                                    {0}};

static const cg_request_spec show_spec = {
    .in = {.request = &chengguan__v1__report_get__descriptor, .operands = id_operand},
    .columns = report_lines,
    .items = "timeline",
    .item_columns = timeline_columns,
};

static const cg_opt ack_opts[] = {
    {.field = "officer_id",
     .option = "officer",
     .arg = "ID",
     .required = 1,
     .help = N_("the officer who steps in, of the report's unit")},
    {0},
};

static const cg_request_spec ack_spec = {
    .in = {.request = &chengguan__v1__report_ack__descriptor,
           .operands = id_operand,
           .opts = ack_opts},
    .columns = report_lines,
};

static const cg_opt resolve_opts[] = {
    {.field = "outcome",
     .arg = "OUTCOME",
     .required = 1,
     .from_text = outcome_from_text,
     .help = N_("stopped, case_needed, unfounded or referred")},
    {.field = "note", .required = 1, .help = N_("what was done, up to 2000 characters")},
    {0},
};

static const cg_request_spec resolve_spec = {
    .in = {.request = &chengguan__v1__report_resolve__descriptor,
           .operands = id_operand,
           .opts = resolve_opts},
    .columns = report_lines,
};

/* --- list ------------------------------------------------------------------- */

static const cg_opt list_opts[] = {
    {.field = "open", .help = N_("only reports not resolved")},
    {.field = "unit", .arg = "UNIT", .help = N_("only reports routed to this unit")},
    {.field = "level",
     .arg = "N",
     .help = N_("only reports escalated to level N (1 or 2) or above")},
    {.field = "work_order",
     .arg = "NUMBER",
     .help = N_("only the report with this work-order number")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("compound"), .field = "compound_id"},
    {.header = N_("compound name"), .field = "compound_name"},
    {.header = N_("category"), .field = "category_name"},
    {.header = N_("status"), .field = "status"},
    {.header = N_("level"), .field = "level"},
    {.header = N_("filed"), .field = "filed_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("ack due"), .field = "ack_due", .fmt = CG_FMT_LOCAL},
    {.header = N_("duplicates"), .field = "duplicates"},
    {.header = N_("nobody to call"), .field = "nobody_to_call", .fmt = CG_FMT_FLAG},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__report_list__descriptor,
           .opts = list_opts,
           .preset = "{\"limit\": 1000}"},
    .cursor = "after_id",
    .next = "next_after_id",
    .newest_first = 1,
    .rows = "reports",
    .columns = list_columns,
};

/* --- the group ---------------------------------------------------------------- */

static const cg_cli_command submit = {
    .name = "report submit",
    .args = "--compound ID --category N|NAME --text TEXT [--dissuasion-failed] "
            "[--illegal-construction] [--location TEXT] [--work-order NUMBER]",
    .summary = N_("report a violation in a compound to its grid officer and unit"),
    .help = N_("Files a report as a property company, or as a unit or hq on its\n"
               "behalf, or as the hotline with its work-order number. It goes to the\n"
               "compound's grid officer and unit and climbs the escalation ladder until\n"
               "acknowledged. A report of the same compound and category while one is\n"
               "open within the server's dedup_window is attached to the open one (not\n"
               "one with a work-order number): the command then says 'attached to open\n"
               "report N' and prints that report.\n"
               "Prints the report as stored (times in Beijing time; --json: one object).\n\n"),
    .run = cg_request_run,
    .spec = &submit_spec,
};

static const cg_cli_command show = {
    .name = "report show",
    .args = "ID",
    .summary = N_("show a report with its timeline"),
    .help = N_("Shows a report, then its timeline: filed, duplicates, escalations,\n"
               "reminders, acknowledged, resolved (times in Beijing time; --json: one\n"
               "object with the timeline).\n\n"),
    .run = cg_request_run,
    .spec = &show_spec,
};

static const cg_cli_command list = {
    .name = "report list",
    .args = "[--open] [--unit UNIT] [--level N] [--work-order NUMBER]",
    .summary = N_("list reports, newest first, with filters"),
    .help = N_("Lists the reports this account may see, newest first (times in Beijing\n"
               "time; --json: one object per report, without timelines). Filters combine.\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command ack = {
    .name = "report ack",
    .args = "ID --officer ID",
    .summary = N_("acknowledge a report: an officer of the unit steps in"),
    .help = N_(
        "Acknowledges an open report: the officer, of the report's unit, steps in.\n"
        "Stops the acknowledgement steps of the ladder and starts the resolve\n"
        "deadline.\nPrints the report as stored (times in Beijing time; --json: one object).\n\n"),
    .run = cg_request_run,
    .spec = &ack_spec,
};

static const cg_cli_command resolve = {
    .name = "report resolve",
    .args = "ID --outcome stopped|case_needed|unfounded|referred --note TEXT",
    .summary = N_("resolve an acknowledged report with its outcome"),
    .help = N_("Resolves an acknowledged report and stops every step of the ladder.\n"
               "OUTCOME: stopped, case_needed (a case is to be opened), unfounded or\n"
               "referred (handed to another department).\nPrints the report as "
               "stored (times in Beijing time; --json: one object).\n\n"),
    .run = cg_request_run,
    .spec = &resolve_spec,
};

static const cg_cli_command *const subcommands[] = {&submit, &show, &list, &ack, &resolve, NULL};

const cg_cli_command cg_cli_cmd_report = {
    .name = "report",
    .summary = N_("reports from property companies and their quick handling"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
