/* chengguan compound ...: the compound ledger (建档立卡). */
#include "cli.h"
#include "cli_request.h"
#include "compound_view.h"
#include "compound_csv.h"
#include "envelope.h"
#include "i18n.h"
#include "proto_json.h"
#include "reply_map.h"

#include "chengguan/v1/ledger.pb-c.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE_BYTES (256u << 20) /* the largest max_frame_bytes a server can have */
#define PROGRESS_ROWS  1000         /* say how many rows a larger file has */

static const cg_opt id_operand[] = {{.field = "id", .arg = "ID", .help = N_("the compound's id")},
                                    {0}};

/* --- add, update, show ---------------------------------------------------- */

/* --force: a name that the district already has in another community. */
#define FORCE_OPT                                                                                  \
    {                                                                                              \
        .field = "force",                                                                          \
        .help = N_("although the district has a compound of this name in another community")       \
    }

static const cg_opt add_opts[] = {FORCE_OPT, {0}};

static const cg_request_spec add_spec = {
    .in = {.request = &chengguan__v1__compound_add__descriptor,
           .opts = add_opts,
           .values = "compound",
           .value_opts = cg_compound_fields},
    .columns = cg_compound_lines,
};

static const cg_opt update_opts[] = {
    {.field = "expected_version",
     .arg = "N",
     .help = N_("change only if the compound is still at version N (else ABORTED)")},
    FORCE_OPT,
    {0},
};

static const cg_request_spec update_spec = {
    .in = {.request = &chengguan__v1__compound_update__descriptor,
           .operands = id_operand,
           .opts = update_opts,
           .values = "values",
           .value_opts = cg_compound_fields,
           .fields_list = "fields"},
    .columns = cg_compound_lines,
};

static const cg_request_spec show_spec = {
    .in = {.request = &chengguan__v1__compound_get__descriptor, .operands = id_operand},
    .columns = cg_compound_lines,
};

/* --- list and export ------------------------------------------------------ */

static const cg_opt list_filters[] = {
    {.field = "unit", .arg = "UNIT", .help = N_("only the compounds of this unit")},
    {.field = "district", .arg = "CODE", .help = N_("only the compounds of this district")},
    {.field = "entered", .set = "yes", .help = N_("only compounds the unit has entered")},
    {.field = "entered",
     .option = "not-entered",
     .set = "no",
     .help = N_("only compounds the unit has not entered")},
    {.field = "demo", .help = N_("only demonstration compounds")},
    {.field = "missing_board", .help = N_("only compounds whose notice board is incomplete")},
    {.field = "incomplete", .help = N_("only compounds whose ledger record is incomplete")},
    {.field = "include_closed", .option = "closed", .help = N_("include closed compounds")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("compound name"), .field = "name"},
    {.header = N_("district"), .field = "district"},
    {.header = N_("community"), .field = "community"},
    {.header = N_("grid officer"), .field = "grid_officer_name"},
    {.header = N_("entered"), .field = "entered_on"},
    {.header = N_("board"), .field = "board_missing", .fmt = CG_FMT_MISSING},
    {.header = N_("complete"), .field = "complete", .fmt = CG_FMT_YESNO},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__compound_list__descriptor,
           .opts = list_filters,
           .preset = "{\"limit\": 1000}"},
    .cursor = "after_id",
    .next = "next_after_id",
    .rows = "compounds",
    .columns = list_columns,
};

enum { EXPORT_FORMAT, EXPORT_HEADINGS, EXPORT_BOM };

static const cg_opt export_local[] = {
    [EXPORT_FORMAT] = {.option = "format",
                       .arg = "csv|json",
                       .help = N_("csv (default) or json, one object per line")},
    [EXPORT_HEADINGS] = {.option = "headings",
                         .arg = "en|zh",
                         .help = N_("column headings: field names (en, default) or the Chinese "
                                    "ones offices use (zh)")},
    [EXPORT_BOM] = {.option = "bom",
                    .set = "yes",
                    .help = N_("start with a UTF-8 byte-order mark, for Excel (default with "
                               "--headings zh)")},
    {.option = "no-bom", .set = "no", .help = N_("no byte-order mark")},
    {0},
};

