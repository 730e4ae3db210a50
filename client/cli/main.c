/* chengguan: global options, environment, and dispatch to a command. */
#include "cli.h"
#include "globals.h"
#include "i18n.h"
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off
static const cg_cli_command *const commands[] = {
    &cg_cli_cmd_ping,       &cg_cli_cmd_whoami,
    &cg_cli_cmd_compound,   &cg_cli_cmd_officer,
    &cg_cli_cmd_grid,       &cg_cli_cmd_board,
    &cg_cli_cmd_publicity,  &cg_cli_cmd_ledger,
    &cg_cli_cmd_categories, &cg_cli_cmd_patrol,
    &cg_cli_cmd_request,    &cg_cli_cmd_report,
    &cg_cli_cmd_watch,      &cg_cli_cmd_config,
    &cg_cli_cmd_calendar,   &cg_cli_cmd_limits,
    &cg_cli_cmd_case,                          /* step 5 */
    &cg_cli_cmd_account,    &cg_cli_cmd_order, /* step 6 */
    &cg_cli_cmd_meeting,    &cg_cli_cmd_suggestion,
    &cg_cli_cmd_group,      &cg_cli_cmd_coordination,
    &cg_cli_cmd_decision,   &cg_cli_cmd_training,
    &cg_cli_cmd_practice,   &cg_cli_cmd_problem,
    &cg_cli_cmd_campaign,   &cg_cli_cmd_stats,
    &cg_cli_cmd_summary,    &cg_cli_cmd_audit, /* step 7 */
    &cg_cli_cmd_queue,                         /* step 9 */
    NULL,
};
// clang-format on

enum { OPT_VERSION = 256, OPT_COMMANDS, OPT_OPTIONS };

/* The global options of cg_cli_global_options, and those only before a command. */
static struct option options[32] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    /* hidden: the full name of every command, one a line (completion, tests) */
    {"list-commands", no_argument, NULL, OPT_COMMANDS},
    /* hidden: the global options, as CMD --list-options lists a command's */
    {"list-options", no_argument, NULL, OPT_OPTIONS},
};

/* Calls fn on every command that runs (not a group) under c, c included,
 * in order; a group may hold groups ("campaign action add"). */
static void each_command(const cg_cli_command *c, void (*fn)(const cg_cli_command *, void *),
                         void *ctx)
{
    if (c->subcommands == NULL) {
        fn(c, ctx);
        return;
    }
    for (size_t k = 0; c->subcommands[k] != NULL; k++)
        each_command(c->subcommands[k], fn, ctx);
}

static void help_row(const cg_cli_command *c, void *table)
{
    const char *row[] = {"", c->name, cg_i18n(c->summary)};
    cg_table_add(table, row);
}

