/* chengguan publicity ...: publicity and education (宣传教育) in compounds. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"

#include "chengguan/v1/ledger.pb-c.h"

#include <stdio.h>

static const cg_opt record_operands[] = {
    {.field = "compound_id", .arg = "COMPOUND", .help = N_("the compound's id")},
    {0},
};

static const cg_opt record_opts[] = {
    {.field = "date", .arg = "YYYY-MM-DD", .required = 1, .help = N_("day of the delivery")},
    {.field = "notices", .required = 1, .help = N_("notices delivered")},
    {.field = "letters", .required = 1, .help = N_("letters to residents delivered")},
    {.field = "note", .help = N_("a remark")},
    {0},
};

/* A delivery dated outside the publicity phase is recorded, and flagged. */
static int outside_phase(const json_t *reply, char *buf, size_t len)
{
    if (!json_is_true(json_object_get(reply, "outside_phase")))
        return 0;
    snprintf(buf, len, "%s",
             _("Note: this date is outside the publicity phase (2021-01-26 to 2021-02-10); "
               "the record is kept and flagged."));
    return 1;
}

static const cg_request_spec record_spec = {
    .in = {.request = &chengguan__v1__publicity_record__descriptor,
           .operands = record_operands,
           .opts = record_opts},
    .remark = outside_phase,
};

static const cg_opt list_opts[] = {
    {.field = "compound_id", .option = "compound", .arg = "ID", .help = N_("only this compound")},
    {.field = "unit", .arg = "UNIT", .help = N_("only the compounds of this unit")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("date"), .field = "date"},
    {.header = N_("compound"), .field = "compound_id"},
    {.header = N_("compound name"), .field = "compound_name"},
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("notices"), .field = "notices"},
    {.header = N_("letters"), .field = "letters"},
    {.header = N_("note"), .field = "note"},
    {.header = N_("recorded by"), .field = "recorded_by"},
    {.header = N_("outside phase"), .field = "outside_phase", .fmt = CG_FMT_FLAG},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__publicity_list__descriptor, .opts = list_opts},
    .rows = "records",
    .columns = list_columns,
};

static const cg_cli_command record = {
    .name = "publicity record",
    .args = "COMPOUND --date DATE --notices N --letters N [--note TEXT]",
    .summary = N_("record notices and letters delivered in a compound"),
    .help = N_("Records a delivery of notices and letters to residents in a\n"
               "compound. Prints the record as stored.\n\n"),
    .run = cg_request_run,
    .spec = &record_spec,
};

static const cg_cli_command list = {
    .name = "publicity list",
    .args = "[--compound ID] [--unit UNIT]",
    .summary = N_("list publicity records"),
    .help = N_("Lists the deliveries recorded (--json: one object per record); those\n"
               "dated outside the publicity phase (2021-01-26 to 2021-02-10) are marked.\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command *const subcommands[] = {&record, &list, NULL};

const cg_cli_command cg_cli_cmd_publicity = {
    .name = "publicity",
    .summary = N_("publicity and education"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
