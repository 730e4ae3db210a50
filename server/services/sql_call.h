/*
 * Requests answered by one SQL function: the request message goes to
 * PostgreSQL as JSON ($2, keyed by proto field names), with the account name
 * ($1) and, for the audit log, who asked and which request ($3-$5); the
 * function does the whole change in its one transaction (row scope,
 * validation, history, idempotency, audit) and returns the reply as JSON.
 * Errors it raises with SQLSTATE CG0NN reach the client as wire code NN
 * with the function's message and column (the field at fault).
 */
#ifndef CG_SQL_CALL_H
#define CG_SQL_CALL_H

#include "envelope.h"
#include "request.h"

void cg_sql_call(cg_request *r, const cg_envelope *env);

/* A route answered by the SQL function cg_api.FUNCTION(account, request);
 * flags as in route.h. The connection's certificate fingerprint ($3), the
 * request's id ($4) and the route's name ($5) are set for the transaction
 * first, for the audit log (sql/api/step7_audit.sql); so is the caller's row
 * scope, which the tables' policies read (sql/0027_row_security.sql): the
 * session's scope ($6: city, unit, property or integration), unit ($7) and
 * account ($1). */
// clang-format off
#define CG_SQL_ROUTE_FLAGS(body, name, function, flags) \
    {CHENGGUAN__V1__ENVELOPE__BODY_##body, name, cg_sql_call, \
     "WITH ctx AS MATERIALIZED (SELECT set_config('cg.cert_sha256', $3, true), " \
     "set_config('cg.request_id', $4, true), set_config('cg.request_type', $5, true), " \
     "set_config('cg.scope', $6, true), set_config('cg.unit', $7, true), " \
     "set_config('cg.account', $1, true)) " \
     "SELECT cg_api." function "($1, $2::jsonb) FROM ctx", flags}
// clang-format on
#define CG_SQL_ROUTE(body, name, function) CG_SQL_ROUTE_FLAGS(body, name, function, 0)

#endif
