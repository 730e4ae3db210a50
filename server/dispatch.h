/*
 * From frame to handler: unpacks the Envelope, finds its route, checks that
 * the session has said Hello and that the account's role may use the route
 * by the authorisation table (authz.h; the SQL functions check the same
 * table again), then calls the handler with a new request. Every refusal is
 * an Error reply with the request's id.
 */
#ifndef CG_DISPATCH_H
#define CG_DISPATCH_H

#include "session.h"

#include <stddef.h>
#include <stdint.h>

void cg_dispatch(cg_session *s, const uint8_t *payload, size_t len);

/* Checks that every route has a line in the authorisation table and every
 * line names a route; logs each one that does not. 0, or -1: the server
 * must not start (a route without a line would be refused to everyone, a
 * line without a route is a name gone wrong). */
int cg_dispatch_check_authz(void);

#endif
