/*
 * libFuzzer target: the proto <-> JSON mapping (common/proto_json.c). Bytes
 * 0-1 pick a message the Envelope carries (requests, which the CLI builds
 * from JSON, and replies and events, which the server reads from its SQL
 * functions' JSON); the rest is JSON text. Whatever cg_proto_from_json
 * accepts must survive the way back: cg_proto_to_json of it read again
 * gives the same message, byte for byte once packed, and the packed bytes
 * unpack. Leaks are findings too (LeakSanitizer).
 */
#include "proto_json.h"

#include "chengguan/v1/envelope.pb-c.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const ProtobufCMessageDescriptor *types[256];
static size_t ntypes;

static void find_types(void)
{
    const ProtobufCMessageDescriptor *e = &chengguan__v1__envelope__descriptor;
    types[ntypes++] = e;
    for (unsigned i = 0; i < e->n_fields && ntypes < sizeof types / sizeof types[0]; i++)
        if (e->fields[i].type == PROTOBUF_C_TYPE_MESSAGE)
            types[ntypes++] = e->fields[i].descriptor;
}

static uint8_t *packed(const ProtobufCMessage *m, size_t *len)
{
    *len = protobuf_c_message_get_packed_size(m);
    uint8_t *out = malloc(*len + 1);
    if (out == NULL)
        abort();
    if (protobuf_c_message_pack(m, out) != *len)
        abort();
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ntypes == 0)
        find_types();
    if (size < 2)
        return 0;
    const ProtobufCMessageDescriptor *d = types[(data[0] << 8 | data[1]) % ntypes];
    json_t *j = json_loadb((const char *)data + 2, size - 2, 0, NULL);
    if (j == NULL)
        return 0;
    char why[256];
    ProtobufCMessage *m = cg_proto_from_json(d, j, why, sizeof why);
    json_decref(j);
    if (m == NULL)
        return 0;

    size_t len, len2;
    uint8_t *wire = packed(m, &len);
    ProtobufCMessage *u = protobuf_c_message_unpack(d, NULL, len, wire);
    if (u == NULL)
        abort(); /* packed bytes that do not unpack */
    protobuf_c_message_free_unpacked(u, NULL);

    json_t *back = cg_proto_to_json(m);
    if (back == NULL)
        abort();
    ProtobufCMessage *m2 = cg_proto_from_json(d, back, why, sizeof why);
    json_decref(back);
    if (m2 == NULL)
        abort(); /* its own JSON is refused */
    uint8_t *wire2 = packed(m2, &len2);
    if (len2 != len || memcmp(wire, wire2, len) != 0)
        abort(); /* the way back changed the message */
    free(wire);
    free(wire2);
    protobuf_c_message_free_unpacked(m2, NULL);
    protobuf_c_message_free_unpacked(m, NULL);
    return 0;
}
