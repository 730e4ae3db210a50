/*
 * Compounds as CSV rows, the file `compound export --format csv` writes and
 * `compound import` reads. The columns are "id", the fields a ledger clerk
 * writes (cg_compound_fields, also the options of compound add and update),
 * then what the server keeps (grid officer and phone, entry date, the four
 * notice-board fields), which export writes and import skips. A heading is
 * the Compound field's name or its Chinese heading (小区名称, 区, 街道, 社区,
 * ...; docs/cli.md lists them); import also takes the option spelling with
 * dashes (management-status), any column order and any subset of the
 * columns (a row with an id changes only the fields the file has), and a
 * management status as its code or in Chinese (物业管理, 自管, 无物业).
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

/* Writes the header row: field names, or the Chinese headings when zh. 0 or -1. */
int cg_compound_csv_write_header(FILE *out, int zh);

/* Writes one compound (its JSON form) as a row; zh: the management status
 * in Chinese. 0 or -1. */
int cg_compound_csv_write(FILE *out, const json_t *compound, int zh);

/*
 * The CompoundImport of a file (without its key): csv->records[0] is the
 * header. Returns {"fields": [...], "rows": [...]}: the names of the file's
 * columns but id, and an ImportRow ({"line": N, "compound": {...}}) per row.
 * Or NULL with every problem appended to errors as a string "line N: ...":
 * an unknown or repeated column, no column to import, no name or district
 * column when a row adds a compound, a row with the wrong number of fields,
 * a number that is not an integer. Empty numbers are 0; an empty id makes a
 * new compound.
 */
json_t *cg_compound_csv_import(const cg_csv *csv, json_t *errors);

#endif
