/* The per-account request rate (server/rate.c): a token bucket per account,
 * refilled with time, capped at the burst. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "rate.h"

static void test_burst_then_refill(void **state)
{
    cg_rate r;
    cg_rate_init(&r, 10, 5); /* 10 a second, 5 at once */
    for (int i = 0; i < 5; i++)
        assert_int_equal(cg_rate_take(&r, "dawa", 1000), 0);
    /* Empty: the next token comes in 100 ms. */
    int64_t wait = cg_rate_take(&r, "dawa", 1000);
    assert_in_range(wait, 100, 101);
    assert_in_range(cg_rate_take(&r, "dawa", 1050), 50, 51);
    assert_int_equal(cg_rate_take(&r, "dawa", 1100), 0);
    /* A long quiet spell saves up no more than the burst. */
    for (int i = 0; i < 5; i++)
        assert_int_equal(cg_rate_take(&r, "dawa", 100000), 0);
    assert_true(cg_rate_take(&r, "dawa", 100000) > 0);
    cg_rate_free(&r);
}

static void test_accounts_are_apart(void **state)
{
    cg_rate r;
    cg_rate_init(&r, 1, 1);
    assert_int_equal(cg_rate_take(&r, "dawa", 0), 0);
    assert_true(cg_rate_take(&r, "dawa", 0) > 0);
    assert_int_equal(cg_rate_take(&r, "panshan", 0), 0);
    /* No account (before Hello) is never counted, nor kept. */
    for (int i = 0; i < 3; i++)
        assert_int_equal(cg_rate_take(&r, "", 0), 0);
    assert_int_equal(r.used, 2);
    cg_rate_free(&r);
}

static void test_many_accounts_keep_their_buckets(void **state)
{
    cg_rate r;
    cg_rate_init(&r, 1, 1);
    char name[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "account%d", i);
        assert_int_equal(cg_rate_take(&r, name, 0), 0);
    }
    assert_int_equal(r.used, 1000);
    assert_true(r.cap >= 2000); /* at most half full */
    /* Growing the table kept every bucket: each is still empty. */
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "account%d", i);
        assert_true(cg_rate_take(&r, name, 0) > 0);
    }
    cg_rate_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_then_refill),
        cmocka_unit_test(test_accounts_are_apart),
        cmocka_unit_test(test_many_accounts_keep_their_buckets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
