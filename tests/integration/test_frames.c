/*
 * What a misbehaving peer gets: an oversize frame (one RESOURCE_EXHAUSTED
 * error, then close), bytes that are not an Envelope and messages the server
 * does not know (INVALID_ARGUMENT, connection stays usable), requests before
 * Hello, a second Hello, and peers that say nothing (handshake timeout) or
 * fall silent (idle timeout).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "harness.h"
#include "reply_map.h"

static cg_test_server server;

static void open_as(cg_test_raw *r, const char *account)
{
    cg_test_raw_open_as(r, &server, account);
}

static void send_ping(cg_test_raw *r, uint64_t id)
{
    Chengguan__V1__Ping ping = CHENGGUAN__V1__PING__INIT;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = id;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_PING;
    env.ping = &ping;
    assert_int_equal(cg_test_raw_send_env(r, &env), 0);
}

/* Receives the next envelope and checks it is an Error with code and id. */
static void expect_error(cg_test_raw *r, uint64_t id, int code)
{
    cg_envelope *env = cg_test_raw_recv(r, 10000);
    assert_non_null(env);
    assert_int_equal(env->body_case, CHENGGUAN__V1__ENVELOPE__BODY_ERROR);
    assert_int_equal(env->id, id);
    assert_int_equal(env->error->code, -code);
    assert_true(strlen(env->error->message) > 0);
    cg_envelope_free(env, NULL);
}

static void expect_pong(cg_test_raw *r, uint64_t id)
{
    send_ping(r, id);
    cg_envelope *env = cg_test_raw_recv(r, 10000);
    assert_non_null(env);
    assert_int_equal(env->id, id);
    assert_int_equal(env->body_case, CHENGGUAN__V1__ENVELOPE__BODY_PONG);
    cg_envelope_free(env, NULL);
}

static void test_oversize_frame_gets_one_error_then_close(void **state)
{
    cg_test_raw r;
    open_as(&r, "hq");
    assert_true(cg_test_raw_hello(&r));
    uint8_t hdr[CG_FRAME_HEADER_BYTES];
    cg_frame_header_write(hdr, 4u * 1024 * 1024 + 1); /* one byte over the default limit */
    assert_int_equal(cg_test_raw_send(&r, hdr, sizeof hdr), 0);
    expect_error(&r, 0, CG_ERESOURCE_EXHAUSTED);
    assert_true(cg_test_raw_wait_closed(&r, 10000));
    cg_test_raw_close(&r);
    assert_true(cg_test_log_wait(&server, "event=frame_too_large", "4194305", NULL));
}

static void test_huge_announced_length_is_refused(void **state)
{
    cg_test_raw r;
    open_as(&r, "hq");
    uint8_t hdr[CG_FRAME_HEADER_BYTES];
    cg_frame_header_write(hdr, 0xffffffffu);
    assert_int_equal(cg_test_raw_send(&r, hdr, sizeof hdr), 0);
    expect_error(&r, 0, CG_ERESOURCE_EXHAUSTED);
    assert_true(cg_test_raw_wait_closed(&r, 10000));
    cg_test_raw_close(&r);
}

static void test_garbage_payload_keeps_connection(void **state)
{
    cg_test_raw r;
    open_as(&r, "dawa");
    assert_true(cg_test_raw_hello(&r));
    /* id 42 first (field 1 varint), then a field with an invalid wire type. */
    static const uint8_t frame[] = {0, 0, 0, 4, 0x08, 42, 0x0f, 0xff};
    assert_int_equal(cg_test_raw_send(&r, frame, sizeof frame), 0);
    expect_error(&r, 42, CG_EINVALID_ARGUMENT);
    expect_pong(&r, 43);
    cg_test_raw_close(&r);
}

static void test_unknown_message_keeps_connection(void **state)
{
    cg_test_raw r;
    open_as(&r, "dawa");
    assert_true(cg_test_raw_hello(&r));
    /* id 7, then field 999 (a message from a newer protocol) with 3 bytes. */
    static const uint8_t frame[] = {0, 0, 0, 8, 0x08, 7, 0xba, 0x3e, 3, 'x', 'y', 'z'};
    assert_int_equal(cg_test_raw_send(&r, frame, sizeof frame), 0);
    expect_error(&r, 7, CG_EINVALID_ARGUMENT);
    expect_pong(&r, 8);
    cg_test_raw_close(&r);
}

static void test_reply_types_are_not_requests(void **state)
{
    cg_test_raw r;
    open_as(&r, "dawa");
    assert_true(cg_test_raw_hello(&r));
    Chengguan__V1__Pong pong = CHENGGUAN__V1__PONG__INIT;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = 9;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_PONG;
    env.pong = &pong;
    assert_int_equal(cg_test_raw_send_env(&r, &env), 0);
    expect_error(&r, 9, CG_EINVALID_ARGUMENT);
    expect_pong(&r, 10);
    cg_test_raw_close(&r);
}

