/*
 * Framing: each frame is a 4-byte big-endian payload length followed by the
 * payload (one serialized chengguan.v1.Envelope).
 *
 * The decoder is incremental: feed it whatever a read returned, then take
 * complete frames out with cg_frame_decoder_next(). The announced length is
 * checked against the limit as soon as the 4 header bytes are in, before any
 * memory is reserved for the payload.
 */
#ifndef CG_FRAME_H
#define CG_FRAME_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

#define CG_FRAME_HEADER_BYTES 4
#define CG_FRAME_DEFAULT_MAX  (4u * 1024 * 1024)

typedef struct {
    cg_buf in;
    size_t max_payload;
    int failed; /* sticky: once a limit is broken the stream is unusable */
} cg_frame_decoder;

void cg_frame_decoder_init(cg_frame_decoder *d, size_t max_payload);
void cg_frame_decoder_free(cg_frame_decoder *d);

/*
 * Buffers n received bytes. Returns 0, CG_ENOMEM, or the decoder's sticky
 * error. Everything passed is kept until taken out as frames: the caller
 * bounds memory by feeding only while it takes frames out (the server stops
 * reading at max_inflight), so at most one partial frame plus one read stays.
 * Once everything was taken out, a buffer grown past CG_BUF_KEEP_BYTES is
 * freed (on the next feed or next): a large frame is not kept for life.
 */
int cg_frame_decoder_feed(cg_frame_decoder *d, const void *data, size_t n);

/*
 * Takes the next complete frame. Returns 1 with *payload and *len pointing into
 * the decoder (valid until the next feed or next call), 0 when no complete
 * frame is buffered, or CG_ERESOURCE_EXHAUSTED when the announced length is
 * over the limit (sticky; *len is then set to the announced length).
 */
int cg_frame_decoder_next(cg_frame_decoder *d, const uint8_t **payload, size_t *len);

/* 1 when the buffered bytes end inside a frame (its header or payload not
 * all in yet); 0 when they are whole frames or nothing. */
int cg_frame_decoder_partial(const cg_frame_decoder *d);

/* Frees the buffer when it holds nothing (frames taken out are done with):
 * an idle connection keeps no input storage. */
void cg_frame_decoder_release(cg_frame_decoder *d);

/* Writes the 4-byte header for a payload of len bytes. */
void cg_frame_header_write(uint8_t out[CG_FRAME_HEADER_BYTES], uint32_t len);

#endif
