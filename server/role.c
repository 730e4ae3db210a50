#include "role.h"

#include <string.h>

cg_role cg_role_parse(const char *name)
{
    static const struct {
        const char *name;
        cg_role role;
    } roles[] = {
        {"hq", CG_ROLE_HQ},
        {"supervision", CG_ROLE_SUPERVISION},
        {"section", CG_ROLE_SECTION},
        {"unit", CG_ROLE_UNIT},
        {"property", CG_ROLE_PROPERTY},
        {"integration", CG_ROLE_INTEGRATION},
        {"officer", CG_ROLE_OFFICER},
        {"unit_leader", CG_ROLE_UNIT_LEADER},
    };
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(roles[i].name, name) == 0)
            return roles[i].role;
    return CG_ROLE_NONE;
}
