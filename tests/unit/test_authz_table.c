/*
 * The dispatcher's authorisation table (build/authz_data.c, generated from
 * sql/api/authz.sql): every line is found by its name (the generator sorted
 * them as strcmp does), and a name without a line is refused to every role.
 */
#include "authz.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static const cg_role roles[] = {CG_ROLE_HQ,      CG_ROLE_SUPERVISION, CG_ROLE_SECTION,
                                CG_ROLE_UNIT,    CG_ROLE_PROPERTY,    CG_ROLE_INTEGRATION,
                                CG_ROLE_OFFICER, CG_ROLE_UNIT_LEADER};

static void test_every_line_is_found(void **state)
{
    (void)state;
    assert_true(cg_authz_count > 90);
    for (size_t i = 0; i < cg_authz_count; i++) {
        if (i > 0)
            assert_true(strcmp(cg_authz_rows[i - 1].request, cg_authz_rows[i].request) < 0);
        assert_ptr_equal(cg_authz_find(cg_authz_rows[i].request), &cg_authz_rows[i]);
        /* a role is all or own, never both */
        assert_int_equal(cg_authz_rows[i].all & cg_authz_rows[i].own, 0);
    }
}

static void test_scopes(void **state)
{
    (void)state;
    assert_int_equal(cg_authz_scope("report.submit", CG_ROLE_HQ), CG_SCOPE_ALL);
    assert_int_equal(cg_authz_scope("report.submit", CG_ROLE_UNIT), CG_SCOPE_OWN);
    assert_int_equal(cg_authz_scope("report.submit", CG_ROLE_SUPERVISION), CG_SCOPE_NONE);
    assert_int_equal(cg_authz_scope("limit.set", CG_ROLE_SUPERVISION), CG_SCOPE_ALL);
    assert_int_equal(cg_authz_scope("limit.set", CG_ROLE_HQ), CG_SCOPE_NONE);
}

static void test_a_request_without_a_line_is_refused_to_everyone(void **state)
{
    (void)state;
    const char *names[] = {"report.submitx", "", "subscribe.catchup", "REPORT.SUBMIT", "zzz"};
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        assert_null(cg_authz_find(names[n]));
        for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++)
            assert_int_equal(cg_authz_scope(names[n], roles[r]), CG_SCOPE_NONE);
    }
    assert_int_equal(cg_authz_scope("ping", CG_ROLE_NONE), CG_SCOPE_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_line_is_found),
        cmocka_unit_test(test_scopes),
        cmocka_unit_test(test_a_request_without_a_line_is_refused_to_everyone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
