/* The server's connection string (server/db/conninfo.c): the operator's
 * conninfo, kept whole, with the server's session settings and its cg.*
 * settings added to the startup options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "db/conninfo.h"

/* The value of keyword in conninfo, copied into out ("" when absent). */
static void value_of(const char *conninfo, const char *keyword, char *out, size_t len)
{
    PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
    assert_non_null(opts);
    out[0] = '\0';
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (strcmp(o->keyword, keyword) == 0 && o->val != NULL)
            snprintf(out, len, "%s", o->val);
    PQconninfoFree(opts);
}

/* No JIT on the server's sessions (row-level security makes the planner's
 * costs cross its thresholds, sql/0039_row_security_children.sql); what the
 * operator wrote stays, and the server's settings come after it. */
static void test_options_keep_the_operators_and_add_the_servers(void **state)
{
    (void)state;
    static const char *const settings[] = {"reply_budget_bytes", "49152", NULL};
    char err[200], got[400];
    char *c = cg_conninfo_with_settings(
        "host=/tmp dbname='a b' user=chengguan_app options='-c statement_timeout=5s'", settings,
        err, sizeof err);
    assert_non_null(c);
    value_of(c, "options", got, sizeof got);
    assert_string_equal(got, "-c statement_timeout=5s -c jit=off -c cg.reply_budget_bytes=49152");
    value_of(c, "dbname", got, sizeof got);
    assert_string_equal(got, "a b");
    value_of(c, "user", got, sizeof got);
    assert_string_equal(got, "chengguan_app");
    free(c);
    /* a conninfo libpq cannot parse: refused, with libpq's reason */
    assert_null(cg_conninfo_with_settings("host", settings, err, sizeof err));
    assert_non_null(strstr(err, "database: "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_keep_the_operators_and_add_the_servers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
