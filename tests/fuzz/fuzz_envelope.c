/*
 * libFuzzer target: the server's input path without the sockets. The input is
 * a byte stream as it would arrive after TLS: it is fed to the frame decoder
 * in uneven chunks, and each complete frame is unpacked as an Envelope.
 */
#include "envelope.h"
#include "frame.h"
#include "proto_check.h"
#include "proto_json.h"
#include "reply_map.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define MAX_PAYLOAD (64 * 1024)

static size_t max_items(const ProtobufCFieldDescriptor *f, void *arg)
{
    return 100;
}

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
            cg_alloc_budget budget;
            cg_alloc_budget_init(&budget, 1024 * 1024);
            cg_envelope *env = cg_envelope_read(payload, len, &budget.base);
            if (env == NULL) {
                (void)cg_envelope_peek_id(payload, len);
                continue;
            }
            /* What the server does next with a request: check it on the
             * wire, then hand it to SQL as JSON. */
            const ProtobufCMessage *body = cg_envelope_body(env);
            cg_proto_limits limits = {max_items, NULL};
            char path[128], why[128];
            if (body != NULL && cg_proto_check(&chengguan__v1__envelope__descriptor, payload, len,
                                               &limits, path, sizeof path, why, sizeof why) == 0) {
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
