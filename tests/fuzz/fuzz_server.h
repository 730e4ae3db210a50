/*
 * What the fuzz targets share: the server's settings at their defaults and
 * what cg_dispatch does with one request payload before any handler runs
 * (server/dispatch.c), then what an SQL route makes of it
 * (services/sql_call.c), without sockets or a database.
 */
#ifndef CG_FUZZ_SERVER_H
#define CG_FUZZ_SERVER_H

#include "config.h"

#include <stddef.h>
#include <stdint.h>

/* chengguand's settings as shipped (defaults, no file, no environment). */
const cg_config *cg_fuzz_config(void);

/*
 * One frame's payload through the server: unpacked with the allocator
 * capped at max_unpacked_bytes, checked on the wire with the request limits
 * (request_limits.h), then made into the JSON text the SQL function gets.
 * Aborts (a finding) when making the JSON takes more memory than
 * CG_FUZZ_JSON_ON_LOOP for a request the server converts on its loop, or
 * CG_FUZZ_JSON_PER_UNPACKED times max_unpacked_bytes for any request.
 */
void cg_fuzz_server_payload(const uint8_t *payload, size_t len);

/* What the JSON (tree and text) of one request may cost: on the loop, a few
 * milliseconds of work; anywhere, in units of max_unpacked_bytes. */
#define CG_FUZZ_JSON_ON_LOOP      (2u * 1024 * 1024)
#define CG_FUZZ_JSON_PER_UNPACKED 4

#endif
