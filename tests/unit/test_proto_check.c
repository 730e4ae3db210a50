/* The wire check of requests (proto_check.h): text that is not UTF-8 or
 * holds a NUL, 64-bit values beyond bigint, too many repeated elements, and
 * bytes that are not a message, each found with the field's path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chengguan/v1/envelope.pb-c.h"
#include "error.h"
#include "proto_check.h"

static size_t max_items(const ProtobufCFieldDescriptor *f, void *arg)
{
    return f->descriptor == &chengguan__v1__import_row__descriptor ? 3 : 2;
}

static const cg_proto_limits limits = {max_items, NULL};

/* Packs m and checks it; path and why get the findings. */
static int check(const ProtobufCMessage *m, char *path, char *why)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(n + 1);
    protobuf_c_message_pack(m, buf);
    int rc = cg_proto_check(m->descriptor, buf, n, &limits, path, 128, why, 128);
    free(buf);
    return rc;
}

static void test_text_is_utf8_without_nul(void **state)
{
    Chengguan__V1__Compound a = CHENGGUAN__V1__COMPOUND__INIT, b = CHENGGUAN__V1__COMPOUND__INIT;
    a.name = "锦绣华城";
    b.name = "兴隆家园";
    Chengguan__V1__ImportRow rows[2] = {CHENGGUAN__V1__IMPORT_ROW__INIT,
                                        CHENGGUAN__V1__IMPORT_ROW__INIT};
    rows[0].compound = &a;
    rows[1].compound = &b;
    Chengguan__V1__ImportRow *rowp[] = {&rows[0], &rows[1]};
    Chengguan__V1__CompoundImport imp = CHENGGUAN__V1__COMPOUND_IMPORT__INIT;
    imp.rows = rowp;
    imp.n_rows = 2;
    char path[128], why[128];
    assert_int_equal(check(&imp.base, path, why), 0);
    assert_string_equal(path, "");

    static const char *const bad[] = {
        "\xff",             /* not a lead byte */
        "abc\xc3",          /* truncated */
        "\xc0\xaf",         /* overlong '/' */
        "\xed\xa0\x80",     /* a surrogate */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        b.address = (char *)bad[i];
        assert_int_equal(check(&imp.base, path, why), CG_EINVALID_ARGUMENT);
        assert_string_equal(path, "rows[1].compound.address");
        assert_string_equal(why, "not valid UTF-8");
    }
    b.address = "盘锦市兴隆台区 🏠";
    char *tags[] = {"ok", "\xe4\xb8"};
    a.missing = tags;
    a.n_missing = 2;
    assert_int_equal(check(&imp.base, path, why), CG_EINVALID_ARGUMENT);
    assert_string_equal(path, "rows[0].compound.missing[1]");
    a.missing = NULL;
    a.n_missing = 0;

    /* A NUL inside the text: packed by hand, since C strings end there. */
    static const uint8_t nul[] = {0x12, 0x06, 0x12, 0x04, 0x12, 0x02, 'a', 0};
    assert_int_equal(cg_proto_check(&chengguan__v1__compound_import__descriptor, nul, sizeof nul,
                                    &limits, path, sizeof path, why, sizeof why),
                     CG_EINVALID_ARGUMENT);
    assert_string_equal(path, "rows[0].compound.name");
    assert_string_equal(why, "contains a NUL byte");
}

static void test_uint64_beyond_bigint_is_out_of_range(void **state)
{
    char path[128], why[128];
    Chengguan__V1__CompoundGet get = CHENGGUAN__V1__COMPOUND_GET__INIT;
    get.id = INT64_MAX;
    assert_int_equal(check(&get.base, path, why), 0);
    get.id = (uint64_t)INT64_MAX + 1;
    assert_int_equal(check(&get.base, path, why), CG_EOUT_OF_RANGE);
    assert_string_equal(path, "id");

    /* Packed repeated: officer_ids[1]. */
    uint64_t ids[] = {5, UINT64_MAX};
    Chengguan__V1__Patrol p = CHENGGUAN__V1__PATROL__INIT;
    p.officer_ids = ids;
    p.n_officer_ids = 2;
    Chengguan__V1__PatrolSubmit sub = CHENGGUAN__V1__PATROL_SUBMIT__INIT;
    sub.patrol = &p;
    assert_int_equal(check(&sub.base, path, why), CG_EOUT_OF_RANGE);
    assert_string_equal(path, "patrol.officer_ids[1]");
}

static void test_repeated_fields_are_bounded(void **state)
{
    char path[128], why[128];
    Chengguan__V1__ImportRow rows[4] = {
        CHENGGUAN__V1__IMPORT_ROW__INIT, CHENGGUAN__V1__IMPORT_ROW__INIT,
        CHENGGUAN__V1__IMPORT_ROW__INIT, CHENGGUAN__V1__IMPORT_ROW__INIT};
    Chengguan__V1__ImportRow *rowp[] = {&rows[0], &rows[1], &rows[2], &rows[3]};
    Chengguan__V1__CompoundImport imp = CHENGGUAN__V1__COMPOUND_IMPORT__INIT;
    imp.rows = rowp;
    imp.n_rows = 3;
    assert_int_equal(check(&imp.base, path, why), 0);
    imp.n_rows = 4; /* the import's own limit is 3 */
    assert_int_equal(check(&imp.base, path, why), CG_ERESOURCE_EXHAUSTED);
    assert_string_equal(path, "rows");

    char *fields[] = {"name", "address", "street"}; /* any other field: 2 */
    imp.n_rows = 1;
    imp.fields = fields;
    imp.n_fields = 3;
    assert_int_equal(check(&imp.base, path, why), CG_ERESOURCE_EXHAUSTED);
    assert_string_equal(path, "fields");

    uint64_t ids[] = {1, 2, 3}; /* packed: counted per element */
    Chengguan__V1__Patrol p = CHENGGUAN__V1__PATROL__INIT;
    p.officer_ids = ids;
    p.n_officer_ids = 3;
    Chengguan__V1__PatrolSubmit sub = CHENGGUAN__V1__PATROL_SUBMIT__INIT;
    sub.patrol = &p;
    assert_int_equal(check(&sub.base, path, why), CG_ERESOURCE_EXHAUSTED);
    assert_string_equal(path, "patrol.officer_ids");
}

static void test_malformed_bytes(void **state)
{
    char path[128], why[128];
    static const uint8_t truncated[] = {0x12, 0x05, 'a'};
    assert_int_equal(cg_proto_check(&chengguan__v1__compound__descriptor, truncated,
                                    sizeof truncated, &limits, path, sizeof path, why, sizeof why),
                     CG_EPROTOCOL);
    static const uint8_t group[] = {0x0b};
    assert_int_equal(cg_proto_check(&chengguan__v1__compound__descriptor, group, sizeof group,
                                    &limits, path, sizeof path, why, sizeof why),
                     CG_EPROTOCOL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_is_utf8_without_nul),
        cmocka_unit_test(test_uint64_beyond_bigint_is_out_of_range),
        cmocka_unit_test(test_repeated_fields_are_bounded),
        cmocka_unit_test(test_malformed_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
