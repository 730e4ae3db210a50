/*
 * The command framework of the chengguan CLI. main.c parses the global
 * options into a cg_cli and runs one command from its table. A command group
 * lives in its own file (cli_ping.c, cli_whoami.c, ...), exports one
 * cg_cli_command declared at the end of this header, and is listed once in
 * main.c's table.
 */
#ifndef CG_CLI_H
#define CG_CLI_H

#include "chengguan/client.h"

#include <getopt.h>
#include <stdint.h>

/* Exit codes (contract, docs/cli.md, "Exit status"). */
enum {
    CG_EXIT_OK = 0,
    CG_EXIT_USAGE = 1,   /* bad option or value, unreadable certificate file */
    CG_EXIT_REFUSED = 2, /* the server refused: its error code name is printed */
    CG_EXIT_CONNECT = 3, /* could not connect, TLS failed, or the connection broke */
    CG_EXIT_QUEUED = 4   /* not sent: kept in the offline queue (cli_queue.h) */
};

/* The global options, resolved from options, environment, the client
 * profile and defaults (globals.h) once the command's options are parsed. */
typedef struct {
    const char *server;
    const char *cert; /* NULL when nothing named one */
    const char *key;
    const char *ca;
    int json;
    int timeout_ms;              /* 0: the library's default */
    const char *idempotency_key; /* --idempotency-key: NULL, or text of 16-64 bytes */
    const char *account;         /* the dev PKI account cert is of, NULL for none */
    const char *pki;             /* the dev PKI directory */
    const char *profile;         /* the profile's name ("default" unless named) */
    const char *profile_file;    /* client.conf, NULL when there is no place for it */
    const char *profile_error;   /* why the profile cannot be used, said on connecting */
    const char *journal;         /* the offline queue's directory, NULL when off */
} cg_cli;

typedef struct cg_cli_command {
    const char *name;    /* "whoami"; a subcommand has its group's name first: "compound add" */
    const char *args;    /* synopsis after the name, e.g. "[--count N]" */
    const char *summary; /* one line for `chengguan --help` */
    const char *help;    /* the options, for `chengguan NAME --help` (a request command:
                            the text before its generated option list) */
    /* Runs the command; argv[0] is its name. Returns an exit code. */
    int (*run)(const cg_cli *cli, const struct cg_cli_command *cmd, int argc, char **argv);
    const void *spec; /* what run needs to know, e.g. a cg_request_spec (cli_request.h) */
    /* A group (run is cg_cli_group_run): its subcommands, NULL-terminated. */
    const struct cg_cli_command *const *subcommands;
} cg_cli_command;

/* run of a group: runs the subcommand named by argv[1]; --help lists them. */
int cg_cli_group_run(const cg_cli *cli, const cg_cli_command *group, int argc, char **argv);

/* The part of a subcommand's name after its group's: "add" of "compound add". */
const char *cg_cli_subcommand_name(const cg_cli_command *sub);

/*
 * Parses a command's options with getopt_long; --help/-h is added to opts.
 * Calls on_opt(opt, optarg, ctx) for each option, which returns 0 or
 * CG_EXIT_USAGE (after cg_cli_usage_error). Returns -1 to run the command,
 * with *operands set to the index of the first operand, or an exit code to
 * stop with: CG_EXIT_OK after --help, CG_EXIT_USAGE after a mistake.
 */
int cg_cli_getopt(const cg_cli_command *cmd, int argc, char **argv, const char *shortopts,
                  const struct option *longopts, int (*on_opt)(int opt, const char *arg, void *ctx),
                  void *ctx, int *operands);

/* cg_cli_getopt for a command with no options of its own and no operands:
 * -1 to run it, else the exit code to stop with. */
int cg_cli_getopt_none(const cg_cli_command *cmd, int argc, char **argv);

/* Prints "chengguan CMD: MESSAGE" and a pointer to --help on stderr; returns
 * CG_EXIT_USAGE. cmd may be NULL for the global options. */
