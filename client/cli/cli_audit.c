/* chengguan audit list: the audit trail (审计日志) of every change made by a
 * request, for hq and supervision. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"

#include "chengguan/v1/audit.pb-c.h"

static const cg_opt list_opts[] = {
    {.field = "account", .arg = "NAME", .help = N_("only this account's changes")},
    {.field = "from",
     .arg = "WHEN",
     .help = N_("at or after: a day YYYY-MM-DD or a time YYYY-MM-DDTHH:MM (Beijing time)")},
    {.field = "to", .arg = "WHEN", .help = N_("up to: a day (the whole day) or a time")},
    {.field = "type",
     .arg = "TYPE",
     .help = N_("only this request type, as in the server log (case.move)")},
    {.field = "after_id", .arg = "ID", .help = N_("only entries older than this id (paging)")},
    {.field = "limit", .arg = "N", .help = N_("at most N entries (default 1000, at most 5000)")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("time"), .field = "at", .fmt = CG_FMT_LOCAL},
    {.header = N_("account"), .field = "account"},
    /* TRANSLATORS: the kind of request that made a change, e.g. case.move */
    {.header = N_("request type"), .field = "type"},
    /* TRANSLATORS: the ids a change touched or made, e.g. id=7 compound_id=3 */
    {.header = N_("ids"), .field = "summary"},
    {.header = N_("request id"), .field = "request_id", .fmt = CG_FMT_ID},
    {.header = N_("certificate SHA-256"), .field = "cert_sha256"},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__audit_list__descriptor, .opts = list_opts},
    .rows = "entries",
    .columns = list_columns,
};

static const cg_cli_command list = {
    .name = "audit list",
    .args = "[--account NAME] [--from WHEN] [--to WHEN] [--type TYPE] [--after-id ID] "
            "[--limit N]",
    .summary = N_("list the audit trail of changes, newest first (hq, supervision)"),
    .help = N_("Lists the changes requests made, newest first: when (Beijing time), the\n"
               "account, the SHA-256 fingerprint of its client certificate, the request's\n"
               "id on its connection, the request type and the ids it touched or made.\n"
               "A retried request is listed once; refused requests changed nothing and are\n"
               "not listed (the server log has them). One page of --limit entries: for the\n"
               "next, give the last id shown as --after-id. --json adds the idempotency key.\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command *const subcommands[] = {&list, NULL};

const cg_cli_command cg_cli_cmd_audit = {
    .name = "audit",
    .summary = N_("the audit trail of changes"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
