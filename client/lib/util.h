/*
 * What the blocking API (client.c) and the asynchronous one (async.c) share:
 * the server address and options, and idempotency keys of requests.
 */
#ifndef CG_CLIENT_UTIL_H
#define CG_CLIENT_UTIL_H

#include "chengguan/client.h"

#include <stddef.h>

#define CG__DEFAULT_SERVER     "127.0.0.1:7443"
#define CG__DEFAULT_PORT       "7443"
#define CG__DEFAULT_TIMEOUT_MS 10000

/*
 * Splits "host:port", "[v6]:port" or a bare host (port 7443) into host and
 * port. 0 or CG_EUSAGE.
 */
int cg__split_server(const char *s, char *host, size_t hostlen, char *port, size_t portlen);

/* The request's idempotency_key when it has one and it is empty, else NULL. */
ProtobufCBinaryData *cg__empty_key(ProtobufCMessage *m);

#endif