static int write_csv_rows(json_t *reply, void *ctx)
{
    const int *zh = ctx;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(reply, "compounds"), i, row)
    {
        if (cg_compound_csv_write(stdout, row, *zh) != 0) {
            fprintf(stderr, _("chengguan: writing standard output: %s\n"), strerror(errno));
            return CG_EXIT_CONNECT;
        }
    }
    return 0;
}

static int print_json_rows(json_t *reply, void *ctx)
{
    return cg_request_print_rows(reply, "compounds") != 0 ? CG_EXIT_CONNECT : 0;
}

static int run_export(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv)
{
    cg_request_spec spec = list_spec; /* the same request, with --format */
    spec.in.local_opts = export_local;
    json_t *req;
    const char *local[CG_INPUT_MAX_LOCAL];
    int rc = cg_input_parse(cmd, &spec.in, argc, argv, &req, local);
    if (rc >= 0)
        return rc;
    if ((rc = cg_cli_refuse_key(cli, cmd)) != 0) {
        json_decref(req);
        return rc;
    }
    const char *format = local[EXPORT_FORMAT] ? local[EXPORT_FORMAT] : cli->json ? "json" : "csv";
    const char *headings = local[EXPORT_HEADINGS] ? local[EXPORT_HEADINGS] : "en";
    int csv = strcmp(format, "csv") == 0, zh = strcmp(headings, "zh") == 0;
    const char *bom = local[EXPORT_BOM] ? local[EXPORT_BOM] : local[EXPORT_BOM + 1];
    rc = -1;
    if (local[EXPORT_BOM] != NULL && local[EXPORT_BOM + 1] != NULL)
        rc = cg_cli_usage_error(cmd, "%s", _("--bom and --no-bom exclude each other"));
    else if (!csv && strcmp(format, "json") != 0)
        rc = cg_cli_usage_error(cmd, _("--format: csv or json, not '%s'"), format);
    else if (!zh && strcmp(headings, "en") != 0)
        rc = cg_cli_usage_error(cmd, _("--headings: en or zh, not '%s'"), headings);
    if (rc >= 0) {
        json_decref(req);
        return rc;
    }
    cg_client *c;
    rc = cg_cli_connect(cli, &c);
    if (rc == 0) {
        if (csv && (bom ? strcmp(bom, "yes") == 0 : zh))
            fputs("\xEF\xBB\xBF", stdout);
        if (csv)
            cg_compound_csv_write_header(stdout, zh);
        rc = cg_request_pages(c, &spec, req, csv ? write_csv_rows : print_json_rows, &zh);
        cg_client_free(c);
    }
    if (rc == 0 && fflush(stdout) != 0) {
        fprintf(stderr, _("chengguan: writing standard output: %s\n"), strerror(errno));
        rc = CG_EXIT_CONNECT;
    }
    json_decref(req);
    return rc;
}

/* --- import ----------------------------------------------------------------- */

/* Reads all of file ("-": standard input) into *data. 0 or an exit code. */
static int read_file(const char *file, const char *name, char **data, size_t *len)
{
    FILE *in = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (in == NULL) {
        fprintf(stderr, _("chengguan: cannot open %s: %s\n"), name, strerror(errno));
        return CG_EXIT_USAGE;
    }
    char err[256];
    int rc = cg_csv_read(in, MAX_FILE_BYTES, data, len, err, sizeof err);
    if (in != stdin)
        fclose(in);
    if (rc != 0) {
        fprintf(stderr, "chengguan: %s: %s\n", name, err);
        return CG_EXIT_USAGE;
    }
    return 0;
}

