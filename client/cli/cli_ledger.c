/* chengguan ledger summary: per unit, how far the ledger has come. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"

#include "chengguan/v1/ledger.pb-c.h"

static const cg_opt summary_opts[] = {
    {.field = "unit", .arg = "UNIT", .help = N_("only this unit")},
    {0},
};

static const cg_column summary_columns[] = {
    /* the unit's name, 合计 on the total row */
    {.header = N_("unit"), .field = "unit_name"},
    {.header = N_("compounds"), .field = "compounds"},
    {.header = N_("entered"), .field = "entered"},
    {.header = N_("boards"), .field = "with_board"},
    {.header = N_("complete"), .field = "complete"},
    {.header = N_("demo"), .field = "demo"},
    {.header = N_("entered %"), .field = "entered_share", .fmt = CG_FMT_PERCENT},
    {.header = N_("boards %"), .field = "board_share", .fmt = CG_FMT_PERCENT},
    {.header = N_("complete %"), .field = "complete_share", .fmt = CG_FMT_PERCENT},
    {0},
};

static const cg_request_spec summary_spec = {
    .in = {.request = &chengguan__v1__ledger_summary__descriptor, .opts = summary_opts},
    .rows = "units",
    .columns = summary_columns,
    .total = "total",
};

static const cg_cli_command summary = {
    .name = "ledger summary",
    .args = "[--unit UNIT]",
    .summary = N_("per unit: compounds, entered, notice boards, complete records, demo"),
    .help = N_("Counts the open compounds of each unit in scope: entered, with a\n"
               "complete notice board, with a complete ledger record, demonstration\n"
               "compounds, and the three shares as percentages; then the total row.\n"
               "--json: one object per unit, then the total as the last object.\n\n"),
    .run = cg_request_run,
    .spec = &summary_spec,
};

static const cg_cli_command *const subcommands[] = {&summary, NULL};

const cg_cli_command cg_cli_cmd_ledger = {
    .name = "ledger",
    .summary = N_("ledger figures"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
