/* chengguan suggestion ...: the opinions and suggestions made at
 * co-construction days (recorded with `meeting record`), each answered once
 * by the unit, saying whether it was adopted. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"

#include "chengguan/v1/mechanism.pb-c.h"

static const cg_column suggestion_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("co-construction day"), .field = "meeting_id", .fmt = CG_FMT_ID},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("made on"), .field = "made_on"},
    {.header = N_("suggestion"), .field = "text"},
    {.header = N_("adopted"), .field = "adopted", .fmt = CG_FMT_ENUM},
    {.header = N_("answer"), .field = "answer"},
    {.header = N_("answered at"), .field = "answered_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("answered by"), .field = "answered_by"},
    {0},
};

static const cg_opt id_operand[] = {{.field = "id", .arg = "ID", .help = N_("the suggestion")},
                                    {0}};

static const cg_opt answer_opts[] = {
    {.field = "text",
     .arg = "TEXT",
     .required = 1,
     .help = N_("the answer given, up to 2000 characters")},
    {.field = "adopted",
     .arg = "yes|no|partly",
     .required = 1,
     .help = N_("whether it was adopted")},
    {0},
};

static const cg_request_spec answer_spec = {
    .in = {.request = &chengguan__v1__suggestion_answer__descriptor,
           .operands = id_operand,
           .opts = answer_opts},
    .columns = suggestion_lines,
};

static const cg_opt list_opts[] = {
    {.field = "open", .help = N_("only the unanswered suggestions")},
    {.field = "unit", .arg = "UNIT", .help = N_("only the suggestions made to this unit")},
    {.field = "meeting_id",
     .option = "meeting",
     .arg = "ID",
     .help = N_("only those of this co-construction day")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("made on"), .field = "made_on"},
    {.header = N_("suggestion"), .field = "text"},
    {.header = N_("adopted"), .field = "adopted", .fmt = CG_FMT_ENUM},
    {.header = N_("answer"), .field = "answer"},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__suggestion_list__descriptor, .opts = list_opts},
    .cursor = "after_id",
    .next = "next_after_id",
    .newest_first = 1,
    .rows = "suggestions",
    .columns = list_columns,
};

static const cg_cli_command answer = {
    .name = "suggestion answer",
    .args = "ID --text TEXT --adopted yes|no|partly",
    .summary = N_("answer a suggestion of a co-construction day (the unit)"),
    .help = N_("Answers a suggestion made at one of this unit's co-construction days, once.\n\n"),
    .run = cg_request_run,
    .spec = &answer_spec,
};

static const cg_cli_command list = {
    .name = "suggestion list",
    .args = "[--open] [--unit UNIT] [--meeting ID]",
    .summary = N_("list suggestions of co-construction days, newest first"),
    .help = N_("Lists the suggestions this account may see, newest first; --open: only\n"
               "those not answered yet.\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command *const subcommands[] = {&answer, &list, NULL};

const cg_cli_command cg_cli_cmd_suggestion = {
    .name = "suggestion",
    .summary = N_("suggestions made at co-construction days, and their answers"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
