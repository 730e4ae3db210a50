/* Messages to JSON and back through the descriptors: every field type the
 * protocol uses, nesting, repeated fields, and the errors for bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "chengguan/v1/envelope.pb-c.h"
#include "proto_json.h"

static void test_round_trip_of_nested_and_repeated(void **state)
{
    Chengguan__V1__Compound a = CHENGGUAN__V1__COMPOUND__INIT, b = CHENGGUAN__V1__COMPOUND__INIT;
    a.id = 7;
    a.name = "锦绣华城";
    a.households = -1; /* transported as is: validation is the server's job */
    a.demo = 1;
    char *missing[] = {"street", "community"};
    a.missing = missing;
    a.n_missing = 2;
    b.id = 8;
    b.name = "兴隆家园";
    Chengguan__V1__ImportRow rows[2] = {CHENGGUAN__V1__IMPORT_ROW__INIT,
                                        CHENGGUAN__V1__IMPORT_ROW__INIT};
    rows[0].line = 2;
    rows[0].compound = &a;
    rows[1].line = 3;
    rows[1].compound = &b;
    Chengguan__V1__ImportRow *rowp[] = {&rows[0], &rows[1]};
    Chengguan__V1__CompoundImport imp = CHENGGUAN__V1__COMPOUND_IMPORT__INIT;
    uint8_t key[] = {0x00, 0x01, 0xab, 0xff};
    imp.idempotency_key.data = key;
    imp.idempotency_key.len = sizeof key;
    imp.rows = rowp;
    imp.n_rows = 2;

    json_t *j = cg_proto_to_json(&imp.base);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "idempotency_key")), "0001abff");
    json_t *r0 = json_object_get(json_array_get(json_object_get(j, "rows"), 0), "compound");
    assert_string_equal(json_string_value(json_object_get(r0, "name")), "锦绣华城");
    assert_int_equal(json_integer_value(json_object_get(r0, "households")), -1);
    assert_true(json_is_true(json_object_get(r0, "demo")));
    assert_string_equal(json_string_value(json_object_get(r0, "district")), "");

    char err[256];
    Chengguan__V1__CompoundImport *back = (Chengguan__V1__CompoundImport *)cg_proto_from_json(
        &chengguan__v1__compound_import__descriptor, j, err, sizeof err);
    assert_non_null(back);
    assert_int_equal(back->idempotency_key.len, 4);
    assert_memory_equal(back->idempotency_key.data, key, 4);
    assert_int_equal(back->n_rows, 2);
    assert_int_equal(back->rows[1]->line, 3);
    assert_string_equal(back->rows[0]->compound->name, "锦绣华城");
    assert_int_equal(back->rows[0]->compound->n_missing, 2);
    assert_string_equal(back->rows[0]->compound->missing[1], "community");
    assert_string_equal(back->rows[1]->compound->name, "兴隆家园");
    /* Packing the rebuilt message gives the same bytes as the original. */
    size_t n1 = protobuf_c_message_get_packed_size(&imp.base);
    size_t n2 = protobuf_c_message_get_packed_size(&back->base);
    assert_int_equal(n1, n2);
    uint8_t p1[512], p2[512];
    protobuf_c_message_pack(&imp.base, p1);
    protobuf_c_message_pack(&back->base, p2);
    assert_memory_equal(p1, p2, n1);
    protobuf_c_message_free_unpacked(&back->base, NULL);
    json_decref(j);
}

static void test_missing_keys_and_nulls_are_defaults(void **state)
{
    char err[256];
    json_t *j = json_loads("{\"name\": \"x\", \"unit\": null}", 0, NULL);
    Chengguan__V1__Officer *o = (Chengguan__V1__Officer *)cg_proto_from_json(
        &chengguan__v1__officer__descriptor, j, err, sizeof err);
    assert_non_null(o);
    assert_string_equal(o->name, "x");
    assert_string_equal(o->unit, "");
    assert_int_equal(o->id, 0);
    protobuf_c_message_free_unpacked(&o->base, NULL);
    json_decref(j);
}

static void expect_error(const ProtobufCMessageDescriptor *d, const char *text, const char *want)
{
    char err[256] = "";
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    assert_null(cg_proto_from_json(d, j, err, sizeof err));
    assert_string_equal(err, want);
    json_decref(j);
}

static void test_bad_input_names_the_field(void **state)
{
    const ProtobufCMessageDescriptor *imp = &chengguan__v1__compound_import__descriptor;
    expect_error(imp, "{\"rows\": [{\"line\": 1}, {\"line\": -1}]}", "rows[1].line: out of range");
    expect_error(imp, "{\"rows\": [{\"compound\": {\"households\": \"9\"}}]}",
                 "rows[0].compound.households: not an integer");
    expect_error(imp, "{\"rows\": [{\"compound\": {\"nmae\": \"x\"}}]}",
                 "rows[0].compound.nmae: no such field");
    expect_error(imp, "{\"idempotency_key\": \"0g\"}", "idempotency_key: not a hex string");
    expect_error(imp, "{\"rows\": {}}", "rows: not an array");
    expect_error(imp, "[]", "(top): not an object");
    expect_error(&chengguan__v1__compound__descriptor, "{\"demo\": 1}", "demo: not true or false");
    expect_error(&chengguan__v1__compound__descriptor, "{\"households\": 2147483648}",
                 "households: out of range");
    expect_error(&chengguan__v1__compound__descriptor, "{\"missing\": [\"a\", 3]}",
                 "missing[1]: not a string");
}

/* Found by fuzz_json (corpus/fuzz_json/envelope-two-bodies): the second
 * member of a oneof overwrote the first, which leaked. */
static void test_two_members_of_a_oneof_are_refused(void **state)
{
    expect_error(&chengguan__v1__envelope__descriptor, "{\"id\": 7, \"ping\": {}, \"pong\": {}}",
                 "pong: another member of its oneof is set");
    expect_error(&chengguan__v1__envelope__descriptor,
                 "{\"ping\": {\"payload\": \"00\"}, \"error\": {\"code\": \"x\"}}",
                 "error: another member of its oneof is set");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_of_nested_and_repeated),
        cmocka_unit_test(test_missing_keys_and_nulls_are_defaults),
        cmocka_unit_test(test_bad_input_names_the_field),
        cmocka_unit_test(test_two_members_of_a_oneof_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