/* The CSV file as a JSON CompoundImport (fields and rows), or an exit code
 * after saying what is wrong with the file. */
static int read_import(const char *file, const char *name, json_t **req)
{
    char *raw, *text, err[512];
    size_t rawlen, len;
    const char *encoding;
    int rc = read_file(file, name, &raw, &rawlen);
    if (rc != 0)
        return rc;
    int bad = cg_csv_decode(raw, rawlen, &text, &len, &encoding, err, sizeof err);
    free(raw);
    cg_csv csv;
    if (bad == 0) {
        bad = cg_csv_parse(text, len, &csv, err, sizeof err);
        free(text);
    }
    if (bad != 0) {
        fprintf(stderr, "chengguan: %s: %s\n", name, err);
        return CG_EXIT_USAGE;
    }
    if (csv.count > CG_COMPOUND_CSV_MAX_ROWS + 1) {
        fprintf(stderr,
                _("chengguan: %s: %zu rows, more than %d in one import: split the file into "
                  "several\n"),
                name, csv.count - 1, CG_COMPOUND_CSV_MAX_ROWS);
        cg_csv_free(&csv);
        return CG_EXIT_USAGE;
    }
    json_t *errors = json_array();
    *req = errors ? cg_compound_csv_import(&csv, errors) : NULL;
    cg_csv_free(&csv);
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
    {
        fprintf(stderr, "chengguan: %s: %s\n", name, json_string_value(e));
    }
    if (*req == NULL) {
        if (json_array_size(errors) > 0)
            fprintf(stderr,
                    ngettext("chengguan: %s: %zu problem, nothing imported\n",
                             "chengguan: %s: %zu problems, nothing imported\n",
                             json_array_size(errors)),
                    name, json_array_size(errors));
        else
            fprintf(stderr, "chengguan: %s: %s\n", name, _("out of memory"));
        rc = CG_EXIT_USAGE;
    }
    json_decref(errors);
    return rc;
}

/* 0 when the request fits in one frame of the server, else an exit code
 * after saying how to split the file. */
static int check_size(cg_client *c, ProtobufCMessage *request, size_t nrows, const char *name)
{
    Chengguan__V1__Envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = UINT64_MAX; /* the longest id */
    if (cg_envelope_set_body(&env, request) != 0)
        return CG_EXIT_USAGE;
    size_t size = protobuf_c_message_get_packed_size(&env.base);
    size_t max = cg_client_welcome(c)->max_frame_bytes;
    if (size <= max)
        return 0;
    fprintf(stderr,
            _("chengguan: %s: the import would be one message of %zu bytes, more than the "
              "server takes (max_frame_bytes %zu): split the file into parts of at most "
              "about %zu rows\n"),
            name, size, max, (size_t)((double)nrows * max / size * 0.9));
    return CG_EXIT_USAGE;
}

static int print_import(const cg_cli *cli, const char *name, json_t *reply)
{
    if (cli->json)
        return cg_json_print(json_incref(reply)) != 0 ? CG_EXIT_CONNECT : 0;
    printf(_("imported %s: %lld created, %lld updated, %lld unchanged\n"), name,
           (long long)json_integer_value(json_object_get(reply, "created")),
           (long long)json_integer_value(json_object_get(reply, "updated")),
           (long long)json_integer_value(json_object_get(reply, "unchanged")));
    return 0;
}

static const struct option import_options[] = {
    {"force", no_argument, NULL, 'f'},
    {NULL, 0, NULL, 0},
};

static int on_import_opt(int opt, const char *arg, void *ctx)
{
    (void)arg;
    if (opt == 'f')
        *(int *)ctx = 1;
    return 0;
}

