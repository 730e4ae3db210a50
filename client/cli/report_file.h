/*
 * Commands that write a document from one request's reply (the bulletin,
 * a unit's summary): -o FILE or standard output, in one of a few formats.
 * The file appears whole or not at all.
 */
#ifndef CG_CLI_REPORT_FILE_H
#define CG_CLI_REPORT_FILE_H

#include "cli.h"
#include "cli_fields.h"

#include <jansson.h>
#include <stdio.h>

typedef struct {
    /* The request and its options; local_opts are --format then --output. */
    cg_input in;
    const char *const *formats; /* NULL-terminated; the first is the default */
    const char *formats_text;   /* the same as a list for messages: "markdown, html" */
    /* Further checks of the request before sending it: 0, or an exit code
     * after saying why. NULL: none. */
    int (*check)(const cg_cli_command *cmd, const json_t *req);
    /* Writes the reply as format: 0 or -1. */
    int (*write)(FILE *out, const char *format, json_t *reply);
} cg_report_spec;

/* run of such a command: cmd->spec is its cg_report_spec. -o FILE stands
 * for --output FILE; with the global --json the format is json when it is
 * one of the formats. Written into a temporary file beside FILE, renamed
 * over it once complete. */
int cg_report_run(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv);

#endif
