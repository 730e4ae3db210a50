/* Framing: partial frames, several frames in one read, frames split at every
 * byte boundary, oversize headers, and the encoder/decoder round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "envelope.h"
#include "error.h"
#include "frame.h"

/* Three frames of different sizes (0, 5 and 300 payload bytes) in one stream. */
static size_t make_stream(uint8_t *out)
{
    static const size_t sizes[] = {0, 5, 300};
    size_t n = 0;
    for (int f = 0; f < 3; f++) {
        cg_frame_header_write(out + n, (uint32_t)sizes[f]);
        n += CG_FRAME_HEADER_BYTES;
        for (size_t i = 0; i < sizes[f]; i++)
            out[n++] = (uint8_t)(f * 31 + i);
    }
    return n;
}

static void expect_three_frames(cg_frame_decoder *d, int *seen)
{
    static const size_t sizes[] = {0, 5, 300};
    const uint8_t *p;
    size_t len;
    int rc;
    while ((rc = cg_frame_decoder_next(d, &p, &len)) == 1) {
        assert_true(*seen < 3);
        assert_int_equal(len, sizes[*seen]);
        for (size_t i = 0; i < len; i++)
            assert_int_equal(p[i], (uint8_t)(*seen * 31 + i));
        (*seen)++;
    }
    assert_int_equal(rc, 0);
}

static void test_several_frames_in_one_read(void **state)
{
    uint8_t stream[400];
    size_t n = make_stream(stream);
    cg_frame_decoder d;
    cg_frame_decoder_init(&d, 1024);
    assert_int_equal(cg_frame_decoder_feed(&d, stream, n), 0);
    int seen = 0;
    expect_three_frames(&d, &seen);
    assert_int_equal(seen, 3);
    cg_frame_decoder_free(&d);
}

static void test_split_at_every_boundary(void **state)
{
    uint8_t stream[400];
    size_t n = make_stream(stream);
    for (size_t cut = 0; cut <= n; cut++) {
        cg_frame_decoder d;
        cg_frame_decoder_init(&d, 1024);
        int seen = 0;
        assert_int_equal(cg_frame_decoder_feed(&d, stream, cut), 0);
        expect_three_frames(&d, &seen);
        assert_int_equal(cg_frame_decoder_feed(&d, stream + cut, n - cut), 0);
        expect_three_frames(&d, &seen);
        assert_int_equal(seen, 3);
        cg_frame_decoder_free(&d);
    }
}

static void test_byte_at_a_time(void **state)
{
    uint8_t stream[400];
    size_t n = make_stream(stream);
    cg_frame_decoder d;
    cg_frame_decoder_init(&d, 1024);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(cg_frame_decoder_feed(&d, stream + i, 1), 0);
        expect_three_frames(&d, &seen);
    }
    assert_int_equal(seen, 3);
    cg_frame_decoder_free(&d);
}

static void test_partial_header_is_incomplete(void **state)
{
    uint8_t hdr[4];
    cg_frame_header_write(hdr, 10);
    cg_frame_decoder d;
    cg_frame_decoder_init(&d, 1024);
    const uint8_t *p;
    size_t len;
    assert_int_equal(cg_frame_decoder_feed(&d, hdr, 3), 0);
    assert_int_equal(cg_frame_decoder_next(&d, &p, &len), 0);
    assert_int_equal(cg_frame_decoder_feed(&d, hdr + 3, 1), 0);
    assert_int_equal(cg_frame_decoder_next(&d, &p, &len), 0); /* header, no body yet */
    cg_frame_decoder_free(&d);
}