int cg_cli_usage_error(const cg_cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The limits of --idempotency-key, those of the protocol's keys. */
#define CG_CLI_KEY_MIN 16
#define CG_CLI_KEY_MAX 64

/* For a command that changes nothing: CG_EXIT_USAGE after saying so when
 * --idempotency-key was given, else 0. */
int cg_cli_refuse_key(const cg_cli *cli, const cg_cli_command *cmd);

/* Prints the help of cmd on stdout. */
void cg_cli_print_help(const cg_cli_command *cmd);

/* Parses a decimal integer in [min, max]. 0 or -1. */
int cg_cli_parse_int(const char *s, long long min, long long max, long long *out);

/*
 * Connects with the global options. Checks the certificate files first
 * (CG_EXIT_USAGE when one is missing). On failure prints why, frees the client
 * and returns the exit code; on success returns 0 with *out set.
 */
int cg_cli_connect(const cg_cli *cli, cg_client **out);

/* How cg_cli_connect_for treats the offline queue (cli_queue.h). */
typedef enum {
    CG_CLI_READS,   /* send what waits in the queue first */
    CG_CLI_CHANGES, /* the same; and when the server cannot be reached, *out is a client
                       that queues the change */
    CG_CLI_QUEUE    /* leave the queue alone (chengguan queue flush) */
} cg_cli_connect_mode;

/* cg_cli_connect with the queue treated as mode says (cg_cli_connect is
 * CG_CLI_READS). */
int cg_cli_connect_for(const cg_cli *cli, cg_client **out, cg_cli_connect_mode mode);

/* The connection options of the global options, once the certificate, key
 * and CA are readable; 0 or CG_EXIT_USAGE after printing why. */
int cg_cli_client_options(const cg_cli *cli, cg_client_options *opt);

/*
 * Prints the failure err of a library call on stderr: "chengguan: NAME:
 * message" for a refusal by the server, "chengguan: message" otherwise.
 * Returns the exit code for err.
 */
int cg_cli_fail(cg_client *c, int err);

/* The exit code for a CG_E* error. */
int cg_cli_exit_code(int err);

/* The commands, one per file. */
extern const cg_cli_command cg_cli_cmd_ping;
extern const cg_cli_command cg_cli_cmd_whoami;
extern const cg_cli_command cg_cli_cmd_compound;
extern const cg_cli_command cg_cli_cmd_officer;
extern const cg_cli_command cg_cli_cmd_grid;
extern const cg_cli_command cg_cli_cmd_board;
extern const cg_cli_command cg_cli_cmd_publicity;
extern const cg_cli_command cg_cli_cmd_ledger;
extern const cg_cli_command cg_cli_cmd_categories;
extern const cg_cli_command cg_cli_cmd_patrol;
extern const cg_cli_command cg_cli_cmd_request;
extern const cg_cli_command cg_cli_cmd_report;
extern const cg_cli_command cg_cli_cmd_case;
extern const cg_cli_command cg_cli_cmd_watch;
extern const cg_cli_command cg_cli_cmd_config;
extern const cg_cli_command cg_cli_cmd_calendar;
extern const cg_cli_command cg_cli_cmd_limits;
extern const cg_cli_command cg_cli_cmd_account;
extern const cg_cli_command cg_cli_cmd_order;
/* step 6: the long-term mechanism */
extern const cg_cli_command cg_cli_cmd_meeting;
extern const cg_cli_command cg_cli_cmd_suggestion;
extern const cg_cli_command cg_cli_cmd_group;
extern const cg_cli_command cg_cli_cmd_coordination;
extern const cg_cli_command cg_cli_cmd_decision;
extern const cg_cli_command cg_cli_cmd_training;
extern const cg_cli_command cg_cli_cmd_practice;
extern const cg_cli_command cg_cli_cmd_stats;
extern const cg_cli_command cg_cli_cmd_summary;
extern const cg_cli_command cg_cli_cmd_problem;
extern const cg_cli_command cg_cli_cmd_campaign;
/* step 7 */
extern const cg_cli_command cg_cli_cmd_audit;
/* step 9 */
extern const cg_cli_command cg_cli_cmd_queue;

#endif
