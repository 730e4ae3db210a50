/*
 * One request in flight: created by the dispatcher for each Envelope,
 * finished exactly once by cg_request_reply or cg_request_fail, which send
 * the answer (if the session is still there) and free the request.
 *
 * When its session closes first, the request is detached (session = NULL)
 * and the reply is dropped; whoever holds the request (usually a database
 * callback) still finishes it, which frees it.
 */
#ifndef CG_REQUEST_H
#define CG_REQUEST_H

#include "db/db.h"
#include "envelope.h"
#include "route.h"
#include "session.h"

#include <stdint.h>

typedef struct cg_request {
    struct cg_server *server; /* outlives the session */
    cg_session *session;      /* NULL once the session went away */
    struct cg_request *prev, *next;
    uint64_t id;           /* the client's envelope id */
    const cg_route *route; /* what is asked; its name goes in the logs */
    uint64_t started_ns;   /* uv_hrtime() at dispatch */
    cg_envelope *env;      /* the request, owned: freed when it ends (or dropped earlier) */
    size_t unpacked;       /* bytes its unpacked message took (what its JSON costs scales with) */
} cg_request;

/* Allocates a request for envelope id on s and links it in. */
cg_request *cg_request_new(cg_session *s, uint64_t id, const cg_route *route);

/* Sends reply (its id is set here) and frees the request. */
void cg_request_reply(cg_request *r, cg_envelope *reply);

/* Sends an Error and frees the request. message and field may be NULL. */
void cg_request_fail(cg_request *r, int code, const char *message, const char *field);

/* The same with a specific Error.reason (NULL: the code's generic one) and
 * its parameters; all of it is copied before this returns. */
void cg_request_fail_reason(cg_request *r, int code, const char *message, const char *field,
                            const char *reason, size_t n_params,
                            Chengguan__V1__ErrorParam **params);

/* Fails r after a database call failed with status (res may be NULL): the
 * pool's own refusals (database away, queue full) go to the client as they
 * are; anything else is INTERNAL, with the details only in the server log. */
void cg_request_fail_db(cg_request *r, int status, const PGresult *res);

/* Ends a request that owes no reply (its answer went out another way, or
 * it was the server's own work on the session's behalf): logs, frees. */
void cg_request_end(cg_request *r);

/* Frees the request's envelope before the request ends, once a handler
 * has taken what it needs from it. */
void cg_request_drop_envelope(cg_request *r);

/* Detaches r from its closing session. */
void cg__request_detach(cg_request *r);

#endif
