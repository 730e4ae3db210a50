/*
 * The system service: Hello (maps the certificate to an account), Ping and
 * WhoAmI. Handlers take a request and the unpacked envelope (valid only
 * during the call) and finish the request exactly once.
 */
#ifndef CG_SYSTEM_SERVICE_H
#define CG_SYSTEM_SERVICE_H

#include "envelope.h"
#include "request.h"

void cg_system_hello(cg_request *r, const cg_envelope *env);
void cg_system_ping(cg_request *r, const cg_envelope *env);
void cg_system_whoami(cg_request *r, const cg_envelope *env);

#endif
