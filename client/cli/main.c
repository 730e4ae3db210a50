/* chengguan: global options, environment, and dispatch to a command. */
#include "cli.h"
#include "i18n.h"
#include "output.h"
#include "units.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SERVER "127.0.0.1:7443"
#define DEFAULT_PKI    "./var/pki"

static const cg_cli_command *const commands[] = {
    &cg_cli_cmd_ping,
    &cg_cli_cmd_whoami,
    &cg_cli_cmd_compound,
    &cg_cli_cmd_officer,
    &cg_cli_cmd_grid,
    &cg_cli_cmd_board,
    &cg_cli_cmd_publicity,
    &cg_cli_cmd_ledger,
    &cg_cli_cmd_patrol,
    &cg_cli_cmd_request,
    &cg_cli_cmd_report,
    &cg_cli_cmd_watch,
    NULL,
};

enum {
    OPT_SERVER = 256,
    OPT_CERT,
    OPT_KEY,
    OPT_CA,
    OPT_AS,
    OPT_JSON,
    OPT_TIMEOUT,
    OPT_IDEMPOTENCY_KEY,
    OPT_VERSION
};

static const struct option global_options[] = {
    {"server", required_argument, NULL, OPT_SERVER},
    {"cert", required_argument, NULL, OPT_CERT},
    {"key", required_argument, NULL, OPT_KEY},
    {"ca", required_argument, NULL, OPT_CA},
    {"as", required_argument, NULL, OPT_AS},
    {"json", no_argument, NULL, OPT_JSON},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"help", no_argument, NULL, 'h'},
    {"idempotency-key", required_argument, NULL, OPT_IDEMPOTENCY_KEY},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static void print_help(void)
{
    printf("Usage: chengguan [GLOBAL OPTIONS] COMMAND [OPTIONS]\n\n"
           "Command-line client of chengguand, the city enforcement server.\n\n"
           "Global options (before the command):\n"
           "  --server HOST:PORT    server address (default " DEFAULT_SERVER ")\n"
           "  --as ACCOUNT          use the dev PKI files of ACCOUNT: PKI/clients/ACCOUNT.crt,\n"
           "                        PKI/clients/ACCOUNT.key and PKI/ca.crt, where PKI is\n"
           "                        $CHENGGUAN_PKI or " DEFAULT_PKI "\n"
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
           "  --version             print the version\n\n"
           "Environment: CHENGGUAN_SERVER, CHENGGUAN_CERT, CHENGGUAN_KEY, CHENGGUAN_CA,\n"
           "CHENGGUAN_AS, CHENGGUAN_PKI. Options win over the environment; --cert, --key\n"
           "and --ca win over --as, and --as wins over CHENGGUAN_CERT/KEY/CA.\n\n"
           "Commands:\n");
    cg_table *t = cg_table_new(3, NULL);
    for (size_t i = 0; t != NULL && commands[i] != NULL; i++) {
        const cg_cli_command *const *subs = commands[i]->subcommands;
        for (size_t k = 0; subs != NULL && subs[k] != NULL; k++) {
            const char *row[] = {"", subs[k]->name, cg_i18n(subs[k]->summary)};
            cg_table_add(t, row);
        }
        if (subs == NULL) {
            const char *row[] = {"", commands[i]->name, cg_i18n(commands[i]->summary)};
            cg_table_add(t, row);
        }
    }
    if (t != NULL)
        cg_table_print(t, stdout);
    cg_table_free(t);
    fputs(_("\nRun 'chengguan COMMAND --help' for the options of a command.\n"
            "Exit status: 0 ok, 1 usage error, 2 the server refused, 3 could not connect,\n"
            "TLS failed or the connection broke.\n"),
          stdout);
}

/* Paths derived from an account of the dev PKI. */
typedef struct {
    char cert[PATH_MAX];
    char key[PATH_MAX];
    char ca[PATH_MAX];
} pki_paths;

static void pki_paths_for(pki_paths *p, const char *pki, const char *account)
{
    snprintf(p->cert, sizeof p->cert, "%s/clients/%s.crt", pki, account);
    snprintf(p->key, sizeof p->key, "%s/clients/%s.key", pki, account);
    snprintf(p->ca, sizeof p->ca, "%s/ca.crt", pki);
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? v : NULL;
}

