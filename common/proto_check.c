#include "proto_check.h"

#include "error.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

/* Deeper than any message of the protocol: the schema is not recursive. */
#define MAX_DEPTH 16
/* Repeated fields are counted for the first this many fields of a message
 * (every message of the protocol has fewer). */
#define MAX_COUNTED 128

typedef struct {
    const cg_proto_limits *limits;
    char *path;
    size_t pathlen;
    char *why;
    size_t whylen;
} ctx;

static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 70 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        *v |= (uint64_t)(b & 0x7f) << shift;
        if ((b & 0x80) == 0)
            return 0;
    }
    return -1;
}

/* Appends ".name" or ".name[k]" (k < 0: none) to the path at `at`; returns
 * the new end, clamped below pathlen. */
static size_t path_push(ctx *c, size_t at, const char *name, long k)
{
    size_t end = at + (size_t)snprintf(c->path + at, c->pathlen - at, "%s%s", at ? "." : "", name);
    if (k >= 0 && end < c->pathlen)
        end += (size_t)snprintf(c->path + end, c->pathlen - end, "[%ld]", k);
    return end < c->pathlen ? end : c->pathlen - 1;
}

static int fail(ctx *c, size_t at, const ProtobufCFieldDescriptor *f, long k, int code,
                const char *why)
{
    path_push(c, at, f->name, k);
    snprintf(c->why, c->whylen, "%s", why);
    return code;
}

static int is_64(const ProtobufCFieldDescriptor *f)
{
    return f->type == PROTOBUF_C_TYPE_UINT64 || f->type == PROTOBUF_C_TYPE_FIXED64;
}

static int check_u64(ctx *c, size_t at, const ProtobufCFieldDescriptor *f, long k, uint64_t v)
{
    if (is_64(f) && v > INT64_MAX)
        return fail(c, at, f, k, CG_EOUT_OF_RANGE, "out of range (at most 9223372036854775807)");
    return 0;
}

/* The elements of a packed repeated scalar field. */
static int check_packed(ctx *c, size_t at, const ProtobufCFieldDescriptor *f, const uint8_t *p,
                        const uint8_t *end, size_t *count)
{
    while (p < end) {
        uint64_t v;
        if (f->type == PROTOBUF_C_TYPE_FIXED64 || f->type == PROTOBUF_C_TYPE_SFIXED64 ||
            f->type == PROTOBUF_C_TYPE_DOUBLE) {
            if (end - p < 8)
                return CG_EPROTOCOL;
            memcpy(&v, p, 8); /* the wire is little-endian, as every host we build for */
            p += 8;
        } else if (f->type == PROTOBUF_C_TYPE_FIXED32 || f->type == PROTOBUF_C_TYPE_SFIXED32 ||
                   f->type == PROTOBUF_C_TYPE_FLOAT) {
            if (end - p < 4)
                return CG_EPROTOCOL;
            p += 4;
            v = 0;
        } else if (read_varint(&p, end, &v) != 0) {
            return CG_EPROTOCOL;
        }
        int rc = check_u64(c, at, f, (long)*count, v);
        if (rc != 0)
            return rc;
        ++*count;
    }
    return 0;
}

static int check_message(ctx *c, const ProtobufCMessageDescriptor *d, const uint8_t *p,
                         const uint8_t *end, size_t at, int depth)
{
    if (depth > MAX_DEPTH)
        return CG_EPROTOCOL;
    size_t counts[MAX_COUNTED] = {0};
    while (p < end) {
        uint64_t tag, v;
        if (read_varint(&p, end, &tag) != 0 || tag >> 3 == 0 || tag >> 3 > UINT32_MAX)
            return CG_EPROTOCOL;
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field(d, (unsigned)(tag >> 3));
        size_t i = f ? (size_t)(f - d->fields) : 0;
        int repeated = f != NULL && f->label == PROTOBUF_C_LABEL_REPEATED;
        long k = repeated && i < MAX_COUNTED ? (long)counts[i] : -1;
        int rc = 0;
        switch (tag & 7) {
        case 0: /* varint */
            if (read_varint(&p, end, &v) != 0)
                return CG_EPROTOCOL;
            rc = f ? check_u64(c, at, f, k, v) : 0;
            break;
        case 1: /* 64-bit */
            if (end - p < 8)
                return CG_EPROTOCOL;
            memcpy(&v, p, 8);
            p += 8;
            rc = f ? check_u64(c, at, f, k, v) : 0;
            break;
        case 5: /* 32-bit */
            if (end - p < 4)
                return CG_EPROTOCOL;
            p += 4;
            break;
        case 2: { /* length-delimited */
            if (read_varint(&p, end, &v) != 0 || v > (uint64_t)(end - p))
                return CG_EPROTOCOL;
            const uint8_t *q = p;
            p += v;
            if (f == NULL)
                break;
            if (f->type == PROTOBUF_C_TYPE_STRING) {
                int u = cg_utf8_check((const char *)q, (size_t)v);
                if (u != 0)
                    return fail(c, at, f, k, CG_EINVALID_ARGUMENT,
                                u == CG_UTF8_NUL ? "contains a NUL byte" : "not valid UTF-8");
            } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
                rc = check_message(c, f->descriptor, q, p, path_push(c, at, f->name, k), depth + 1);
                if (rc == 0)
                    c->path[at] = '\0';
            } else if (repeated && f->type != PROTOBUF_C_TYPE_BYTES && i < MAX_COUNTED) {
                rc = check_packed(c, at, f, q, p, &counts[i]);
                counts[i]--; /* counted per element, not for the run itself */
            }
            break;
        }
        default: /* groups: not in proto3 */
            return CG_EPROTOCOL;
        }
        if (rc != 0)
            return rc;
        if (repeated && i < MAX_COUNTED && ++counts[i] > c->limits->max_items(f, c->limits->arg)) {
            char why[96];
            snprintf(why, sizeof why, "more than %zu items in one request",
                     c->limits->max_items(f, c->limits->arg));
            return fail(c, at, f, -1, CG_ERESOURCE_EXHAUSTED, why);
        }
    }
    c->path[at] = '\0';
    return 0;
}

int cg_proto_check(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len,
                   const cg_proto_limits *limits, char *path, size_t pathlen, char *why,
                   size_t whylen)
{
    ctx c = {limits, path, pathlen, why, whylen};
    path[0] = why[0] = '\0';
    return check_message(&c, desc, data, data + len, 0, 0);
}
