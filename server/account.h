/*
 * The account row as Hello and WhoAmI read it: one SELECT list, one column
 * order, so the two lookups cannot drift apart.
 */
#ifndef CG_ACCOUNT_H
#define CG_ACCOUNT_H

#define CG_ACCOUNT_SELECT                                                                          \
    "SELECT a.name, a.role, coalesce(a.unit_code, ''), coalesce(u.name_zh, ''), "                  \
    "a.display_name, a.disabled_at IS NOT NULL, coalesce(a.officer_id, 0) "                        \
    "FROM accounts a LEFT JOIN units u ON u.code = a.unit_code "

enum {
    CG_ACCOUNT_NAME,
    CG_ACCOUNT_ROLE,
    CG_ACCOUNT_UNIT,
    CG_ACCOUNT_UNIT_NAME,
    CG_ACCOUNT_DISPLAY,
    CG_ACCOUNT_DISABLED,
    CG_ACCOUNT_OFFICER /* the officer an officer account is; 0: none */
};

#endif