static void test_oversize_rejected_before_allocation(void **state)
{
    uint8_t hdr[4];
    cg_frame_header_write(hdr, 0xfffffff0u);
    cg_frame_decoder d;
    cg_frame_decoder_init(&d, 4096);
    assert_int_equal(cg_frame_decoder_feed(&d, hdr, 4), 0);
    const uint8_t *p;
    size_t len = 0;
    assert_int_equal(cg_frame_decoder_next(&d, &p, &len), CG_ERESOURCE_EXHAUSTED);
    assert_int_equal(len, 0xfffffff0u);
    /* Nothing was reserved for the announced length. */
    assert_true(d.in.cap < 4096);
    /* The error is sticky: the stream cannot be trusted any more. */
    assert_int_equal(cg_frame_decoder_feed(&d, hdr, 4), CG_ERESOURCE_EXHAUSTED);
    assert_int_equal(cg_frame_decoder_next(&d, &p, &len), CG_ERESOURCE_EXHAUSTED);
    cg_frame_decoder_free(&d);
}

static void test_limit_is_inclusive(void **state)
{
    uint8_t buf[4 + 16];
    cg_frame_header_write(buf, 16);
    memset(buf + 4, 'x', 16);
    cg_frame_decoder d;
    cg_frame_decoder_init(&d, 16);
    assert_int_equal(cg_frame_decoder_feed(&d, buf, sizeof buf), 0);
    const uint8_t *p;
    size_t len;
    assert_int_equal(cg_frame_decoder_next(&d, &p, &len), 1);
    assert_int_equal(len, 16);
    cg_frame_decoder_free(&d);
}

/* After a 1 MiB frame has been taken out, the decoder gives its buffer back;
 * small frames keep theirs. */
static void test_buffer_shrinks_after_large_frame(void **state)
{
    cg_frame_decoder d;
    cg_frame_decoder_init(&d, 2u * 1024 * 1024);
    size_t n = 1024 * 1024;
    uint8_t *frame = calloc(1, CG_FRAME_HEADER_BYTES + n);
    cg_frame_header_write(frame, (uint32_t)n);
    assert_int_equal(cg_frame_decoder_feed(&d, frame, CG_FRAME_HEADER_BYTES + n), 0);
    const uint8_t *payload;
    size_t len;
    assert_int_equal(cg_frame_decoder_next(&d, &payload, &len), 1);
    assert_int_equal(len, n);
    assert_true(d.in.cap >= n); /* the payload is still read from it */
    assert_int_equal(cg_frame_decoder_next(&d, &payload, &len), 0);
    assert_true(d.in.cap <= CG_BUF_KEEP_BYTES);

    uint8_t small[CG_FRAME_HEADER_BYTES + 10] = {0};
    cg_frame_header_write(small, 10);
    assert_int_equal(cg_frame_decoder_feed(&d, small, sizeof small), 0);
    assert_int_equal(cg_frame_decoder_next(&d, &payload, &len), 1);
    assert_int_equal(cg_frame_decoder_next(&d, &payload, &len), 0);
    assert_true(d.in.cap > 0); /* small buffers are kept, not re-made per frame */
    free(frame);
    cg_frame_decoder_free(&d);
}

static void test_envelope_round_trip(void **state)
{
    Chengguan__V1__Ping ping = CHENGGUAN__V1__PING__INIT;
    ping.payload.data = (uint8_t *)"兴隆台";
    ping.payload.len = strlen("兴隆台");
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = 300; /* two varint bytes */
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_PING;
    env.ping = &ping;

    cg_buf out = CG_BUF_INIT;
    assert_int_equal(cg_envelope_write(&out, &env, 1024), 0);
    assert_int_equal(cg_envelope_write(&out, &env, 4), CG_ERESOURCE_EXHAUSTED);

    cg_frame_decoder d;
    cg_frame_decoder_init(&d, 1024);
    assert_int_equal(cg_frame_decoder_feed(&d, cg_buf_head(&out), cg_buf_pending(&out)), 0);
    const uint8_t *p;
    size_t len;
    assert_int_equal(cg_frame_decoder_next(&d, &p, &len), 1);
    assert_int_equal(cg_envelope_peek_id(p, len), 300);
    cg_envelope *back = cg_envelope_read(p, len, NULL);
    assert_non_null(back);
    assert_int_equal(back->id, 300);
    assert_int_equal(back->body_case, CHENGGUAN__V1__ENVELOPE__BODY_PING);
    assert_memory_equal(back->ping->payload.data, "兴隆台", strlen("兴隆台"));
    cg_envelope_free(back, NULL);
    cg_frame_decoder_free(&d);
    cg_buf_free(&out);
}

