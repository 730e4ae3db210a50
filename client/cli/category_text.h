/*
 * Violation categories as people type them: a number 1-10, or a name —
 * Chinese (垃圾), English or the code name, whole or an unambiguous start.
 * The names live on the server (CategoryList), their one source: while the
 * options are parsed a name is kept as text, and it is resolved to its
 * number once connected, with one CategoryList call for the whole request.
 */
#ifndef CG_CLI_CATEGORY_TEXT_H
#define CG_CLI_CATEGORY_TEXT_H

#include "cli.h"

#include <jansson.h>
#include <stddef.h>

/* text (len bytes) as the JSON of a category: an integer 1-10, or the name
 * as a string for cg_category_resolve. NULL, or why not. */
const char *cg_category_from_textn(const char *text, size_t len, json_t **out);

/* The from_text of a --category option. */
const char *cg_category_from_text(const char *text, json_t **out);

/* Replaces every "category" member of req (at any depth) that is a name by
 * its number. 0, CG_EXIT_USAGE after saying which name matches none or
 * several (with the choices), or the exit code of the failed call. */
int cg_category_resolve(const cg_cli_command *cmd, cg_client *c, json_t *req);

#endif
