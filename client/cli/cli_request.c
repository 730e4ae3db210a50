#include "i18n.h"
#include "cli_request.h"
#include "category_text.h"

#include "proto_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Output that could not be made: jansson or a table ran out of memory. */
static int no_memory(void)
{
    fprintf(stderr, _("chengguan: out of memory\n"));
    return CG_EXIT_CONNECT;
}

int cg_request_call(cg_client *c, const ProtobufCMessageDescriptor *desc, const json_t *req,
                    json_t **reply)
{
    *reply = NULL;
    char why[256];
    ProtobufCMessage *m = cg_proto_from_json(desc, req, why, sizeof why);
    if (m == NULL) {
        fprintf(stderr, _("chengguan: internal error: %s: %s\n"), desc->name, why);
        return CG_EXIT_USAGE;
    }
    ProtobufCMessage *r;
    int err = cg_call(c, m, &r);
    protobuf_c_message_free_unpacked(m, NULL);
    if (err != 0)
        return cg_cli_fail(c, err);
    *reply = cg_proto_to_json(r);
    cg_message_free(r);
    return *reply != NULL ? 0 : no_memory();
}

int cg_request_pages(cg_client *c, const cg_request_spec *spec, json_t *req,
                     int (*on_reply)(json_t *reply, void *ctx), void *ctx)
{
    json_int_t cursor = 0;
    for (;;) {
        json_t *reply;
        int rc = cg_request_call(c, spec->in.request, req, &reply);
        if (rc != 0)
            return rc;
        rc = on_reply(reply, ctx);
        json_int_t next = spec->next ? json_integer_value(json_object_get(reply, spec->next)) : 0;
        json_decref(reply);
        if (rc != 0 || next == 0)
            return rc;
        /* a cursor that does not move on would ask for the same page forever */
        if (spec->newest_first ? cursor != 0 && next >= cursor : next <= cursor) {
            fprintf(stderr, _("chengguan: the server's %s went back from %lld to %lld\n"),
                    spec->next, (long long)cursor, (long long)next);
            return CG_EXIT_CONNECT;
        }
        cursor = next;
        json_object_set_new(req, spec->cursor, json_integer(cursor));
    }
}

int cg_request_print_rows(const json_t *reply, const char *rows)
{
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(reply, rows), i, row)
    {
        if (cg_json_print(json_incref(row)) != 0)
            return -1;
    }
    return 0;
}

/* What the pages of one command are gathered into. */
typedef struct {
    const cg_cli *cli;
    const cg_request_spec *spec;
    cg_table *table; /* the rows for people */
    json_t *total;   /* the last page's total */
    int pages;       /* replies so far */
} gather;

/* Prints the "label  value" lines of obj (cols; NULL: every member) and,
 * when items is a non-empty array of obj, an empty line and its table. */
static int print_object(const json_t *obj, const cg_column *cols, const char *items,
                        const cg_column *item_columns)
{
    cg_table *t = cg_view_vertical(obj, cols);
    if (t == NULL)
        return no_memory();
    cg_table_print(t, stdout);
    cg_table_free(t);
    const json_t *list = items ? json_object_get(obj, items) : NULL;
    if (json_array_size(list) == 0)
        return 0;
    if ((t = cg_view_table_new(item_columns)) == NULL)
        return no_memory();
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        if (cg_view_table_add(t, item_columns, item) != 0) {
            cg_table_free(t);
            return no_memory();
        }
    }
    putchar('\n');
    cg_table_print(t, stdout);
    cg_table_free(t);
    return 0;
}

/* The heading of a list, before its rows. */
static int print_heading(const cg_cli *cli, const cg_column *heading, const json_t *reply)
{
    if (!cli->json) {
        int rc = print_object(reply, heading, NULL, NULL);
        if (rc == 0)
            putchar('\n');
        return rc;
    }
    json_t *obj = json_object();
    for (size_t i = 0; obj != NULL && heading[i].field != NULL; i++)
        json_object_set(obj, heading[i].field, json_object_get(reply, heading[i].field));
    return cg_json_print(obj) != 0 ? no_memory() : 0;
}

