/* chengguan officer ...: the enforcement officers of each unit. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"

#include "chengguan/v1/ledger.pb-c.h"

static const cg_opt officer_fields[] = {
    {.field = "name", .required = 1, .help = N_("the officer's name")},
    {.field = "unit", .arg = "UNIT", .required = 1, .help = N_("unit code, e.g. xinglongtai")},
    {.field = "phone", .arg = "PHONE", .required = 1, .help = N_("the officer's phone")},
    {.field = "badge", .help = N_("enforcement badge number, optional")},
    {0},
};

static const cg_request_spec add_spec = {
    .in = {.request = &chengguan__v1__officer_add__descriptor,
           .values = "officer",
           .value_opts = officer_fields},
};

static const cg_opt list_opts[] = {
    {.field = "unit", .arg = "UNIT", .help = N_("only the officers of this unit")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("name"), .field = "name"},
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("phone"), .field = "phone"},
    {.header = N_("badge"), .field = "badge"},
    {.header = N_("compounds"), .field = "compounds"},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__officer_list__descriptor, .opts = list_opts},
    .rows = "officers",
    .columns = list_columns,
};

static const cg_cli_command add = {
    .name = "officer add",
    .args = "--name NAME --unit UNIT --phone PHONE [--badge BADGE]",
    .summary = N_("register an enforcement officer of a unit"),
    .help = N_("Registers an officer who can then be made the grid officer of compounds\n"
               "of the unit's district. Prints the officer as stored.\n\n"),
    .run = cg_request_run,
    .spec = &add_spec,
};

static const cg_cli_command list = {
    .name = "officer list",
    .args = "[--unit UNIT]",
    .summary = N_("list officers with the number of compounds on their grid"),
    .help = N_("Lists the officers this account may see (--json: one object per officer).\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command *const subcommands[] = {&add, &list, NULL};

const cg_cli_command cg_cli_cmd_officer = {
    .name = "officer",
    .summary = N_("enforcement officers"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
