/* Setting values with units: durations and sizes as PostgreSQL writes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "error.h"
#include "units.h"

static void test_durations(void **state)
{
    static const struct {
        const char *text;
        uint64_t ms;
    } ok[] = {
        {"0", 0},          {"30", 30000},    {"250ms", 250},    {"30s", 30000},
        {"15min", 900000}, {"4h", 14400000}, {"3d", 259200000}, {"2 h", 7200000},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        uint64_t ms = 1;
        assert_int_equal(cg_duration_parse(ok[i].text, &ms), 0);
        assert_int_equal(ms, ok[i].ms);
    }
    static const char *const bad[] = {"",
                                      "s",
                                      "-1s",
                                      "15m",
                                      "1.5h",
                                      "10 years",
                                      "3dd",
                                      "99999999999999999999",
                                      "18446744073709551615d"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t ms = 0;
        assert_int_equal(cg_duration_parse(bad[i], &ms), CG_EINVALID_ARGUMENT);
    }
    uint64_t ms;
    assert_int_equal(cg_duration_parse(NULL, &ms), CG_EINVALID_ARGUMENT);
}

static void test_sizes(void **state)
{
    uint64_t b = 0;
    assert_int_equal(cg_size_parse("512", &b), 0);
    assert_int_equal(b, 512);
    assert_int_equal(cg_size_parse("64kB", &b), 0);
    assert_int_equal(b, 65536);
    assert_int_equal(cg_size_parse("4MB", &b), 0);
    assert_int_equal(b, 4194304);
    assert_int_equal(cg_size_parse("1GB", &b), 0);
    assert_int_equal(b, 1073741824);
    assert_int_equal(cg_size_parse("4mb", &b), CG_EINVALID_ARGUMENT);
    assert_int_equal(cg_size_parse("MB", &b), CG_EINVALID_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
