/*
 * Duplicate guards against the real server: a compound name the district
 * already has in another community needs force; the same officer twice in a
 * unit; the same patrol twice; one officer in two patrols at once. Each
 * refusal names the existing record in its parameters, and a retry with the
 * first request's idempotency key still gets the first reply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;
static char out[1 << 16];

static ProtobufCMessage *call(const char *account, ProtobufCMessage *req, int want,
                              const char *want_field)
{
    return cg_test_call(&server, account, req, want, want_field);
}

/* The parameter name of the last error of account, as a number. */
static uint64_t param_id(const char *account, const char *name)
{
    const char *v = cg_client_error_param(cg_test_as(&server, account), name);
    assert_non_null(v);
    return strtoull(v, NULL, 10);
}

static uint64_t add_officer(const char *account, const char *name, const char *unit,
                            const char *phone, int want)
{
    Chengguan__V1__Officer o = CHENGGUAN__V1__OFFICER__INIT;
    o.name = (char *)name;
    o.unit = (char *)unit;
    o.phone = (char *)phone;
    Chengguan__V1__OfficerAdd req = CHENGGUAN__V1__OFFICER_ADD__INIT;
    req.officer = &o;
    Chengguan__V1__Officer *got =
        (Chengguan__V1__Officer *)call(account, &req.base, want, want ? "name" : NULL);
    uint64_t id = got ? got->id : 0;
    cg_message_free(got ? &got->base : NULL);
    return id;
}

static void test_officer_twice(void **state)
{
    uint64_t first = add_officer("dawa", "重复警员", "dawa", "13700001234", 0);
    /* the same person, the phone written another way */
    add_officer("dawa", "重复警员", "dawa", "137-0000-1234", CG_EALREADY_EXISTS);
    assert_string_equal(cg_client_error_reason(cg_test_as(&server, "dawa")), "officer.exists");
    assert_int_equal(param_id("dawa", "id"), first);
    /* another phone, or another unit, is another officer */
    assert_true(add_officer("dawa", "重复警员", "dawa", "13700004321", 0) > first);
    assert_true(add_officer("xinglongtai", "重复警员", "xinglongtai", "13700001234", 0) > first);
    (void)state;
}

static void test_compound_name_in_district(void **state)
{
    /* refused without --force, naming the existing one; with it, added */
    assert_int_equal(cg_test_cli(&server,
                                 "--as dawa --json compound add --name 同名花园 --district dawa "
                                 "--community 东风社区",
                                 out, sizeof out),
                     0);
    uint64_t first = cg_test_json_id(out);
    setenv("LANG", "C", 1);
    unsetenv("LC_ALL");
    unsetenv("LANGUAGE");
    const char *again = "--as dawa compound add --name 同名花园 --district dawa "
                        "--community 西风社区";
    assert_int_equal(cg_test_cli(&server, again, NULL, 0), 2);
    assert_int_equal(cg_test_clif(&server, out, sizeof out, "%s 2>&1 | cat", again), 0);
    char want[128];
    snprintf(want, sizeof want, "community '东风社区' (id %llu)", (unsigned long long)first);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "--force"));
    const char *forced = "--as dawa --json compound add --name 同名花园 --district dawa "
                         "--community 西风社区 --force";
    assert_int_equal(cg_test_cli(&server, forced, out, sizeof out), 0);
    assert_true(cg_test_json_id(out) > first);

    /* a rename onto the name is refused the same way; other changes are not */
    uint64_t officer;
    uint64_t other =
        cg_test_make_compound(&server, "dawa", "dawa", "别名花园", NULL, NULL, &officer);
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as dawa compound update %llu --name 同名花园",
                                  (unsigned long long)other),
                     2);
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as dawa compound update %llu --address 同名路1号",
                                  (unsigned long long)other),
                     0);

    /* an import adding the name again: refused, all of it, unless --force */
    char csv[700];
    snprintf(csv, sizeof csv, "%s/same-name.csv", server.dir);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("name,district,community\n同名花园,dawa,南风社区\n", f);
    fclose(f);
    assert_int_equal(cg_test_clif(&server, out, sizeof out, "--as dawa compound import '%s'", csv),
                     2);
    assert_int_equal(
        cg_test_clif(&server, out, sizeof out, "--as dawa compound import --force '%s'", csv), 0);
    assert_non_null(strstr(out, "1 created"));
    (void)state;
}