static int run_import(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv)
{
    int operands, force = 0;
    if (argc == 2 && strcmp(argv[1], "--list-options") == 0) {
        puts("operand\tFILE\tFILE\t1\tvalue"); /* the format of cg_input_parse's list */
        puts("option\t--force\t-\t0\tvalue");
        return CG_EXIT_OK;
    }
    int rc = cg_cli_getopt(cmd, argc, argv, "", import_options, on_import_opt, &force, &operands);
    if (rc >= 0)
        return rc;
    if (operands >= argc)
        return cg_cli_usage_error(cmd, "%s",
                                  _("missing FILE (a CSV file, or - for standard input)"));
    if (operands + 1 < argc)
        return cg_cli_usage_error(cmd, _("unexpected argument '%s'"), argv[operands + 1]);
    const char *file = argv[operands];
    const char *name = strcmp(file, "-") == 0 ? _("standard input") : file;

    json_t *req;
    rc = read_import(file, name, &req);
    if (rc != 0)
        return rc;
    size_t nrows = json_array_size(json_object_get(req, "rows"));
    char why[256];
    ProtobufCMessage *m =
        cg_proto_from_json(&chengguan__v1__compound_import__descriptor, req, why, sizeof why);
    json_decref(req);
    if (m == NULL) {
        fprintf(stderr, "chengguan: %s: %s\n", name, why);
        return CG_EXIT_USAGE;
    }
    /* The key now, so that the size below is the size sent. */
    Chengguan__V1__CompoundImport *imp = (Chengguan__V1__CompoundImport *)m;
    imp->force = force;
    const char *given = cli->idempotency_key;
    size_t keylen = given ? strlen(given) : 16;
    imp->idempotency_key.data = malloc(keylen);
    if (imp->idempotency_key.data != NULL && given != NULL)
        memcpy(imp->idempotency_key.data, given, keylen);
    if (imp->idempotency_key.data != NULL &&
        (given != NULL || cg_idempotency_key(imp->idempotency_key.data) == 0))
        imp->idempotency_key.len = keylen;

    cg_client *c;
    rc = cg_cli_connect(cli, &c);
    if (rc == 0)
        rc = check_size(c, m, nrows, name);
    if (rc == 0 && nrows > PROGRESS_ROWS)
        fprintf(stderr, _("reading %s: %zu rows\n"), name, nrows);
    ProtobufCMessage *r = NULL;
    int err = rc == 0 ? cg_call(c, m, &r) : 0;
    if (err != 0) {
        rc = cg_cli_fail(c, err);
    } else if (rc == 0) {
        json_t *reply = cg_proto_to_json(r);
        rc = reply ? print_import(cli, name, reply) : CG_EXIT_CONNECT;
        json_decref(reply);
    }
    cg_message_free(r);
    cg_client_free(c);
    protobuf_c_message_free_unpacked(m, NULL);
    return rc;
}

/* --- history, enter, close, demo -------------------------------------------- */

static const cg_column history_columns[] = {
    {.header = N_("seq"), .field = "seq"},
    {.header = N_("at"), .field = "at"},
    {.header = N_("account"), .field = "account"},
    {.header = N_("field"), .field = "field", .fmt = CG_FMT_FIELD},
    {.header = N_("old value"), .field = "old_value"},
    {.header = N_("new value"), .field = "new_value"},
    {.header = N_("reason"), .field = "reason"},
    {0},
};

static const cg_request_spec history_spec = {
    .in = {.request = &chengguan__v1__compound_history__descriptor, .operands = id_operand},
    .cursor = "after_seq",
    .next = "next_after_seq",
    .rows = "entries",
    .columns = history_columns,
};

static const cg_opt enter_opts[] = {
    {.field = "date", .arg = "YYYY-MM-DD", .required = 1, .help = N_("the day the unit entered")},
    {0},
};

static const cg_request_spec enter_spec = {
    .in = {.request = &chengguan__v1__compound_enter__descriptor,
           .operands = id_operand,
           .opts = enter_opts},
    .columns = cg_compound_lines,
};

