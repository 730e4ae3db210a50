/*
 * Output shared by every command: aligned tables for people, one JSON object
 * per line for scripts (--json). Errors never go through here: they go to
 * stderr (cli.h).
 */
#ifndef CG_CLI_OUTPUT_H
#define CG_CLI_OUTPUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

typedef struct cg_table cg_table;

/* A table of ncols columns. header (ncols strings) may be NULL for a table
 * without a header line. NULL when memory ran out. */
cg_table *cg_table_new(size_t ncols, const char *const *header);

/* Appends a row of ncols strings (copied; NULL prints as ""). 0 or -1. */
int cg_table_add(cg_table *t, const char *const *cells);

/* Prints the rows with every column padded to its widest cell in terminal
 * columns (cg_display_width), two spaces apart; the last column is not padded. */
void cg_table_print(const cg_table *t, FILE *out);

void cg_table_free(cg_table *t);

/* Prints obj on one line of stdout, flushes, and drops the reference. Its
 * instants are rewritten to +08:00 first (cg_time_json_local), in place. A
 * NULL obj (jansson ran out of memory) prints nothing and returns -1. */
int cg_json_print(json_t *obj);

#endif
