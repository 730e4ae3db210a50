/*
 * Command lines into requests (cli_fields.c) and replies into table cells
 * (view.c), without a server: options named after fields, strict numbers,
 * flags, constants, operands, required options, the fields list of an
 * update, the generated --help, and how values look to people; repeated
 * fields (comma lists, repeated options), "now" for an instant, and a patrol
 * finding written as CATEGORY:TEXT[:ACTION].
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "chengguan/v1/ledger.pb-c.h"
#include "chengguan/v1/patrol.pb-c.h"
#include "cli_fields.h"
#include "field_text.h"
#include "finding_text.h"
#include "penalty_text.h"
#include "local_time.h"
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

    /* a column that means something on some rows only */
    static const cg_column steps[] = {
        {.field = "kind"},
        {.field = "passed", .fmt = CG_FMT_YESNO, .only_when = "kind=verified"},
        {0},
    };
    t = cg_view_table_new(steps);
    json_t *moved = json_pack("{ss sb}", "kind", "moved", "passed", 0);
    json_t *failed = json_pack("{ss sb}", "kind", "verified", "passed", 0);
    assert_int_equal(cg_view_table_add(t, steps, moved), 0);
    assert_int_equal(cg_view_table_add(t, steps, failed), 0);
    text = NULL;
    out = open_memstream(&text, &len);
    cg_table_print(t, out);
    fclose(out);
    assert_string_equal(text, "kind      passed\n"
                              "moved     -\n"
                              "verified  no\n");
    free(text);
    cg_table_free(t);
    json_decref(moved);
    json_decref(failed);
}

static const cg_opt submit_opts[] = {
    {.field = "compound_id", .option = "compound", .required = 1, .help = "compound"},
    {.field = "officer_ids", .option = "officer", .arg = "ID[,ID...]", .help = "officers"},
    {.field = "start", .now = 1, .help = "start"},
    {.field = "end", .now = 1, .help = "end"},
    {.field = "findings", .option = "finding", .from_text = cg_finding_from_text, .help = "f"},
    {.field = "note", .help = "note"},
    {0},
};

static const cg_input submit = {
    .request = &chengguan__v1__patrol_submit__descriptor,
    .values = "patrol",
    .value_opts = submit_opts,
};

static void test_repeated_fields(void **state)
{
    json_t *req;
    const char *local[CG_INPUT_MAX_LOCAL];
    assert_int_equal(parse(&submit,
                           "--compound 7 --officer 3,5 --officer=8 --finding 3:楼道堆物 "
                           "--finding 10:a:b:referred --start 2021-03-01T09:00 --note 1,2",
                           &req, local),
                     -1);
    assert_json(req, "{\"patrol\": {\"compound_id\": 7, \"officer_ids\": [3, 5, 8], "
                     "\"findings\": [{\"category\": 3, \"text\": \"楼道堆物\"}, "
                     "{\"category\": 10, \"text\": \"a:b\", \"action\": \"referred\"}], "
                     "\"start\": \"2021-03-01T09:00\", \"note\": \"1,2\"}}");
    /* It is a PatrolSubmit as proto_json reads it. */
    char why[128];
    ProtobufCMessage *m = cg_proto_from_json(submit.request, req, why, sizeof why);
    assert_non_null(m);
    Chengguan__V1__PatrolSubmit *ps = (Chengguan__V1__PatrolSubmit *)m;
    assert_int_equal(ps->patrol->n_officer_ids, 3);
    assert_int_equal(ps->patrol->officer_ids[2], 8);
    assert_int_equal(ps->patrol->n_findings, 2);
    assert_string_equal(ps->patrol->findings[1]->action, "referred");
    protobuf_c_message_free_unpacked(m, NULL);
    json_decref(req);

    const char *bad[] = {
        "--compound 7 --officer 3,x",      /* not an integer */
        "--compound 7 --officer 3,,5",     /* empty item */
        "--compound 7 --officer 3,",       /* empty item */
        "--compound 7 --officer -3",       /* unsigned */
        "--compound 7 --finding 11:x",     /* no such category */
        "--compound 7 --finding 楼道堆物", /* no category */
        "--compound 7 --finding -1:x",     /* neither a code nor a name */
        "--compound 7 --finding 3:",       /* no text */
        "--compound 7 --finding 3::none",  /* no text before the action */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        req = NULL;
        assert_int_equal(parse(&submit, bad[i], &req, local), 1);
        assert_null(req);
    }
}

