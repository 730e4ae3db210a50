#include "frame.h"
#include "error.h"

void cg_frame_decoder_init(cg_frame_decoder *d, size_t max_payload)
{
    d->in = (cg_buf)CG_BUF_INIT;
    d->max_payload = max_payload;
    d->failed = 0;
}

void cg_frame_decoder_free(cg_frame_decoder *d)
{
    cg_buf_free(&d->in);
}

int cg_frame_decoder_feed(cg_frame_decoder *d, const void *data, size_t n)
{
    if (d->failed)
        return d->failed;
    cg_buf_shrink(&d->in);
    return cg_buf_append(&d->in, data, n);
}

static uint32_t read_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int cg_frame_decoder_next(cg_frame_decoder *d, const uint8_t **payload, size_t *len)
{
    if (d->failed)
        return d->failed;
    cg_buf_shrink(&d->in); /* the frame handed out last is done with */
    size_t have = cg_buf_pending(&d->in);
    if (have < CG_FRAME_HEADER_BYTES)
        return 0;
    const uint8_t *head = cg_buf_head(&d->in);
    uint32_t n = read_be32(head);
    if (n > d->max_payload) {
        *len = n;
        d->failed = CG_ERESOURCE_EXHAUSTED;
        return d->failed;
    }
    if (have - CG_FRAME_HEADER_BYTES < n)
        return 0;
    *payload = head + CG_FRAME_HEADER_BYTES;
    *len = n;
    cg_buf_consume(&d->in, CG_FRAME_HEADER_BYTES + (size_t)n);
    return 1;
}

int cg_frame_decoder_partial(const cg_frame_decoder *d)
{
    const uint8_t *p = cg_buf_head(&d->in);
    size_t have = cg_buf_pending(&d->in);
    while (have > 0) {
        if (have < CG_FRAME_HEADER_BYTES)
            return 1;
        size_t n = CG_FRAME_HEADER_BYTES + (size_t)read_be32(p);
        if (have < n)
            return 1;
        p += n;
        have -= n;
    }
    return 0;
}

void cg_frame_decoder_release(cg_frame_decoder *d)
{
    if (cg_buf_pending(&d->in) == 0)
        cg_buf_free(&d->in);
}

void cg_frame_header_write(uint8_t out[CG_FRAME_HEADER_BYTES], uint32_t len)
{
    out[0] = (uint8_t)(len >> 24);
    out[1] = (uint8_t)(len >> 16);
    out[2] = (uint8_t)(len >> 8);
    out[3] = (uint8_t)len;
}
