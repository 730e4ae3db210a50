/* chengguan order ...: supervision orders (督办/催办). Supervision orders
 * the unit of a report or a case to act by a deadline; the unit (or one of
 * its officers) answers; open orders past their deadline are overdue. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"

#include "chengguan/v1/orders.pb-c.h"

static const cg_column order_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("report"), .field = "report_id", .fmt = CG_FMT_ID},
    {.header = N_("case"), .field = "case_id", .fmt = CG_FMT_ID},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("compound"), .field = "compound_id", .fmt = CG_FMT_ID},
    {.header = N_("order"), .field = "text"},
    {.header = N_("deadline"), .field = "deadline"},
    {.header = N_("issued at"), .field = "issued_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("issued by"), .field = "issued_by"},
    {.header = N_("answer"), .field = "answer"},
    {.header = N_("answered at"), .field = "answered_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("answered by"), .field = "answered_by"},
    {.header = N_("overdue"), .field = "overdue", .fmt = CG_FMT_YESNO},
    {0},
};

static const cg_opt issue_fields[] = {
    {.field = "report_id", .option = "report", .arg = "ID", .help = N_("the report it is about")},
    {.field = "case_id", .option = "case", .arg = "ID", .help = N_("or the case it is about")},
    {.field = "text", .required = 1, .help = N_("what the unit is to do, up to 2000 characters")},
    {.field = "deadline",
     .arg = "DATE",
     .required = 1,
     .help = N_("the day by which the unit answers, today or later")},
    {0},
};

static const cg_request_spec issue_spec = {
    .in = {.request = &chengguan__v1__order_issue__descriptor,
           .values = "order",
           .value_opts = issue_fields},
    .columns = order_lines,
};

static const cg_opt id_operand[] = {{.field = "id", .arg = "ID", .help = N_("the order")}, {0}};

static const cg_opt answer_opts[] = {
    {.field = "answer",
     .arg = "TEXT",
     .required = 1,
     .help = N_("what was done, up to 2000 characters")},
    {0},
};

static const cg_request_spec answer_spec = {
    .in = {.request = &chengguan__v1__order_answer__descriptor,
           .operands = id_operand,
           .opts = answer_opts},
    .columns = order_lines,
};

static const cg_opt list_opts[] = {
    {.field = "open", .help = N_("only the unanswered orders")},
    {.field = "overdue", .help = N_("only the unanswered orders past their deadline")},
    {.field = "unit", .arg = "UNIT", .help = N_("only the orders of this unit")},
    {.field = "report_id",
     .option = "report",
     .arg = "ID",
     .help = N_("only the orders on this report")},
    {.field = "case_id", .option = "case", .arg = "ID", .help = N_("only the orders on this case")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("report"), .field = "report_id", .fmt = CG_FMT_ID},
    {.header = N_("case"), .field = "case_id", .fmt = CG_FMT_ID},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("deadline"), .field = "deadline"},
    {.header = N_("overdue"), .field = "overdue", .fmt = CG_FMT_FLAG},
    {.header = N_("order"), .field = "text"},
    {.header = N_("answered at"), .field = "answered_at", .fmt = CG_FMT_LOCAL},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__order_list__descriptor,
           .opts = list_opts,
           .preset = "{\"limit\": 1000}"},
    .cursor = "after_id",
    .next = "next_after_id",
    .newest_first = 1,
    .rows = "orders",
    .columns = list_columns,
};

static const cg_cli_command issue = {
    .name = "order issue",
    .args = "(--report ID | --case ID) --text TEXT --deadline DATE",
    .summary = N_("order a unit to act on a report or a case (supervision)"),
    .help = N_("Issues a supervision order on a report or a case: the unit and its leaders\n"
               "receive it on the event stream (order.issued), and it shows in the\n"
               "record's timeline until the unit answers it.\n\n"),
    .run = cg_request_run,
    .spec = &issue_spec,
};

static const cg_cli_command answer = {
    .name = "order answer",
    .args = "ID --answer TEXT",
    .summary = N_("answer a supervision order (the unit or its officers)"),
    .help = N_("Answers an order of this account's unit, once (order.answered).\n\n"),
    .run = cg_request_run,
    .spec = &answer_spec,
};

static const cg_cli_command list = {
    .name = "order list",
    .args = "[--open] [--overdue] [--unit UNIT] [--report ID] [--case ID]",
    .summary = N_("list supervision orders, newest first"),
    .help = N_("Lists the orders this account may see, newest first; an unanswered order\n"
               "past its deadline is marked overdue (--json: one object per order).\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command *const subcommands[] = {&issue, &answer, &list, NULL};

const cg_cli_command cg_cli_cmd_order = {
    .name = "order",
    .summary = N_("supervision orders on reports and cases"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
