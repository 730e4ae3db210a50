/* chengguan training ...: training sessions (教育培训) of a unit and the
 * officers who attended; hq records bureau-wide sessions. The bulletin counts
 * the officers trained. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"

#include "chengguan/v1/mechanism.pb-c.h"

static const cg_column training_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("date"), .field = "date"},
    {.header = N_("training topic"), .field = "topic"},
    {.header = N_("hours"), .field = "hours"},
    {.header = N_("officers"), .field = "officer_names"},
    {.header = N_("recorded at"), .field = "recorded_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("recorded by"), .field = "recorded_by"},
    {0},
};

static const cg_opt record_fields[] = {
    {.field = "unit", .arg = "UNIT", .help = N_("the unit (hq: required; hq itself: bureau-wide)")},
    {.field = "date", .arg = "DATE", .required = 1, .help = N_("the day it was held")},
    {.field = "topic", .arg = "TEXT", .required = 1, .help = N_("what it taught")},
    {.field = "hours", .arg = "N", .help = N_("class hours, 0-100")},
    {.field = "officers",
     .arg = "ID,...",
     .required = 1,
     .help = N_("the officers who attended (see 'officer list')")},
    {0},
};

static const cg_request_spec record_spec = {
    .in = {.request = &chengguan__v1__training_record__descriptor,
           .values = "training",
           .value_opts = record_fields},
    .columns = training_lines,
};

static const cg_opt list_opts[] = {
    {.field = "unit", .arg = "UNIT", .help = N_("only sessions this unit's officers attended")},
    {.field = "month", .arg = "YYYY-MM", .help = N_("only the sessions of this month")},
    {.field = "officer_id",
     .option = "officer",
     .arg = "ID",
     .help = N_("only the sessions this officer attended")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("date"), .field = "date"},
    {.header = N_("training topic"), .field = "topic"},
    {.header = N_("hours"), .field = "hours"},
    {.header = N_("attended"), .field = "officers", .fmt = CG_FMT_COUNT},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__training_list__descriptor, .opts = list_opts},
    .cursor = "after_id",
    .next = "next_after_id",
    .newest_first = 1,
    .rows = "trainings",
    .columns = list_columns,
};

static const cg_cli_command record = {
    .name = "training record",
    .args = "--date DATE --topic TEXT --officers ID,... [--unit UNIT] [--hours N]",
    .summary = N_("record a training session and who attended"),
    .help = N_("Records a training session of the unit with the officers of the unit who\n"
               "attended; hq records bureau-wide sessions (--unit hq) for officers of any\n"
               "unit.\n\n"),
    .run = cg_request_run,
    .spec = &record_spec,
};

static const cg_cli_command list = {
    .name = "training list",
    .args = "[--unit UNIT] [--month YYYY-MM] [--officer ID]",
    .summary = N_("list training sessions, newest first"),
    .help = N_("Lists the training sessions this account may see, newest first.\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command *const subcommands[] = {&record, &list, NULL};

const cg_cli_command cg_cli_cmd_training = {
    .name = "training",
    .summary = N_("training sessions of officers"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
