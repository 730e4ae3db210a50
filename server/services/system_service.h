/*
 * The system service: Ping and WhoAmI (Hello, which is protocol, is in
 * server/hello.c). Handlers take a request and the unpacked envelope (valid only
 * during the call) and finish the request exactly once.
 */
#ifndef CG_SYSTEM_SERVICE_H
#define CG_SYSTEM_SERVICE_H

#include "route.h"

extern const cg_route_table cg_system_routes;

#endif
