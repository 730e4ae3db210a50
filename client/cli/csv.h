/*
 * CSV files as the ledger clerks exchange them: RFC 4180 records, read from
 * UTF-8 or from GBK/GB18030 (what Excel in China saves), written as UTF-8.
 *
 * Reading: fields separated by commas, records by CRLF, LF or a lone CR;
 * a field in double quotes may hold commas, line breaks and doubled quotes
 * (""), which stand for one. A quote inside an unquoted field is kept as
 * it is. Blank lines are skipped. Each record remembers the physical line
 * its first line is on, so that errors can name it even when quoted fields
 * span several lines.
 *
 * Writing: a field is quoted when it holds a comma, a quote, CR or LF;
 * quotes inside are doubled; records end with CRLF (RFC 4180).
 */
#ifndef CG_CLI_CSV_H
#define CG_CLI_CSV_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    char **fields; /* nfields NUL-terminated UTF-8 strings */
    size_t nfields;
    unsigned line; /* physical line (1-based) of the record's first line */
} cg_csv_record;

typedef struct {
    cg_csv_record *records;
    size_t count;
    /* storage behind the records */
    char *text;
    char **slots;
} cg_csv;

/* Reads all of in (at most max bytes) into *data (malloc'd) and *len.
 * 0, or -1 with a reason in err. */
int cg_csv_read(FILE *in, size_t max, char **data, size_t *len, char *err, size_t errlen);

/*
 * Makes UTF-8 text of the bytes of a CSV file. A UTF-8 byte-order mark is
 * skipped; bytes that are valid UTF-8 are taken as they are, anything else
 * is converted from GB18030 (a superset of GBK and GB2312) with iconv(3).
 * On success returns 0 with *out (malloc'd, NUL-terminated, free it) and
 * *outlen set and *encoding "UTF-8" or "GB18030". Fails with -1 and a reason
 * in err for text that is neither, for UTF-16 (a byte-order mark says so)
 * and for NUL bytes.
 */
int cg_csv_decode(const char *data, size_t len, char **out, size_t *outlen, const char **encoding,
                  char *err, size_t errlen);

/*
 * Splits UTF-8 text into records. Returns 0 with *csv filled (free it with
 * cg_csv_free), or -1 with "line N: reason" in err for a quoted field that
 * never ends, text after a closing quote, or a NUL byte; *csv is then empty.
 */
int cg_csv_parse(const char *text, size_t len, cg_csv *csv, char *err, size_t errlen);

void cg_csv_free(cg_csv *csv);

/* Writes one record of n fields, quoted where needed, ended by CRLF.
 * 0, or -1 when out reports an error. */
int cg_csv_write_row(FILE *out, const char *const *fields, size_t n);

#endif