static const cg_opt correct_entry_opts[] = {
    {.field = "date", .arg = "YYYY-MM-DD", .required = 1, .help = N_("the right day of entry")},
    {.field = "reason", .required = 1, .help = N_("why it is corrected, kept in the history")},
    {0},
};

static const cg_request_spec correct_entry_spec = {
    .in = {.request = &chengguan__v1__compound_correct_entry__descriptor,
           .operands = id_operand,
           .opts = correct_entry_opts},
};

static const cg_opt close_opts[] = {
    {.field = "date", .arg = "YYYY-MM-DD", .required = 1, .help = N_("the day it closed")},
    {.field = "reason", .help = N_("why, e.g. demolished or merged")},
    {0},
};

static const cg_request_spec close_spec = {
    .in = {.request = &chengguan__v1__compound_close__descriptor,
           .operands = id_operand,
           .opts = close_opts},
    .columns = cg_compound_lines,
};

static const cg_opt demo_operands[] = {
    {.field = "id", .arg = "ID", .help = N_("the compound's id")},
    {.field = "demo", .arg = "on|off", .help = N_("on: a demonstration compound; off: no longer")},
    {0},
};

static const cg_request_spec demo_spec = {
    .in = {.request = &chengguan__v1__compound_demo__descriptor, .operands = demo_operands},
    .columns = cg_compound_lines,
};

/* --- the group -------------------------------------------------------------- */

static const cg_cli_command add = {
    .name = "compound add",
    .args = "--name NAME --district CODE ... [OPTIONS]",
    .summary = N_("register a compound in the ledger"),
    .help = N_("Registers a compound in the ledger; --name and --district are needed. Its\n"
               "ledger record is complete when every field is filled but the owners'\n"
               "committee and the account (the property company's three only when\n"
               "--management-status is property_company). Prints the compound as\n"
               "stored (--json: one object).\n\n"),
    .run = cg_request_run,
    .spec = &add_spec,
};

static const cg_cli_command update = {
    .name = "compound update",
    .args = "ID --FIELD VALUE... [--expected-version N]",
    .summary = N_("change fields of a compound (kept in its history)"),
    .help = N_("Changes the fields given and no other; every change is kept in the\n"
               "compound's history. An empty value ('') clears a field. Prints the\n"
               "compound as stored (--json: one object).\n\n"),
    .run = cg_request_run,
    .spec = &update_spec,
};

static const cg_cli_command show = {
    .name = "compound show",
    .args = "ID",
    .summary = N_("show every field of a compound"),
    .help = N_("Shows the compound with its grid officer, entry, notice board, the\n"
               "ledger fields still missing, and its version.\n\n"),
    .run = cg_request_run,
    .spec = &show_spec,
};

