#include "proto_json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEMBER(type, m, offset) (*(type *)((char *)(m) + (offset)))

/* --- to JSON ------------------------------------------------------------ */

static json_t *hex_string(const ProtobufCBinaryData *b)
{
    static const char digits[] = "0123456789abcdef";
    char *s = malloc(2 * b->len + 1);
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < b->len; i++) {
        s[2 * i] = digits[b->data[i] >> 4];
        s[2 * i + 1] = digits[b->data[i] & 15];
    }
    s[2 * b->len] = '\0';
    json_t *j = json_string(s);
    free(s);
    return j;
}

/* One value of field f stored at p (a scalar slot or an array element). */
static json_t *value_to_json(const ProtobufCFieldDescriptor *f, const void *p)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_ENUM:
        return json_integer(*(const int32_t *)p);
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        return json_integer(*(const uint32_t *)p);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        return json_integer(*(const int64_t *)p);
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return json_integer((json_int_t) * (const uint64_t *)p);
    case PROTOBUF_C_TYPE_FLOAT:
        return json_real(*(const float *)p);
    case PROTOBUF_C_TYPE_DOUBLE:
        return json_real(*(const double *)p);
    case PROTOBUF_C_TYPE_BOOL:
        return json_boolean(*(const protobuf_c_boolean *)p);
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *)p;
        return json_string(s ? s : "");
    }
    case PROTOBUF_C_TYPE_BYTES:
        return hex_string((const ProtobufCBinaryData *)p);
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *sub = *(ProtobufCMessage *const *)p;
        return sub ? cg_proto_to_json(sub) : json_null();
    }
    }
    return NULL;
}

static size_t value_size(const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return 8;
    case PROTOBUF_C_TYPE_DOUBLE:
        return sizeof(double);
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(void *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    default:
        return 4;
    }
}

