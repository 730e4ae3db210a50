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

/* The request's idempotency_key field (a mutation), NULL when it has none. */
ProtobufCBinaryData *cg__key_field(const ProtobufCMessage *m);

/* The request's idempotency_key when it has one and it is empty, else NULL. */
ProtobufCBinaryData *cg__empty_key(ProtobufCMessage *m);

/* A random wait between ms / 2 and ms, so that many clients that failed
 * together do not come back together. */
int cg__jitter_ms(int ms);

/* How long to wait after attempt n (1, 2, ...) of a call answered
 * UNAVAILABLE before the next: CG_UNAVAILABLE_BACKOFF_MS doubled n - 1
 * times, with jitter. */
int cg__unavailable_delay_ms(int n);

/* When err is the server's refusal for the account's request rate (reason
 * account.rate_limited), how long it asked to wait (its retry_after_ms, at
 * least 1); else -1. The call is then sent again after that wait, with the
 * same key, if its deadline allows. */
int cg__rate_limited_wait_ms(const Chengguan__V1__Error *err);

#endif
