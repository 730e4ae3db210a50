/* The error table: names, texts and the wire mapping agree with each other. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "chengguan/v1/system.pb-c.h"
#include "error.h"

static void test_names_and_texts(void **state)
{
    assert_string_equal(cg_err_name(CG_EINVALID_ARGUMENT), "INVALID_ARGUMENT");
    assert_string_equal(cg_err_name(CG_EUNAVAILABLE), "UNAVAILABLE");
    assert_string_equal(cg_err_name(CG_OK), "OK");
    assert_string_equal(cg_err_name(-9999), "UNKNOWN");
    assert_string_equal(cg_strerror(CG_ENOT_FOUND), "not found");
    assert_string_equal(cg_strerror(-9999), "unknown error code");
}

/* Every wire code in the table has the same number and name as the proto enum. */
static void test_wire_codes_match_proto(void **state)
{
    const ProtobufCEnumDescriptor *d = &chengguan__v1__code__descriptor;
    int wire = 0;
#define XX(sym, code, text)                                                                        \
    if (code <= 16) {                                                                              \
        const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(d, code);               \
        assert_non_null(v);                                                                        \
        assert_string_equal(v->name, "CODE_" #sym);                                                \
        assert_int_equal(cg_err_to_wire(CG_E##sym), code);                                         \
        assert_int_equal(cg_err_from_wire(code), CG_E##sym);                                       \
        wire++;                                                                                    \
    } else {                                                                                       \
        assert_int_equal(cg_err_to_wire(CG_E##sym), 0);                                            \
    }
    CG_ERRNO_MAP(XX)
#undef XX
    assert_int_equal(wire, 16);
    assert_int_equal(cg_err_from_wire(0), CG_EUNKNOWN);
    assert_int_equal(cg_err_from_wire(99), CG_EUNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_texts),
        cmocka_unit_test(test_wire_codes_match_proto),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
