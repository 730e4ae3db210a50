/* chengguan practice ...: good practices (好做法好经验) of the units and the
 * write-ups of demonstration compounds (示范小区, marked by `compound demo`)
 * with the criteria they meet. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"
#include "text_file.h"

#include "chengguan/v1/mechanism.pb-c.h"

static const cg_column practice_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("compound"), .field = "compound_id", .fmt = CG_FMT_ID},
    {.header = N_("compound name"), .field = "compound_name"},
    {.header = N_("title"), .field = "title"},
    {.header = N_("criteria"), .field = "criteria"},
    {.header = N_("date"), .field = "date"},
    {.header = N_("write-up"), .field = "write_up"},
    {.header = N_("recorded at"), .field = "recorded_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("recorded by"), .field = "recorded_by"},
    {0},
};

static const cg_opt add_fields[] = {
    {.field = "unit", .arg = "UNIT", .help = N_("the unit (hq: required)")},
    {.field = "title", .arg = "TEXT", .required = 1, .help = N_("its title, up to 100 characters")},
    {.field = "write_up",
     .arg = "FILE",
     .required = 1,
     .help = N_("the write-up, a UTF-8 text file ('-': standard input)"),
     .from_text = cg_text_file},
    {.field = "compound_id",
     .option = "compound",
     .arg = "ID",
     .help = N_("a demonstration compound of the unit it is about")},
    {.field = "criteria",
     .arg = "CRITERION",
     .help = N_("with --compound: a criterion it meets, a code or a name as in \"管理有序\" "
                "(again for more)")},
    {.field = "date", .arg = "DATE", .help = N_("the day it was written (default today)")},
    {0},
};

static const cg_request_spec add_spec = {
    .in = {.request = &chengguan__v1__practice_add__descriptor,
           .values = "practice",
           .value_opts = add_fields},
    .columns = practice_lines,
};

static const cg_opt list_opts[] = {
    {.field = "unit", .arg = "UNIT", .help = N_("only this unit's")},
    {.field = "demo", .help = N_("only write-ups of demonstration compounds")},
    {.field = "compound_id",
     .option = "compound",
     .arg = "ID",
     .help = N_("only those about this compound")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("date"), .field = "date"},
    {.header = N_("title"), .field = "title"},
    {.header = N_("compound name"), .field = "compound_name"},
    {.header = N_("criteria"), .field = "criteria"},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__practice_list__descriptor, .opts = list_opts},
    .cursor = "after_id",
    .next = "next_after_id",
    .newest_first = 1,
    .rows = "practices",
    .columns = list_columns,
};

static const cg_cli_command add = {
    .name = "practice add",
    .args = "--title TEXT --write-up FILE [--unit UNIT] [--compound ID --criteria C...] "
            "[--date DATE]",
    .summary = N_("record a good practice or a demonstration compound's write-up"),
    .help = N_("Records a good practice of the unit; with --compound, the write-up of one\n"
               "of its demonstration compounds and the criteria it meets: orderly_management,\n"
               "complete_service, clean_environment, civil_harmony, notice_board_set,\n"
               "ledger_complete, zero_illegal_construction, monthly_co_construction (the\n"
               "codes, or their names in Chinese).\n\n"),
    .run = cg_request_run,
    .spec = &add_spec,
};

static const cg_cli_command list = {
    .name = "practice list",
    .args = "[--unit UNIT] [--demo] [--compound ID]",
    .summary = N_("list good practices and demonstration compounds, newest first"),
    .help = N_("Lists the good practices and demonstration-compound write-ups this account\n"
               "may see, newest first.\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command *const subcommands[] = {&add, &list, NULL};

const cg_cli_command cg_cli_cmd_practice = {
    .name = "practice",
    .summary = N_("good practices and demonstration compounds"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
