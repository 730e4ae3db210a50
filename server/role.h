/*
 * Account roles. The role of a connection comes from the accounts table;
 * routes name the roles they admit as a bit mask.
 */
#ifndef CG_ROLE_H
#define CG_ROLE_H

typedef enum {
    CG_ROLE_NONE = 0,
    CG_ROLE_HQ = 1 << 0,          /* 市城管执法局: sees everything */
    CG_ROLE_SUPERVISION = 1 << 1, /* 督查科: inspects and assesses */
    CG_ROLE_SECTION = 1 << 2,     /* other sections of the bureau */
    CG_ROLE_UNIT = 1 << 3,        /* sub-bureau, brigade or detachment */
    CG_ROLE_PROPERTY = 1 << 4,    /* property-management company */
    CG_ROLE_INTEGRATION = 1 << 5, /* another municipal system (12345) */
} cg_role;

#define CG_ROLES_ALL                                                                               \
    (CG_ROLE_HQ | CG_ROLE_SUPERVISION | CG_ROLE_SECTION | CG_ROLE_UNIT | CG_ROLE_PROPERTY |        \
     CG_ROLE_INTEGRATION)

/* "unit" -> CG_ROLE_UNIT; CG_ROLE_NONE when unknown. */
cg_role cg_role_parse(const char *name);

#endif
