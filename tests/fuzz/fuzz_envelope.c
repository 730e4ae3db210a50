/*
 * libFuzzer target: the server's input path without the sockets. The input is
 * a byte stream as it would arrive after TLS: it is fed to the frame decoder
 * in uneven chunks with the server's limits (max_hello_frame_bytes until the
 * first frame, as before Welcome, then max_frame_bytes), and each complete
 * frame goes the way cg_dispatch takes it (fuzz_server.h).
 */
#include "frame.h"
#include "fuzz_server.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const cg_config *cfg = cg_fuzz_config();
    cg_frame_decoder d;
    cg_frame_decoder_init(&d, (size_t)cfg->max_hello_frame_bytes);
    size_t pos = 0, chunk = 1;
    while (pos < size) {
        size_t n = size - pos < chunk ? size - pos : chunk;
        if (cg_frame_decoder_feed(&d, data + pos, n) != 0)
            break;
        pos += n;
        chunk = chunk * 3 + 1; /* 1, 4, 13, 40 ... bytes per read */
        const uint8_t *payload;
        size_t len;
        while (cg_frame_decoder_next(&d, &payload, &len) == 1) {
            cg_fuzz_server_payload(payload, len);
            d.max_payload = (size_t)cfg->max_frame_bytes;
        }
    }
    cg_frame_decoder_free(&d);
    return 0;
}
