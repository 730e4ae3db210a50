#include "db/conninfo.h"

#include "buf.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends key='value' with the quoting libpq's conninfo parser expects. */
static int append_pair(cg_buf *b, const char *key, const char *value)
{
    int rc = cg_buf_append(b, key, strlen(key));
    rc = rc ? rc : cg_buf_append(b, "='", 2);
    for (const char *p = value; rc == 0 && *p; p++) {
        if (*p == '\'' || *p == '\\')
            rc = cg_buf_append(b, "\\", 1);
        if (rc == 0)
            rc = cg_buf_append(b, p, 1);
    }
    return rc ? rc : cg_buf_append(b, "' ", 2);
}

/* The server's own session settings, before the cg.* ones. No JIT: the
 * planner counts every row-level security subquery at full price per row,
 * though the city scope passes before any runs (sql/0039_row_security_children.sql),
 * so a report over a year's rows crosses the JIT thresholds and compiles for
 * longer than it runs (the bulletin: 0.5 s without JIT, 1.6 s with it). */
static const char server_options[] = " -c jit=off";

char *cg_conninfo_with_settings(const char *conninfo, const char *const *settings, char *err,
                                size_t errlen)
{
    char *why = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &why);
    if (opts == NULL) {
        snprintf(err, errlen, "database: %s", why ? why : "out of memory");
        PQfreemem(why);
        return NULL;
    }
    cg_buf options = CG_BUF_INIT, out = CG_BUF_INIT;
    int rc = 0;
    for (PQconninfoOption *o = opts; rc == 0 && o->keyword; o++) {
        if (strcmp(o->keyword, "options") == 0 && o->val != NULL)
            rc = cg_buf_append(&options, o->val, strlen(o->val));
        else if (o->val != NULL)
            rc = append_pair(&out, o->keyword, o->val);
    }
    if (rc == 0)
        rc = cg_buf_append(&options, server_options, strlen(server_options));
    for (const char *const *s = settings; rc == 0 && s[0] != NULL; s += 2) {
        char one[256];
        snprintf(one, sizeof one, " -c cg.%s=%s", s[0], s[1]);
        rc = cg_buf_append(&options, one, strlen(one));
    }
    if (rc == 0)
        rc = cg_buf_append(&options, "", 1);
    if (rc == 0)
        rc = append_pair(&out, "options", (const char *)options.data);
    if (rc == 0)
        rc = cg_buf_append(&out, "", 1);
    PQconninfoFree(opts);
    cg_buf_free(&options);
    if (rc != 0) {
        cg_buf_free(&out);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return (char *)out.data;
}
