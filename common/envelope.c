#include "envelope.h"
#include "error.h"
#include "frame.h"

#include <stdlib.h>

int cg_envelope_write(cg_buf *out, const cg_envelope *env, size_t max_payload)
{
    size_t n = protobuf_c_message_get_packed_size(&env->base);
    if (n > max_payload || n > UINT32_MAX)
        return CG_ERESOURCE_EXHAUSTED;
    int rc = cg_buf_reserve(out, CG_FRAME_HEADER_BYTES + n);
    if (rc != 0)
        return rc;
    uint8_t *p = out->data + out->len;
    cg_frame_header_write(p, (uint32_t)n);
    protobuf_c_message_pack(&env->base, p + CG_FRAME_HEADER_BYTES);
    out->len += CG_FRAME_HEADER_BYTES + n;
    return 0;
}

cg_envelope *cg_envelope_read(const uint8_t *payload, size_t len, ProtobufCAllocator *alloc)
{
    return chengguan__v1__envelope__unpack(alloc, len, payload);
}

void cg_envelope_free(cg_envelope *env, ProtobufCAllocator *alloc)
{
    if (env != NULL)
        chengguan__v1__envelope__free_unpacked(env, alloc);
}

uint64_t cg_envelope_peek_id(const uint8_t *payload, size_t len)
{
    /* Tag 0x08 is field 1, wire type varint. */
    if (len < 2 || payload[0] != 0x08)
        return 0;
    uint64_t id = 0;
    for (size_t i = 1; i < len && i <= 10; i++) {
        id |= (uint64_t)(payload[i] & 0x7f) << (7 * (i - 1));
        if ((payload[i] & 0x80) == 0)
            return id;
    }
    return 0;
}

void cg_envelope_set_error(cg_envelope *env, Chengguan__V1__Error *err, uint64_t id, int code,
                           const char *message, const char *field)
{
    chengguan__v1__envelope__init(env);
    chengguan__v1__error__init(err);
    err->code = (Chengguan__V1__Code)cg_err_to_wire(code);
    err->message = (char *)(message ? message : cg_strerror(code));
    err->field = (char *)(field ? field : "");
    err->reason = (char *)cg_err_reason(code);
    env->id = id;
    env->body_case = CHENGGUAN__V1__ENVELOPE__BODY_ERROR;
    env->error = err;
}

static void *budget_alloc(void *data, size_t size)
{
    cg_alloc_budget *b = data;
    if (size > b->cap - b->used) {
        b->exceeded = 1;
        return NULL;
    }
    void *p = malloc(size);
    if (p != NULL)
        b->used += size;
    return p;
}

static void budget_free(void *data, void *p)
{
    free(p);
}

void cg_alloc_budget_init(cg_alloc_budget *b, size_t cap)
{
    b->base = (ProtobufCAllocator){budget_alloc, budget_free, b};
    b->used = 0;
    b->cap = cap;
    b->exceeded = 0;
}
