/*
 * protobuf-c messages <-> JSON objects (jansson), driven by the message
 * descriptors, so that no message needs glue code of its own. The server
 * uses it to pass requests to SQL functions and to read their results; the
 * CLI uses it for --json output and CSV.
 *
 * The mapping: a JSON object per message, keyed by the proto field names;
 * strings as strings; bool as true/false; every integer type as a JSON
 * integer (64-bit values beyond 2^53 lose nothing: jansson keeps long long);
 * float/double as numbers; enums by number; bytes as lowercase hex strings;
 * repeated fields as arrays; nested messages as objects (null when unset).
 * Oneofs are written only for the member that is set.
 */
#ifndef CG_PROTO_JSON_H
#define CG_PROTO_JSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/* Every field, defaults included. NULL only when memory runs out. */
json_t *cg_proto_to_json(const ProtobufCMessage *m);

/*
 * Builds a message of type desc from an object. Missing keys and nulls leave
 * the field at its default; a key that is not a field, or a value of the
 * wrong type or out of range, fails with a message naming the field path
 * (e.g. "compounds[3].households: not an integer") in err. Returns the
 * message (free it with protobuf_c_message_free_unpacked(m, NULL)) or NULL.
 */
ProtobufCMessage *cg_proto_from_json(const ProtobufCMessageDescriptor *desc, const json_t *j,
                                     char *err, size_t errlen);

#endif
