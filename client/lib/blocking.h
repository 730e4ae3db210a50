/*
 * The blocking driver of a cg__conn: a TCP socket and a poll() loop. Used by
 * the blocking public API; deadlines are CLOCK_MONOTONIC milliseconds.
 */
#ifndef CG_CLIENT_BLOCKING_H
#define CG_CLIENT_BLOCKING_H

#include "conn.h"

#include <stddef.h>
#include <stdint.h>

/* Now on the monotonic clock, in milliseconds. */
int64_t cg__now_ms(void);

/*
 * Resolves host and connects to port, trying each address in turn, until
 * deadline_ms. Returns a connected non-blocking socket (TCP_NODELAY set), or
 * CG_ECONNECT / CG_ETIMEOUT with the reason in err.
 */
int cg__tcp_connect(const char *host, const char *port, int64_t deadline_ms, char *err,
                    size_t errlen);

/*
 * Moves bytes between fd and c until *done is non-zero, c fails, or
 * deadline_ms passes. With done == NULL it waits until all of c->out is
 * written (also on a failed c: close_notify after an Error), or the socket
 * breaks. Socket errors fail c. Returns 0 when the wait is over, c's failure,
 * or CG_ETIMEOUT (c is left as it is).
 */
int cg__io_wait(int fd, cg__conn *c, const int *done, int64_t deadline_ms);

#endif
