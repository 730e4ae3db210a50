/*
 * The authorisation table: which role may send which request, and whether
 * over every unit's rows or its own only. It is sql/api/authz.sql, the same
 * lines the database reads (cg_internal.authz), compiled in by
 * cmake/authz_run.cmake; the API checksum that every database connection
 * compares keeps the two the same. The dispatcher checks it before any
 * handler runs; a request without a line is refused to everyone.
 */
#ifndef CG_AUTHZ_H
#define CG_AUTHZ_H

#include "role.h"

#include <stddef.h>

typedef enum {
    CG_SCOPE_NONE = 0, /* refused: PERMISSION_DENIED */
    CG_SCOPE_OWN,      /* its own unit's (or reports, or filings) rows only */
    CG_SCOPE_ALL,      /* every unit's rows */
} cg_scope;

typedef struct {
    const char *request; /* the route name: "report.submit" */
    unsigned all;        /* CG_ROLE_* with scope all */
    unsigned own;        /* CG_ROLE_* with scope own */
} cg_authz_row;

/* Generated (build/authz_data.c), sorted by request. */
extern const cg_authz_row cg_authz_rows[];
extern const size_t cg_authz_count;

/* The line of request, or NULL when it has none. */
const cg_authz_row *cg_authz_find(const char *request);

/* What role may do with request: CG_SCOPE_NONE when the table has no line
 * for it or the role is not on it. */
cg_scope cg_authz_scope(const char *request, cg_role role);

#endif
