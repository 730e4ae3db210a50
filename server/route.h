/*
 * A route: which request body it serves and how it is answered. Services
 * publish their routes as tables; the dispatcher looks a request up in them
 * and, before any handler runs, checks the session's role against the
 * route's name in the authorisation table (authz.h, sql/api/authz.sql).
 */
#ifndef CG_ROUTE_H
#define CG_ROUTE_H

#include "envelope.h"

#include <stddef.h>

struct cg_request;

typedef struct cg_route {
    Chengguan__V1__Envelope__BodyCase body;
    const char *name; /* "compound.add": its line in the authorisation table, logs */
    /* Either a handler in C... */
    void (*handler)(struct cg_request *r, const cg_envelope *env);
    /* ...or one SQL function call (services/sql_call.c), e.g.
     * "SELECT cg_api.compound_add($1, $2::jsonb)": $1 the account, $2 the
     * request as JSON; it returns the reply as JSON. */
    const char *sql;
    unsigned flags; /* CG_ROUTE_* */
} cg_route;

/* The route writes events: after it succeeds the event doorbell rings. */
#define CG_ROUTE_RINGS 1u
/* Not counted against max_request_rate: answered on the loop, without the
 * database (max_inflight and max_output_bytes bound it). */
#define CG_ROUTE_UNMETERED 2u

typedef struct {
    const cg_route *routes;
    size_t count;
} cg_route_table;

#define CG_ROUTE_TABLE(array)                                                                      \
    {                                                                                              \
        array, sizeof array / sizeof array[0]                                                      \
    }

#endif
