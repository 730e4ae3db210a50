/* chengguan grid ...: which officer is the grid officer (网格员) of which compound. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"
#include "compound_view.h"

#include "chengguan/v1/ledger.pb-c.h"

static const cg_opt assign_operands[] = {
    {.field = "compound_id", .arg = "COMPOUND", .help = N_("the compound's id")},
    {0},
};

static const cg_opt assign_opts[] = {
    {.field = "officer_id",
     .option = "officer",
     .arg = "ID",
     .required = 1,
     .help = N_("the officer's id (officer list), of the unit that owns the district")},
    {.field = "since",
     .arg = "YYYY-MM-DD",
     .help = N_("back-dated: the officer has had the compound since this day")},
    {.field = "reason", .help = N_("why, kept in the history (e.g. for --since)")},
    {0},
};

static const cg_request_spec assign_spec = {
    .in = {.request = &chengguan__v1__grid_assign__descriptor,
           .operands = assign_operands,
           .opts = assign_opts},
    .columns = cg_compound_lines,
};

static const cg_opt show_opts[] = {
    {.field = "unit", .arg = "UNIT", .help = N_("only the grid of this unit")},
    {0},
};

static const cg_column show_columns[] = {
    {.header = N_("officer"), .field = "officer_name"},
    {.header = N_("phone"), .field = "officer_phone"},
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("compound id"), .field = "compound_id", .fmt = CG_FMT_ID},
    {.header = N_("compound name"), .field = "compound_name"},
    {.header = N_("since"), .field = "since"},
    {.header = N_("recorded"), .field = "assigned_at", .fmt = CG_FMT_LOCAL},
    {0},
};

static const cg_request_spec show_spec = {
    .in = {.request = &chengguan__v1__grid_show__descriptor, .opts = show_opts},
    .rows = "entries",
    .columns = show_columns,
};

static const cg_cli_command assign = {
    .name = "grid assign",
    .args = "COMPOUND --officer ID",
    .summary = N_("make an officer the grid officer of a compound"),
    .help = N_("Makes the officer the compound's grid officer; the previous\n"
               "assignment ends and stays in the history. Prints the compound.\n\n"),
    .run = cg_request_run,
    .spec = &assign_spec,
};

static const cg_cli_command show = {
    .name = "grid show",
    .args = "[--unit UNIT]",
    .summary = N_("officers and the compounds on their grid"),
    .help = N_("One row per officer and compound, by officer; an officer without\n"
               "compounds has one row with none (--json: one object per row).\n\n"),
    .run = cg_request_run,
    .spec = &show_spec,
};

static const cg_cli_command *const subcommands[] = {&assign, &show, NULL};

const cg_cli_command cg_cli_cmd_grid = {
    .name = "grid",
    .summary = N_("grid management: officers and their compounds"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
