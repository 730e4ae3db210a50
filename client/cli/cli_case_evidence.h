/*
 * The evidence subcommands of `chengguan case` (cli_case_evidence.c):
 * attach, attachments, download.
 */
#ifndef CG_CLI_CASE_EVIDENCE_H
#define CG_CLI_CASE_EVIDENCE_H

#include "cli.h"

extern const cg_cli_command cg_cli_case_attach;
extern const cg_cli_command cg_cli_case_attachments;
extern const cg_cli_command cg_cli_case_download;

#endif
