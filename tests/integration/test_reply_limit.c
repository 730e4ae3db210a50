/*
 * A reply that would not fit in max_frame_bytes (1 kB here) is cut into pages or answered with
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

/* Lists with a cursor end their page early (the SQL's byte budget); a reply
 * without one that still does not fit is an Error, not a dropped
 * connection. */
static void test_oversized_reply_is_an_error(void **state)
{
    for (int i = 0; i < 40; i++) { /* 40 officers: more than 1 kB */
        char name[64];
        snprintf(name, sizeof name, "锦绣华城第%d期东区南苑小区", i);
        uint64_t officer;
        cg_test_make_compound(&server, "hq", "dawa", name, NULL, NULL, &officer);
    }
    cg_client *c = cg_test_as(&server, "hq");
    Chengguan__V1__OfficerList officers = CHENGGUAN__V1__OFFICER_LIST__INIT;
    officers.unit = "dawa";
    ProtobufCMessage *reply = NULL;
    assert_int_equal(cg_call(c, &officers.base, &reply), CG_ERESOURCE_EXHAUSTED);
    assert_null(reply);
    assert_non_null(strstr(cg_client_error(c), "reply too large"));
    assert_true(cg_test_log_wait(&server, "event=reply_too_large", "account=hq", NULL));
    /* The same connection is still served, and a paged list comes in pages
     * that fit. */
    assert_int_equal(cg_ping(c, "ok", 2, NULL), 0);
    Chengguan__V1__CompoundList list = CHENGGUAN__V1__COMPOUND_LIST__INIT;
    int pages = 0;
    size_t rows = 0;
    do {
        assert_int_equal(cg_call(c, &list.base, &reply), 0);
        Chengguan__V1__CompoundListReply *page = (Chengguan__V1__CompoundListReply *)reply;
        assert_true(page->n_compounds > 0);
        rows += page->n_compounds;
        list.after_id = page->next_after_id;
        pages++;
        cg_message_free(reply);
    } while (list.after_id != 0 && pages < 100);
    assert_true(pages > 1);
    assert_true(rows >= 40);
}

int main(void)
{
    cg_test_server_init(&server, "reply_limit", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oversized_reply_is_an_error),
    };
    return CG_TEST_RUN(&server, "max_frame_bytes = 1kB\n", tests);
}
