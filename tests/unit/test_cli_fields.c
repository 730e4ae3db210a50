/*
 * Command lines into requests (cli_fields.c) and replies into table cells
 * (view.c), without a server: options named after fields, strict numbers,
 * flags, constants, operands, required options, the fields list of an
 * update, the generated --help, and how values look to people.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "chengguan/v1/ledger.pb-c.h"
#include "cli_fields.h"
#include "field_text.h"
#include "proto_json.h"
#include "view.h"

static const cg_opt id_operand[] = {{.field = "id", .arg = "ID", .help = "the id"}, {0}};

static const cg_opt update_opts[] = {{.field = "expected_version", .help = "version"}, {0}};

static const cg_opt values[] = {
    {.field = "name", .help = "name"},
    {.field = "households", .help = "households"},
    {.field = "management_status", .arg = "STATUS", .help = "status"},
    {0},
};

static const cg_input update = {
    .request = &chengguan__v1__compound_update__descriptor,
    .operands = id_operand,
    .opts = update_opts,
    .values = "values",
    .value_opts = values,
    .fields_list = "fields",
};

static const cg_opt list_opts[] = {
    {.field = "entered", .set = "yes", .help = "entered"},
    {.field = "entered", .option = "not-entered", .set = "no", .help = "not entered"},
    {.field = "demo", .help = "demo only"},
    {.field = "include_closed", .option = "closed", .help = "closed too"},
    {0},
};

static const cg_opt list_local[] = {{.option = "format", .required = 1, .help = "format"}, {0}};

static const cg_input list = {
    .request = &chengguan__v1__compound_list__descriptor,
    .opts = list_opts,
    .preset = "{\"limit\": 1000}",
    .local_opts = list_local,
};

static const cg_cli_command cmd = {.name = "test cmd", .args = "", .summary = "a test"};

/* Parses the words of line (split at spaces) against in. */
static int parse(const cg_input *in, const char *line, json_t **req, const char **local)
{
    static char buf[512]; /* local[] points into it */
    char *argv[32];
    int argc = 0;
    snprintf(buf, sizeof buf, "cmd %s", line);
    for (char *w = strtok(buf, " "); w != NULL && argc < 31; w = strtok(NULL, " "))
        argv[argc++] = w;
    argv[argc] = NULL;
    return cg_input_parse(&cmd, in, argc, argv, req, local);
}

static void assert_json(const json_t *j, const char *want)
{
    json_t *w = json_loads(want, 0, NULL);
    assert_non_null(w);
    if (!json_equal(j, w)) {
        char *got = json_dumps(j, JSON_COMPACT);
        fail_msg("got %s, want %s", got, want);
    }
    json_decref(w);
}

static void test_update_builds_values_and_fields(void **state)
{
    json_t *req;
    const char *local[CG_INPUT_MAX_LOCAL];
    assert_int_equal(parse(&update,
                           "42 --households 120 --name=兴隆小区 --households 130 "
                           "--management-status none --expected-version 3",
                           &req, local),
                     -1);
    assert_json(req, "{\"id\": 42, \"expected_version\": 3, \"values\": {\"households\": 130, "
                     "\"name\": \"兴隆小区\", \"management_status\": \"none\"}, "
                     "\"fields\": [\"households\", \"name\", \"management_status\"]}");
    /* It is a CompoundUpdate as proto_json reads it. */
    char why[128];
    ProtobufCMessage *m = cg_proto_from_json(update.request, req, why, sizeof why);
    assert_non_null(m);
    Chengguan__V1__CompoundUpdate *u = (Chengguan__V1__CompoundUpdate *)m;
    assert_int_equal(u->values->households, 130);
    assert_int_equal(u->n_fields, 3);
    protobuf_c_message_free_unpacked(m, NULL);
    json_decref(req);
}

static void test_usage_errors(void **state)
{
    json_t *req;
    const char *local[CG_INPUT_MAX_LOCAL];
    const char *bad[] = {
        "42 --households x",          /* not an integer */
        "42 --households 1e3",        /* not an integer */
        "42 --households 3000000000", /* out of int32 */
        "42 --expected-version -1",   /* unsigned */
        "x --name a",                 /* operand not an integer */
        "--name a",                   /* missing operand */
        "42 43 --name a",             /* extra operand */
        "42",                         /* nothing to change */
        "42 --colour red",            /* unknown option */
        "42 --name",                  /* no value */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        req = NULL;
        assert_int_equal(parse(&update, bad[i], &req, local), 1);
        assert_null(req);
    }
}

static void test_flags_constants_and_local(void **state)
{
    json_t *req;
    const char *local[CG_INPUT_MAX_LOCAL];
    assert_int_equal(parse(&list, "--not-entered --demo --closed --format csv", &req, local), -1);
    assert_json(req, "{\"limit\": 1000, \"entered\": \"no\", \"demo\": true, "
                     "\"include_closed\": true}");
    assert_string_equal(local[0], "csv");
    json_decref(req);
    assert_int_equal(parse(&list, "--entered --not-entered --format csv", &req, local), 1);
    assert_int_equal(parse(&list, "--entered --entered --format csv", &req, local), -1);
    json_decref(req);
    assert_int_equal(parse(&list, "--demo", &req, local), 1); /* --format is required */
    assert_int_equal(parse(&list, "--demo=yes --format csv", &req, local), 1);
}

