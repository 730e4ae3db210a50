/* chengguan group ...: the programme's leadership group (领导小组): leaders,
 * deputies and members with their post and unit, first as the plan's annex
 * names them. A change is a new row from a day on; the history is kept. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"

#include "chengguan/v1/mechanism.pb-c.h"

static const cg_column member_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("full name"), .field = "name"},
    /* TRANSLATORS: a person's place in the leadership group: leader, deputy, member */
    {.header = N_("place"), .field = "role"},
    {.header = N_("post"), .field = "post"},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("in effect from"), .field = "from"},
    {.header = N_("left"), .field = "left", .fmt = CG_FMT_FLAG},
    {.header = N_("reason"), .field = "reason"},
    {.header = N_("recorded at"), .field = "recorded_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("recorded by"), .field = "recorded_by"},
    {0},
};

static const cg_opt show_opts[] = {
    {.field = "as_of", .arg = "DATE", .help = N_("the group on this day (default today)")},
    {.field = "history", .help = N_("every change instead, oldest first")},
    {0},
};

static const cg_column show_columns[] = {
    /* TRANSLATORS: a person's place in the leadership group: leader, deputy, member */
    {.header = N_("place"), .field = "role"},
    {.header = N_("full name"), .field = "name"},
    {.header = N_("post"), .field = "post"},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("in effect from"), .field = "from"},
    {.header = N_("left"), .field = "left", .fmt = CG_FMT_FLAG},
    {0},
};

static const cg_column show_heading[] = {{.header = N_("as of"), .field = "as_of"}, {0}};

static const cg_request_spec show_spec = {
    .in = {.request = &chengguan__v1__group_show__descriptor, .opts = show_opts},
    .heading = show_heading,
    .rows = "members",
    .columns = show_columns,
};

static const cg_opt set_opts[] = {
    {.field = "name", .arg = "NAME", .required = 1, .help = N_("the person")},
    {.field = "role", .arg = "leader|deputy|member", .required = 1, .help = N_("their place")},
    {.field = "post", .arg = "TEXT", .required = 1, .help = N_("their post")},
    {.field = "unit", .arg = "UNIT", .required = 1, .help = N_("the unit they work in")},
    {.field = "from", .arg = "DATE", .help = N_("the day it takes effect (default today)")},
    {0},
};

static const cg_request_spec set_spec = {
    .in = {.request = &chengguan__v1__group_member_set__descriptor, .opts = set_opts},
    .columns = member_lines,
};

static const cg_opt leave_opts[] = {
    {.field = "name", .arg = "NAME", .required = 1, .help = N_("the person")},
    {.field = "reason", .arg = "TEXT", .required = 1, .help = N_("why they leave the group")},
    {.field = "from", .arg = "DATE", .help = N_("the day they leave (default today)")},
    {0},
};

static const cg_request_spec leave_spec = {
    .in = {.request = &chengguan__v1__group_member_set__descriptor,
           .opts = leave_opts,
           .preset = "{\"left\": true}"},
    .columns = member_lines,
};

static const cg_cli_command show = {
    .name = "group show",
    .args = "[--as-of DATE] [--history]",
    .summary = N_("show the leadership group"),
    .help = N_("Shows the leadership group on a day: leaders, deputies, members, with\n"
               "their post and unit; --history: every change since the plan's annex.\n\n"),
    .run = cg_request_run,
    .spec = &show_spec,
};

static const cg_cli_command set = {
    .name = "group set",
    .args = "--name NAME --role leader|deputy|member --post TEXT --unit UNIT [--from DATE]",
    .summary = N_("put a person in the leadership group, or change their place (hq)"),
    .help = N_("Adds a row to the group's history: from the day on, the person holds this\n"
               "place; the earlier rows stay.\n\n"),
    .run = cg_request_run,
    .spec = &set_spec,
};

static const cg_cli_command leave = {
    .name = "group leave",
    .args = "--name NAME --reason TEXT [--from DATE]",
    .summary = N_("record that a person left the leadership group (hq)"),
    .help = N_("Adds a row to the group's history: from the day on, the person is no\n"
               "longer in the group.\n\n"),
    .run = cg_request_run,
    .spec = &leave_spec,
};

static const cg_cli_command *const subcommands[] = {&show, &set, &leave, NULL};

const cg_cli_command cg_cli_cmd_group = {
    .name = "group",
    .summary = N_("the leadership group of the programme"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
