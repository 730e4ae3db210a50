/* chengguan account ...: the accounts certificates map to, managed by hq:
 * officers (bound to an officer of their unit), the leaders of a unit, and
 * every other role. scripts/dev-pki.sh --account NAME issues a development
 * certificate for a new one. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"

#include "chengguan/v1/accounts.pb-c.h"

static const cg_column account_lines[] = {
    {.header = N_("name"), .field = "name"},
    {.header = N_("display name"), .field = "display_name"},
    {.header = N_("role"), .field = "role"},
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("officer"), .field = "officer_name"},
    {.header = N_("officer id"), .field = "officer_id", .fmt = CG_FMT_ID},
    {.header = N_("certificate subject"), .field = "cert_subject"},
    {.header = N_("certificate fingerprint"), .field = "cert_fingerprint"},
    {.header = N_("created at"), .field = "created_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("created by"), .field = "created_by"},
    {.header = N_("disabled at"), .field = "disabled_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("disabled by"), .field = "disabled_by"},
    {.header = N_("reason"), .field = "disable_reason"},
    {0},
};

static const cg_opt add_fields[] = {
    {.field = "name",
     .required = 1,
     .help = N_("the account's name: a letter, then letters, digits, - or _")},
    {.field = "role",
     .arg = "ROLE",
     .required = 1,
     .help = N_("hq, supervision, section, unit, unit_leader, officer, property or integration")},
    {.field = "unit", .arg = "UNIT", .help = N_("its unit (unit, section, unit_leader, officer)")},
    {.field = "officer_id",
     .option = "officer",
     .arg = "ID",
     .help = N_("role officer: the officer it is (chengguan officer list)")},
    {.field = "cert_subject",
     .arg = "SUBJECT",
     .required = 1,
     .help = N_("its certificate's subject, e.g. 'CN=NAME,O=chengguan dev'")},
    {.field = "cert_fingerprint",
     .option = "fingerprint",
     .arg = "SHA256",
     .help = N_("also require this certificate fingerprint (64 hex digits)")},
    {.field = "display_name", .help = N_("the name people read")},
    {0},
};

static const cg_request_spec add_spec = {
    .in = {.request = &chengguan__v1__account_add__descriptor,
           .values = "account",
           .value_opts = add_fields},
    .columns = account_lines,
};

static const cg_opt name_operand[] = {{.field = "name", .arg = "NAME", .help = N_("the account")},
                                      {0}};

static const cg_opt disable_opts[] = {
    {.field = "reason", .required = 1, .help = N_("why, up to 500 characters")},
    {0},
};

static const cg_request_spec disable_spec = {
    .in = {.request = &chengguan__v1__account_disable__descriptor,
           .operands = name_operand,
           .opts = disable_opts},
    .columns = account_lines,
};

static const cg_opt list_opts[] = {
    {.field = "role", .arg = "ROLE", .help = N_("only the accounts of this role")},
    {.field = "unit", .arg = "UNIT", .help = N_("only the accounts of this unit")},
    {.field = "disabled", .option = "all", .help = N_("disabled accounts too")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("name"), .field = "name"},
    {.header = N_("display name"), .field = "display_name"},
    {.header = N_("role"), .field = "role"},
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("officer"), .field = "officer_name"},
    {.header = N_("certificate subject"), .field = "cert_subject"},
    {.header = N_("disabled at"), .field = "disabled_at", .fmt = CG_FMT_LOCAL},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__account_list__descriptor, .opts = list_opts},
    .rows = "accounts",
    .columns = list_columns,
};

static const cg_cli_command add = {
    .name = "account add",
    .args = "--name NAME --role ROLE [--unit UNIT] [--officer ID] --cert-subject SUBJECT "
            "[--fingerprint SHA256] [--display-name TEXT]",
    .summary = N_("add an account for a certificate (hq)"),
    .help = N_("Adds the account a client certificate maps to. An officer account is\n"
               "bound to an officer and takes the officer's unit; it receives the events\n"
               "of the compounds where that officer is the grid officer. A unit_leader\n"
               "receives its unit's escalations and supervision orders.\n"
               "scripts/dev-pki.sh DIR --account NAME issues a development certificate.\n\n"),
    .run = cg_request_run,
    .spec = &add_spec,
};

static const cg_cli_command disable = {
    .name = "account disable",
    .args = "NAME --reason TEXT",
    .summary = N_("disable an account for good (hq)"),
    .help = N_("Disables the account: it can no longer connect, and its open\n"
               "connections are closed. Accounts are never deleted.\n\n"),
    .run = cg_request_run,
    .spec = &disable_spec,
};

static const cg_cli_command list = {
    .name = "account list",
    .args = "[--role ROLE] [--unit UNIT] [--all]",
    .summary = N_("list the accounts (hq)"),
    .help = N_("Lists the enabled accounts by name, with --all the disabled ones too\n"
               "(--json: one object per account).\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command *const subcommands[] = {&add, &disable, &list, NULL};

const cg_cli_command cg_cli_cmd_account = {
    .name = "account",
    .summary = N_("accounts and their certificates (hq)"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
