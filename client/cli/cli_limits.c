/* chengguan limits ...: the default time limits of cases per category. */
#include "category_text.h"
#include "cli.h"
#include "cli_request.h"
#include "i18n.h"

#include "chengguan/v1/calendar.pb-c.h"

static const cg_column limit_columns[] = {
    {.header = N_("no."), .field = "category"},
    {.header = N_("category"), .field = "category_name"},
    {.header = N_("limit"), .field = "kind", .fmt = CG_FMT_ENUM},
    {.header = N_("days"), .field = "days"},
    {.header = N_("counted in"), .field = "day_kind", .fmt = CG_FMT_ENUM},
    {.header = N_("in effect"), .field = "current", .fmt = CG_FMT_YESNO},
    {.header = N_("reason"), .field = "reason"},
    {.header = N_("set by"), .field = "set_by"},
    {.header = N_("set at"), .field = "set_at", .fmt = CG_FMT_LOCAL},
    {0},
};

static const cg_opt list_opts[] = {
    {.field = "history", .help = N_("every limit ever set, oldest first")},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__limit_list__descriptor, .opts = list_opts},
    .rows = "limits",
    .columns = limit_columns,
};

static const cg_opt set_operands[] = {
    {.field = "category",
     .arg = "CATEGORY",
     .help = N_("the violation category (number or name)"),
     .from_text = cg_category_from_text},
    {0},
};

static const cg_opt set_opts[] = {
    {.field = "kind",
     .arg = "registration|closing",
     .required = 1,
     .help = N_("registration (from the source) or closing (from registration)")},
    {.field = "days", .arg = "N", .required = 1, .help = N_("the limit in days")},
    {.field = "day_kind",
     .arg = "working|calendar",
     .help = N_("working or calendar days (default: as before)")},
    {.field = "reason", .arg = "TEXT", .required = 1, .help = N_("why it changes")},
    {0},
};

static const cg_request_spec set_spec = {
    .in = {.request = &chengguan__v1__limit_set__descriptor,
           .operands = set_operands,
           .opts = set_opts},
    .columns = limit_columns,
};

static const cg_cli_command list = {
    .name = "limits list",
    .args = "[--history]",
    .summary = N_("the time limits of cases per category"),
    .help = N_("Lists the time limits in effect: registration within N days of the\n"
               "source, closing within M days of registration, in working or calendar\n"
               "days (a calendar-day limit ending on a day off runs to the next working\n"
               "day). --history: every value ever set, with who and why.\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command set = {
    .name = "limits set",
    .args = "CATEGORY --kind registration|closing --days N [--day-kind working|calendar] "
            "--reason TEXT",
    .summary = N_("change a time limit of a category"),
    .help = N_("Sets a new time limit for one category (supervision). The earlier values\n"
               "stay in the history.\n\n"),
    .run = cg_request_run,
    .spec = &set_spec,
};

static const cg_cli_command *const subcommands[] = {&list, &set, NULL};

const cg_cli_command cg_cli_cmd_limits = {
    .name = "limits",
    .summary = N_("time limits of cases"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
