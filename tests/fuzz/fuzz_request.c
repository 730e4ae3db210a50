/*
 * libFuzzer target: every request message the server unpacks and checks.
 * Bytes 0-1 pick the request type (the Envelope bodies that have a reply,
 * reply_map.h), the rest is that message's wire form, up to the real
 * max_frame_bytes. It is wrapped in an Envelope (id 1) as a client would
 * send it and goes the way cg_dispatch takes it (fuzz_server.h): the fuzzer
 * mutates one message's fields, not the Envelope around it.
 */
#include "envelope.h"
#include "fuzz_server.h"
#include "reply_map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int requests[256];
static size_t nrequests;

static void find_requests(void)
{
    const ProtobufCMessageDescriptor *e = &chengguan__v1__envelope__descriptor;
    for (unsigned i = 0; i < e->n_fields; i++) {
        int body = (int)e->fields[i].id;
        if (cg_reply_case((Chengguan__V1__Envelope__BodyCase)body) !=
                CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET &&
            nrequests < sizeof requests / sizeof requests[0])
            requests[nrequests++] = body;
    }
}

static size_t put_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    do {
        out[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v != 0);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (nrequests == 0)
        find_requests();
    if (size < 2)
        return 0;
    int body = requests[(data[0] << 8 | data[1]) % nrequests];
    const uint8_t *msg = data + 2;
    size_t len = size - 2;

    uint8_t head[32];
    size_t h = put_varint(head, 1 << 3 | 0); /* id = 1 */
    h += put_varint(head + h, 1);
    h += put_varint(head + h, (uint64_t)body << 3 | 2);
    h += put_varint(head + h, len);
    if (h + len > (size_t)cg_fuzz_config()->max_frame_bytes)
        return 0; /* the frame decoder refuses it before anything is built */
    uint8_t *payload = malloc(h + len + 1);
    if (payload == NULL)
        return 0;
    memcpy(payload, head, h);
    if (len > 0)
        memcpy(payload + h, msg, len);
    cg_fuzz_server_payload(payload, h + len);
    free(payload);
    return 0;
}