static void test_requests_before_hello_and_hello_twice(void **state)
{
    cg_test_raw r;
    open_as(&r, "shuangtaizi");
    send_ping(&r, 5);
    expect_error(&r, 5, CG_EFAILED_PRECONDITION);
    assert_true(cg_test_raw_hello(&r));
    Chengguan__V1__Hello hello = CHENGGUAN__V1__HELLO__INIT;
    hello.protocol_version = 1;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = 6;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_HELLO;
    env.hello = &hello;
    assert_int_equal(cg_test_raw_send_env(&r, &env), 0);
    expect_error(&r, 6, CG_EFAILED_PRECONDITION);
    expect_pong(&r, 7);
    cg_test_raw_close(&r);
}

static void test_requests_pipelined_behind_hello_wait_for_it(void **state)
{
    cg_test_raw r;
    open_as(&r, "shuangtaizi");
    Chengguan__V1__Hello hello = CHENGGUAN__V1__HELLO__INIT;
    hello.protocol_version = 1;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = 1;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_HELLO;
    env.hello = &hello;
    assert_int_equal(cg_test_raw_send_env(&r, &env), 0);
    send_ping(&r, 2); /* before the Welcome has come back */
    cg_envelope *welcome = cg_test_raw_recv(&r, 10000);
    assert_non_null(welcome);
    assert_int_equal(welcome->body_case, CHENGGUAN__V1__ENVELOPE__BODY_WELCOME);
    cg_envelope_free(welcome, NULL);
    cg_envelope *pong = cg_test_raw_recv(&r, 10000);
    assert_non_null(pong);
    assert_int_equal(pong->id, 2);
    assert_int_equal(pong->body_case, CHENGGUAN__V1__ENVELOPE__BODY_PONG);
    cg_envelope_free(pong, NULL);
    cg_test_raw_close(&r);
}

static void test_request_id_zero_is_refused(void **state)
{
    cg_test_raw r;
    open_as(&r, "shuangtaizi");
    assert_true(cg_test_raw_hello(&r));
    send_ping(&r, 0);
    expect_error(&r, 0, CG_EINVALID_ARGUMENT);
    expect_pong(&r, 3);
    cg_test_raw_close(&r);
}

static void test_text_that_is_not_utf8_is_refused(void **state)
{
    cg_test_raw r;
    open_as(&r, "dawa");
    assert_true(cg_test_raw_hello(&r));
    Chengguan__V1__Compound c = CHENGGUAN__V1__COMPOUND__INIT;
    c.name = "\xb4\xf3\xcd\xdd"; /* 大洼 in GBK, sent as if it were UTF-8 */
    c.district = "dawa";
    Chengguan__V1__CompoundAdd add = CHENGGUAN__V1__COMPOUND_ADD__INIT;
    add.compound = &c;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = 4;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_COMPOUND_ADD;
    env.compound_add = &add;
    assert_int_equal(cg_test_raw_send_env(&r, &env), 0);
    cg_envelope *reply = cg_test_raw_recv(&r, 10000);
    assert_non_null(reply);
    assert_int_equal(reply->id, 4);
    assert_int_equal(reply->body_case, CHENGGUAN__V1__ENVELOPE__BODY_ERROR);
    assert_int_equal(reply->error->code, -CG_EINVALID_ARGUMENT);
    assert_string_equal(reply->error->field, "compound.name");
    cg_envelope_free(reply, NULL);
    expect_pong(&r, 5);
    cg_test_raw_close(&r);
}

/* Sends env with every "NUL@" in its packed bytes turned into "NUL\0": a C
 * string cannot hold the NUL that a hostile client puts on the wire. */
static void send_with_nul(cg_test_raw *r, const cg_envelope *env)
{
    cg_buf out = CG_BUF_INIT;
    assert_int_equal(cg_envelope_write(&out, env, 1u << 20), 0);
    uint8_t *p = cg_buf_head(&out);
    size_t n = cg_buf_pending(&out);
    for (size_t i = 0; i + 4 <= n; i++)
        if (memcmp(p + i, "NUL@", 4) == 0)
            p[i + 3] = '\0';
    assert_int_equal(cg_test_raw_send(r, p, n), 0);
    cg_buf_free(&out);
}

static void expect_field_error(cg_test_raw *r, uint64_t id, int code, const char *field)
{
    cg_envelope *reply = cg_test_raw_recv(r, 10000);
    assert_non_null(reply);
    assert_int_equal(reply->id, id);
    assert_int_equal(reply->body_case, CHENGGUAN__V1__ENVELOPE__BODY_ERROR);
    assert_int_equal(reply->error->code, -code);
    assert_string_equal(reply->error->field, field);
    assert_non_null(strstr(reply->error->message, field));
    cg_envelope_free(reply, NULL);
}