typedef struct {
    Chengguan__V1__PatrolSubmit req;
    Chengguan__V1__Patrol patrol;
    uint64_t officers[2];
    uint8_t key[16];
} patrol_form;

static void form(patrol_form *f, uint64_t compound, uint64_t o1, uint64_t o2, const char *start,
                 const char *end)
{
    chengguan__v1__patrol_submit__init(&f->req);
    chengguan__v1__patrol__init(&f->patrol);
    f->patrol.compound_id = compound;
    f->officers[0] = o1;
    f->officers[1] = o2;
    f->patrol.officer_ids = f->officers;
    f->patrol.n_officer_ids = o2 ? 2 : 1;
    f->patrol.start = (char *)start;
    f->patrol.end = (char *)end;
    f->req.patrol = &f->patrol;
    assert_int_equal(cg_idempotency_key(f->key), 0);
    f->req.idempotency_key.data = f->key;
    f->req.idempotency_key.len = sizeof f->key;
}

static uint64_t submit(patrol_form *f, int want, const char *field)
{
    Chengguan__V1__Patrol *p =
        (Chengguan__V1__Patrol *)call("xinglongtai", &f->req.base, want, field);
    uint64_t id = p ? p->id : 0;
    cg_message_free(p ? &p->base : NULL);
    return id;
}

static void test_patrol_twice(void **state)
{
    uint64_t o1, o2;
    uint64_t c1 = cg_test_make_compound(&server, "xinglongtai", "xinglongtai", "重复巡查甲", NULL,
                                        "2021-02-01", &o1);
    uint64_t c2 = cg_test_make_compound(&server, "xinglongtai", "xinglongtai", "重复巡查乙", NULL,
                                        "2021-02-01", &o2);
    patrol_form f;
    form(&f, c1, o1, 0, "2021-02-09T09:00", "2021-02-09T10:00");
    uint64_t first = submit(&f, 0, NULL);
    /* a retry with the same key is the first reply, not a duplicate */
    assert_int_equal(submit(&f, 0, NULL), first);

    /* the same compound, officers and an overlapping time, under a new key */
    patrol_form g;
    form(&g, c1, o1, 0, "2021-02-09T09:30", "2021-02-09T09:45");
    submit(&g, CG_EALREADY_EXISTS, "start");
    assert_string_equal(cg_client_error_reason(cg_test_as(&server, "xinglongtai")),
                        "patrol.duplicate");
    assert_int_equal(param_id("xinglongtai", "id"), first);

    /* o1 in another compound's patrol at the same time */
    patrol_form h;
    form(&h, c2, o2, o1, "2021-02-09T09:50", "2021-02-09T11:00");
    submit(&h, CG_EALREADY_EXISTS, "officer_ids");
    assert_string_equal(cg_client_error_reason(cg_test_as(&server, "xinglongtai")),
                        "patrol.officer_busy");
    assert_int_equal(param_id("xinglongtai", "id"), first);
    assert_int_equal(param_id("xinglongtai", "officer_id"), o1);

    /* right after the first one is no overlap */
    form(&h, c2, o2, o1, "2021-02-09T10:00", "2021-02-09T11:00");
    assert_true(submit(&h, 0, NULL) > first);
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_officer_twice),
        cmocka_unit_test(test_compound_name_in_district),
        cmocka_unit_test(test_patrol_twice),
    };
    cg_test_server_init(&server, "duplicates", 0);
    return CG_TEST_RUN(&server, NULL, tests);
}
