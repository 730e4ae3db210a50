/*
 * A document a command writes (a bulletin, a summary): to standard output,
 * or to a file that appears whole or not at all.
 */
#ifndef CG_CLI_REPORT_FILE_H
#define CG_CLI_REPORT_FILE_H

#include "cli.h"

#include <jansson.h>
#include <stdio.h>

/* Writes reply through write(out, format, reply) (0 or -1) to path, or to
 * stdout when path is NULL or "-": into a temporary file beside path,
 * renamed over it once complete. Returns an exit code, after saying why
 * on stderr when it is not CG_EXIT_OK. */
int cg_report_file_write(const cg_cli_command *cmd, const char *path, const char *format,
                         json_t *reply, int (*write)(FILE *out, const char *format, json_t *reply));

#endif
