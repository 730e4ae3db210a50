#include "authz.h"

#include <stdlib.h>
#include <string.h>

static int compare(const void *key, const void *row)
{
    return strcmp(key, ((const cg_authz_row *)row)->request);
}

const cg_authz_row *cg_authz_find(const char *request)
{
    return bsearch(request, cg_authz_rows, cg_authz_count, sizeof cg_authz_rows[0], compare);
}

cg_scope cg_authz_scope(const char *request, cg_role role)
{
    const cg_authz_row *row = cg_authz_find(request);
    if (row == NULL || role == CG_ROLE_NONE)
        return CG_SCOPE_NONE;
    if (row->all & (unsigned)role)
        return CG_SCOPE_ALL;
    return row->own & (unsigned)role ? CG_SCOPE_OWN : CG_SCOPE_NONE;
}
