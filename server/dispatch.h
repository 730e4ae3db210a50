/*
 * From frame to handler: unpacks the Envelope, finds its route, checks that
 * the session has said Hello and that the account's role may use the route
 * (the one place authorisation by role happens), then calls the handler with
 * a new request. Every refusal is an Error reply with the request's id.
 */
#ifndef CG_DISPATCH_H
#define CG_DISPATCH_H

#include "session.h"

#include <stddef.h>
#include <stdint.h>

void cg_dispatch(cg_session *s, const uint8_t *payload, size_t len);

#endif
