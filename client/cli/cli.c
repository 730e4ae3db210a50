#include "cli.h"
#include "cli_queue.h"
#include "examples.h"
#include "globals.h"
#include "i18n.h"
#include "output.h"
#include "server_errors.h"

#include "chengguan/journal.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PROG "chengguan"

int cg_cli_usage_error(const cg_cli_command *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, PROG "%s%s: ", cmd ? " " : "", cmd ? cmd->name : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fprintf(stderr, _("Try '%s%s%s --help'.\n"), PROG, cmd ? " " : "", cmd ? cmd->name : "");
    return CG_EXIT_USAGE;
}

int cg_cli_refuse_key(const cg_cli *cli, const cg_cli_command *cmd)
{
    if (cli->idempotency_key == NULL)
        return 0;
    return cg_cli_usage_error(cmd, "%s",
                              _("--idempotency-key is for a command that changes something; "
                                "this one only reads"));
}

void cg_cli_print_help(const cg_cli_command *cmd)
{
    printf(_("Usage: %s [GLOBAL OPTIONS] %s %s\n\n"), PROG, cmd->name, cmd->args);
    printf("%s\n\n%s", cg_i18n(cmd->summary), cg_i18n(cmd->help));
    printf("  -h, --help            %s\n\n", _("show this help"));
    const char *example = cg_cli_example(cmd->name);
    if (example != NULL)
        printf("%s\n  %s\n\n", _("Example:"), example);
    printf(_("Global options (before or after the command): see '%s --help'.\n"), PROG);
}

/* Prints the options of a command for completion and tests (the hidden
 * --list-options): "option<TAB>--name<TAB>VALUE or -<TAB>0<TAB>value". */
static void list_options(const struct option *longopts, size_t n)
{
    for (size_t k = 0; k < n; k++)
        printf("option\t--%s\t%s\t0\tvalue\n", longopts[k].name,
               longopts[k].has_arg ? "VALUE" : "-");
}

int cg_cli_getopt(const cg_cli_command *cmd, int argc, char **argv, const char *shortopts,
                  const struct option *longopts, int (*on_opt)(int opt, const char *arg, void *ctx),
                  void *ctx, int *operands)
{
    cg_cli_args *globals = cg_cli_current_args();
    size_t n = 0, ng = 0;
    while (longopts != NULL && longopts[n].name != NULL)
        n++;
    while (globals != NULL && cg_cli_global_options[ng].name != NULL)
        ng++;
    if (argc == 2 && strcmp(argv[1], "--list-options") == 0) {
        list_options(longopts, n);
        return CG_EXIT_OK;
    }
    /* The command's options first: one of the same name would win. */
    struct option *opts = calloc(n + ng + 2, sizeof *opts);
    char *optstring = malloc(strlen(shortopts) + 3);
    if (opts == NULL || optstring == NULL) {
        free(opts);
        free(optstring);
        fprintf(stderr, PROG ": %s\n", _("out of memory"));
        return CG_EXIT_USAGE;
    }
    if (n > 0)
        memcpy(opts, longopts, n * sizeof *opts);
    if (ng > 0)
        memcpy(opts + n, cg_cli_global_options, ng * sizeof *opts);
    opts[n + ng] = (struct option){"help", no_argument, NULL, 'h'};
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
            rc = cg_cli_usage_error(cmd, _("option '%s' needs a value"), argv[optind - 1]);
        } else if (opt == '?') {
            rc = optopt ? cg_cli_usage_error(cmd, _("unknown option '-%c'"), optopt)
                        : cg_cli_usage_error(cmd, _("unknown option '%s'"), argv[optind - 1]);
        } else if (opt >= CG_CLI_GLOBAL_BASE && globals != NULL) {
            cg_cli_global_opt(globals, opt, optarg);
        } else if (on_opt(opt, optarg, ctx) != 0) {
            rc = CG_EXIT_USAGE;
        }
    }
    *operands = optind;
    free(opts);
    free(optstring);
    if (rc < 0 && cg_cli_finish(cmd) != 0)
        rc = CG_EXIT_USAGE;
    return rc;
}

