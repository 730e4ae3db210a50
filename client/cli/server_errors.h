/*
 * What a refusal of the server says to a person, in the person's language:
 * a table from each stable Error.reason (docs/protocol.md, Errors) to a
 * text with the refusal's parameters; times among them are shown as
 * Beijing time. The server's English message is the fallback for a reason
 * this client does not know (a newer server).
 */
#ifndef CG_CLI_SERVER_ERRORS_H
#define CG_CLI_SERVER_ERRORS_H

#include "chengguan/client.h"

#include <stddef.h>

/* The text of c's last refusal written into buf; NULL when its reason is
 * not in the table (then show cg_client_error). */
const char *cg_cli_server_error_text(const cg_client *c, char *buf, size_t len);

#endif
