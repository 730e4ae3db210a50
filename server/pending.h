/*
 * The budget of connections that have not finished Hello. A TLS handshake
 * costs a peer nothing to start and nothing to abandon, so these connections
 * get a budget of their own, well below max_connections: in all
 * (max_pending_handshakes) and per source address
 * (max_pending_handshakes_per_ip). When the total is full the OLDEST pending
 * connection is closed to make room, so a flood of half-open connections
 * only churns through the budget and a new client - possibly the legitimate
 * one - still gets its chance to finish. An address past its own budget is
 * refused: alone it can neither fill the budget nor churn out the others.
 */
#ifndef CG_PENDING_H
#define CG_PENDING_H

#include <stdint.h>

struct cg_session;

typedef struct cg_pending {
    struct cg_session *oldest, *newest; /* through cg_session.pending_prev/next */
    int count;
} cg_pending;

/*
 * Counts s (accepted, s->host known) as pending, closing the oldest pending
 * connection first when max_total are. 0, or -1 when s->host already has
 * max_per_ip pending connections: s is not counted and the caller refuses it.
 */
int cg_pending_admit(cg_pending *p, struct cg_session *s, int64_t max_total, int64_t max_per_ip);

/* s no longer counts (Hello done, or closing). Idempotent. */
void cg_pending_leave(cg_pending *p, struct cg_session *s);

#endif
