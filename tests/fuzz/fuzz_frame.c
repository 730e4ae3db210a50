/*
 * libFuzzer target: the frame decoder alone (common/frame.c), checked
 * against a plain reading of the same stream. Byte 0 picks the limit (the
 * server's two, max_hello_frame_bytes before Welcome and max_frame_bytes
 * after, or a small one), byte 1 the read sizes; the rest is the stream.
 * After the first frame the limit is raised to max_frame_bytes, as the
 * session does at Welcome. Every frame must come out whole and in order,
 * none over the limit in force, the sticky error exactly when a header
 * announces too much, and cg_frame_decoder_partial() must agree.
 */
#include "frame.h"
#include "fuzz_server.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const cg_config *cfg = cg_fuzz_config();
    const size_t limits[] = {
        (size_t)cfg->max_hello_frame_bytes, (size_t)cfg->max_frame_bytes, 0, 1, 16, 255};
    size_t limit = limits[data[0] % (sizeof limits / sizeof limits[0])];
    size_t step = (size_t)data[1] + 1;
    const uint8_t *stream = data + 2;
    size_t n = size - 2;

    cg_frame_decoder d;
    cg_frame_decoder_init(&d, limit);
    size_t fed = 0, ref = 0; /* bytes fed; where the reference reading is */
    int failed = 0, frames = 0;
    while (fed < n && !failed) {
        size_t k = n - fed < step ? n - fed : step;
        int rc = cg_frame_decoder_feed(&d, stream + fed, k);
        CHECK(rc == 0);
        fed += k;
        step = step * 2 % 4099 + 1;
        for (;;) {
            const uint8_t *payload;
            size_t len;
            rc = cg_frame_decoder_next(&d, &payload, &len);
            int whole_header = fed - ref >= CG_FRAME_HEADER_BYTES;
            uint32_t announced = whole_header ? be32(stream + ref) : 0;
            if (rc == 0) {
                CHECK(!whole_header || (announced <= d.max_payload &&
                                        fed - ref - CG_FRAME_HEADER_BYTES < announced));
                break;
            }
            if (rc < 0) {
                CHECK(whole_header && announced > d.max_payload && len == announced);
                CHECK(cg_frame_decoder_feed(&d, "x", 1) == rc); /* sticky */
                failed = 1;
                break;
            }
            CHECK(rc == 1 && whole_header && len == announced && len <= d.max_payload);
            CHECK(memcmp(payload, stream + ref + CG_FRAME_HEADER_BYTES, len) == 0);
            ref += CG_FRAME_HEADER_BYTES + len;
            if (frames++ == 0)
                d.max_payload = (size_t)cfg->max_frame_bytes; /* Welcome */
        }
        if (!failed)
            CHECK(cg_frame_decoder_partial(&d) == (fed > ref));
    }
    cg_frame_decoder_free(&d);
    return 0;
}
