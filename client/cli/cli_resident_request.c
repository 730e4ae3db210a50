/* chengguan request ...: problems, opinions and suggestions residents raise
 * (居民反映的问题), the feedback given to them, and their deadlines. (The
 * generic runner of one protocol request is cli_request.c.) */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"

#include "chengguan/v1/patrol.pb-c.h"

static const cg_opt add_opts[] = {
    {.field = "compound_id",
     .option = "compound",
     .arg = "ID",
     .required = 1,
     .help = N_("the compound it concerns")},
    {.field = "channel",
     .arg = "CHANNEL",
     .required = 1,
     .help = N_("notice_board_phone, in_person, hotline, patrol or co_construction_day")},
    {.field = "kind", .arg = "KIND", .required = 1, .help = N_("problem, opinion or suggestion")},
    {.field = "text", .required = 1, .help = N_("what the resident raised, up to 2000 characters")},
    {.field = "contact", .arg = "NAME/PHONE", .help = N_("the resident's name and phone")},
    {.field = "work_order",
     .arg = "NUMBER",
     .help = N_("the hotline's own work-order number (hotline only)")},
    {0},
};

/* A request for people, instants in Beijing time. */
static const cg_column request_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("compound"), .field = "compound_id"},
    {.header = N_("compound name"), .field = "compound_name"},
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("channel"), .field = "channel"},
    {.header = N_("kind"), .field = "kind"},
    {.header = N_("text"), .field = "text"},
    {.header = N_("contact"), .field = "contact"},
    {.header = N_("status"), .field = "status"},
    {.header = N_("answer"), .field = "answer"},
    {.header = N_("answered by"), .field = "answered_by"},
    {.header = N_("answered at"), .field = "answered_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("answer due"), .field = "answer_due", .fmt = CG_FMT_LOCAL},
    {.header = N_("overdue"), .field = "overdue", .fmt = CG_FMT_YESNO},
    {.header = N_("closed at"), .field = "closed_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("created by"), .field = "created_by"},
    {.header = N_("created at"), .field = "created_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("void reason"), .field = "void_reason"},
    {.header = N_("voided by"), .field = "voided_by"},
    {.header = N_("voided at"), .field = "voided_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("work order"), .field = "work_order"},
    {0},
};

static const cg_request_spec add_spec = {
    .in = {.request = &chengguan__v1__request_add__descriptor,
           .values = "request",
           .value_opts = add_opts},
    .columns = request_lines,
};

static const cg_opt id_operand[] = {{.field = "id", .arg = "ID", .help = N_("the request's id")},
                                    {0}};

static const cg_opt answer_opts[] = {
    {.field = "text", .required = 1, .help = N_("the feedback given to the resident")},
    {0},
};

static const cg_request_spec answer_spec = {
    .in = {.request = &chengguan__v1__request_answer__descriptor,
           .operands = id_operand,
           .opts = answer_opts},
    .columns = request_lines,
};

static const cg_request_spec close_spec = {
    .in = {.request = &chengguan__v1__request_close__descriptor, .operands = id_operand},
    .columns = request_lines,
};

static const cg_opt void_opts[] = {
    {.field = "reason", .required = 1, .help = N_("why it is voided, kept with the request")},
    {0},
};

static const cg_request_spec void_spec = {
    .in = {.request = &chengguan__v1__request_void__descriptor,
           .operands = id_operand,
           .opts = void_opts},
    .columns = request_lines,
};

static const cg_request_spec show_spec = {
    .in = {.request = &chengguan__v1__request_get__descriptor, .operands = id_operand},
    .columns = request_lines,
};

static const cg_opt list_opts[] = {
    {.field = "open", .help = N_("only requests not closed")},
    {.field = "overdue", .help = N_("only requests not answered in time")},
    {.field = "unit", .arg = "UNIT", .help = N_("only the compounds of this unit")},
    {.field = "compound_id", .option = "compound", .arg = "ID", .help = N_("only this compound")},
    {.field = "work_order",
     .arg = "NUMBER",
     .help = N_("only the request with this work-order number")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("compound"), .field = "compound_id"},
    {.header = N_("compound name"), .field = "compound_name"},
    {.header = N_("kind"), .field = "kind"},
    {.header = N_("channel"), .field = "channel"},
    {.header = N_("status"), .field = "status"},
    {.header = N_("due"), .field = "answer_due", .fmt = CG_FMT_LOCAL},
    {.header = N_("overdue"), .field = "overdue", .fmt = CG_FMT_FLAG},
    {.header = N_("contact"), .field = "contact"},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__request_list__descriptor,
           .opts = list_opts,
           .preset = "{\"limit\": 1000}"},
    .cursor = "after_id",
    .next = "next_after_id",
    .newest_first = 1,
    .rows = "requests",
    .columns = list_columns,
};

static const cg_cli_command add = {
    .name = "request add",
    .args = "--compound ID --channel CHANNEL --kind KIND --text TEXT [--contact NAME/PHONE] "
            "[--work-order NUMBER]",
    .summary = N_("record a problem, opinion or suggestion a resident raised"),
    .help = N_("Records what a resident raised about a compound and how it came in. It\n"
               "must be answered within the server's request_answer_days (3 days by\n"
               "default), else it is overdue. The contact is shown masked (138****5678)\n"
               "to every account but the compound's own unit.\nPrints the request as stored (times "
               "in Beijing time; --json: one object).\n\n"),
    .run = cg_request_run,
    .spec = &add_spec,
};

static const cg_cli_command answer = {
    .name = "request answer",
    .args = "ID --text TEXT",
    .summary = N_("record the feedback given to the resident"),
    .help = N_("Records the answer given to the resident; a request is answered\n"
               "before it is closed.\nPrints the request as stored (times in Beijing time; --json: "
               "one object).\n\n"),
    .run = cg_request_run,
    .spec = &answer_spec,
};

static const cg_cli_command close_cmd = {
    .name = "request close",
    .args = "ID",
    .summary = N_("close an answered request"),
    .help = N_("Closes a request that has been answered.\nPrints the request as stored (times in "
               "Beijing time; --json: one object).\n\n"),
    .run = cg_request_run,
    .spec = &close_spec,
};

static const cg_cli_command show = {
    .name = "request show",
    .args = "ID",
    .summary = N_("show a request with its answer and deadline"),
    .help = N_("Shows every field of a request.\nPrints the request as stored (times in Beijing "
               "time; --json: one object).\n\n"),
    .run = cg_request_run,
    .spec = &show_spec,
};

static const cg_cli_command list = {
    .name = "request list",
    .args = "[--open] [--overdue] [--unit UNIT] [--compound ID] [--work-order NUMBER]",
    .summary = N_("list residents' requests, newest first, with filters"),
    .help = N_("Lists the requests this account may see, newest first (due in Beijing\n"
               "time; --json: one object per request). Filters combine.\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command void_cmd = {
    .name = "request void",
    .args = "ID --reason TEXT",
    .summary = N_("void a request filed by mistake (kept, counted nowhere)"),
    .help = N_("Voids a request filed by mistake, in any state: it is never\n"
               "deleted; its status becomes voided, with who, when and why, it is never\n"
               "overdue and counts in no figure. Once.\n\n"),
    .run = cg_request_run,
    .spec = &void_spec,
};

static const cg_cli_command *const subcommands[] = {&add,  &answer,   &close_cmd, &show,
                                                    &list, &void_cmd, NULL};

const cg_cli_command cg_cli_cmd_request = {
    .name = "request",
    .summary = N_("residents' problems, opinions and suggestions"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
