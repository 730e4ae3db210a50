/* chengguan categories: the ten kinds of violation with their names. */
#include "cli.h"
#include "cli_request.h"
#include "i18n.h"

#include "chengguan/v1/system.pb-c.h"

static const cg_column columns[] = {
    {.header = N_("no."), .field = "code"},
    {.header = N_("name"), .field = "name"},
    {.header = N_("Chinese name"), .field = "name_zh"},
    {.header = N_("English name"), .field = "name_en"},
    {0},
};

static const cg_request_spec spec = {
    .in = {.request = &chengguan__v1__category_list__descriptor},
    .rows = "categories",
    .columns = columns,
};

const cg_cli_command cg_cli_cmd_categories = {
    .name = "categories",
    .summary = N_("the ten kinds of violation (work items 1-10) and their names"),
    .help = N_("Lists the violation categories by number, with the code name, the Chinese\n"
               "and the English name, as the server has them. --category and --finding\n"
               "take the number or a name; tables show the name.\n\n"),
    .run = cg_request_run,
    .spec = &spec,
};