static const cg_cli_command list = {
    .name = "compound list",
    .args = "[--unit UNIT] [--district CODE] [--entered | --not-entered] [--demo] "
            "[--missing-board] [--incomplete] [--closed]",
    .summary = N_("list compounds, with filters"),
    .help = N_("Lists the open compounds this account may see, by id (--json: one\n"
               "object per compound). Filters combine.\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command export = {
    .name = "compound export",
    .args = "[--format csv|json] [--headings en|zh] [--bom | --no-bom] [FILTERS]",
    .summary = N_("write compounds as CSV or JSON lines (the filters of list)"),
    .help = N_("Writes the compounds that 'compound list' would show to standard output.\n"
               "CSV: UTF-8, RFC 4180 quoting, a header row of the columns id, name,\n"
               "district, street, community, address, households, buildings,\n"
               "management_status, property_company, property_manager, property_phone,\n"
               "street_contact, street_phone, community_contact, community_phone,\n"
               "owners_committee_contact, owners_committee_phone, property_account\n"
               "(what 'compound import' reads), then grid_officer_name,\n"
               "grid_officer_phone, entered_on and the four board_ columns (which import\n"
               "skips). With --headings zh the headings are the Chinese ones offices\n"
               "use, the management status is written in Chinese, and the file starts\n"
               "with a byte-order mark so that Excel opens it as UTF-8.\n"
               "JSON: one object per compound with every field.\n\n"),
    .run = run_export,
};

static const cg_cli_command import = {
    .name = "compound import",
    .args = "[--force] FILE.csv",
    .summary = N_("add and update compounds from a CSV file, all or nothing"),
    .help = N_("Reads a CSV file (- for standard input) with a header row naming its\n"
               "columns, those of 'compound export' in any order, as field names\n"
               "(dashes allowed: management-status) or as the Chinese headings.\n"
               "UTF-8 (a byte-order mark is skipped) or GBK/GB18030 as Excel saves it.\n"
               "Any of the columns may be left out: a row with an id changes only the\n"
               "fields of the file's columns; a row without one adds a compound with\n"
               "those fields and the rest empty (then name and district are needed).\n"
               "A closed compound's row counts as unchanged when it changes nothing, so\n"
               "an export with --closed imports back. Empty numbers are 0. Problems in\n"
               "the file are listed by line and nothing is sent; the server checks\n"
               "every row and applies all of them in one transaction or none, listing\n"
               "each bad row by its line. At most 100000 rows, and one message of at\n"
               "most the server's max_frame_bytes.\n\n"
               "Options:\n"
               "  --force               add a compound although its district has one of the\n"
               "                        same name in another community\n"),
    .run = run_import,
};

static const cg_cli_command history = {
    .name = "compound history",
    .args = "ID",
    .summary = N_("every change to a compound: who, when, field, old and new value"),
    .help = N_("Lists the changes to a compound, oldest first (--json: one object per\n"
               "change).\n\n"),
    .run = cg_request_run,
    .spec = &history_spec,
};

static const cg_cli_command enter = {
    .name = "compound enter",
    .args = "ID --date YYYY-MM-DD",
    .summary = N_("record that the unit entered the compound"),
    .help = N_("Records the day the unit entered the compound; once only, and only when\n"
               "it has a grid officer. Prints the compound as stored (--json: one\n"
               "object).\n\n"),
    .run = cg_request_run,
    .spec = &enter_spec,
};

static const cg_cli_command correct_entry = {
    .name = "compound correct-entry",
    .args = "ID --date YYYY-MM-DD --reason TEXT",
    .summary = N_("correct a mistyped entry date (kept in the history with the reason)"),
    .help = N_("Corrects the day the unit entered the compound; the old day, the\n"
               "new one, who and why stay in the compound's history. Not after the\n"
               "first patrol of the compound that counts.\n\n"),
    .run = cg_request_run,
    .spec = &correct_entry_spec,
};

static const cg_cli_command close_cmd = {
    .name = "compound close",
    .args = "ID --date YYYY-MM-DD [--reason TEXT]",
    .summary = N_("mark a compound closed (never deleted)"),
    .help = N_("Marks a compound that no longer exists as closed from a day on; it stays\n"
               "in the ledger with its history. Prints the compound as stored (--json:\n"
               "one object).\n\n"),
    .run = cg_request_run,
    .spec = &close_spec,
};

static const cg_cli_command demo = {
    .name = "compound demo",
    .args = "ID on|off",
    .summary = N_("make or unmake a demonstration compound (hq, supervision)"),
    .help = N_("Marks a compound as a demonstration compound or not; for the hq and\n"
               "supervision accounts. Prints the compound as stored (--json: one\n"
               "object).\n\n"),
    .run = cg_request_run,
    .spec = &demo_spec,
};

static const cg_cli_command *const subcommands[] = {
    &add,     &update, &show,          &list,      &export, &import,
    &history, &enter,  &correct_entry, &close_cmd, &demo,   NULL,
};

const cg_cli_command cg_cli_cmd_compound = {
    .name = "compound",
    .summary = N_("the compound ledger"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
