/*
 * Lengths of the names the server and its clients hold in fixed buffers,
 * the same limits the schema checks (sql/0001_core.sql: accounts.name
 * '^[a-z][a-z0-9_-]{1,63}$', units.code '^[a-z][a-z0-9_-]{1,31}$'). A
 * buffer holds the name and its NUL: char account[CG_ACCOUNT_NAME_MAX + 1].
 */
#ifndef CHENGGUAN_LIMITS_H
#define CHENGGUAN_LIMITS_H

#define CG_ACCOUNT_NAME_MAX 64 /* characters of an account name */
#define CG_UNIT_CODE_MAX    32 /* characters of a unit code */

#endif
