/*
 * The global options of the CLI (--server, --as, --json, ...): parsed before
 * the command by main.c and after it by cg_cli_getopt (cli.c), then resolved
 * once into the cg_cli the command reads, from the command line, the
 * environment and the client profile (profile.h), in that order.
 */
#ifndef CG_CLI_GLOBALS_H
#define CG_CLI_GLOBALS_H

#include "cli.h"

/* The global options as typed; NULL when not given. */
typedef struct {
    const char *server, *cert, *key, *ca, *account, *timeout, *idempotency_key, *profile;
    int json;
} cg_cli_args;

/* getopt_long entries of the global options (NULL-terminated); their values
 * are CG_CLI_GLOBAL_BASE and up, apart from any command option's. */
#define CG_CLI_GLOBAL_BASE 0x7000
extern const struct option cg_cli_global_options[];

/* Records a global option (opt a value of cg_cli_global_options) in a. */
void cg_cli_global_opt(cg_cli_args *a, int opt, const char *arg);

/*
 * Starts an invocation: the global options before the command are in args,
 * top is the command named; cg_cli_getopt adds what follows the command and
 * then calls cg_cli_finish, which fills cli. Both stay owned by the caller.
 */
void cg_cli_begin(cg_cli_args *args, cg_cli *cli, const cg_cli_command *top);

/* The args of the invocation, NULL outside one (unit tests of a command). */
cg_cli_args *cg_cli_current_args(void);

/*
 * Resolves the invocation's options into its cg_cli for cmd, whose options are
 * parsed: --timeout and --idempotency-key checked, the profile read, the
 * certificate, key and CA chosen. 0, or CG_EXIT_USAGE after saying why.
 * Without an invocation it does nothing.
 */
int cg_cli_finish(const cg_cli_command *cmd);

#endif