/* Sends body as request id (its "NUL@" marks made NUL bytes when nul), then
 * expects an Error with code naming field. */
static void expect_refused(cg_test_raw *r, uint64_t id, ProtobufCMessage *body, int nul, int code,
                           const char *field)
{
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = id;
    assert_int_equal(cg_envelope_set_body(&env, body), 0);
    if (nul)
        send_with_nul(r, &env);
    else
        assert_int_equal(cg_test_raw_send_env(r, &env), 0);
    expect_field_error(r, id, code, field);
}

static void test_text_with_nul_is_refused(void **state)
{
    cg_test_raw r;
    open_as(&r, "dawa");
    assert_true(cg_test_raw_hello(&r));

    Chengguan__V1__Compound c = CHENGGUAN__V1__COMPOUND__INIT;
    c.name = "NUL@ hidden";
    c.district = "dawa";
    Chengguan__V1__CompoundAdd add = CHENGGUAN__V1__COMPOUND_ADD__INIT;
    add.compound = &c;
    expect_refused(&r, 10, &add.base, 1, CG_EINVALID_ARGUMENT, "compound.name");

    Chengguan__V1__Report rep = CHENGGUAN__V1__REPORT__INIT;
    rep.compound_id = 1;
    rep.category = 1;
    rep.text = "seen at NUL@ the gate";
    Chengguan__V1__ReportSubmit rs = CHENGGUAN__V1__REPORT_SUBMIT__INIT;
    rs.report = &rep;
    expect_refused(&r, 11, &rs.base, 1, CG_EINVALID_ARGUMENT, "report.text");

    Chengguan__V1__ResidentRequest req = CHENGGUAN__V1__RESIDENT_REQUEST__INIT;
    req.text = "ok";
    req.contact = "王NUL@/13800000000";
    Chengguan__V1__RequestAdd ra = CHENGGUAN__V1__REQUEST_ADD__INIT;
    ra.request = &req;
    expect_refused(&r, 12, &ra.base, 1, CG_EINVALID_ARGUMENT, "request.contact");

    Chengguan__V1__CompoundList list = CHENGGUAN__V1__COMPOUND_LIST__INIT;
    list.district = "daNUL@wa";
    expect_refused(&r, 13, &list.base, 1, CG_EINVALID_ARGUMENT, "district");

    char *fields[] = {"name", "addressNUL@"};
    Chengguan__V1__CompoundUpdate up = CHENGGUAN__V1__COMPOUND_UPDATE__INIT;
    up.id = 1;
    up.fields = fields;
    up.n_fields = 2;
    expect_refused(&r, 14, &up.base, 1, CG_EINVALID_ARGUMENT, "fields[1]");
    expect_pong(&r, 15);
    cg_test_raw_close(&r);
}

static void test_ids_beyond_bigint_are_out_of_range(void **state)
{
    cg_test_raw r;
    open_as(&r, "hq");
    assert_true(cg_test_raw_hello(&r));
    const uint64_t big = (uint64_t)1 << 63;

    Chengguan__V1__CompoundGet get = CHENGGUAN__V1__COMPOUND_GET__INIT;
    get.id = big;
    expect_refused(&r, 20, &get.base, 0, CG_EOUT_OF_RANGE, "id");

    Chengguan__V1__PatrolList pl = CHENGGUAN__V1__PATROL_LIST__INIT;
    pl.compound_id = UINT64_MAX;
    expect_refused(&r, 21, &pl.base, 0, CG_EOUT_OF_RANGE, "compound_id");

    uint64_t officers[] = {1, big + 5};
    Chengguan__V1__Patrol p = CHENGGUAN__V1__PATROL__INIT;
    p.compound_id = 1;
    p.officer_ids = officers;
    p.n_officer_ids = 2;
    Chengguan__V1__PatrolSubmit ps = CHENGGUAN__V1__PATROL_SUBMIT__INIT;
    ps.patrol = &p;
    expect_refused(&r, 22, &ps.base, 0, CG_EOUT_OF_RANGE, "patrol.officer_ids[1]");

    Chengguan__V1__RequestClose rc = CHENGGUAN__V1__REQUEST_CLOSE__INIT;
    rc.id = big;
    expect_refused(&r, 23, &rc.base, 0, CG_EOUT_OF_RANGE, "id");

    /* Subscribe past the head of the stream: nothing could ever come. */
    Chengguan__V1__Subscribe sub = CHENGGUAN__V1__SUBSCRIBE__INIT;
    sub.after_seq = 1000000;
    expect_refused(&r, 24, &sub.base, 0, CG_EOUT_OF_RANGE, "after_seq");
    sub.after_seq = 0; /* and the connection may still subscribe */
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = 25;
    assert_int_equal(cg_envelope_set_body(&env, &sub.base), 0);
    assert_int_equal(cg_test_raw_send_env(&r, &env), 0);
    cg_envelope *reply = cg_test_raw_recv(&r, 10000);
    assert_non_null(reply);
    assert_int_equal(reply->body_case, CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBED);
    cg_envelope_free(reply, NULL);
    cg_test_raw_close(&r);
}

