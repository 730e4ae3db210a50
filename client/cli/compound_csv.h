/*
 * Compounds as CSV rows, the file `compound export --format csv` writes and
 * `compound import` reads. The columns are "id" and the fields a ledger
 * clerk writes (cg_compound_fields, also the options of compound add and
 * update), named as the Compound fields are; import also takes the option
 * spelling with dashes (management-status), any column order and any subset
 * of the columns (a row with an id changes only the fields the file has).
 */
#ifndef CG_CLI_COMPOUND_CSV_H
#define CG_CLI_COMPOUND_CSV_H

#include "cli_fields.h"
#include "csv.h"

#include <jansson.h>
#include <stdio.h>

/* The fields of a Compound a ledger clerk writes, with their --help lines. */
extern const cg_opt cg_compound_fields[];

/* Rows of one file at the most. */
#define CG_COMPOUND_CSV_MAX_ROWS 100000

/* The columns in the order export writes them; *n receives how many. */
const char *const *cg_compound_csv_columns(size_t *n);

/* Writes the header row. 0 or -1. */
int cg_compound_csv_write_header(FILE *out);

/* Writes one compound (its JSON form) as a row. 0 or -1. */
int cg_compound_csv_write(FILE *out, const json_t *compound);

/*
 * The CompoundImport of a file (without its key): csv->records[0] is the
 * header. Returns {"fields": [...], "rows": [...]}: the names of the file's
 * columns but id, and an ImportRow ({"line": N, "compound": {...}}) per row.
 * Or NULL with every problem appended to errors as a string "line N: ...":
 * an unknown or repeated column, no column but id, no name or district
 * column when a row adds a compound, a row with the wrong number of fields,
 * a number that is not an integer. Empty numbers are 0; an empty id makes a
 * new compound.
 */
json_t *cg_compound_csv_import(const cg_csv *csv, json_t *errors);

#endif
