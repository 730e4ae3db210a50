/*
 * libFuzzer target: the server's input path without the sockets. The input is
 * a byte stream as it would arrive after TLS: it is fed to the frame decoder
 * in uneven chunks, and each complete frame is unpacked as an Envelope.
 */
#include "envelope.h"
#include "frame.h"
#include "proto_json.h"
#include "reply_map.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define MAX_PAYLOAD (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cg_frame_decoder d;
    cg_frame_decoder_init(&d, MAX_PAYLOAD);
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
            cg_envelope *env = cg_envelope_read(payload, len, NULL);
            if (env == NULL) {
                (void)cg_envelope_peek_id(payload, len);
                continue;
            }
            /* What the server does next with a request: check its text,
             * then hand it to SQL as JSON. */
            const ProtobufCMessage *body = cg_envelope_body(env);
            char path[128];
            if (body != NULL && !cg_proto_find_bad_utf8(body, path, sizeof path)) {
                json_t *j = cg_proto_to_json(body);
                char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
                free(text);
                json_decref(j);
            }
            cg_envelope_free(env, NULL);
        }
    }
    cg_frame_decoder_free(&d);
    return 0;
}
