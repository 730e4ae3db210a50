/*
 * Account roles. The role of a connection comes from the accounts table;
 * the authorisation table (authz.h) holds the roles of each request as bit
 * masks.
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
    CG_ROLE_OFFICER = 1 << 6,     /* an enforcement officer of a unit (网格员) */
    CG_ROLE_UNIT_LEADER = 1 << 7, /* a unit's leader in charge (分管领导) */
} cg_role;

/* "unit" -> CG_ROLE_UNIT; CG_ROLE_NONE when unknown. */
cg_role cg_role_parse(const char *name);

#endif