static void test_unsupported_protocol_version(void **state)
{
    cg_test_raw r;
    open_as(&r, "shuangtaizi");
    Chengguan__V1__Hello hello = CHENGGUAN__V1__HELLO__INIT;
    hello.protocol_version = 2;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = 1;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_HELLO;
    env.hello = &hello;
    assert_int_equal(cg_test_raw_send_env(&r, &env), 0);
    cg_envelope *reply = cg_test_raw_recv(&r, 10000);
    assert_non_null(reply);
    assert_int_equal(reply->body_case, CHENGGUAN__V1__ENVELOPE__BODY_ERROR);
    assert_int_equal(reply->error->code, -CG_EFAILED_PRECONDITION);
    assert_string_equal(reply->error->field, "protocol_version");
    cg_envelope_free(reply, NULL);
    cg_test_raw_close(&r);
}

static void test_silent_peer_closed_after_handshake_timeout(void **state)
{
    cg_test_raw r;
    assert_int_equal(cg_test_raw_open_tcp(&r, &server), 0);
    long long t0 = cg_test_now_ms();
    assert_true(cg_test_raw_wait_closed(&r, 15000));
    assert_true(cg_test_now_ms() - t0 >= 900); /* handshake_timeout = 1s */
    cg_test_raw_close(&r);
    assert_true(cg_test_log_wait(&server, "event=handshake_timeout", NULL));

    /* TLS done but no Hello: the same timeout applies. */
    open_as(&r, "panshan");
    assert_true(cg_test_raw_wait_closed(&r, 15000));
    cg_test_raw_close(&r);
}

static void test_idle_connection_closed_after_idle_timeout(void **state)
{
    cg_test_raw r;
    open_as(&r, "panshan");
    assert_true(cg_test_raw_hello(&r));
    expect_pong(&r, 2);
    assert_true(cg_test_raw_wait_closed(&r, 15000)); /* idle_timeout = 2s */
    cg_test_raw_close(&r);
    assert_true(cg_test_log_wait(&server, "event=idle_timeout", "account=panshan", NULL));
}

/* A frame begun and not finished starts the frame deadline (frame_timeout,
 * 30 s here) beside the handshake or idle one: the nearer still closes the
 * connection, before Welcome and after. */
static void test_partial_frame_keeps_the_nearer_deadline(void **state)
{
    uint8_t hdr[CG_FRAME_HEADER_BYTES];
    cg_frame_header_write(hdr, 100);
    cg_test_raw r;
    open_as(&r, "dawa"); /* TLS up, no Hello: handshake_timeout = 1s */
    assert_int_equal(cg_test_raw_send(&r, hdr, sizeof hdr), 0);
    assert_true(cg_test_raw_wait_closed(&r, 15000));
    cg_test_raw_close(&r);

    open_as(&r, "dawa");
    assert_true(cg_test_raw_hello(&r));
    assert_int_equal(cg_test_raw_send(&r, hdr, sizeof hdr), 0);
    assert_true(cg_test_raw_wait_closed(&r, 15000)); /* idle_timeout = 2s */
    cg_test_raw_close(&r);
    assert_true(cg_test_log_wait(&server, "event=idle_timeout", "account=dawa", NULL));
}

int main(void)
{
    cg_test_server_init(&server, "frames", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oversize_frame_gets_one_error_then_close),
        cmocka_unit_test(test_huge_announced_length_is_refused),
        cmocka_unit_test(test_garbage_payload_keeps_connection),
        cmocka_unit_test(test_unknown_message_keeps_connection),
        cmocka_unit_test(test_reply_types_are_not_requests),
        cmocka_unit_test(test_requests_before_hello_and_hello_twice),
        cmocka_unit_test(test_requests_pipelined_behind_hello_wait_for_it),
        cmocka_unit_test(test_request_id_zero_is_refused),
        cmocka_unit_test(test_text_that_is_not_utf8_is_refused),
        cmocka_unit_test(test_text_with_nul_is_refused),
        cmocka_unit_test(test_ids_beyond_bigint_are_out_of_range),
        cmocka_unit_test(test_unsupported_protocol_version),
        cmocka_unit_test(test_silent_peer_closed_after_handshake_timeout),
        cmocka_unit_test(test_idle_connection_closed_after_idle_timeout),
        cmocka_unit_test(test_partial_frame_keeps_the_nearer_deadline),
    };
    return CG_TEST_RUN(&server, "handshake_timeout = 1s\nidle_timeout = 2s\n", tests);
}