int cg_cli_getopt_none(const cg_cli_command *cmd, int argc, char **argv)
{
    int operands;
    int rc = cg_cli_getopt(cmd, argc, argv, "", NULL, NULL, NULL, &operands);
    if (rc >= 0)
        return rc;
    if (operands < argc)
        return cg_cli_usage_error(cmd, _("unexpected argument '%s'"), argv[operands]);
    return -1;
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
    if (err == CG_EQUEUED)
        return CG_EXIT_QUEUED;
    if (err <= CG_ECANCELLED && err >= CG_EUNAUTHENTICATED)
        return CG_EXIT_REFUSED;
    return CG_EXIT_CONNECT;
}

int cg_cli_fail(cg_client *c, int err)
{
    if (err == CG_EQUEUED) {
        fprintf(stderr,
                _("chengguan: not sent: the server cannot be reached or cannot take it now, so "
                  "the change is kept in the offline queue as %s; 'chengguan queue flush', or "
                  "the next command that reaches the server, sends it\n"),
                cg_client_queued(c));
        return CG_EXIT_QUEUED;
    }
    const char *msg = cg_client_error(c);
    if (msg[0] == '\0')
        msg = cg_strerror(err);
    int code = cg_cli_exit_code(err);
    if (code == CG_EXIT_REFUSED) {
        char text[2048];
        const char *known = cg_cli_server_error_text(c, text, sizeof text);
        if (known != NULL)
            msg = known;
        const char *field = cg_client_error_field(c);
        fprintf(stderr, PROG ": %s: %s", cg_err_name(err), msg);
        if (field[0] != '\0')
            fprintf(stderr, _(" (field: %s)"), field);
        fputc('\n', stderr);
    } else {
        fprintf(stderr, PROG ": %s\n", msg);
    }
    return code;
}

/* The accounts of the dev PKI (PKI/clients/NAME.crt) into buf, ", "-separated. */
static void pki_accounts(const char *pki, char *buf, size_t len)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/clients", pki);
    buf[0] = '\0';
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        size_t l = strlen(name), used = strlen(buf);
        if (l > 4 && strcmp(name + l - 4, ".crt") == 0)
            snprintf(buf + used, len - used, "%s%.*s", used ? ", " : "", (int)(l - 4), name);
        free(names[i]);
    }
    if (n >= 0)
        free(names);
}

/* CG_EXIT_USAGE with a message when file is not set or cannot be read. */
static int check_file(const cg_cli *cli, const char *file, const char *what)
{
    if (file == NULL)
        return cg_cli_usage_error(NULL,
                                  _("no %s: use --as ACCOUNT, or --cert, --key and --ca "
                                    "(or CHENGGUAN_CERT, CHENGGUAN_KEY, CHENGGUAN_CA), "
                                    "or a profile (chengguan config init)"),
                                  what);
    if (access(file, R_OK) == 0)
        return 0;
    int e = errno;
    if (e == ENOENT && cli->account != NULL && strstr(file, "/clients/") != NULL) {
        char accounts[1024];
        pki_accounts(cli->pki, accounts, sizeof accounts);
        return cg_cli_usage_error(NULL, _("no account '%s' in %s/clients (accounts: %s)"),
                                  cli->account, cli->pki, accounts[0] ? accounts : _("none"));
    }
    return cg_cli_usage_error(NULL, _("cannot read %s %s: %s"), what, file, strerror(e));
}

/* Like ssh: a private key others may read or change is refused. */
static int check_key_mode(const char *key)
{
    struct stat st;
    if (stat(key, &st) != 0 || (st.st_mode & 077) == 0)
        return 0;
    return cg_cli_usage_error(NULL,
                              _("the permissions %04o of the private key %s are too open: "
                                "others may read it; make it yours alone: chmod 600 %s"),
                              (unsigned)(st.st_mode & 07777), key, key);
}

