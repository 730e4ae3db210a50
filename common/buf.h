/*
 * A growable byte buffer with a read cursor: bytes are appended at the end
 * and consumed from the front. Used for frame input and TLS output.
 */
#ifndef CG_BUF_H
#define CG_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *data;
    size_t pos; /* first unconsumed byte */
    size_t len; /* end of valid bytes */
    size_t cap;
} cg_buf;

#define CG_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }

void cg_buf_free(cg_buf *b);

/* Makes room for n more bytes after len, compacting first. 0 or CG_ENOMEM. */
int cg_buf_reserve(cg_buf *b, size_t n);

/* Appends n bytes. 0 or CG_ENOMEM. */
int cg_buf_append(cg_buf *b, const void *p, size_t n);

/* An empty buffer larger than this gives its memory back on cg_buf_shrink. */
#define CG_BUF_KEEP_BYTES (64 * 1024)

/* Frees the storage of an empty buffer past CG_BUF_KEEP_BYTES: one large
 * message must not pin its memory for the buffer's lifetime. */
void cg_buf_shrink(cg_buf *b);

/* Drops n bytes from the front. */
void cg_buf_consume(cg_buf *b, size_t n);

static inline size_t cg_buf_pending(const cg_buf *b)
{
    return b->len - b->pos;
}

static inline uint8_t *cg_buf_head(const cg_buf *b)
{
    return b->data + b->pos;
}

#endif
