/*
 * Server settings the SQL functions read (current_setting('cg.NAME')) travel
 * in the connection's startup options, so every pooled connection has them
 * from its first statement and no extra round trip is needed.
 */
#ifndef CG_CONNINFO_H
#define CG_CONNINFO_H

#include <stddef.h>

/*
 * A conninfo equal to conninfo (a key=value string or a URI) whose `options`
 * also carries the server's session settings (jit=off) and
 * " -c cg.NAME=VALUE" for every pair in settings (NULL-ended
 * name, value, name, value, ...). Values must not contain spaces. Returns a
 * malloc'd string, or NULL with the reason in err (bad conninfo).
 */
char *cg_conninfo_with_settings(const char *conninfo, const char *const *settings, char *err,
                                size_t errlen);

#endif
