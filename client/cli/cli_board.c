/* chengguan board ...: the notice board (公示牌) of a compound. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"

#include "chengguan/v1/ledger.pb-c.h"

static const cg_opt compound_operand[] = {
    {.field = "compound_id", .arg = "COMPOUND", .help = N_("the compound's id")},
    {0},
};

static const cg_opt id_operand[] = {
    {.field = "id", .arg = "COMPOUND", .help = N_("the compound's id")},
    {0},
};

static const cg_opt set_opts[] = {
    {.field = "installed_on", .arg = "YYYY-MM-DD", .required = 1, .help = N_("day it was put up")},
    {.field = "duties", .required = 1, .help = N_("the duties it shows")},
    {.field = "contact_phone",
     .arg = "PHONE",
     .required = 1,
     .help = N_("the grid officer's contact")},
    {.field = "supervision_phone",
     .arg = "PHONE",
     .required = 1,
     .help = N_("supervision hotline")},
    {0},
};

/* What people see of a compound's board, after set and in show. */
static const cg_column board_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("name"), .field = "name"},
    {.header = N_("installed on"), .field = "board_installed_on"},
    {.header = N_("duties"), .field = "board_duties"},
    {.header = N_("contact phone"), .field = "board_contact_phone"},
    {.header = N_("supervision phone"), .field = "board_supervision_phone"},
    {.header = N_("missing"), .field = "board_missing", .fmt = CG_FMT_YESNO},
    {0},
};

static const cg_request_spec set_spec = {
    .in = {.request = &chengguan__v1__board_set__descriptor,
           .operands = compound_operand,
           .opts = set_opts},
    .columns = board_lines,
};

static const cg_request_spec show_spec = {
    .in = {.request = &chengguan__v1__compound_get__descriptor, .operands = id_operand},
    .columns = board_lines,
};

static const cg_cli_command set = {
    .name = "board set",
    .args = "COMPOUND --installed-on DATE --duties TEXT --contact-phone P --supervision-phone P",
    .summary = N_("record a compound's notice board"),
    .help = N_("Records the notice board of a compound; all four values are needed.\n"
               "Prints the board (--json: the whole compound as stored).\n\n"),
    .run = cg_request_run,
    .spec = &set_spec,
};

static const cg_cli_command show = {
    .name = "board show",
    .args = "COMPOUND",
    .summary = N_("show a compound's notice board and whether it is missing"),
    .help = N_("A board is missing while any of its four values is empty (--json: the\n"
               "whole compound).\n\n"),
    .run = cg_request_run,
    .spec = &show_spec,
};

static const cg_cli_command *const subcommands[] = {&set, &show, NULL};

const cg_cli_command cg_cli_cmd_board = {
    .name = "board",
    .summary = N_("notice boards of compounds"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
