/* The request -> reply table covers every message the Envelope carries, and
 * the oneof helpers put bodies in and take them out by type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reply_map.h"

static int is_a_reply(unsigned id)
{
    const ProtobufCMessageDescriptor *env = &chengguan__v1__envelope__descriptor;
    for (unsigned i = 0; i < env->n_fields; i++)
        if (cg_reply_case((Chengguan__V1__Envelope__BodyCase)env->fields[i].id) == id)
            return 1;
    return 0;
}

static void test_every_body_is_a_request_or_a_reply(void **state)
{
    const ProtobufCMessageDescriptor *env = &chengguan__v1__envelope__descriptor;
    for (unsigned i = 0; i < env->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &env->fields[i];
        if (f->id == 1 || f->id == CHENGGUAN__V1__ENVELOPE__BODY_ERROR ||
            cg_is_push((Chengguan__V1__Envelope__BodyCase)f->id))
            continue; /* the id, Error which answers anything, and pushes */
        int request = cg_reply_case((Chengguan__V1__Envelope__BodyCase)f->id) !=
                      CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET;
        if (request == is_a_reply(f->id))
            fail_msg("envelope field %s is %s", f->name,
                     request ? "both a request and a reply" : "neither a request nor a reply");
    }
}

static void test_bodies_in_and_out(void **state)
{
    Chengguan__V1__CompoundGet get = CHENGGUAN__V1__COMPOUND_GET__INIT;
    Chengguan__V1__Envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    assert_int_equal(cg_envelope_set_body(&env, &get.base), 0);
    assert_int_equal(env.body_case, CHENGGUAN__V1__ENVELOPE__BODY_COMPOUND_GET);
    assert_ptr_equal(env.compound_get, &get);
    assert_ptr_equal(cg_envelope_body(&env), &get.base);
    assert_int_equal(cg_reply_case(env.body_case), CHENGGUAN__V1__ENVELOPE__BODY_COMPOUND);

    Chengguan__V1__ImportRow row = CHENGGUAN__V1__IMPORT_ROW__INIT; /* not in the Envelope */
    assert_int_equal(cg_envelope_set_body(&env, &row.base), -1);
    assert_true(cg_is_push(CHENGGUAN__V1__ENVELOPE__BODY_EVENT));
    assert_false(cg_is_push(CHENGGUAN__V1__ENVELOPE__BODY_REPORT));
    Chengguan__V1__Envelope empty = CHENGGUAN__V1__ENVELOPE__INIT;
    assert_null(cg_envelope_body(&empty));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_body_is_a_request_or_a_reply),
        cmocka_unit_test(test_bodies_in_and_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