static void assert_finding(const char *text, const char *want)
{
    json_t *v;
    const char *why = cg_finding_from_text(text, &v);
    if (want == NULL) {
        assert_non_null(why);
        assert_null(v);
        return;
    }
    if (why != NULL)
        fail_msg("'%s': %s", text, why);
    assert_json(v, want);
    json_decref(v);
}

/* A decision's penalties: a list in protocol words or Chinese. */
static void test_penalty_from_text(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"warning", "[\"warning\"]"},
        {"warning,rectify", "[\"warning\", \"rectify\"]"},
        {"警告、责令整改", "[\"warning\", \"rectify\"]"},
        {"罚款，限期整改,demolish", "[\"fine\", \"rectify\", \"demolish\"]"},
        {"warning,", NULL},
        {"", NULL},
        {"Warning", NULL},
        {"警告 ", NULL},
        {"没收", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *v;
        const char *why = cg_penalty_from_text(cases[i].text, &v);
        if (cases[i].want == NULL) {
            assert_non_null(why);
            assert_null(v);
            continue;
        }
        if (why != NULL)
            fail_msg("'%s': %s", cases[i].text, why);
        assert_json(v, cases[i].want);
        json_decref(v);
    }
}

static void test_finding_from_text(void **state)
{
    assert_finding("1:x", "{\"category\": 1, \"text\": \"x\"}");
    assert_finding("3:门口堆物:stopped_on_site",
                   "{\"category\": 3, \"text\": \"门口堆物\", \"action\": \"stopped_on_site\"}");
    assert_finding("3:门口堆物:已清理", "{\"category\": 3, \"text\": \"门口堆物:已清理\"}");
    assert_finding("4:时间 10:30:case_needed",
                   "{\"category\": 4, \"text\": \"时间 10:30\", \"action\": \"case_needed\"}");
    assert_finding("5:none", "{\"category\": 5, \"text\": \"none\"}"); /* no ACTION part */
    assert_finding("5:x:none:", "{\"category\": 5, \"text\": \"x:none:\"}");
    assert_finding("6:x:None", "{\"category\": 6, \"text\": \"x:None\"}");
    assert_finding("10:x:none", "{\"category\": 10, \"text\": \"x\", \"action\": \"none\"}");
    /* the illegal-construction mark comes last, in English or Chinese */
    assert_finding("2:屋顶彩钢房:case_needed:illegal_construction",
                   "{\"category\": 2, \"text\": \"屋顶彩钢房\", \"action\": \"case_needed\", "
                   "\"illegal_construction\": true}");
    assert_finding("2:屋顶彩钢房:违法搭建",
                   "{\"category\": 2, \"text\": \"屋顶彩钢房\", \"illegal_construction\": true}");
    assert_finding("2:x:illegal_construction:none",
                   "{\"category\": 2, \"text\": \"x:illegal_construction\", \"action\": \"none\"}");
    assert_finding("2:illegal_construction",
                   "{\"category\": 2, \"text\": \"illegal_construction\"}");
    assert_finding("2::illegal_construction", NULL); /* no text */
    assert_finding("0:x", NULL);
    assert_finding("11:x", NULL);
    assert_finding("010:x", "{\"category\": 10, \"text\": \"x\"}");
    assert_finding("99999999999:x", NULL);
    assert_finding(" 3:x", NULL);
    assert_finding("+3:x", NULL);
    assert_finding(":x", NULL);
    assert_finding("3", NULL);
    assert_finding("3:", NULL);
    assert_finding("3::referred", NULL);
    assert_finding("3:\xC0\x80", NULL);
    /* a name, resolved once connected (category_text.h) */
    assert_finding("垃圾:楼下堆放", "{\"category\": \"垃圾\", \"text\": \"楼下堆放\"}");
    assert_finding("garbage:x:none",
                   "{\"category\": \"garbage\", \"text\": \"x\", \"action\": \"none\"}");
}