int cg_cli_client_options(const cg_cli *cli, cg_client_options *opt)
{
    if (cli->profile_error != NULL)
        return cg_cli_usage_error(NULL, "%s", cli->profile_error);
    int rc = check_file(cli, cli->cert, _("client certificate"));
    if (rc == 0)
        rc = check_file(cli, cli->key, _("client key"));
    if (rc == 0)
        rc = check_key_mode(cli->key);
    if (rc == 0)
        rc = check_file(cli, cli->ca, _("CA certificate"));
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

int cg_cli_connect_for(const cg_cli *cli, cg_client **out, cg_cli_connect_mode mode)
{
    *out = NULL;
    cg_client_options opt;
    int rc = cg_cli_client_options(cli, &opt);
    if (rc != 0)
        return rc;
    cg_client *c;
    int err = cg_client_connect(&c, &opt);
    if (cli->journal != NULL && c != NULL && mode != CG_CLI_QUEUE &&
        (err == 0 || mode == CG_CLI_CHANGES))
        rc = cg_cli_queue_attach(cli, c, err, mode == CG_CLI_CHANGES);
    else if (err != 0)
        rc = cg_cli_fail(c, err);
    if (rc != 0) {
        cg_client_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

int cg_cli_connect(const cg_cli *cli, cg_client **out)
{
    return cg_cli_connect_for(cli, out, CG_CLI_READS);
}

const char *cg_cli_subcommand_name(const cg_cli_command *sub)
{
    const char *space = strrchr(sub->name, ' ');
    return space ? space + 1 : sub->name;
}

static void print_group_help(const cg_cli_command *group)
{
    printf(_("Usage: %s [GLOBAL OPTIONS] %s SUBCOMMAND [OPTIONS]\n\n"), PROG, group->name);
    printf("%s\n\n%s%s\n", cg_i18n(group->summary), group->help ? cg_i18n(group->help) : "",
           _("Subcommands:"));
    cg_table *t = cg_table_new(3, NULL);
    for (size_t i = 0; t != NULL && group->subcommands[i] != NULL; i++) {
        const cg_cli_command *sub = group->subcommands[i];
        const char *row[] = {"", cg_cli_subcommand_name(sub), cg_i18n(sub->summary)};
        cg_table_add(t, row);
    }
    if (t != NULL)
        cg_table_print(t, stdout);
    cg_table_free(t);
    putchar('\n');
    printf(_("Run '%s %s SUBCOMMAND --help' for the options of one.\n"), PROG, group->name);
}

/* The global options between a group and its subcommand ("compound --json
 * list"): the index of the subcommand, or an exit code after --help or a
 * mistake, as a negative number minus one. */
static int group_globals(const cg_cli_command *group, int argc, char **argv)
{
    cg_cli_args *globals = cg_cli_current_args(), none = {0};
    size_t ng = 0;
    while (cg_cli_global_options[ng].name != NULL)
        ng++;
    struct option opts[ng + 2];
    memcpy(opts, cg_cli_global_options, ng * sizeof *opts);
    opts[ng] = (struct option){"help", no_argument, NULL, 'h'};
    opts[ng + 1] = (struct option){NULL, 0, NULL, 0};
    int opt;
    optind = 0;
    opterr = 0;
    /* '+': stop at the subcommand. */
    while ((opt = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
        if (opt == 'h') {
            print_group_help(group);
            return -CG_EXIT_OK - 1;
        }
        if (opt == ':')
            return -cg_cli_usage_error(group, _("option '%s' needs a value"), argv[optind - 1]) - 1;
        if (opt == '?')
            return -(optopt
                         ? cg_cli_usage_error(group, _("unknown option '-%c'"), optopt)
                         : cg_cli_usage_error(group, _("unknown option '%s'"), argv[optind - 1])) -
                   1;
        cg_cli_global_opt(globals ? globals : &none, opt, optarg);
    }
    return optind;
}

int cg_cli_group_run(const cg_cli *cli, const cg_cli_command *group, int argc, char **argv)
{
    int sub = group_globals(group, argc, argv);
    if (sub < 0)
        return -sub - 1;
    if (sub >= argc)
        return cg_cli_usage_error(group, "%s", _("no subcommand given"));
    for (size_t i = 0; group->subcommands[i] != NULL; i++) {
        const cg_cli_command *c = group->subcommands[i];
        if (strcmp(cg_cli_subcommand_name(c), argv[sub]) == 0)
            return c->run(cli, c, argc - sub, argv + sub);
    }
    return cg_cli_usage_error(group, _("unknown subcommand '%s'"), argv[sub]);
}