static void test_garbage_is_not_an_envelope(void **state)
{
    static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    assert_null(cg_envelope_read(garbage, sizeof garbage, NULL));
    assert_int_equal(cg_envelope_peek_id(garbage, sizeof garbage), 0);
}

/* An allocator that fails after a budget of successful allocations, to check
 * that unpacking fails cleanly (no leak, no crash) at every point. */
static int alloc_budget;

static void *failing_alloc(void *data, size_t size)
{
    if (alloc_budget-- <= 0)
        return NULL;
    return malloc(size);
}

static void failing_free(void *data, void *p)
{
    free(p);
}

static void test_unpack_survives_allocation_failure(void **state)
{
    Chengguan__V1__Hello hello = CHENGGUAN__V1__HELLO__INIT;
    hello.protocol_version = 1;
    hello.client_name = "盘锦 workstation";
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = 7;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_HELLO;
    env.hello = &hello;
    cg_buf out = CG_BUF_INIT;
    assert_int_equal(cg_envelope_write(&out, &env, 1024), 0);
    const uint8_t *payload = cg_buf_head(&out) + CG_FRAME_HEADER_BYTES;
    size_t len = cg_buf_pending(&out) - CG_FRAME_HEADER_BYTES;

    ProtobufCAllocator alloc = {failing_alloc, failing_free, NULL};
    int succeeded = 0;
    for (int budget = 0; budget < 10; budget++) {
        alloc_budget = budget;
        cg_envelope *back = cg_envelope_read(payload, len, &alloc);
        if (back != NULL) {
            assert_string_equal(back->hello->client_name, "盘锦 workstation");
            cg_envelope_free(back, &alloc);
            succeeded = 1;
        }
    }
    assert_true(succeeded);
    cg_buf_free(&out);
}

/* An idle connection's decoder keeps no storage (issue 14). */
static void test_idle_decoder_keeps_no_storage(void **state)
{
    cg_frame_decoder d;
    cg_frame_decoder_init(&d, 1024);
    uint8_t frame[CG_FRAME_HEADER_BYTES + 3] = {0, 0, 0, 3, 'a', 'b', 'c'};
    assert_int_equal(cg_frame_decoder_feed(&d, frame, sizeof frame - 1), 0);
    cg_frame_decoder_release(&d); /* a partial frame is kept */
    assert_true(d.in.cap > 0);
    assert_int_equal(cg_frame_decoder_feed(&d, frame + sizeof frame - 1, 1), 0);
    const uint8_t *payload;
    size_t len;
    assert_int_equal(cg_frame_decoder_next(&d, &payload, &len), 1);
    assert_int_equal(len, 3);
    assert_int_equal(cg_frame_decoder_next(&d, &payload, &len), 0);
    cg_frame_decoder_release(&d);
    assert_int_equal(d.in.cap, 0);
    cg_frame_decoder_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_several_frames_in_one_read),
        cmocka_unit_test(test_split_at_every_boundary),
        cmocka_unit_test(test_byte_at_a_time),
        cmocka_unit_test(test_partial_header_is_incomplete),
        cmocka_unit_test(test_oversize_rejected_before_allocation),
        cmocka_unit_test(test_limit_is_inclusive),
        cmocka_unit_test(test_buffer_shrinks_after_large_frame),
        cmocka_unit_test(test_idle_decoder_keeps_no_storage),
        cmocka_unit_test(test_envelope_round_trip),
        cmocka_unit_test(test_garbage_is_not_an_envelope),
        cmocka_unit_test(test_unpack_survives_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
