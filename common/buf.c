#include "buf.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

void cg_buf_free(cg_buf *b)
{
    free(b->data);
    *b = (cg_buf)CG_BUF_INIT;
}

int cg_buf_reserve(cg_buf *b, size_t n)
{
    if (b->pos > 0 && b->cap - b->len < n) {
        memmove(b->data, b->data + b->pos, b->len - b->pos);
        b->len -= b->pos;
        b->pos = 0;
    }
    if (b->cap - b->len >= n)
        return 0;
    if (n > SIZE_MAX / 2 - b->len)
        return CG_ENOMEM;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < n)
        cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (p == NULL)
        return CG_ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int cg_buf_append(cg_buf *b, const void *p, size_t n)
{
    int rc = cg_buf_reserve(b, n);
    if (rc != 0)
        return rc;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

void cg_buf_consume(cg_buf *b, size_t n)
{
    b->pos += n;
    if (b->pos >= b->len)
        b->pos = b->len = 0;
}

void cg_buf_shrink(cg_buf *b)
{
    if (cg_buf_pending(b) == 0 && b->cap > CG_BUF_KEEP_BYTES)
        cg_buf_free(b);
}
