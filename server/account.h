/*
 * The account row as Hello and WhoAmI read it: one SELECT list, one column
 * order, so the two lookups cannot drift apart.
 */
#ifndef CG_ACCOUNT_H
#define CG_ACCOUNT_H

#define CG_ACCOUNT_SELECT                                                                          \
    "SELECT a.name, a.role, coalesce(a.unit_code, ''), coalesce(u.name_zh, ''), "                  \
    "a.display_name, a.disabled_at IS NOT NULL, coalesce(cg_internal.event_key(a), '') "           \
    "FROM accounts a LEFT JOIN units u ON u.code = a.unit_code "

enum {
    CG_ACCOUNT_NAME,
    CG_ACCOUNT_ROLE,
    CG_ACCOUNT_UNIT,
    CG_ACCOUNT_UNIT_NAME,
    CG_ACCOUNT_DISPLAY,
    CG_ACCOUNT_DISABLED,
    CG_ACCOUNT_EVENT_KEY /* the key its events are delivered on; "": none */
};

#endif