static void test_help_lists_every_option(void **state)
{
    char *help = cg_input_help(&update, "Intro.\n\n");
    assert_non_null(help);
    assert_non_null(strstr(help, "Intro.\n\nArguments:\n  ID                    the id\n"));
    assert_non_null(strstr(help, "  --expected-version N  version\n"));
    assert_non_null(strstr(help, "  --households N        households\n"));
    /* Too long for the column: the help goes on the next line. */
    assert_non_null(strstr(help, "  --management-status STATUS\n                        status\n"));
    free(help);
    help = cg_input_help(&list, NULL);
    assert_non_null(strstr(help, "  --not-entered         not entered\n"));
    assert_non_null(strstr(help, "  --format TEXT         format (required)\n"));
    free(help);
}

static void test_field_from_text(void **state)
{
    const ProtobufCMessageDescriptor *d = &chengguan__v1__compound__descriptor;
    json_t *v;
    assert_null(cg_field_from_text(cg_field_named(d, "households"), "-5", &v));
    assert_int_equal(json_integer_value(v), -5);
    json_decref(v);
    assert_string_equal(cg_field_from_text(cg_field_named(d, "households"), " 5", &v),
                        "not an integer");
    assert_string_equal(cg_field_from_text(cg_field_named(d, "households"), "+5", &v),
                        "not an integer");
    assert_string_equal(cg_field_from_text(cg_field_named(d, "id"), "-1", &v), "out of range");
    assert_string_equal(cg_field_from_text(cg_field_named(d, "name"), "\xC0\x80", &v),
                        "not valid UTF-8");
    assert_null(cg_field_from_text(cg_field_named(d, "demo"), "off", &v));
    assert_true(json_is_false(v));
    assert_string_equal(cg_field_from_text(cg_field_named(d, "demo"), "maybe", &v),
                        "not on or off");
}

static void assert_text(json_t *v, cg_fmt fmt, const char *want)
{
    char *s = cg_view_text(v, fmt);
    assert_string_equal(s, want);
    free(s);
    json_decref(v);
}

static void test_view_text(void **state)
{
    assert_text(json_string(""), CG_FMT_TEXT, "-");
    assert_text(json_string("兴隆\n小区\t1"), CG_FMT_TEXT, "兴隆 小区 1");
    assert_text(json_integer(0), CG_FMT_TEXT, "0");
    assert_text(json_integer(0), CG_FMT_ID, "-");
    assert_text(json_integer(12), CG_FMT_ID, "12");
    assert_text(json_true(), CG_FMT_YESNO, "yes");
    assert_text(json_false(), CG_FMT_MISSING, "ok");
    assert_text(json_true(), CG_FMT_MISSING, "missing");
    assert_text(json_real(0.8333333), CG_FMT_PERCENT, "83.3%");
    assert_text(json_real(1.0), CG_FMT_PERCENT, "100.0%");
    assert_text(json_pack("[ss]", "street", "address"), CG_FMT_TEXT, "street, address");
    assert_text(json_array(), CG_FMT_TEXT, "-");
    assert_text(NULL, CG_FMT_TEXT, "-");
}

static void test_view_tables(void **state)
{
    static const cg_column cols[] = {
        {.field = "id"},
        {.header = "board", .field = "board_missing", .fmt = CG_FMT_MISSING},
        {.field = "grid_officer_name"},
        {0},
    };
    json_t *obj = json_pack("{si sb ss}", "id", 1, "board_missing", 1, "grid_officer_name", "");
    cg_table *t = cg_view_table_new(cols);
    assert_int_equal(cg_view_table_add(t, cols, obj), 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cg_table_print(t, out);
    fclose(out);
    assert_string_equal(text, "id  board    grid officer name\n"
                              "1   missing  -\n");
    free(text);
    cg_table_free(t);

    json_t *whole = json_pack("{si ss sI sb}", "id", 3, "name", "兴隆小区", "grid_officer_id",
                              (json_int_t)0, "demo", 0);
    t = cg_view_vertical(whole, NULL);
    text = NULL;
    out = open_memstream(&text, &len);
    cg_table_print(t, out);
    fclose(out);
    assert_string_equal(text, "id               3\n"
                              "name             兴隆小区\n"
                              "grid officer id  -\n"
                              "demo             no\n");
    free(text);
    cg_table_free(t);
    json_decref(whole);
    json_decref(obj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_update_builds_values_and_fields),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_flags_constants_and_local),
        cmocka_unit_test(test_help_lists_every_option),
        cmocka_unit_test(test_field_from_text),
        cmocka_unit_test(test_view_text),
        cmocka_unit_test(test_view_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
