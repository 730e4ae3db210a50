/*
 * Checks a serialized protobuf message against its descriptor before it is
 * unpacked, on the wire bytes themselves (so a string's real length is
 * seen, NULs included):
 *
 * - every string is valid UTF-8 and has no NUL byte (proto3 requires UTF-8;
 *   C strings and PostgreSQL text end at a NUL): INVALID_ARGUMENT;
 * - every uint64/fixed64 is at most INT64_MAX, the range of SQL's bigint
 *   that every id and seq is stored in: OUT_OF_RANGE;
 * - every repeated field has at most limits->max_items(f) elements:
 *   RESOURCE_EXHAUSTED.
 *
 * Unknown fields are skipped as protobuf-c skips them. Linear in len, no
 * allocation.
 */
#ifndef CG_PROTO_CHECK_H
#define CG_PROTO_CHECK_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    /* The most elements repeated field f may have. */
    size_t (*max_items)(const ProtobufCFieldDescriptor *f, void *arg);
    void *arg;
} cg_proto_limits;

/*
 * Returns 0 when the message passes; CG_EPROTOCOL when the bytes are not a
 * well-formed message; else the code above with the field's path
 * ("rows[3].compound.name") in path and the reason ("contains a NUL byte")
 * in why.
 */
int cg_proto_check(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len,
                   const cg_proto_limits *limits, char *path, size_t pathlen, char *why,
                   size_t whylen);

#endif
