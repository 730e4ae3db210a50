#include "cli.h"
#include "i18n.h"
#include "output.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROG "chengguan"

int cg_cli_usage_error(const cg_cli_command *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, PROG "%s%s: ", cmd ? " " : "", cmd ? cmd->name : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '" PROG "%s%s --help'.\n", cmd ? " " : "", cmd ? cmd->name : "");
    return CG_EXIT_USAGE;
}

int cg_cli_refuse_key(const cg_cli *cli, const cg_cli_command *cmd)
{
    if (cli->idempotency_key == NULL)
        return 0;
    return cg_cli_usage_error(cmd, "--idempotency-key is for a command that changes something; "
                                   "this one only reads");
}

void cg_cli_print_help(const cg_cli_command *cmd)
{
    printf("Usage: " PROG " [GLOBAL OPTIONS] %s %s\n\n%s\n\n%s", cmd->name, cmd->args,
           cg_i18n(cmd->summary), cg_i18n(cmd->help));
    printf("  -h, --help            show this help\n\n"
           "Global options: see '" PROG " --help'.\n");
}

int cg_cli_getopt(const cg_cli_command *cmd, int argc, char **argv, const char *shortopts,
                  const struct option *longopts, int (*on_opt)(int opt, const char *arg, void *ctx),
                  void *ctx, int *operands)
{
    size_t n = 0;
    while (longopts != NULL && longopts[n].name != NULL)
        n++;
    struct option *opts = calloc(n + 2, sizeof *opts);
    char *optstring = malloc(strlen(shortopts) + 3);
    if (opts == NULL || optstring == NULL) {
        free(opts);
        free(optstring);
        fprintf(stderr, PROG ": out of memory\n");
        return CG_EXIT_USAGE;
    }
    if (n > 0)
        memcpy(opts, longopts, n * sizeof *opts);
    opts[n] = (struct option){"help", no_argument, NULL, 'h'};
    /* ':' first: a missing argument is reported as ':', not '?'. */
    snprintf(optstring, strlen(shortopts) + 3, ":h%s", shortopts);

    int rc = -1, opt;
    optind = 0; /* glibc: start a fresh scan (the global options used getopt before) */
    opterr = 0;
    while (rc < 0 && (opt = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
        if (opt == 'h') {
            cg_cli_print_help(cmd);
            rc = CG_EXIT_OK;
        } else if (opt == ':') {
            rc = cg_cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        } else if (opt == '?') {
            rc = optopt ? cg_cli_usage_error(cmd, "unknown option '-%c'", optopt)
                        : cg_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        } else if (on_opt(opt, optarg, ctx) != 0) {
            rc = CG_EXIT_USAGE;
        }
    }
    *operands = optind;
    free(opts);
    free(optstring);
    return rc;
}

int cg_cli_parse_int(const char *s, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int cg_cli_exit_code(int err)
{
    if (err == 0)
        return CG_EXIT_OK;
    if (err == CG_EUSAGE)
        return CG_EXIT_USAGE;
    if (err <= CG_ECANCELLED && err >= CG_EUNAUTHENTICATED)
        return CG_EXIT_REFUSED;
    return CG_EXIT_CONNECT;
}

int cg_cli_fail(cg_client *c, int err)
{
    const char *msg = cg_client_error(c);
    if (msg[0] == '\0')
        msg = cg_strerror(err);
    int code = cg_cli_exit_code(err);
    if (code == CG_EXIT_REFUSED) {
        const char *field = cg_client_error_field(c);
        fprintf(stderr, PROG ": %s: %s", cg_err_name(err), msg);
        if (field[0] != '\0')
            fprintf(stderr, " (field: %s)", field);
        fputc('\n', stderr);
    } else {
        fprintf(stderr, PROG ": %s\n", msg);
    }
    return code;
}

/* CG_EXIT_USAGE with a message when file is not set or cannot be read. */
static int check_file(const char *file, const char *what)
{
    if (file == NULL)
        return cg_cli_usage_error(NULL,
                                  "no %s: use --as ACCOUNT, or --cert, --key and --ca "
                                  "(or CHENGGUAN_CERT, CHENGGUAN_KEY, CHENGGUAN_CA)",
                                  what);
    if (access(file, R_OK) != 0)
        return cg_cli_usage_error(NULL, "cannot read %s %s: %s", what, file, strerror(errno));
    return 0;
}

int cg_cli_client_options(const cg_cli *cli, cg_client_options *opt)
{
    int rc = check_file(cli->cert, "client certificate");
    if (rc == 0)
        rc = check_file(cli->key, "client key");
    if (rc == 0)
        rc = check_file(cli->ca, "CA certificate");
    if (rc != 0)
        return rc;
    *opt = (cg_client_options){
        .server = cli->server,
        .cert_file = cli->cert,
        .key_file = cli->key,
        .ca_file = cli->ca,
        .client_name = "chengguan-cli/" CG_VERSION,
        .timeout_ms = cli->timeout_ms,
    };
    return 0;
}

int cg_cli_connect(const cg_cli *cli, cg_client **out)
{
    *out = NULL;
    cg_client_options opt;
    int rc = cg_cli_client_options(cli, &opt);
    if (rc != 0)
        return rc;
    cg_client *c;
    int err = cg_client_connect(&c, &opt);
    if (err != 0) {
        rc = cg_cli_fail(c, err);
        cg_client_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

const char *cg_cli_subcommand_name(const cg_cli_command *sub)
{
    const char *space = strrchr(sub->name, ' ');
    return space ? space + 1 : sub->name;
}

static void print_group_help(const cg_cli_command *group)
{
    printf("Usage: " PROG " [GLOBAL OPTIONS] %s SUBCOMMAND [OPTIONS]\n\n%s\n\n%sSubcommands:\n",
           group->name, cg_i18n(group->summary), group->help ? cg_i18n(group->help) : "");
    cg_table *t = cg_table_new(3, NULL);
    for (size_t i = 0; t != NULL && group->subcommands[i] != NULL; i++) {
        const cg_cli_command *sub = group->subcommands[i];
        const char *row[] = {"", cg_cli_subcommand_name(sub), cg_i18n(sub->summary)};
        cg_table_add(t, row);
    }
    if (t != NULL)
        cg_table_print(t, stdout);
    cg_table_free(t);
    printf("\nRun '" PROG " %s SUBCOMMAND --help' for the options of one.\n", group->name);
}

int cg_cli_group_run(const cg_cli *cli, const cg_cli_command *group, int argc, char **argv)
{
    if (argc < 2)
        return cg_cli_usage_error(group, "no subcommand given");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_group_help(group);
        return CG_EXIT_OK;
    }
    for (size_t i = 0; group->subcommands[i] != NULL; i++) {
        const cg_cli_command *sub = group->subcommands[i];
        if (strcmp(cg_cli_subcommand_name(sub), argv[1]) == 0)
            return sub->run(cli, sub, argc - 1, argv + 1);
    }
    return cg_cli_usage_error(group, "unknown subcommand '%s'", argv[1]);
}
