/*
 * A command that is one protocol request: its command line fills the
 * request (cli_fields.h), cg_call sends it (following pages when the reply
 * has a cursor), and the reply is printed: with --json exactly the reply's
 * fields (one object per element for a list), for people an aligned table
 * (view.h). A command of this kind is only a table: a cg_cli_command whose
 * run is cg_request_run and whose spec is a cg_request_spec.
 */
#ifndef CG_CLI_REQUEST_H
#define CG_CLI_REQUEST_H

#include "cli.h"
#include "cli_fields.h"
#include "view.h"

typedef struct {
    cg_input in;
    const char *cursor;       /* paging: request field for the last id seen ("after_id") */
    const char *next;         /* and the reply field with the next one, 0 at the end */
    int newest_first;         /* the cursor goes down (ids below it), not up */
    const char *rows;         /* repeated reply field shown one per row; NULL: one object */
    const cg_column *columns; /* of the rows; for one object the lines shown (NULL: all) */
    const char *total;        /* a reply field shown after the rows (a total row) */
    /* Reply fields that say what the rows answer (the week of PatrolDue), shown
     * once before them: for people as "label  value" lines and an empty line,
     * with --json as one object of these fields on the first line. */
    const cg_column *heading;
    /* One object: a repeated field of it (a patrol's findings) shown for
     * people as a table after its lines, when not empty; --json prints the
     * object whole as ever. */
    const char *items;
    const cg_column *item_columns;
    /* One object: a line said to people before its lines when remark writes
     * one into buf and returns 1 (a report attached to an open one says so);
     * --json prints the object only. NULL: none. */
    int (*remark)(const json_t *reply, char *buf, size_t len);
} cg_request_spec;

/* run of every request command: cmd->spec is its cg_request_spec. */
int cg_request_run(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv);

/*
 * Sends the request req (JSON of spec's request type) and, when spec pages,
 * every following page, calling on_reply with each reply as JSON. Returns 0,
 * on_reply's non-zero result (which stops), or an exit code after printing
 * why the call failed.
 */
int cg_request_pages(cg_client *c, const cg_request_spec *spec, json_t *req,
                     int (*on_reply)(json_t *reply, void *ctx), void *ctx);

/* Builds the message of type desc from JSON req, sends it, and returns the
 * reply as JSON in *reply. 0, or an exit code after printing why not. */
int cg_request_call(cg_client *c, const ProtobufCMessageDescriptor *desc, const json_t *req,
                    json_t **reply);

/* Prints each element of reply[rows] as a JSON line. 0 or -1. */
int cg_request_print_rows(const json_t *reply, const char *rows);

#endif
