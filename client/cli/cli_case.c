/* chengguan case ...: enforcement cases (行政处罚案件): opened from a patrol
 * finding, a report, a resident's request or directly, moved through the
 * workflow to a verified close, with every step in the case's timeline.
 * (The generic runner of one protocol request is cli_request.c.) */
#include "i18n.h"
#include "cli.h"
#include "category_text.h"
#include "cli_request.h"
#include "cli_case_evidence.h"
#include "penalty_text.h"

#include "chengguan/v1/cases.pb-c.h"

#include <stdio.h>
#include <string.h>

/* --- one case with its timeline ------------------------------------------ */

static const cg_column case_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("compound"), .field = "compound_id"},
    {.header = N_("compound name"), .field = "compound_name"},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("category"), .field = "category_name"},
    {.header = N_("illegal construction"), .field = "illegal_construction", .fmt = CG_FMT_YESNO},
    {.header = N_("source"), .field = "source"},
    {.header = N_("finding"), .field = "finding_id", .fmt = CG_FMT_ID},
    {.header = N_("report"), .field = "report_id", .fmt = CG_FMT_ID},
    {.header = N_("request"), .field = "request_id", .fmt = CG_FMT_ID},
    {.header = N_("summary"), .field = "summary"},
    {.header = N_("location"), .field = "location"},
    {.header = N_("party"), .field = "party"},
    {.header = N_("state"), .field = "state"},
    {.header = N_("version"), .field = "version"},
    {.header = N_("source seen at"), .field = "source_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("registration due"), .field = "registration_due"},
    {.header = N_("registered at"), .field = "registered_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("registered late"), .field = "registered_late", .fmt = CG_FMT_YESNO},
    {.header = N_("opened by"), .field = "opened_by"},
    {.header = N_("in this state since"), .field = "state_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("penalty"), .field = "penalty"},
    {.header = N_("fine (yuan)"), .field = "fine_yuan"},
    {.header = N_("rectify due"), .field = "deadline"},
    {.header = N_("closing due"), .field = "closing_due"},
    {.header = N_("department"), .field = "department"},
    {.header = N_("reason"), .field = "reason"},
    {.header = N_("rework"), .field = "rework"},
    {.header = N_("closed at"), .field = "closed_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("overdue"), .field = "overdue", .fmt = CG_FMT_YESNO},
    {.header = N_("next states"), .field = "next_states"},
    {0},
};

static const cg_column timeline_columns[] = {
    {.header = N_("version"), .field = "version"},
    {.header = N_("at"), .field = "at", .fmt = CG_FMT_LOCAL},
    {.header = N_("recorded at"), .field = "recorded_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("kind"), .field = "kind"},
    {.header = N_("state"), .field = "to_state"},
    {.header = N_("account"), .field = "account"},
    {.header = N_("penalty"), .field = "penalty"},
    {.header = N_("fine (yuan)"), .field = "fine_yuan"},
    {.header = N_("deadline"), .field = "deadline"},
    {.header = N_("department"), .field = "department"},
    {.header = N_("checked by"), .field = "officer_name"},
    {.header = N_("passed"), .field = "passed", .fmt = CG_FMT_YESNO, .only_when = "kind=verified"},
    {.header = N_("attachment"), .field = "attachment_name"},
    {.header = N_("note"), .field = "note"},
    {0},
};

static const cg_opt id_operand[] = {{.field = "id", .arg = "ID", .help = N_("the case's id")}, {0}};

/* --- open ---------------------------------------------------------------- */

static const cg_opt open_values[] = {
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
    {.field = "illegal_construction", .help = N_("illegal construction (only with category 2)")},
    {.field = "source",
     .arg = "SOURCE",
     .help = N_("patrol, report, request, hotline, supervision or co_construction_day "
                "(default: from the item it comes from)")},
    {.field = "finding_id",
     .option = "from-finding",
     .arg = "ID",
     .help = N_("the patrol finding it comes from")},
    {.field = "report_id",
     .option = "from-report",
     .arg = "ID",
     .help = N_("the report it comes from (resolved case_needed)")},
    {.field = "request_id",
     .option = "from-request",
     .arg = "ID",
     .help = N_("the resident's request it comes from")},
    {.field = "summary",
     .required = 1,
     .help = N_("what the case is about, up to 2000 characters")},
    {.field = "location", .help = N_("where in the compound, up to 200 characters")},
    {.field = "party", .arg = "NAME", .help = N_("the person or firm responsible")},
    {0},
};

static const cg_opt at_opt[] = {
    {.field = "at",
     .arg = "TIME",
     .help = N_("when it happened, for paper records entered later (default: now)")},
    {0},
};

static const cg_request_spec open_spec = {
    .in = {.request = &chengguan__v1__case_open__descriptor,
           .opts = at_opt,
           .values = "case_file",
           .value_opts = open_values},
    .columns = case_lines,
};

/* --- move, verify, reopen -------------------------------------------------- */

static const cg_opt move_opts[] = {
    {.field = "to",
     .arg = "STATE",
     .required = 1,
     .help = N_("investigating, decided, rectifying, closed, rejected or transferred")},
    {.field = "expected_version",
     .option = "version",
     .arg = "N",
     .help = N_("the version you saw: refused when someone moved it meanwhile")},
    {.field = "note", .help = N_("a note for the file, up to 2000 characters")},
    {.field = "penalty",
     .arg = "KIND[,KIND...]",
     .from_text = cg_penalty_from_text,
     .help = N_("to decided: warning, fine, rectify or demolish (a list, or repeated)")},
    {.field = "fine_yuan",
     .option = "fine",
     .arg = "YUAN",
     .help = N_("to decided: the fine in yuan")},
    {.field = "deadline",
     .arg = "DATE",
     .help = N_("to decided: the rectification deadline, not before the decision")},
    {.field = "department", .arg = "NAME", .help = N_("to transferred: the receiving department")},
    {.field = "reason", .help = N_("to rejected: why it is not registered")},
    {.field = "at",
     .arg = "TIME",
     .help = N_("when it happened, for paper records entered later (default: now)")},
    {0},
};

static const cg_request_spec move_spec = {
    .in = {.request = &chengguan__v1__case_move__descriptor,
           .operands = id_operand,
           .opts = move_opts},
    .columns = case_lines,
};

static const cg_opt verify_opts[] = {
    {.field = "passed", .help = N_("the rectification passed (without it: failed, rework)")},
    {.field = "officer_id",
     .option = "officer",
     .arg = "ID",
     .required = 1,
     .help = N_("the officer who checked, of the case's unit")},
    {.field = "expected_version",
     .option = "version",
     .arg = "N",
     .help = N_("the version you saw: refused when someone moved it meanwhile")},
    {.field = "note", .help = N_("what was found (required when it failed)")},
    {.field = "at", .arg = "TIME", .help = N_("when it was checked (default: now)")},
    {0},
};

static const cg_request_spec verify_spec = {
    .in = {.request = &chengguan__v1__case_verify__descriptor,
           .operands = id_operand,
           .opts = verify_opts},
    .columns = case_lines,
};

static const cg_opt reopen_opts[] = {
    {.field = "reason", .required = 1, .help = N_("how the violation came back")},
    {.field = "deadline",
     .arg = "DATE",
     .required = 1,
     .help = N_("the new rectification deadline, not before the reopening")},
    {.field = "expected_version",
     .option = "version",
     .arg = "N",
     .help = N_("the version you saw: refused when someone moved it meanwhile")},
    {.field = "at", .arg = "TIME", .help = N_("when it came back (default: now)")},
    {0},
};

static const cg_request_spec reopen_spec = {
    .in = {.request = &chengguan__v1__case_reopen__descriptor,
           .operands = id_operand,
           .opts = reopen_opts},
    .columns = case_lines,
};

static const cg_request_spec show_spec = {
    .in = {.request = &chengguan__v1__case_get__descriptor, .operands = id_operand},
    .columns = case_lines,
    .items = "timeline",
    .item_columns = timeline_columns,
};

/* --- list and stats -------------------------------------------------------- */

static const cg_opt list_opts[] = {
    {.field = "unit", .arg = "UNIT", .help = N_("only cases of this unit")},
    {.field = "compound_id",
     .option = "compound",
     .arg = "ID",
     .help = N_("only cases of this compound")},
    {.field = "category",
     .arg = "N|NAME",
     .from_text = cg_category_from_text,
     .help = N_("only cases of this violation category")},
    {.field = "state", .arg = "STATE", .help = N_("only cases in this state")},
    {.field = "source", .arg = "SOURCE", .help = N_("only cases from this source")},
    {.field = "overdue",
     .help = N_(
         "only cases past their closing limit, or their rectification deadline while rectifying")},
    {.field = "from", .arg = "DATE", .help = N_("registered on or after this date")},
    {.field = "to", .arg = "DATE", .help = N_("registered on or before this date")},
    {.field = "illegal_construction", .help = N_("only illegal construction")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("compound name"), .field = "compound_name"},
    {.header = N_("category"), .field = "category_name"},
    {.header = N_("source"), .field = "source"},
    {.header = N_("state"), .field = "state"},
    {.header = N_("registered at"), .field = "registered_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("rectify due"), .field = "deadline"},
    {.header = N_("closing due"), .field = "closing_due"},
    {.header = N_("overdue"), .field = "overdue", .fmt = CG_FMT_FLAG},
    {.header = N_("rework"), .field = "rework"},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__case_list__descriptor,
           .opts = list_opts,
           .preset = "{\"limit\": 1000}"},
    .cursor = "after_id",
    .next = "next_after_id",
    .newest_first = 1,
    .rows = "cases",
    .columns = list_columns,
};

static const cg_opt stats_opts[] = {
    {.field = "from", .arg = "DATE", .required = 1, .help = N_("the first day of the period")},
    {.field = "to", .arg = "DATE", .required = 1, .help = N_("the last day of the period")},
    {.field = "unit", .arg = "UNIT", .help = N_("only this unit")},
    {0},
};

static const cg_column stats_columns[] = {
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("category"), .field = "category_name"},
    {.header = N_("opened"), .field = "opened"},
    {.header = N_("closed"), .field = "closed"},
    {.header = N_("rejected"), .field = "rejected"},
    {.header = N_("transferred"), .field = "transferred"},
    {.header = N_("rework"), .field = "rework"},
    {.header = N_("fines (yuan)"), .field = "fines_yuan"},
    {.header = N_("open at end"), .field = "open_at_end"},
    {.header = N_("registered late"), .field = "registered_late"},
    {0},
};

static const cg_request_spec stats_spec = {
    .in = {.request = &chengguan__v1__case_stats__descriptor, .opts = stats_opts},
    .rows = "rows",
    .columns = stats_columns,
    .total = "total",
};

/* --- the group ---------------------------------------------------------------- */

static const cg_cli_command open_cmd = {
    .name = "case open",
    .args = "--compound ID --category N|NAME [--illegal-construction] [--source SOURCE] "
            "[--from-finding ID | --from-report ID | --from-request ID] --summary TEXT "
            "[--location TEXT] [--party NAME] [--at TIME]",
    .summary = N_("open an enforcement case on a compound"),
    .help = N_("Registers a case on a compound of this account's unit, directly or\n"
               "from a patrol finding, a report or a resident's request. A report must be\n"
               "acknowledged; opening the case resolves it case_needed and links both ways.\n"
               "Prints the case as stored (times in Beijing time; --json: one object).\n\n"),
    .run = cg_request_run,
    .spec = &open_spec,
};

static const cg_cli_command move_cmd = {
    .name = "case move",
    .args = "ID --to STATE [--version N] [--note TEXT] [--penalty KIND]... [--fine YUAN] "
            "[--deadline DATE] [--department NAME] [--reason TEXT] [--at TIME]",
    .summary = N_("move a case to its next state"),
    .help = N_("Moves a case one step: registered -> investigating -> decided ->\n"
               "rectifying -> (case verify) -> verified -> closed; registered -> rejected\n"
               "(--reason); registered or investigating -> transferred (--department).\n"
               "A decision needs a penalty (warning, fine with --fine, rectify, demolish)\n"
               "and, to rectify or demolish, a --deadline. A move the workflow does not\n"
               "allow is refused with the states it may move to.\n\n"),
    .run = cg_request_run,
    .spec = &move_spec,
};

static const cg_cli_command verify_cmd = {
    .name = "case verify",
    .args = "ID --officer ID [--passed] [--note TEXT] [--version N] [--at TIME]",
    .summary = N_("record the check of a rectification"),
    .help = N_("Records who checked a rectifying case, when, and whether it passed. Passed:\n"
               "the case is verified and may be closed. Failed: it stays rectifying and\n"
               "counts as rework.\n\n"),
    .run = cg_request_run,
    .spec = &verify_spec,
};

static const cg_cli_command reopen_cmd = {
    .name = "case reopen",
    .args = "ID --reason TEXT --deadline DATE [--version N] [--at TIME]",
    .summary = N_("reopen a closed case whose violation came back"),
    .help = N_("Sends a case closed within the last 90 days back to rectifying with a new\n"
               "rectification deadline; counts as rework. Its closing limit is counted\n"
               "again from the reopening, and its escalation starts again.\n\n"),
    .run = cg_request_run,
    .spec = &reopen_spec,
};

static const cg_cli_command show_cmd = {
    .name = "case show",
    .args = "ID",
    .summary = N_("show a case with its timeline"),
    .help = N_("Shows a case, then every step of its timeline: when it happened, when it was\n"
               "recorded, who, and the decision, transfer, verification or note (times in\n"
               "Beijing time; --json: one object with the timeline).\n\n"),
    .run = cg_request_run,
    .spec = &show_spec,
};

static const cg_cli_command list_cmd = {
    .name = "case list",
    .args = "[--unit UNIT] [--compound ID] [--category N|NAME] [--state STATE] [--source SOURCE] "
            "[--overdue] [--from DATE] [--to DATE] [--illegal-construction]",
    .summary = N_("list cases, newest first, with filters"),
    .help = N_("Lists the cases this account may see, newest first (--json: one object per\n"
               "case, without timelines). Filters combine.\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command stats_cmd = {
    .name = "case stats",
    .args = "--from DATE --to DATE [--unit UNIT]",
    .summary = N_("count cases per unit and category over a period"),
    .help = N_("Per unit and category: cases registered, closed, rejected and transferred in\n"
               "the period, rework, fines decided, and cases still open at its end (each by\n"
               "the time the step happened), then the total.\n\n"),
    .run = cg_request_run,
    .spec = &stats_spec,
};

static const cg_cli_command *const subcommands[] = {&open_cmd,
                                                    &move_cmd,
                                                    &verify_cmd,
                                                    &reopen_cmd,
                                                    &show_cmd,
                                                    &list_cmd,
                                                    &stats_cmd,
                                                    &cg_cli_case_attach,
                                                    &cg_cli_case_attachments,
                                                    &cg_cli_case_download,
                                                    NULL};

const cg_cli_command cg_cli_cmd_case = {
    .name = "case",
    .summary = N_("enforcement cases: open, move, verify, list, evidence"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
