/*
 * The limits a request's content is checked against on the wire
 * (proto_check.h) under a server's settings: the rows of an import have
 * their own limit (max_import_rows), every other repeated field of a
 * request max_request_items. The dispatcher and the fuzz targets use it.
 */
#ifndef CG_REQUEST_LIMITS_H
#define CG_REQUEST_LIMITS_H

#include "config.h"
#include "proto_check.h"

/*
 * Requests whose message took at most this many bytes unpacked are made into
 * JSON on the loop (services/sql_call.c), in a few milliseconds at most;
 * larger ones on libuv's thread pool. Measured by what unpacking took, not
 * by the wire: the JSON has every field, so 20 kB of wire (a CompoundImport
 * of 5,000 rows with empty compounds, 2.1 MB unpacked) made 40 MB of JSON
 * tree and held the loop for about 100 ms (found by fuzz_request).
 */
#define CG_INLINE_JSON_UNPACKED_BYTES (64 * 1024)

/* Limits that read cfg, which must outlive them. */
cg_proto_limits cg_request_limits(const cg_config *cfg);

#endif