/* The first non-NULL of a, b, c, d. */
static const char *first(const char *a, const char *b, const char *c, const char *d)
{
    return a ? a : b ? b : c ? c : d;
}

int main(int argc, char **argv)
{
    const char *server = NULL, *cert = NULL, *key = NULL, *ca = NULL, *account = NULL;
    const char *timeout = NULL, *idempotency_key = NULL;
    int json = 0, opt;

    cg_i18n_init();
    opterr = 0;
    /* '+': stop at the command name; ':': report a missing value as ':'. */
    while ((opt = getopt_long(argc, argv, "+:h", global_options, NULL)) != -1) {
        switch (opt) {
        case OPT_SERVER:
            server = optarg;
            break;
        case OPT_CERT:
            cert = optarg;
            break;
        case OPT_KEY:
            key = optarg;
            break;
        case OPT_CA:
            ca = optarg;
            break;
        case OPT_AS:
            account = optarg;
            break;
        case OPT_JSON:
            json = 1;
            break;
        case OPT_TIMEOUT:
            timeout = optarg;
            break;
        case OPT_IDEMPOTENCY_KEY:
            idempotency_key = optarg;
            break;
        case 'h':
            print_help();
            return CG_EXIT_OK;
        case OPT_VERSION:
            printf("chengguan " CG_VERSION "\n");
            return CG_EXIT_OK;
        case ':':
            return cg_cli_usage_error(NULL, "option '%s' needs a value", argv[optind - 1]);
        default:
            return optopt ? cg_cli_usage_error(NULL, "unknown option '-%c'", optopt)
                          : cg_cli_usage_error(NULL, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cg_cli_usage_error(NULL, "no command given");

    const cg_cli_command *cmd = NULL;
    for (size_t i = 0; commands[i] != NULL && cmd == NULL; i++)
        if (strcmp(commands[i]->name, argv[optind]) == 0)
            cmd = commands[i];
    if (cmd == NULL)
        return cg_cli_usage_error(NULL, "unknown command '%s'", argv[optind]);

    cg_cli cli = {.json = json, .idempotency_key = idempotency_key};
    if (idempotency_key != NULL &&
        (strlen(idempotency_key) < CG_CLI_KEY_MIN || strlen(idempotency_key) > CG_CLI_KEY_MAX))
        return cg_cli_usage_error(NULL, "--idempotency-key: %d to %d bytes, not %zu",
                                  CG_CLI_KEY_MIN, CG_CLI_KEY_MAX, strlen(idempotency_key));
    /* ping, whoami and watch (the commands that are not groups) only read. */
    if (cmd->subcommands == NULL && cg_cli_refuse_key(&cli, cmd) != 0)
        return CG_EXIT_USAGE;
    cli.server = first(server, env("CHENGGUAN_SERVER"), DEFAULT_SERVER, NULL);
    if (timeout != NULL) {
        uint64_t ms;
        if (cg_duration_parse(timeout, &ms) != 0 || ms == 0 || ms > INT_MAX)
            return cg_cli_usage_error(NULL, "bad --timeout '%s' (e.g. 500ms, 5s, 1min)", timeout);
        cli.timeout_ms = (int)ms;
    }

    /* --cert/--key/--ca, then --as, then CHENGGUAN_CERT/KEY/CA, then
     * CHENGGUAN_AS; the CA falls back to the dev PKI's. */
    const char *pki = first(env("CHENGGUAN_PKI"), DEFAULT_PKI, NULL, NULL);
    static pki_paths as_paths, env_as_paths, default_paths;
    const char *env_account = env("CHENGGUAN_AS");
    const pki_paths *as = NULL, *env_as = NULL;
    if (account != NULL) {
        pki_paths_for(&as_paths, pki, account);
        as = &as_paths;
    }
    if (env_account != NULL) {
        pki_paths_for(&env_as_paths, pki, env_account);
        env_as = &env_as_paths;
    }
    pki_paths_for(&default_paths, pki, "");
    cli.cert =
        first(cert, as ? as->cert : NULL, env("CHENGGUAN_CERT"), env_as ? env_as->cert : NULL);
    cli.key = first(key, as ? as->key : NULL, env("CHENGGUAN_KEY"), env_as ? env_as->key : NULL);
    cli.ca = first(ca, as ? as->ca : NULL, env("CHENGGUAN_CA"), default_paths.ca);

    return cmd->run(&cli, cmd, argc - optind, argv + optind);
}