static void test_list_from_text(void **state)
{
    const ProtobufCMessageDescriptor *d = &chengguan__v1__patrol__descriptor;
    json_t *v;
    char bad[16];
    assert_null(cg_field_list_from_text(cg_field_named(d, "officer_ids"), "12", &v, bad, 16));
    assert_json(v, "[12]");
    json_decref(v);
    assert_string_equal(
        cg_field_list_from_text(cg_field_named(d, "officer_ids"), "1,2x,3", &v, bad, 16),
        "not an integer");
    assert_string_equal(bad, "2x");
    assert_null(v);
    assert_string_equal(
        cg_field_list_from_text(cg_field_named(d, "officer_ids"), ",1", &v, bad, 16),
        "empty item in a list");
    assert_string_equal(bad, ",1");
    /* Strings are one item, commas and all. */
    assert_null(cg_field_list_from_text(cg_field_named(d, "officer_names"), "a,b", &v, bad, 16));
    assert_json(v, "[\"a,b\"]");
    json_decref(v);
}

/* "now" is the current instant, RFC 3339 UTC to the second; other values
 * of the option go as they are. */
static void test_now(void **state)
{
    json_t *req;
    const char *local[CG_INPUT_MAX_LOCAL];
    time_t before = time(NULL);
    assert_int_equal(parse(&submit, "--compound 1 --start now --end=now", &req, local), -1);
    time_t after = time(NULL);
    const json_t *patrol = json_object_get(req, "patrol");
    const char *start = json_string_value(json_object_get(patrol, "start"));
    assert_non_null(start);
    /* Beijing time with its offset: "2026-11-30T16:00:00+08:00". */
    assert_int_equal(strlen(start), 25);
    assert_string_equal(start + 19, "+08:00");
    int64_t us;
    assert_int_equal(cg_time_parse(start, &us), 0);
    time_t t = (time_t)(us / 1000000);
    assert_true(t >= before && t <= after);
    assert_string_equal(json_string_value(json_object_get(patrol, "end")), start);
    json_decref(req);
    /* "now" only for options that take an instant. */
    assert_int_equal(parse(&submit, "--compound 1 --note now", &req, local), -1);
    assert_json(req, "{\"patrol\": {\"compound_id\": 1, \"note\": \"now\"}}");
    json_decref(req);
}

static void test_view_formats(void **state)
{
    assert_text(json_true(), CG_FMT_FLAG, "yes");
    assert_text(json_false(), CG_FMT_FLAG, "-");
    assert_text(json_pack("[{}{}{}]"), CG_FMT_COUNT, "3");
    assert_text(json_array(), CG_FMT_COUNT, "0");
    assert_text(json_string("2021-03-01T01:30:00Z"), CG_FMT_LOCAL, "2021-03-01 09:30");
    assert_text(json_string("2021-02-28T16:05:59.999Z"), CG_FMT_LOCAL, "2021-03-01 00:05");
    assert_text(json_string("2021-12-31T20:00:00+00:00"), CG_FMT_LOCAL, "2022-01-01 04:00");
    assert_text(json_string("2021-03-01T09:30:00+08:00"), CG_FMT_LOCAL, "2021-03-01 09:30");
    assert_text(json_string("2021-03-01 03:30:00-05:30"), CG_FMT_LOCAL, "2021-03-01 17:00");
    assert_text(json_string(""), CG_FMT_LOCAL, "-");
    assert_text(json_string("2021-03-01"), CG_FMT_LOCAL, "2021-03-01");
    assert_text(json_string("2021-03-01T09:30"), CG_FMT_LOCAL, "2021-03-01T09:30");
    assert_text(json_string("2021-03-01T09:30:00"), CG_FMT_LOCAL, "2021-03-01T09:30:00");
    assert_text(json_string("2021-13-01T09:30:00Z"), CG_FMT_LOCAL, "2021-13-01T09:30:00Z");
    assert_text(json_string("2021-03-01T09:30:00Zx"), CG_FMT_LOCAL, "2021-03-01T09:30:00Zx");
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
        cmocka_unit_test(test_repeated_fields),
        cmocka_unit_test(test_penalty_from_text),
        cmocka_unit_test(test_finding_from_text),
        cmocka_unit_test(test_list_from_text),
        cmocka_unit_test(test_now),
        cmocka_unit_test(test_view_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