static int on_reply(json_t *reply, void *ctx)
{
    gather *g = ctx;
    const cg_request_spec *s = g->spec;
    if (s->rows == NULL) {
        if (g->cli->json)
            return cg_json_print(json_incref(reply)) != 0 ? no_memory() : 0;
        char line[512];
        if (s->remark != NULL && s->remark(reply, line, sizeof line))
            printf("%s\n\n", line);
        return print_object(reply, s->columns, s->items, s->item_columns);
    }
    if (s->heading != NULL && g->pages++ == 0) {
        int rc = print_heading(g->cli, s->heading, reply);
        if (rc != 0)
            return rc;
    }
    if (s->total != NULL) {
        json_decref(g->total);
        g->total = json_incref(json_object_get(reply, s->total));
    }
    if (g->cli->json)
        return cg_request_print_rows(reply, s->rows) != 0 ? no_memory() : 0;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(reply, s->rows), i, row)
    {
        if (cg_view_table_add(g->table, s->columns, row) != 0)
            return no_memory();
    }
    return 0;
}

/* Puts --idempotency-key into req (bytes are hex in JSON); refuses it for a
 * request that has no key, one that changes nothing. 0 or an exit code. */
static int set_key(const cg_cli *cli, const cg_cli_command *cmd, json_t *req)
{
    const cg_request_spec *spec = cmd->spec;
    if (cli->idempotency_key == NULL)
        return 0;
    if (protobuf_c_message_descriptor_get_field_by_name(spec->in.request, "idempotency_key") ==
        NULL)
        return cg_cli_refuse_key(cli, cmd);
    char hex[2 * CG_CLI_KEY_MAX + 1];
    size_t n = strlen(cli->idempotency_key);
    for (size_t i = 0; i < n && i < CG_CLI_KEY_MAX; i++)
        snprintf(hex + 2 * i, 3, "%02x", (unsigned char)cli->idempotency_key[i]);
    return json_object_set_new(req, "idempotency_key", json_string(hex)) == 0 ? 0 : no_memory();
}

int cg_request_run(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv)
{
    const cg_request_spec *spec = cmd->spec;
    json_t *req;
    const char *local[CG_INPUT_MAX_LOCAL];
    int rc = cg_input_parse(cmd, &spec->in, argc, argv, &req, local);
    if (rc >= 0)
        return rc;
    if ((rc = set_key(cli, cmd, req)) != 0) {
        json_decref(req);
        return rc;
    }
    cg_client *c;
    int changes = protobuf_c_message_descriptor_get_field_by_name(spec->in.request,
                                                                  "idempotency_key") != NULL;
    rc = cg_cli_connect_for(cli, &c, changes ? CG_CLI_CHANGES : CG_CLI_READS);
    if (rc != 0) {
        json_decref(req);
        return rc;
    }
    rc = cg_category_resolve(cmd, c, req);
    if (rc != 0) {
        json_decref(req);
        cg_client_free(c);
        return rc;
    }
    gather g = {cli, spec, NULL, NULL, 0};
    if (spec->rows != NULL && !cli->json && (g.table = cg_view_table_new(spec->columns)) == NULL)
        rc = no_memory();
    if (rc == 0)
        rc = cg_request_pages(c, spec, req, on_reply, &g);
    if (rc == 0 && g.total != NULL && !json_is_null(g.total)) {
        if (cli->json)
            rc = cg_json_print(json_incref(g.total)) != 0 ? no_memory() : 0;
        else if (cg_view_table_add(g.table, spec->columns, g.total) != 0)
            rc = no_memory();
    }
    if (rc == 0 && g.table != NULL)
        cg_table_print(g.table, stdout);
    cg_table_free(g.table);
    json_decref(g.total);
    json_decref(req);
    cg_client_free(c);
    return rc;
}
