/*
 * Envelope <-> frame. Packing appends a whole frame (header and payload) to
 * an output buffer; unpacking takes an allocator so tests can inject
 * allocation failures.
 */
#ifndef CG_ENVELOPE_H
#define CG_ENVELOPE_H

#include "buf.h"
#include "chengguan/v1/envelope.pb-c.h"

#include <stddef.h>
#include <stdint.h>

typedef Chengguan__V1__Envelope cg_envelope;

/* Appends env as one frame to out. 0, CG_ENOMEM, or CG_ERESOURCE_EXHAUSTED
 * when the packed envelope would be larger than max_payload. */
int cg_envelope_write(cg_buf *out, const cg_envelope *env, size_t max_payload);

/* An allocator that fails once cap bytes have been handed out, so that
 * unpacking a request takes at most that much memory whatever its frame
 * holds (a few bytes of wire can announce a large message). Messages it
 * made are freed with the default allocator (NULL). */
typedef struct {
    ProtobufCAllocator base;
    size_t used, cap;
    int exceeded; /* an allocation was refused */
} cg_alloc_budget;

void cg_alloc_budget_init(cg_alloc_budget *b, size_t cap);

/* Unpacks one payload; NULL when the bytes are not an Envelope (or memory ran
 * out). alloc may be NULL for the default allocator. */
cg_envelope *cg_envelope_read(const uint8_t *payload, size_t len, ProtobufCAllocator *alloc);

void cg_envelope_free(cg_envelope *env, ProtobufCAllocator *alloc);

/* Best effort: the id of a payload that failed to unpack, when field 1 comes
 * first as protobuf encoders write it; 0 otherwise. */
uint64_t cg_envelope_peek_id(const uint8_t *payload, size_t len);

/* Fills env as an Error reply with the generic reason of code (a caller may
 * set a more specific err->reason and err->params after). message/field
 * must outlive the envelope. */
void cg_envelope_set_error(cg_envelope *env, Chengguan__V1__Error *err, uint64_t id, int code,
                           const char *message, const char *field);

#endif
