/*
 * A reply that would not fit in max_frame_bytes (1 kB here) is answered with
 * an Error, and the connection goes on serving.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;

static void test_oversized_reply_is_an_error(void **state)
{
    for (int i = 0; i < 4; i++) {
        char name[64];
        snprintf(name, sizeof name, "锦绣华城第%d期东区南苑小区", i);
        uint64_t officer;
        cg_test_make_compound(&server, "hq", "dawa", name, NULL, NULL, &officer);
    }
    cg_client *c = cg_test_as(&server, "hq");
    Chengguan__V1__CompoundList list = CHENGGUAN__V1__COMPOUND_LIST__INIT;
    ProtobufCMessage *reply = NULL;
    assert_int_equal(cg_call(c, &list.base, &reply), CG_ERESOURCE_EXHAUSTED);
    assert_null(reply);
    assert_non_null(strstr(cg_client_error(c), "reply too large"));
    /* The same connection is still served, and a small page fits. */
    assert_int_equal(cg_ping(c, "ok", 2, NULL), 0);
    list.limit = 1;
    assert_int_equal(cg_call(c, &list.base, &reply), 0);
    cg_message_free(reply);
    assert_true(cg_test_log_wait(&server, "event=reply_too_large", "account=hq", NULL));
}

int main(void)
{
    cg_test_server_init(&server, "reply_limit", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oversized_reply_is_an_error),
    };
    return CG_TEST_RUN(&server, "max_frame_bytes = 1kB\n", tests);
}