static void print_help(void)
{
    printf(_("Usage: chengguan [GLOBAL OPTIONS] COMMAND [OPTIONS]\n\n"
             "Command-line client of chengguand, the city enforcement server.\n\n"));
    fputs(_("Global options (before or after the command):\n"
            "  --server HOST:PORT    server address (default 127.0.0.1:7443)\n"
            "  --profile NAME        the profile NAME of client.conf (default: default)\n"
            "  --as ACCOUNT          use the dev PKI files of ACCOUNT: PKI/clients/ACCOUNT.crt,\n"
            "                        PKI/clients/ACCOUNT.key and PKI/ca.crt, where PKI is\n"
            "                        $CHENGGUAN_PKI or ./var/pki\n"
            "  --cert FILE           client certificate (PEM)\n"
            "  --key FILE            its private key (PEM)\n"
            "  --ca FILE             CA that signed the server certificate (default PKI/ca.crt)\n"
            "  --timeout DURATION    limit for connecting and for each request, e.g. 500ms, 5s\n"
            "                        (default 10s)\n"
            "  --json                print one JSON object per line (see docs/cli.md)\n"
            "  --idempotency-key KEY the key of the one change the command makes (16-64\n"
            "                        bytes, e.g. a UUID): run again with the same KEY, the\n"
            "                        server applies it once and answers as the first time\n"
            "  -h, --help            show this help\n"
            "  --version             print the version\n\n"),
          stdout);
    fputs(_("Environment: CHENGGUAN_SERVER, CHENGGUAN_CERT, CHENGGUAN_KEY, CHENGGUAN_CA,\n"
            "CHENGGUAN_AS, CHENGGUAN_PKI, CHENGGUAN_PROFILE, CHENGGUAN_JOURNAL. Options win\n"
            "over the environment, the environment over the profile\n"
            "(~/.config/chengguan/client.conf, written by 'chengguan config init');\n"
            "--cert, --key and --ca win over --as.\n\n"),
          stdout);
    fputs(_("Commands:\n"), stdout);
    cg_table *t = cg_table_new(3, NULL);
    for (size_t i = 0; t != NULL && commands[i] != NULL; i++)
        each_command(commands[i], help_row, t);
    if (t != NULL)
        cg_table_print(t, stdout);
    cg_table_free(t);
    fputs(_("\nRun 'chengguan COMMAND --help' for the options of a command.\n"
            "Exit status: 0 ok, 1 usage error or bad value, 2 the server refused,\n"
            "3 could not connect, TLS failed or the connection broke, 4 not sent but\n"
            "kept in the offline queue (with journal on: see 'chengguan queue --help').\n"),
          stdout);
}

static void print_name(const cg_cli_command *c, void *ctx)
{
    (void)ctx;
    printf("%s\n", c->name);
}

static void list_commands(void)
{
    for (size_t i = 0; commands[i] != NULL; i++)
        each_command(commands[i], print_name, NULL);
}

int main(int argc, char **argv)
{
    static cg_cli_args args;
    static cg_cli cli;
    int opt;

    cg_i18n_init();
    size_t n = 0;
    while (options[n].name != NULL)
        n++;
    for (size_t k = 0; cg_cli_global_options[k].name != NULL; k++)
        options[n++] = cg_cli_global_options[k];
    opterr = 0;
    /* '+': stop at the command name; ':': report a missing value as ':'. */
    while ((opt = getopt_long(argc, argv, "+:h", options, NULL)) != -1) {
        switch (opt) {
        case 'h':
            print_help();
            return CG_EXIT_OK;
        case OPT_VERSION:
            printf("chengguan " CG_VERSION "\n");
            return CG_EXIT_OK;
        case OPT_COMMANDS:
            list_commands();
            return CG_EXIT_OK;
        case OPT_OPTIONS:
            for (size_t k = 0; cg_cli_global_options[k].name != NULL; k++)
                printf("option\t--%s\t%s\t0\tvalue\n", cg_cli_global_options[k].name,
                       cg_cli_global_options[k].has_arg ? "VALUE" : "-");
            return CG_EXIT_OK;
        case ':':
            return cg_cli_usage_error(NULL, _("option '%s' needs a value"), argv[optind - 1]);
        case '?':
            return optopt ? cg_cli_usage_error(NULL, _("unknown option '-%c'"), optopt)
                          : cg_cli_usage_error(NULL, _("unknown option '%s'"), argv[optind - 1]);
        default:
            cg_cli_global_opt(&args, opt, optarg);
        }
    }
    if (optind >= argc)
        return cg_cli_usage_error(NULL, "%s", _("no command given"));

    const cg_cli_command *cmd = NULL;
    for (size_t i = 0; commands[i] != NULL && cmd == NULL; i++)
        if (strcmp(commands[i]->name, argv[optind]) == 0)
            cmd = commands[i];
    if (cmd == NULL)
        return cg_cli_usage_error(NULL, _("unknown command '%s'"), argv[optind]);

    /* The command parses its options and the global ones after it, then
     * the whole is resolved (cg_cli_getopt, cg_cli_finish). */
    cg_cli_begin(&args, &cli, cmd);
    return cmd->run(&cli, cmd, argc - optind, argv + optind);
}
