/*
 * Hello: the protocol's first request, which maps the certificate of the
 * session to an account and moves the session from AWAIT_HELLO through
 * HELLO_PENDING to READY (or closes it). Protocol, not domain: it lives next
 * to the session, not in services/.
 */
#ifndef CG_HELLO_H
#define CG_HELLO_H

#include "route.h"

#define CG_PROTOCOL_VERSION_SERVED 1

extern const cg_route_table cg_hello_routes;

#endif