json_t *cg_proto_to_json(const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        json_t *v;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            if (MEMBER(uint32_t, m, f->quantifier_offset) != f->id)
                continue;
            v = value_to_json(f, (const char *)m + f->offset);
        } else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = MEMBER(size_t, m, f->quantifier_offset);
            const char *arr = MEMBER(const char *, m, f->offset);
            v = json_array();
            for (size_t k = 0; v != NULL && k < n; k++)
                if (json_array_append_new(v, value_to_json(f, arr + k * value_size(f))) != 0) {
                    json_decref(v);
                    v = NULL;
                }
        } else {
            v = value_to_json(f, (const char *)m + f->offset);
        }
        if (v == NULL || json_object_set_new(o, f->name, v) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

/* --- from JSON ---------------------------------------------------------- */

typedef struct {
    char *err;
    size_t errlen;
    char path[256];
} ctx;

static int fail(ctx *c, const char *why)
{
    snprintf(c->err, c->errlen, "%s: %s", c->path[0] ? c->path : "(top)", why);
    return -1;
}

static int integer_in(ctx *c, const json_t *j, long long lo, long long hi, long long *out)
{
    if (!json_is_integer(j))
        return fail(c, "not an integer");
    long long v = json_integer_value(j);
    if (v < lo || v > hi)
        return fail(c, "out of range");
    *out = v;
    return 0;
}

static int nibble(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static int unhex(ctx *c, const char *s, ProtobufCBinaryData *b)
{
    size_t n = strlen(s);
    if (n % 2 != 0)
        return fail(c, "not a hex string");
    b->data = malloc(n / 2 + 1);
    if (b->data == NULL)
        return fail(c, "out of memory");
    b->len = n / 2;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return fail(c, "not a hex string");
        b->data[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static ProtobufCMessage *message_from(ctx *c, const ProtobufCMessageDescriptor *d, const json_t *j);

/* Stores JSON value j for field f into slot p. */
static int value_from(ctx *c, const ProtobufCFieldDescriptor *f, const json_t *j, void *p)
{
    long long v = 0;
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_ENUM:
        if (integer_in(c, j, INT32_MIN, INT32_MAX, &v) != 0)
            return -1;
        *(int32_t *)p = (int32_t)v;
        return 0;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        if (integer_in(c, j, 0, UINT32_MAX, &v) != 0)
            return -1;
        *(uint32_t *)p = (uint32_t)v;
        return 0;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        if (integer_in(c, j, INT64_MIN, INT64_MAX, &v) != 0)
            return -1;
        *(int64_t *)p = v;
        return 0;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        if (integer_in(c, j, 0, INT64_MAX, &v) != 0)
            return -1;
        *(uint64_t *)p = (uint64_t)v;
        return 0;
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE:
        if (!json_is_number(j))
            return fail(c, "not a number");
        if (f->type == PROTOBUF_C_TYPE_FLOAT)
            *(float *)p = (float)json_number_value(j);
        else
            *(double *)p = json_number_value(j);
        return 0;
    case PROTOBUF_C_TYPE_BOOL:
        if (!json_is_boolean(j))
            return fail(c, "not true or false");
        *(protobuf_c_boolean *)p = json_is_true(j);
        return 0;
    case PROTOBUF_C_TYPE_STRING: {
        if (!json_is_string(j))
            return fail(c, "not a string");
        char *s = strdup(json_string_value(j));
        if (s == NULL)
            return fail(c, "out of memory");
        *(char **)p = s;
        return 0;
    }
    case PROTOBUF_C_TYPE_BYTES:
        if (!json_is_string(j))
            return fail(c, "not a hex string");
        return unhex(c, json_string_value(j), (ProtobufCBinaryData *)p);
    case PROTOBUF_C_TYPE_MESSAGE: {
        ProtobufCMessage *sub = message_from(c, f->descriptor, j);
        *(ProtobufCMessage **)p = sub;
        return sub ? 0 : -1;
    }
    }
    return fail(c, "unsupported field type");
}

static int field_from(ctx *c, ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
                      const json_t *j)
{
    if (json_is_null(j))
        return 0;
    if (f->label != PROTOBUF_C_LABEL_REPEATED) {
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            /* The members share one slot: a second would overwrite (and
             * leak) the first. */
            uint32_t *which = &MEMBER(uint32_t, m, f->quantifier_offset);
            if (*which != 0)
                return fail(c, "another member of its oneof is set");
            *which = f->id;
        }
        return value_from(c, f, j, (char *)m + f->offset);
    }
    if (!json_is_array(j))
        return fail(c, "not an array");
    size_t n = json_array_size(j);
    if (n == 0)
        return 0;
    size_t size = value_size(f);
    char *arr = calloc(n, size);
    if (arr == NULL)
        return fail(c, "out of memory");
    /* Owned by the message from here on, all n zeroed slots counted: freeing
     * the message after a failure part-way frees exactly what was made. */
    MEMBER(char *, m, f->offset) = arr;
    MEMBER(size_t, m, f->quantifier_offset) = n;
    size_t base = strlen(c->path);
    for (size_t k = 0; k < n; k++) {
        snprintf(c->path + base, sizeof c->path - base, "[%zu]", k);
        if (value_from(c, f, json_array_get(j, k), arr + k * size) != 0)
            return -1;
    }
    c->path[base] = '\0';
    return 0;
}

static ProtobufCMessage *message_from(ctx *c, const ProtobufCMessageDescriptor *d, const json_t *j)
{
    if (!json_is_object(j)) {
        fail(c, "not an object");
        return NULL;
    }
    ProtobufCMessage *m = calloc(1, d->sizeof_message);
    if (m == NULL) {
        fail(c, "out of memory");
        return NULL;
    }
    protobuf_c_message_init(d, m);
    size_t base = strlen(c->path);
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)j, key, value)
    {
        snprintf(c->path + base, sizeof c->path - base, "%s%s", base ? "." : "", key);
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, key);
        if (f == NULL) {
            fail(c, "no such field");
            protobuf_c_message_free_unpacked(m, NULL);
            return NULL;
        }
        if (field_from(c, m, f, value) != 0) {
            protobuf_c_message_free_unpacked(m, NULL);
            return NULL;
        }
    }
    c->path[base] = '\0';
    return m;
}

ProtobufCMessage *cg_proto_from_json(const ProtobufCMessageDescriptor *desc, const json_t *j,
                                     char *err, size_t errlen)
{
    ctx c = {err, errlen, ""};
    return message_from(&c, desc, j);
}
